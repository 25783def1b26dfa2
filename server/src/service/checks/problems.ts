import type { Range } from 'vscode-languageserver-types';
import type { Span } from '../ast';
import { closest } from '../data/facts';
import type { DiagnosticCode } from '../diagnosticRules';

/** A finding before it becomes an LSP diagnostic: code, place, and message arguments. */
export interface Problem extends Span {
  readonly code: DiagnosticCode;
  readonly args: Readonly<Record<string, string>>;
  /** Places in other files that explain it (the error inside an included file). */
  readonly related?: readonly RelatedPlace[];
}

/** A place in another file, already in LSP positions: its text is not at hand where it is shown. */
export interface RelatedPlace {
  readonly path: string;
  readonly range: Range;
  readonly message: string;
}

export class ProblemSink {
  readonly problems: Problem[] = [];

  add(code: DiagnosticCode, span: Span, args: Record<string, string | undefined> = {}, related?: readonly RelatedPlace[]): void {
    const defined: Record<string, string> = {};
    for (const [k, v] of Object.entries(args)) if (v !== undefined) defined[k] = v;
    this.problems.push({ code, start: span.start, end: span.end, args: defined, ...(related?.length ? { related } : {}) });
  }
}

/**
 * Message arguments for an unknown name: `hint` (" Did you mean 'x'?" or '') for the
 * message, and `suggestion` for the quick fix that replaces the name.
 */
export function suggest(word: string, names: Iterable<string>): { hint: string; suggestion?: string } {
  const best = closest(word, names);
  return best ? { hint: ` Did you mean '${best}'?`, suggestion: best } : { hint: '' };
}
