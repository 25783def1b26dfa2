/**
 * Regular-expression pieces for AppArmor's lexical elements, shared by every
 * part of the grammar so that a path or a value is cut the same way everywhere
 * (after apparmor_parser's lexer, parser/parser_lex.l in the AppArmor project).
 */

/**
 * A token may only begin after a blank or punctuation. Without this, a keyword
 * pattern would also fire in the middle of a word the grammar did not consume.
 */
export const START = String.raw`(?<![^\s,{}()])`;

/** A keyword ends at a blank, a comma or a parenthesis (`network(` is fine). */
export const STOP = String.raw`(?![^\s,()])`;

/** A double-quoted string; a backslash escapes any character, the quote included. */
export const QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;

/**
 * Braces inside a word hold an alternation whose commas do not end the word.
 * Regexes cannot count, so nesting is unrolled four levels deep (real profiles
 * reach three: `{a{,/@{hex}},b}`).
 */
function braces(depth: number): string {
  const inner = depth > 1 ? `|${braces(depth - 1)}` : '';
  return String.raw`\{(?:[^\s{}"]${inner})*\}`;
}
const BRACES = braces(4);

/**
 * An unquoted path-mode word (file rules, headers): `(`, `)`, `=` and `#` are
 * ordinary characters here, and a comma stays in the word when something other
 * than a blank follows it, as in the reference lexer.
 */
const PATH_CHAR = String.raw`(?:[^\s"!,\\]|\\.|,(?=[^\s,"!]))`;
const PATH_BODY = `${PATH_CHAR}*`;

/** A whole path-mode word, whatever it starts with. */
export const WORD = `${PATH_CHAR}+`;

/** A path or a variable-led path: what a file rule's path must start with. */
export const PATH = String.raw`(?:/|@(?=[{A-Za-z]))${PATH_BODY}`;

/** A profile or hat name: like a path word, but a `{` not closed in the word opens the body. */
export const NAME = String.raw`(?:${QUOTED}|(?:[^\s"!\\{]|\\.|${BRACES})+)`;

/**
 * A value in a rule's conditional (`name=VALUE`): parentheses and commas
 * separate values, except for commas inside an alternation.
 */
export const VALUE_WORD = String.raw`(?:[^\s"!,()\\{}]|\\.|${BRACES})+`;

/** A conditional value, quoted or not. */
export const VALUE = String.raw`(?:${QUOTED}|${VALUE_WORD})`;

/**
 * Where a parenthesised list ends: at its `)`, or before a brace, so that a
 * missing `)` cannot swallow the rest of the profile.
 */
export const LIST_END = String.raw`\)|(?=[{}])`;

/**
 * Where a profile header or an `if` condition ends: before the body's `{`, or
 * before a `}` or `,` that shows the `{` is missing.
 */
export const HEADER_END = String.raw`(?=[{},])`;

/** A set variable's name inside `@{…}`. */
export const VAR_NAME = String.raw`[A-Za-z][A-Za-z0-9_]*`;

/**
 * A file permission string (parser/parser_lex.l): mode letters, exec transitions,
 * and, like the lexer, only when a blank or a comma follows.
 */
export const PERMS = String.raw`(?:[RrWwaLlMmkXx]|[PpCc][Xx]|[PpCc]?[IiUu][Xx])+(?=[\s,]|$)`;
