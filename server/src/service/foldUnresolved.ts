import type { Problem } from './checks/problems';
import type { DiagnosticCode } from './diagnosticRules';

const UNDEFINED: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>(['variable-undefined', 'bool-undefined']);

/** Whether an include was looked for on the search path (`<…>`), not at a path of its own. */
const onSearchPath = (p: Problem): boolean =>
  (p.code === 'include-not-found' || p.code === 'abi-not-found') && (p.args['where'] ?? '').startsWith('the include search path');

/**
 * When includes are not found on the search path, the variables they define are unknown too:
 * instead of an error per include and per use, one problem on the first include says so (its
 * quick fix sets the include path). Other problems pass through.
 */
export function foldUnresolved(problems: readonly Problem[], includeDirs: readonly string[]): readonly Problem[] {
  const missing = problems.filter(onSearchPath);
  if (missing.length === 0) return problems;
  const first = missing.reduce((a, b) => (b.start < a.start ? b : a));
  const names = [...new Set(missing.map((p) => p.args['name'] ?? ''))];
  const folded: Problem = {
    code: 'include-path-unresolved',
    start: first.start,
    end: first.end,
    args: {
      count: String(names.length),
      first: names[0] ?? '',
      dirs: includeDirs.length > 0 ? includeDirs.join(', ') : 'none set',
      uses: String(problems.filter((p) => UNDEFINED.has(p.code)).length),
    },
  };
  return [folded, ...problems.filter((p) => !onSearchPath(p) && !UNDEFINED.has(p.code))];
}
