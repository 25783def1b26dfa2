import type { Token } from '../ast';
import { ProblemSink } from './problems';

const MAX_ALTERNATION_DEPTH = 50;

/**
 * What apparmor_parser's regex conversion would reject in a glob, or undefined.
 * `@{NAME}` references are skipped whole; they are expanded later.
 */
export function globProblem(glob: string): string | undefined {
  const alternatives: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') {
      if (i === glob.length - 1) return 'it ends with a lone backslash.';
      i++;
    } else if ((c === '@' || c === '$') && glob[i + 1] === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) return `'${c}{' starts a variable that is never closed.`;
      // A variable may expand to several values, so its group needs no comma of its own.
      if (alternatives.length > 0) alternatives[alternatives.length - 1]! += 1;
      i = close;
    } else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '^') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') {
        // A variable inside a class expands to text we cannot see; stop judging here.
        if (glob[j] === '@' && glob[j + 1] === '{') return undefined;
        j += glob[j] === '\\' ? 2 : 1;
      }
      if (j >= glob.length) return "'[' is never closed.";
      i = j;
    } else if (c === ']') {
      return "']' has no matching '['.";
    } else if (c === '{') {
      alternatives.push(0);
      if (alternatives.length > MAX_ALTERNATION_DEPTH) return `alternations nest deeper than ${MAX_ALTERNATION_DEPTH} levels.`;
    } else if (c === ',' && alternatives.length > 0) {
      alternatives[alternatives.length - 1]!++;
    } else if (c === '}') {
      const commas = alternatives.pop();
      if (commas === undefined) return "'}' has no matching '{'.";
      if (commas === 0) return "'{…}' needs at least two alternatives separated by ',' (write {a,b}, or drop the braces).";
    }
  }
  return alternatives.length > 0 ? "'{' is never closed." : undefined;
}

export function checkGlob(token: Token | undefined, sink: ProblemSink): void {
  if (!token) return;
  const why = globProblem(token.quoted ? token.value : token.text);
  if (why) sink.add('glob-syntax', token, { path: token.text, why });
}
