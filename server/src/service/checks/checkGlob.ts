import type { Token } from '../ast';
import { isNameChar, isNameStart } from '../scanner';
import { ProblemSink } from './problems';

const MAX_ALTERNATION_DEPTH = 50;
const GLOB_SYNTAX = /[\\@$[\]{},]/;

/**
 * The index of the `]` closing the class opened at `open`, a message when the class is
 * malformed, or undefined when a variable inside makes it impossible to judge.
 */
function classEnd(glob: string, open: number): number | string | undefined {
  let j = open + 1;
  if (glob[j] === '^') j++;
  if (glob[j] === ']') return `'${glob.slice(open, j + 1)}' is an empty character class.`;
  let afterRange = false;
  while (j < glob.length) {
    const c = glob[j];
    if (c === ']') return j;
    if (c === '@' && glob[j + 1] === '{') return undefined;
    if (c === '-' && j > open + 1 && glob[j - 1] !== '^' && glob[j - 1] !== '[') {
      if (glob[j + 1] === ']') return `'-' at the end of '${glob.slice(open, j + 2)}' has no upper bound.`;
      if (afterRange) return `'-' cannot follow a range in '${glob.slice(open, j + 2)}'.`;
      afterRange = true;
      j += glob[j + 1] === '\\' ? 3 : 2;
      continue;
    }
    afterRange = false;
    j += c === '\\' ? 2 : 1;
  }
  return "'[' is never closed.";
}

/** The index of the `}` closing a variable reference `@{NAME}` at `i`, or -1 when none starts there. */
function variableEnd(glob: string, i: number): number {
  if (glob.charCodeAt(i + 1) !== 0x7b || !isNameStart(glob.charCodeAt(i + 2))) return -1;
  // Names longer than 63 characters are not read as references, as apparmor_parser's lexer does not.
  const limit = Math.min(glob.length, i + 66);
  for (let j = i + 3; j < limit; j++) {
    const c = glob.charCodeAt(j);
    if (c === 0x7d) return j;
    if (!isNameChar(c)) return -1;
  }
  return -1;
}

/**
 * What apparmor_parser's regex conversion would reject in a glob, or undefined.
 * `@{NAME}` references are skipped whole; they are expanded later.
 */
export function globProblem(glob: string): string | undefined {
  // Most paths hold nothing that needs balancing; one native scan clears them.
  if (!GLOB_SYNTAX.test(glob)) return undefined;
  // Commas seen in each open `{…}`, innermost last; most globs open none.
  let alternatives: number[] | undefined;
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      if (i === glob.length - 1) return 'it ends with a lone backslash.';
      i++;
    } else if (c === 0x40 /* @ */ || c === 0x24 /* $ */) {
      const close = variableEnd(glob, i);
      if (close < 0) continue;
      // A variable may expand to several values, so its group needs no comma of its own.
      if (alternatives && alternatives.length > 0) alternatives[alternatives.length - 1]! += 1;
      i = close;
    } else if (c === 0x5b /* [ */) {
      const end = classEnd(glob, i);
      if (typeof end === 'string') return end;
      if (end === undefined) return undefined;
      i = end;
    } else if (c === 0x5d /* ] */) {
      return "']' has no matching '['.";
    } else if (c === 0x7b /* { */) {
      (alternatives ??= []).push(0);
      if (alternatives.length > MAX_ALTERNATION_DEPTH) return `alternations nest deeper than ${MAX_ALTERNATION_DEPTH} levels.`;
    } else if (c === 0x2c /* , */ && alternatives && alternatives.length > 0) {
      alternatives[alternatives.length - 1]!++;
    } else if (c === 0x7d /* } */) {
      const commas = alternatives?.pop();
      if (commas === undefined) return "'}' has no matching '{'.";
      if (commas === 0) return "'{…}' needs at least two alternatives separated by ',' (write {a,b}, or drop the braces).";
    }
  }
  return alternatives && alternatives.length > 0 ? "'{' is never closed." : undefined;
}

/** Whether a glob holds a variable reference, whose value may open or close its braces. */
export function hasVariable(glob: string): boolean {
  for (let i = glob.indexOf('@{'); i >= 0; i = glob.indexOf('@{', i + 2)) {
    if (variableEnd(glob, i) >= 0) return true;
  }
  return false;
}

/** The text of a glob token as apparmor_parser converts it. */
export function globText(token: Token): string {
  return token.quoted ? token.value : token.text;
}

/**
 * A glob that holds variables is judged once they are expanded (checkExpandedGlobs), as
 * apparmor_parser does: `@{V}` may supply the other half of a brace.
 */
export function checkGlob(token: Token | undefined, sink: ProblemSink): void {
  if (!token) return;
  const glob = globText(token);
  const why = globProblem(glob);
  if (why && !hasVariable(glob)) sink.add('glob-syntax', token, { path: token.text, why });
}
