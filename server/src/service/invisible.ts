/**
 * Characters a person cannot see that apparmor_parser does not take as blanks: its lexer
 * separates words with spaces, tabs and line breaks only, and rejects any other control
 * or non-ASCII character where a token should start ("Lexer found unexpected character").
 * Pasted text brings them in: a no-break space from a web page, a byte-order mark from an
 * editor, a zero-width space from a chat.
 */

/** Names for the ones met in practice; other controls are named by their code alone. */
const NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, 'NUL'], [0x0b, 'vertical tab'], [0x0c, 'form feed'], [0x1b, 'escape'], [0x7f, 'delete'],
  [0x85, 'next line'], [0xa0, 'no-break space'], [0xad, 'soft hyphen'], [0x1680, 'ogham space mark'],
  [0x180e, 'mongolian vowel separator'], [0x200b, 'zero-width space'], [0x200c, 'zero-width non-joiner'],
  [0x200d, 'zero-width joiner'], [0x200e, 'left-to-right mark'], [0x200f, 'right-to-left mark'],
  [0x2028, 'line separator'], [0x2029, 'paragraph separator'], [0x202f, 'narrow no-break space'],
  [0x205f, 'medium mathematical space'], [0x2060, 'word joiner'], [0x3000, 'ideographic space'],
  [0xfeff, 'byte-order mark'],
]);

/** Whether the UTF-16 unit `c` (not a surrogate) is an invisible character other than a blank. */
function isInvisibleUnit(c: number): boolean {
  if (c < 0x20) return c !== 0x09 && c !== 0x0a && c !== 0x0d;
  if (c < 0x7f) return false;
  if (c <= 0xa0) return true;
  if (c < 0x2000) return c === 0xad || c === 0x1680 || c === 0x180e;
  if (c <= 0x200f) return true;
  if (c < 0x2028) return false;
  if (c <= 0x202f) return true;
  if (c < 0x205f) return false;
  if (c <= 0x206f) return true;
  return c === 0x3000 || c === 0xfeff;
}

/**
 * The length of the invisible character at `i` in `text` (0 when there is none): an
 * invisible character above, or a surrogate without its other half, which no file can
 * hold but an editor's buffer can.
 */
export function invisibleAt(text: string, i: number): number {
  if (i >= text.length) return 0;
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return isInvisibleUnit(c) ? 1 : 0;
  if (c <= 0xdbff) {
    const n = text.charCodeAt(i + 1);
    return n >= 0xdc00 && n <= 0xdfff ? 0 : 1;
  }
  const p = i > 0 ? text.charCodeAt(i - 1) : 0;
  return p >= 0xd800 && p <= 0xdbff ? 0 : 1;
}

/** The character at `i` for a message: `U+00A0 (no-break space)`. */
export function describeInvisible(text: string, i: number): string {
  const c = text.charCodeAt(i);
  const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES.get(c) ?? (c >= 0xd800 && c <= 0xdfff ? 'half of a surrogate pair' : c < 0x2000 ? 'control character'
    : c <= 0x200a ? 'space' : c >= 0x202a && c <= 0x202e ? 'bidirectional control' : 'invisible format character');
  return `${code} (${name})`;
}
