import type { FileNode, ParseError, Span } from '../ast';
import { walkItems } from '../walk';
import type { Problem } from './problems';

/**
 * The findings of `problems` that do not fall inside a rule (or include, or abi) the parser
 * already found broken.
 * A rule with a syntax error was read by guesswork after it; judging those guesses (the
 * words of `network unix st!ream` as network words, say) would report one mistake twice.
 */
export function dropCascades(ast: FileNode, errors: readonly ParseError[], problems: readonly Problem[]): readonly Problem[] {
  if (errors.length === 0 || problems.length === 0) return problems;
  const starts = errors.map((e) => e.start).sort((a, b) => a - b);
  const broken: Span[] = [];
  walkItems(ast.items, (item) => {
    if ((item.type === 'rule' || item.type === 'include' || item.type === 'abi') && anyWithin(starts, item.start, item.end)) broken.push(item);
  });
  if (broken.length === 0) return problems;
  // The walk meets items in order, and they do not overlap: the span that may hold a finding
  // is the last one starting at or before it.
  return problems.filter((p) => {
    const r = broken[lastAtOrBefore(broken, p.start)];
    return !(r && p.end <= r.end);
  });
}

/** The index of the last span starting at or before `at`, or -1. */
function lastAtOrBefore(spans: readonly Span[], at: number): number {
  let a = 0;
  let b = spans.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (spans[m]!.start <= at) a = m + 1;
    else b = m;
  }
  return a - 1;
}

/** Whether a sorted list holds a value from `lo` to `hi`, ends included. */
function anyWithin(sorted: readonly number[], lo: number, hi: number): boolean {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (sorted[m]! < lo) a = m + 1;
    else b = m;
  }
  return a < sorted.length && sorted[a]! <= hi;
}
