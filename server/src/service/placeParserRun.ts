import { Diagnostic, DiagnosticSeverity, Range } from 'vscode-languageserver-types';
import type { FileNode, IncludeNode } from './ast';
import { declaredAbi } from './checks/checkVersions';
import { compareVersions } from './data/facts';
import type { LineIndex } from './diagnostics';
import type { ParserMessage } from './parserMessages';
import { pathToUri } from './uri';
import { walkItems } from './walk';

/** The checked file as the editor has it, and how to follow its includes. */
export interface CheckedFile {
  readonly path: string;
  readonly text: string;
  readonly ast: FileNode;
  readonly lines: LineIndex;
  /** The ABI the file is held to when it declares none (the abi setting). */
  readonly abi?: string;
  /** Whether `file` is the include's target or lies below it. */
  reaches(include: IncludeNode, file: string): boolean;
}

/** Which apparmor_parser spoke: its version where known, and its path where it is not the usual one. */
export interface ParserIdentity {
  readonly version?: string;
  readonly path?: string;
  /** Where it ran, for a target (`on web1`). */
  readonly where?: string;
}

/** How the parser is named in its messages: `apparmor_parser 3.0.8`, with its path or target when set. */
function parserLabel(id: ParserIdentity): string {
  const name = `apparmor_parser${id.version ? ` ${id.version}` : ''}`;
  const extra = [id.path, id.where].filter((x): x is string => !!x);
  return extra.length > 0 ? `${name}, ${extra.join(', ')}` : name;
}

/**
 * apparmor_parser's messages as diagnostics of the checked file alone. A message about
 * another file (an abstraction the user may never have opened) goes on the include line
 * that reaches it, with the real place as related information. When the parser is older
 * than the file's ABI, its errors are mostly syntax it does not know: one note says so
 * instead.
 */
export function placeParserRun(messages: readonly ParserMessage[], id: ParserIdentity, file: CheckedFile): Diagnostic[] {
  const label = parserLabel(id);
  const abi = declaredAbi(file.ast) ?? file.abi;
  if (id.version && abi && compareVersions(abi, majorMinor(id.version)) > 0 && messages.some((m) => m.severity === 'error')) {
    return [olderThanAbi(label, abi, messages.length, file)];
  }
  return messages.map((m) => place(m, label, file));
}

function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

function olderThanAbi(label: string, abi: string, count: number, file: CheckedFile): Diagnostic {
  const node = file.ast.items.find((i) => i.type === 'abi');
  const range = node ? file.lines.rangeOf(node.start, node.end) : lineRange(file, 0);
  const what = count === 1 ? 'its message is' : `its ${count} messages are`;
  return {
    range,
    severity: DiagnosticSeverity.Information,
    source: 'apparmor_parser',
    message: `${label} is older than this file's abi ${abi}, so it does not know all of its syntax: ${what} not shown. Set apparmor.parserPath to an apparmor_parser of ${abi} or later for its check on save.`,
  };
}

function place(m: ParserMessage, label: string, file: CheckedFile): Diagnostic {
  const severity = m.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
  const other = m.file && m.file.startsWith('/') && m.file !== file.path ? m.file : undefined;
  if (!other) {
    return { range: lineRange(file, Math.max(0, (m.line ?? 1) - 1)), severity, source: 'apparmor_parser', message: `${m.message} (${label})` };
  }
  const include = includeReaching(file, other);
  const at = m.line === undefined ? '' : ` line ${m.line}`;
  const there: Range = { start: { line: Math.max(0, (m.line ?? 1) - 1), character: 0 }, end: { line: Math.max(0, (m.line ?? 1) - 1), character: 0 } };
  return {
    range: include ? file.lines.rangeOf(include.start, include.end) : lineRange(file, 0),
    severity,
    source: 'apparmor_parser',
    message: `In ${other}${at}: ${m.message} (${label})`,
    relatedInformation: [{ location: { uri: pathToUri(other), range: there }, message: m.message }],
  };
}

/** The first include of the file whose target is `path` or leads to it. */
function includeReaching(file: CheckedFile, path: string): IncludeNode | undefined {
  let found: IncludeNode | undefined;
  walkItems(file.ast.items, (item) => {
    if (!found && item.type === 'include' && file.reaches(item, path)) found = item;
  });
  return found;
}

/** A whole line, from its first non-blank: the parser gives no column. */
function lineRange(file: CheckedFile, line: number): Range {
  const start = file.lines.offsetAt({ line, character: 0 });
  const end = file.lines.offsetAt({ line: line + 1, character: 0 });
  const text = file.text.slice(start, end).replace(/\r?\n$/, '');
  const first = text.length - text.trimStart().length;
  return { start: { line, character: first }, end: { line, character: Math.max(first, text.length) } };
}
