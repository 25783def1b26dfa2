/**
 * Problems of an expectations file, as `apparmor-lint --test` finds them: a line that is not
 * one, a profile that cannot be found, an expectation that fails (with the verdict, and the
 * deciding rules as related places).
 */
import type { Analyzer } from '../analyze';
import type { Problem } from '../checks/problems';
import type { LineIndex } from '../diagnostics';
import { lineParts, Part } from '../evaluate/expectationLine';
import { ExpectationOutcome, IsOpen, runExpectations } from '../evaluate/runExpectations';

const noStop = (text: string): string => text.replace(/[.\s]+$/, '');

export function diagnoseExpectations(analyzer: Analyzer, path: string, text: string, lines: LineIndex, isOpen?: IsOpen): Problem[] {
  const run = runExpectations(analyzer, path, text, isOpen);
  const rows = text.split(/\r?\n/);
  const span = (line: number, pick: (p: ReturnType<typeof lineParts>) => Part | undefined): { start: number; end: number } => {
    const parts = lineParts(rows[line] ?? '');
    const p = pick(parts) ?? parts.body ?? { start: 0, end: (rows[line] ?? '').length };
    const base = lines.offsetAt({ line, character: 0 });
    return { start: base + p.start, end: base + p.end };
  };
  const out: Problem[] = run.parsed.problems.map((p) => ({ code: 'expectation-malformed', args: { detail: noStop(p.message) }, ...span(p.line, (x) => x.body) }));
  for (const o of run.outcomes) {
    const problem = problemOf(o, span);
    if (problem) out.push(problem);
  }
  return out;
}

function problemOf(o: ExpectationOutcome, span: (line: number, pick: (p: ReturnType<typeof lineParts>) => Part | undefined) => { start: number; end: number }): Problem | undefined {
  const line = o.item.line;
  switch (o.kind) {
    case 'holds': return undefined;
    case 'no-file': return { code: 'expectation-unreadable-file', args: { file: o.file }, ...span(line, (p) => p.second) };
    case 'no-profile': return { code: 'expectation-unknown-profile', args: { profile: o.item.profile, detail: noStop(o.message) }, ...span(line, (p) => p.second) };
    case 'fails': {
      const v = o.verdict;
      const got = v.verdict === 'allowed' ? 'allows it' : v.verdict === 'denied' ? 'denies it' : 'cannot tell (unknown)';
      return {
        code: 'expectation-failed', args: { expect: o.item.expect, profile: o.item.profile, access: o.item.accessText, got, message: noStop(v.message) },
        ...span(line, (p) => p.body),
        related: v.rules.map((r) => ({ path: r.file, range: o.policy.rangeOf(r), message: `${r.deny ? 'deny' : 'allow'} rule that decides` })),
      };
    }
  }
}
