import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { LintedFile } from '../node/lintFiles';
import { uriToPath } from '../service/uri';

const NAMES: Record<number, 'error' | 'warning' | 'information' | 'hint'> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
};

export function severityName(s: DiagnosticSeverity | undefined): 'error' | 'warning' | 'information' | 'hint' {
  return NAMES[s ?? DiagnosticSeverity.Error] ?? 'error';
}

/** `{"files":[{"path":P,"diagnostics":[…]}]}` with 0-based LSP positions. */
export function formatJson(files: readonly LintedFile[]): string {
  return JSON.stringify({
    files: files.map((f) => ({
      path: f.path,
      diagnostics: f.diagnostics.map((d) => ({
        severity: severityName(d.severity),
        code: d.code,
        message: d.message,
        range: d.range,
        ...(d.relatedInformation ? { related: d.relatedInformation.map((r) => ({ path: uriToPath(r.location.uri), range: r.location.range, message: r.message })) } : {}),
      })),
    })),
  });
}

/** `file:line:col: severity: message [code]`, 1-based, one line each. */
export function formatGcc(files: readonly LintedFile[]): string {
  const out: string[] = [];
  for (const f of files) {
    for (const d of f.diagnostics) {
      out.push(`${f.path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${severityName(d.severity)}: ${d.message} [${d.code}]`);
      out.push(...notes(d));
    }
  }
  return out.join('\n');
}

/** A diagnostic's related places (inside an included file), as gcc prints them: `file:line:col: note: …`. */
function notes(d: Diagnostic): string[] {
  return (d.relatedInformation ?? []).map((r) => `${uriToPath(r.location.uri)}:${r.location.range.start.line + 1}:${r.location.range.start.character + 1}: note: ${r.message}`);
}

/** The gcc line, then the source line with the range underlined, then a summary. */
export function formatText(files: readonly LintedFile[]): string {
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const f of files) {
    const lines = f.text.split('\n');
    for (const d of f.diagnostics) {
      const sev = severityName(d.severity);
      if (sev === 'error') errors++;
      else if (sev === 'warning') warnings++;
      const { start, end } = d.range;
      out.push(`${f.path}:${start.line + 1}:${start.character + 1}: ${sev}: ${d.message} [${d.code}]`);
      const src = (lines[start.line] ?? '').replace(/\r$/, '');
      const width = end.line === start.line ? Math.max(1, end.character - start.character) : Math.max(1, src.length - start.character);
      out.push(`    ${src.replace(/\t/g, ' ')}`);
      out.push(`    ${' '.repeat(start.character)}${'^'.repeat(Math.min(width, 200))}`);
      out.push(...notes(d));
    }
  }
  const n = files.length;
  out.push(`${n} file${n === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`);
  return out.join('\n');
}
