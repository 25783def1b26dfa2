import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { ParserMessage } from './parserMessages';
import { pathToUri } from './uri';

/**
 * Turns apparmor_parser's messages into diagnostics per file URI: each at its line (the
 * parser gives no column) or, without a line, at the top of the checked file. A message on
 * a line where we already report an error adds nothing and is dropped.
 */
export function parserDiagnostics(messages: readonly ParserMessage[], checkedPath: string, lineText: (uri: string, line: number) => string | undefined): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const m of messages) {
    const uri = pathToUri(m.file && m.file.startsWith('/') ? m.file : checkedPath);
    const line = Math.max(0, (m.line ?? 1) - 1);
    const text = lineText(uri, line) ?? '';
    const first = text.length - text.trimStart().length;
    const d: Diagnostic = {
      range: { start: { line, character: first }, end: { line, character: Math.max(first, text.length) } },
      severity: m.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      source: 'apparmor_parser',
      message: m.message,
    };
    out.set(uri, [...(out.get(uri) ?? []), d]);
  }
  return out;
}

/** Our codes that say an include (or abi) could not be opened: the parser's "Could not open" repeats them. */
const OURS_NOT_FOUND = new Set(['include-not-found', 'include-unreadable', 'abi-not-found']);
/** Ours that cover every unresolved include of the file at once. */
const OURS_UNRESOLVED = new Set(['include-path-unresolved', 'include-unresolved']);

/**
 * Ours, then the parser's that add something: not an error on a line where we report one,
 * nor its "Could not open" of an include we already say is missing.
 */
export function mergeDiagnostics(ours: readonly Diagnostic[], theirs: readonly Diagnostic[]): Diagnostic[] {
  const errorLines = new Set(ours.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => d.range.start.line));
  const notFoundLines = new Set(ours.filter((d) => OURS_NOT_FOUND.has(String(d.code))).map((d) => d.range.start.line));
  const unresolved = ours.some((d) => OURS_UNRESOLVED.has(String(d.code)));
  const repeats = (d: Diagnostic): boolean => {
    if (d.severity === DiagnosticSeverity.Error && errorLines.has(d.range.start.line)) return true;
    return /^(In \S+(?: line \d+)?: )?Could not open /.test(Diagnostic.getMessageString(d)) && (unresolved || notFoundLines.has(d.range.start.line));
  };
  return [...ours, ...theirs.filter((d) => !repeats(d))];
}
