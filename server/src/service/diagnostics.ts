import { Diagnostic, DiagnosticSeverity, Position, Range } from 'vscode-languageserver-types';
import type { Problem } from './checks/problems';
import { formatMessage, Severity, severityOf } from './diagnosticRules';
import { pathToUri } from './uri';

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Maps offsets to LSP line/character positions (UTF-16, as LSP counts by default). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo]! };
  }

  offsetAt(position: Position): number {
    const start = this.starts[Math.min(position.line, this.starts.length - 1)] ?? 0;
    return Math.min(start + position.character, this.text.length);
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

function toDiagnostic(problem: Problem, lines: LineIndex): Diagnostic {
  return {
    range: lines.rangeOf(problem.start, problem.end),
    severity: SEVERITY[severityOf(problem.code)],
    code: problem.code,
    source: 'apparmor',
    message: formatMessage(problem.code, problem.args),
    // Quick fixes read what to offer from here, not from the message text.
    ...(problem.args['suggestion'] ? { data: { suggestion: problem.args['suggestion'] } } : {}),
    ...(problem.related ? { relatedInformation: problem.related.map((r) => ({ location: { uri: pathToUri(r.path), range: r.range }, message: r.message })) } : {}),
  };
}

/** Diagnostics sorted by position; exact duplicates (same code and place) dropped. */
export function toDiagnostics(text: string, problems: readonly Problem[], lines: LineIndex = new LineIndex(text)): Diagnostic[] {
  const out: Diagnostic[] = [];
  const sorted = [...problems].sort((a, b) => a.start - b.start || a.end - b.end);
  // Sorted so, problems at one place are next to each other; `from` is the first diagnostic
  // made for the place, and a problem is a duplicate when one of those has its code.
  let from = 0;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    if (i > 0 && (p.start !== sorted[i - 1]!.start || p.end !== sorted[i - 1]!.end)) from = out.length;
    let duplicate = false;
    for (let j = from; j < out.length && !duplicate; j++) duplicate = out[j]!.code === p.code;
    if (!duplicate) out.push(toDiagnostic(p, lines));
  }
  return out;
}
