import { CompletionItem, CompletionItemKind, CompletionList, InsertTextFormat, MarkupKind, Range } from 'vscode-languageserver-types';
import { CAPABILITY_DOCS, DANGEROUS_CAPABILITIES, EXEC_DOCS, PERMISSION_DOCS, RULE_DOCS } from '../data/docs';
import {
  BUILTIN_VARIABLES, CAPABILITIES, DBUS_PERMS, FactTable, IO_URING_PERMS, MOUNT_OPTIONS, MQUEUE_PERMS, NETWORK_FAMILIES,
  NETWORK_PERMS, NETWORK_TYPES, PROFILE_FLAGS, PTRACE_PERMS, RLIMIT_SIZE_UNITS, RLIMIT_TIME_UNITS, RLIMITS, SIGNAL_PERMS, SIGNALS, UNIX_PERMS, USERNS_PERMS,
} from '../data/facts';

export interface CompletionContext {
  /** Include names the search path offers (`abstractions/base`, `tunables/global` …). */
  readonly includeNames?: readonly string[];
  /** Variables in scope, without `@{ }`. */
  readonly variables?: readonly string[];
  /** Profile names known in the file and workspace, for `-> target` and `peer=`; asked for only when needed. */
  readonly profileNames?: () => readonly string[];
  /** The character whose typing asked for completion, when one did. */
  readonly triggerCharacter?: string;
}

/** Where the cursor is: the line's text around it, and the LSP position of the line. */
interface Place {
  readonly before: string;
  readonly after: string;
  readonly line: number;
}

/** Permissions by rule keyword, for `RULE (` and a bare first word. */
const PERMS_BY_RULE: Readonly<Record<string, FactTable>> = {
  dbus: DBUS_PERMS, signal: SIGNAL_PERMS, ptrace: PTRACE_PERMS, unix: UNIX_PERMS, network: NETWORK_PERMS,
  mqueue: MQUEUE_PERMS, io_uring: IO_URING_PERMS, userns: USERNS_PERMS,
};

const words = (names: Iterable<string>, kind: CompletionItemKind = CompletionItemKind.EnumMember, detail?: string): CompletionItem[] =>
  [...names].map((label) => ({ label, kind, ...(detail ? { detail } : {}) }));

/** What a rule keyword expands to when completed: the rule's shape, with tab stops. */
const RULE_SNIPPETS: Readonly<Record<string, string>> = {
  capability: 'capability ${1:net_bind_service},',
  network: 'network ${1|inet,inet6,unix,netlink|} ${2|stream,dgram,raw|},',
  unix: 'unix (${1:send, receive}) type=${2|stream,dgram,seqpacket|},',
  dbus: 'dbus ${1|send,receive,bind|} bus=${2|session,system|} path=${3:/org/example} interface=${4:org.example.Interface} member=${5:Method},',
  signal: 'signal (${1|send,receive|}) set=(${2:term}) peer=${3:peer},',
  ptrace: 'ptrace (${1|read,trace|}) peer=${2:peer},',
  mount: 'mount fstype=${1:tmpfs} ${2:none} -> ${3:/mnt/},',
  umount: 'umount ${1:/mnt/},',
  pivot_root: 'pivot_root oldroot=${1:/old/} ${2:/new/},',
  change_profile: 'change_profile -> ${1:profile},',
  file: 'file ${1:/path} ${2:r},',
  link: 'link ${1:/src} -> ${2:/dst},',
  set: 'set rlimit ${1|nofile,nproc,data,cpu|} <= ${2:1024},',
  include: 'include <${1:abstractions/base}>',
  profile: 'profile ${1:name} ${2:/usr/bin/name} {\n\t$0\n}',
  hat: '^${1:hat} {\n\t$0\n}',
  abi: 'abi <abi/${1:3.0}>,',
};

const doc = (value: string): CompletionItem['documentation'] => ({ kind: MarkupKind.Markdown, value });

/**
 * Completion from the text before the cursor: it works on half-written rules, which
 * are exactly what a parse tree cannot describe well.
 */
export function doComplete(text: string, offset: number, context: CompletionContext = {}): CompletionList {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const place: Place = { before: text.slice(lineStart, offset), after: text.slice(offset, lineEnd < 0 ? text.length : lineEnd), line: lineOf(text, lineStart) };
  // A space typed into indentation, or a trigger character outside its places, asks for nothing.
  if (context.triggerCharacter === ' ' && /^\s*$/.test(place.before)) return { isIncomplete: false, items: [] };
  return { isIncomplete: false, items: completedInPlace(place, context) ?? itemsFor(place.before, context) };
}

