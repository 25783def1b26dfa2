/**
 * Completion in an expectations file: `allow`, `deny` and `file` to start a line, profile
 * names after `allow`/`deny` (the folder's and the `file` lines', and the workspace's), file
 * names after `file`, and accesses written like rules: the forms first, then, inside one,
 * what a rule's completion offers there (capability names, network families …).
 */
import { CompletionItem, CompletionItemKind, CompletionList, InsertTextFormat, Position, Range } from 'vscode-languageserver-types';
import type { Analyzer } from '../analyze';
import { lineParts } from '../evaluate/expectationLine';
import { parseExpectations } from '../evaluate/expectations';
import { EXPECTATIONS_EXTENSION, expectationFile, expectationProfileNames, IsOpen } from '../evaluate/runExpectations';
import { dirName } from '../includes';
import { CompletionSupport, doComplete } from './doComplete';

export interface ExpectationCompletionContext {
  /** Profiles the workspace index knows, beyond the folder's. */
  readonly workspaceProfiles?: () => readonly string[];
  readonly support?: CompletionSupport;
  readonly isOpen?: IsOpen;
}

/** Access forms: label, snippet (tab stops), plain text, what it asks. */
const FORMS: readonly (readonly [string, string, string, string])[] = [
  ['r PATH', 'r ${1:/etc/hostname}', 'r ', 'read a file'],
  ['w PATH', 'w ${1:/tmp/out}', 'w ', 'write a file'],
  ['x PATH', 'x ${1:/usr/bin/ls}', 'x ', 'execute a program (the transition the profile gives)'],
  ['m PATH', 'm ${1:/usr/lib/libx.so}', 'm ', 'map a file executable'],
  ['owner w PATH', 'owner w ${1:/home/alice/.config/app/x}', 'owner w ', "write a file that belongs to the process's user"],
  ['link NEW -> EXISTING', 'link ${1:/tmp/new} -> ${2:/tmp/old}', 'link ', 'make a hard link'],
  ['capability NAME', 'capability ${1:net_admin}', 'capability ', 'use a capability'],
  ['network FAMILY TYPE', 'network ${1:inet} ${2:stream}', 'network ', 'create a socket'],
  ['unix connect type=… addr=…', 'unix ${1:connect} type=${2:stream} addr=${3:@sock}', 'unix ', 'a unix socket operation'],
  ['signal send set=… peer=…', 'signal send set=${1:term} peer=${2:unconfined}', 'signal ', 'send a signal'],
  ['ptrace read peer=…', 'ptrace ${1:read} peer=${2:name}', 'ptrace ', 'trace or read another process'],
  ['dbus send bus=… path=… interface=… member=…', 'dbus send bus=${1:session} path=${2:/org/x} interface=${3:org.x} member=${4:Ping}', 'dbus ', 'a D-Bus message'],
  ['mount fstype=… SOURCE -> POINT', 'mount fstype=${1:ext4} ${2:/dev/sda1} -> ${3:/mnt/}', 'mount ', 'mount a file system'],
  ['umount POINT', 'umount ${1:/mnt/}', 'umount ', 'unmount'],
  ['change_profile -> NAME', 'change_profile -> ${1:other}', 'change_profile -> ', 'move to another profile'],
  ['userns create', 'userns create', 'userns create', 'create a user namespace'],
];

export function completeExpectations(analyzer: Analyzer, path: string, text: string, position: Position, ctx: ExpectationCompletionContext = {}): CompletionList {
  const rows = text.split(/\r?\n/);
  const row = rows[position.line] ?? '';
  const before = row.slice(0, position.character);
  if (/(^|\s)#/.test(before)) return { isIncomplete: false, items: [] };
  const parts = lineParts(before);
  const typing = /\S*$/.exec(before)![0];
  const range: Range = { start: { line: position.line, character: position.character - typing.length }, end: position };
  const item = (label: string, kind: CompletionItemKind, detail?: string): CompletionItem => ({ label, kind, ...(detail ? { detail } : {}), textEdit: { range, newText: label } });
  const words = before.trim() === '' ? 0 : before.trim().split(/\s+/).length - (typing === '' ? 0 : 1);
  if (words === 0) {
    return list([item('allow', CompletionItemKind.Keyword, 'allow PROFILE ACCESS: the profile must allow it'),
      item('deny', CompletionItemKind.Keyword, 'deny PROFILE ACCESS: the profile must deny it'),
      item('file', CompletionItemKind.Keyword, 'file PATH: the profile file the lines below test')]);
  }
  const keyword = parts.keyword?.text;
  if (keyword === 'file') return list(fileNames(analyzer, path, before.slice(parts.keyword!.end).trimStart(), position));
  if (keyword !== 'allow' && keyword !== 'deny') return list([]);
  if (words === 1) {
    const files = parseExpectations(text).items.map((i) => i.file).filter((f): f is string => f !== undefined);
    const fileLines = rows.flatMap((r) => (/^\s*file\s+(.+?)\s*$/.exec(r.replace(/(^|\s)#.*$/, '')) ?? []).slice(1, 2));
    const names = new Set([...expectationProfileNames(analyzer, path, [...new Set([...files, ...fileLines])], ctx.isOpen), ...(ctx.workspaceProfiles?.() ?? [])]);
    return list([...names].sort().map((n) => item(n, CompletionItemKind.Module, 'profile')));
  }
  if (words === 2) return list(forms(range, ctx.support));
  // Inside an access: what a rule's completion offers at the same place of an indented rule line.
  const start = parts.access?.start ?? before.length;
  const shifted = '\n'.repeat(position.line) + ' '.repeat(start) + before.slice(start);
  return doComplete(shifted, shifted.length, ctx.support ? { support: ctx.support } : {});
}

function list(items: CompletionItem[]): CompletionList {
  return { isIncomplete: false, items };
}

function forms(range: Range, support: CompletionSupport | undefined): CompletionItem[] {
  return FORMS.map(([label, snippet, plain, detail], i) => ({
    label, kind: CompletionItemKind.Snippet, detail, sortText: String(i).padStart(2, '0'),
    ...(support?.snippets ? { insertTextFormat: InsertTextFormat.Snippet, textEdit: { range, newText: snippet } } : { textEdit: { range, newText: plain } }),
  }));
}

/** Files beside the expectations file (and in the folder typed so far), for `file PATH`. */
function fileNames(analyzer: Analyzer, path: string, typed: string, position: Position): CompletionItem[] {
  const slash = typed.lastIndexOf('/');
  const sub = slash >= 0 ? typed.slice(0, slash + 1) : '';
  const dir = sub === '' ? dirName(path) : expectationFile(path, sub);
  const fs = analyzer.options.fs;
  const range: Range = { start: { line: position.line, character: position.character - (typed.length - sub.length) }, end: position };
  return fs.readDirectory(dir).filter((n) => !n.startsWith('.') && !n.endsWith(EXPECTATIONS_EXTENSION)).sort().map((n) => {
    const folder = fs.stat(dir === '/' ? `/${n}` : `${dir}/${n}`) === 'directory';
    return { label: folder ? `${n}/` : n, kind: folder ? CompletionItemKind.Folder : CompletionItemKind.File, textEdit: { range, newText: folder ? `${n}/` : n } };
  });
}
