import { CodeAction, CodeActionKind, Diagnostic } from 'vscode-languageserver-types';
import type { LineIndex } from '../diagnostics';
import type { AuditRecord } from '../logs/auditRecord';
import { parseLog } from '../logs/parseLog';
import { proposeRules } from '../logs/proposeRules';

/** The records of the log lines pasted from `first` on, and where the last one ends. */
function pastedRecords(text: string, lines: LineIndex, first: number): { records: AuditRecord[]; end: number } {
  const records: AuditRecord[] = [];
  let end = -1;
  for (let line = first; ; line++) {
    const start = lines.offsetAt({ line, character: 0 });
    if (line > first && start <= end) break;
    const nl = text.indexOf('\n', start);
    const lineEnd = nl < 0 ? text.length : nl;
    const read = parseLog(text.slice(start, lineEnd));
    if (read.records.length !== 1) break;
    records.push(read.records[0]!);
    end = lineEnd;
    if (nl < 0) break;
  }
  return { records, end };
}

/**
 * "Replace the log line with its rule": a kernel log line pasted into a profile (the
 * parser reports it) becomes the rule it asks for, and so do the log lines after it.
 * The rules go where the lines were, whatever profile the log named: where to paste
 * was the user's choice.
 */
export function logLineFix(uri: string, text: string, lines: LineIndex, d: Diagnostic): CodeAction | undefined {
  const first = d.range.start.line;
  const { records, end } = pastedRecords(text, lines, first);
  if (records.length === 0) return undefined;
  const rules = proposeRules(records).profiles.flatMap((p) => p.rules.map((r) => r.text));
  if (rules.length === 0) return undefined;
  const lineStart = lines.offsetAt({ line: first, character: 0 });
  const indent = /^[ \t]*/.exec(text.slice(lineStart, end))![0];
  const several = records.length > 1;
  const title = several ? 'Replace the log lines with their rules' : `Replace the log line with its rule${rules.length > 1 ? 's' : ''}`;
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [uri]: [{ range: lines.rangeOf(lineStart + indent.length, end), newText: rules.join(`\n${indent}`) }] } },
  };
}