function lineOf(text: string, lineStart: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Items that replace what is typed of a name: a variable in `@{…}` or after a bare `@`, an
 * include name in `<…>`. Each item's range covers the typed part, so the editor filters by it
 * (not by its word, which `@{}` and `<>` are not), and stops before the closer the editor
 * auto-inserted, which is added only when it is missing.
 */
function completedInPlace(place: Place, context: CompletionContext): CompletionItem[] | undefined {
  const { before, after } = place;
  const range = (typed: number, tail: number): Range =>
    ({ start: { line: place.line, character: before.length - typed }, end: { line: place.line, character: before.length + tail } });
  let m: RegExpExecArray | null;
  if ((m = /(?:^|\s)#?include(?:\s+if\s+exists)?\s*<([^>\s]*)$/.exec(before))) {
    const tail = /^[^>\s]*/.exec(after)![0];
    const closer = after[tail.length] === '>' ? '' : '>';
    const r = range(m[1]!.length, tail.length);
    return (context.includeNames ?? []).map((label) => ({ label, kind: CompletionItemKind.File, textEdit: { range: r, newText: label + closer } }));
  }
  const braced = /@\{(\w*)$/.exec(before);
  const bare = braced ? null : /(?:^|[^\w@$])@(\w*)$/.exec(before);
  if (!braced && !bare) return undefined;
  if (/#/.test(before.replace(/^\s*#\s*include\b/, ''))) return []; // a comment
  const tail = /^\w*/.exec(after)![0];
  const names = [...new Set([...(context.variables ?? []), ...BUILTIN_VARIABLES])].sort();
  if (braced) {
    const closer = after[tail.length] === '}' ? '' : '}';
    const r = range(braced[1]!.length, tail.length);
    return names.map((label) => ({ label, kind: CompletionItemKind.Variable, detail: `@{${label}}`, textEdit: { range: r, newText: label + closer } }));
  }
  // The range starts after the `@`: VS Code shows nothing when it starts on a character the names lack.
  const r = range(bare![1]!.length, tail.length);
  return names.map((label) => ({ label, kind: CompletionItemKind.Variable, detail: `@{${label}}`, textEdit: { range: r, newText: `{${label}}` } }));
}

function itemsFor(before: string, context: CompletionContext): CompletionItem[] {
  let m: RegExpExecArray | null;
  if ((m = /\bset=\(([^)]*)$/.exec(before)) && /^\s*(?:(?:audit|deny|allow)\s+)*signal\b/.test(before)) {
    return words([...SIGNALS.keys(), 'rtmin+0'], CompletionItemKind.EnumMember, 'signal');
  }
  if ((m = /^\s*(?:(?:audit|deny|allow)\s+)*(dbus|signal|ptrace|unix|network|mqueue|io_uring|userns)\s*\([^)]*$/.exec(before))) {
    return words(PERMS_BY_RULE[m[1]!]!.keys(), CompletionItemKind.EnumMember, `${m[1]} permission`);
  }
  if (/\boptions?\s*(=|in)\s*(\([^)]*|[^\s,(]*)$/.test(before) && /^\s*(?:(?:audit|deny|allow)\s+)*(mount|remount|umount)\b/.test(before)) {
    return words(MOUNT_OPTIONS.keys(), CompletionItemKind.EnumMember, 'mount option');
  }
  if (/^\s*set\s+rlimit\s+\w*$/.test(before)) return words(RLIMITS.keys(), CompletionItemKind.EnumMember, 'rlimit');
  if ((m = /^\s*set\s+rlimit\s+(\w+)\s*<=\s*\d+$/.exec(before))) {
    const timed = m[1] === 'cpu' || m[1] === 'rttime';
    return words(timed ? RLIMIT_TIME_UNITS.keys() : m[1] === 'nice' ? [] : RLIMIT_SIZE_UNITS.keys(), CompletionItemKind.Unit, timed ? 'time unit' : 'size unit');
  }
  if (/(->\s*|\bpeer=\(?(?:label=)?)[^\s,)]*$/.test(before)) {
    return words(context.profileNames?.() ?? [], CompletionItemKind.Class, 'profile');
  }
  if (/\bflags\s*=\s*\([^)]*$/.test(before) || /^\s*(profile\s+)?\S+(\s+\S+)?\s+\([^)]*$/.test(before)) {
    return [...PROFILE_FLAGS.values()].map((f) => ({ label: f.name + (f.value ? '=' : ''), kind: CompletionItemKind.EnumMember, detail: `profile flag (AppArmor ${f.since})` }));
  }
  if (/^\s*(?:(?:audit|deny|allow)\s+)*capability\s+(?:[a-z_]+\s+)*[a-z_]*$/.test(before)) {
    return [...CAPABILITIES.keys()].map((label) => ({
      label,
      kind: CompletionItemKind.EnumMember,
      detail: DANGEROUS_CAPABILITIES.has(label) ? 'capability (powerful)' : 'capability',
      documentation: doc(CAPABILITY_DOCS[label] ?? ''),
    }));
  }
  if ((m = /^\s*(?:(?:audit|deny|allow)\s+)*network\s+(\S+\s+)?\S*$/.exec(before))) {
    const names = m[1] ? [...NETWORK_TYPES.keys(), 'tcp', 'udp', 'icmp'] : [...NETWORK_FAMILIES.keys(), ...NETWORK_TYPES.keys()];
    return names.map((label) => ({ label, kind: CompletionItemKind.EnumMember }));
  }
  if (/^\s*(?:(?:audit|deny|allow|owner|user|other)\s+)*(?:file\s+)?[/@"]\S*\s+[a-zA-Z]*$/.test(before)) {
    return [
      ...Object.entries(PERMISSION_DOCS).map(([label, d]) => ({ label, kind: CompletionItemKind.Operator, documentation: doc(d) })),
      ...Object.entries(EXEC_DOCS).map(([label, d]) => ({ label, kind: CompletionItemKind.Operator, detail: 'exec transition', documentation: doc(d) })),
    ];
  }
  if (/^\s*[a-z_]*$/.test(before)) {
    return Object.entries(RULE_DOCS).map(([label, d]) => {
      const snippet = RULE_SNIPPETS[label];
      return {
        label,
        kind: CompletionItemKind.Keyword,
        documentation: doc(d),
        ...(snippet ? { insertText: snippet, insertTextFormat: InsertTextFormat.Snippet } : {}),
      };
    });
  }
  return [];
}
