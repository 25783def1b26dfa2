import type { Span } from '../ast';
import { closest } from '../data/facts';

/** A finding before it becomes an LSP diagnostic: code, place, and message arguments. */
export interface Problem extends Span {
  readonly code: string;
  readonly args: Readonly<Record<string, string>>;
}

export class ProblemSink {
  readonly problems: Problem[] = [];

  add(code: string, span: Span, args: Record<string, string> = {}): void {
    this.problems.push({ code, start: span.start, end: span.end, args });
  }
}

/** " Did you mean 'x'?" or '' — appended to messages about unknown names. */
export function didYouMean(word: string, names: Iterable<string>): string {
  const best = closest(word, names);
  return best ? ` Did you mean '${best}'?` : '';
}
