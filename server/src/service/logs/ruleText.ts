/** Writing logged values into rule text: glob escaping, quoting, permission lists. */

/** Characters the glob matcher reads specially; a logged name holding them must escape them. */
const GLOB_SPECIAL = /[\\*?[\]{}]/g;

/** Characters that end or split an unquoted word in a rule. */
const NEEDS_QUOTES = /[\s"!,#()=]/;

/** A logged literal as an AppArmor glob that matches only itself. */
export function escapeGlob(value: string): string {
  return value.replace(GLOB_SPECIAL, (c) => `\\${c}`);
}

/** A glob written as one rule word: quoted when blanks, quotes, commas or parentheses would split it. */
export function quoteWord(glob: string): string {
  if (glob !== '' && !NEEDS_QUOTES.test(glob)) return glob;
  return `"${glob.replace(/"/g, '\\"')}"`;
}

/** A logged literal as one rule word. */
export function literalWord(value: string): string {
  return quoteWord(escapeGlob(value));
}

/** Permission words in the order of the vocabulary they come from. */
export function orderWords(words: Iterable<string>, vocabulary: Iterable<string>): string[] {
  const order = [...vocabulary];
  const rank = (w: string): number => (order.indexOf(w) < 0 ? order.length : order.indexOf(w));
  return [...new Set(words)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** `send` alone, `(send, receive)` for several, nothing for none. */
export function permList(words: readonly string[]): string {
  if (words.length === 0) return '';
  return words.length === 1 ? ` ${words[0]}` : ` (${words.join(', ')})`;
}

/** ` key=value` when there is a value. */
export function cond(key: string, value: string | undefined): string {
  return value === undefined ? '' : ` ${key}=${value}`;
}
