import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { SeveritySetting } from './lintConfig';
import { applySuppressions, unusedSuppression } from './suppressions';

/** What a project decided about its findings: the config's severities, and whether to list idle suppressions. */
export interface LintPolicy {
  readonly severity?: Readonly<Record<string, SeveritySetting>>;
  readonly reportUnusedSuppressions?: boolean;
}

const LEVEL: Readonly<Record<Exclude<SeveritySetting, 'off'>, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * A file's diagnostics as the project wants them: suppressed ones dropped, each code at
 * its configured severity (or dropped when `off`), in order of place. The same in the
 * command line and the editor, so both show the same findings.
 */
export function applyLintPolicy(text: string, diagnostics: readonly Diagnostic[], policy: LintPolicy = {}): Diagnostic[] {
  const { diagnostics: kept, unused } = applySuppressions(text, diagnostics);
  if (policy.reportUnusedSuppressions) for (const c of unused) kept.push(unusedSuppression(c));
  const severity = policy.severity ?? {};
  const out: Diagnostic[] = [];
  for (const d of kept) {
    const level = typeof d.code === 'string' ? severity[d.code] : undefined;
    if (level === 'off') continue;
    out.push(level ? { ...d, severity: LEVEL[level] } : d);
  }
  // Suppression warnings were added at the end; a stable sort keeps the rest as they were.
  return out.sort(byPlace);
}

function byPlace(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}
