import type { Comment, Span, Token } from './ast';
import { invisibleAt } from './invisible';

/**
 * Character-level scanning for the parser. AppArmor's own lexer is modal (the
 * rule keyword decides what a word may contain), so instead of a token stream the
 * parser asks for the next word in the mode it is in:
 * - `path`: file rules and headers, where `(`, `)` and `=` belong to the word;
 * - `cond`: rule bodies such as dbus or mount, where they are separators;
 * - `value`: the value after `name=`, which may itself hold `=`.
 */
export type WordMode = 'path' | 'cond' | 'value';

/** Character codes the scanner and the parser test for. */
export const enum Ch {
  Tab = 9, LF = 10, CR = 13, Space = 32, Bang = 33, Quote = 34, Hash = 35, Dollar = 36,
  LParen = 40, RParen = 41, Plus = 43, Comma = 44, Minus = 45, Slash = 47, Colon = 58, Lt = 60, Eq = 61, Gt = 62,
  At = 64, LBrack = 91, Backslash = 92, RBrack = 93, Caret = 94,
  LowerA = 97, LowerI = 105, LowerP = 112, LowerR = 114, LowerS = 115, LowerU = 117,
  LBrace = 123, RBrace = 125, Del = 127, Bom = 0xfeff,
}

/** ASCII characters that never end or structure a word, in any mode. */
const PLAIN = new Uint8Array(128);
for (let c = 33; c < 127; c++) PLAIN[c] = 1;
for (const c of '"!\\[]{},()=') PLAIN[c.charCodeAt(0)] = 0;

/** Characters of a variable name (`@{NAME}`, `${NAME}`): a letter or `_`, then letters, digits or `_`. */
export const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
export const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57);

/** apparmor_parser's blanks: space and tab, and the line break. Form feed and vertical tab are not. */
export function isBlank(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab || c === Ch.LF || c === Ch.CR;
}

export class Scanner {
  pos = 0;
  readonly comments: Comment[] = [];
  /** End of the last token handed out, for "missing comma after …" ranges. */
  lastEnd = 0;
  /**
   * Told of each run of invisible characters (see invisible.ts) met where a token could
   * start. They are skipped like blanks, which is what their writer meant, once reported.
   */
  onInvisible: ((start: number, end: number) => void) | undefined;

  constructor(readonly text: string) {}

  code(offset = this.pos): number {
    return offset < this.text.length ? this.text.charCodeAt(offset) : -1;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** Skips blanks, comments and invisible characters. `#include` is a directive, not a comment. */
  skipTrivia(): void {
    const text = this.text;
    for (;;) {
      const c = this.code();
      if (c === -1) return;
      if (isBlank(c)) {
        this.pos++;
        continue;
      }
      if ((c < Ch.Space || c >= Ch.Del) && invisibleAt(text, this.pos) > 0) {
        this.skipInvisible();
        continue;
      }
      if (c === Ch.Hash && !text.startsWith('include', this.pos + 1)) {
        let end = text.indexOf('\n', this.pos);
        if (end < 0) end = text.length;
        const stop = end > this.pos && text.charCodeAt(end - 1) === Ch.CR ? end - 1 : end;
        this.comments.push({ start: this.pos, end: stop, text: text.slice(this.pos, stop) });
        this.pos = end;
        continue;
      }
      return;
    }
  }

  private skipInvisible(): void {
    const start = this.pos;
    let end = start;
    for (let n = invisibleAt(this.text, end); n > 0; n = invisibleAt(this.text, end)) end += n;
    this.pos = end;
    this.onInvisible?.(start, end);
  }

  /** Whether a line break lies between `offset` and the current position. */
  newlineSince(offset: number): boolean {
    // Only the trivia before the current position is looked at, not the rest of the line.
    const text = this.text;
    for (let i = offset; i < this.pos; i++) if (text.charCodeAt(i) === Ch.LF) return true;
    return false;
  }

  /** Peeks at the next significant character code without consuming trivia permanently. */
  peekCode(): number {
    this.skipTrivia();
    return this.code();
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  /** Consumes `len` characters of punctuation, keeping only their place (no token text). */
  skip(len: number): Span {
    const start = this.pos;
    this.pos += len;
    this.lastEnd = this.pos;
    return { start, end: this.pos };
  }

  /** Consumes `len` characters of punctuation whose place nothing keeps. */
  advance(len: number): void {
    this.pos += len;
    this.lastEnd = this.pos;
  }

  /** Consumes exactly `len` characters as one token. */
  take(len: number): Token {
    const start = this.pos;
    this.pos += len;
    return this.finish(start, false);
  }

  /** `escaped` says whether the text holds a backslash, when the caller's scan already knows. */
  finish(start: number, quoted: boolean, escaped?: boolean): Token {
    const text = this.text.slice(start, this.pos);
    this.lastEnd = this.pos;
    const value = quoted ? unquote(text) : (escaped ?? text.indexOf('\\') >= 0) ? unescape(text) : text;
    return { start, end: this.pos, text, value, quoted };
  }

  /** A quoted string starting at the current `"`. Unterminated strings stop at the line end. */
  scanQuoted(): { token: Token; terminated: boolean } {
    const start = this.pos;
    const text = this.text;
    let i = start + 1;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === Ch.Backslash) { i++; continue; }
      if (c === Ch.Quote) {
        this.pos = i + 1;
        return { token: this.finish(start, true), terminated: true };
      }
    }
    const nl = text.indexOf('\n', start);
    this.pos = nl < 0 ? text.length : nl;
    return { token: this.finish(start, true), terminated: false };
  }

  /**
   * An unquoted word. Commas end it unless they sit inside `{…}` alternations
   * (or, in path mode, are followed by more word characters, as the reference lexer allows).
   */
  scanWord(mode: WordMode): Token | undefined {
    const start = this.pos;
    const end = this.wordEnd(mode);
    if (end === start) return undefined;
    this.pos = end;
    return this.finish(start, false, this.memoEscaped);
  }

  /** The text of the next word, without consuming it or building a token. */
  peekWordText(mode: WordMode): string {
    return this.text.slice(this.pos, this.wordEnd(mode));
  }

  // The parser often peeks at a word before taking it (qualifier, keyword, rule):
  // remembering the last answer saves scanning it again.
  private memoPos = -1;
  private memoMode: WordMode = 'path';
  private memoEnd = 0;
  /** Whether the remembered word holds a backslash. */
  private memoEscaped = false;
  // The last path-mode word without a backslash. Read again from any later place inside it
  // but a `}`, it ends at the same place: in path mode no break depends on what came before.
  // Error recovery steps through words like `a,b,c,…` a piece at a time, and rescanning the
  // rest at every piece was quadratic.
  private pathFrom = -1;
  private pathEnd = 0;

  /** Where an unquoted word starting here ends (the current position when there is none). */
  wordEnd(mode: WordMode): number {
    if (this.pos === this.memoPos && mode === this.memoMode) return this.memoEnd;
    this.memoEscaped = false;
    let end: number;
    if (mode === 'path' && this.pathFrom < this.pos && this.pos < this.pathEnd && this.text.charCodeAt(this.pos) !== Ch.RBrace) {
      end = this.pathEnd;
    } else {
      end = this.scanWordEnd(mode);
      if (mode === 'path' && !this.memoEscaped) {
        this.pathFrom = this.pos;
        this.pathEnd = end;
      }
    }
    this.memoPos = this.pos;
    this.memoMode = mode;
    this.memoEnd = end;
    return end;
  }

  private scanWordEnd(mode: WordMode): number {
    const text = this.text;
    const start = this.pos;
    let i = start;
    let depth = 0;
    let inClass = false;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // Most characters of a word are plain; only the rarer ones need the checks below.
      if (c < 128 && PLAIN[c] === 1) continue;
      if (isBlank(c) || c === Ch.Quote || c === Ch.Bang) break;
      if (c === Ch.Backslash) { i++; this.memoEscaped = true; continue; }
      if (c === Ch.LBrack) inClass = true;
      else if (c === Ch.RBrack) inClass = false;
      else if (c === Ch.LBrace) depth++;
      else if (c === Ch.RBrace) { if (depth > 0) depth--; else if (i === start) break; }
      else if (c === Ch.Comma) {
        // As in apparmor_parser's lexer, a comma stays in a word only when a word character
        // follows it, even inside `{…}`: `{a,,b}` is cut at the double comma.
        const n = i + 1 < text.length ? text.charCodeAt(i + 1) : -1;
        if (n === -1 || isBlank(n) || n === Ch.Comma || n === Ch.Quote || n === Ch.Bang) break;
        if (depth > 0 || inClass) continue;
        if (mode !== 'path') break;
      } else if (mode !== 'path' && (c === Ch.LParen || c === Ch.RParen || (c === Ch.Eq && mode === 'cond'))) break;
    }
    return Math.min(i, text.length);
  }

  /** A run of file-mode characters, as apparmor's lexer reads them after a path. */
  scanModeRun(): Token | undefined {
    const start = this.pos;
    let i = start;
    for (let c = this.code(i); (c >= 65 && c <= 90) || (c >= 97 && c <= 122); c = this.code(++i));
    if (i === start) return undefined;
    this.pos = i;
    return this.finish(start, false, false);
  }

  /**
   * The word of `words` that the next word (in `mode`) is exactly, as that constant string,
   * without cutting the word out of the text. Keywords are matched on every rule; a cut-out
   * word would have to be copied and hashed for each lookup.
   */
  matchWord(words: WordTable, mode: WordMode): string | undefined {
    const bucket = words.byFirst[this.code()];
    if (bucket === undefined) return undefined;
    const len = this.wordEnd(mode) - this.pos;
    for (const w of bucket) if (w.length === len && this.text.startsWith(w, this.pos)) return w;
    return undefined;
  }

  isArrow(): boolean {
    return this.code() === Ch.Minus && this.code(this.pos + 1) === Ch.Gt;
  }

  span(start: number): Span {
    return { start, end: this.pos };
  }
}

/** Words grouped by their first character code, for `Scanner.matchWord`. */
export class WordTable {
  readonly byFirst: readonly (readonly string[] | undefined)[];

  constructor(words: Iterable<string>) {
    const groups: string[][] = [];
    for (const w of words) (groups[w.charCodeAt(0)] ??= []).push(w);
    this.byFirst = groups;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', e: '\x1b', f: '\f' };

function unescape(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\' || i + 1 >= raw.length) { out += c; continue; }
    const n = raw[++i]!;
    // Glob specials stay escaped: they are literal characters for the matcher.
    if ('*?[]{}^,\\'.includes(n)) out += '\\' + n;
    else out += SIMPLE_ESCAPES[n] ?? n;
  }
  return out;
}

function unquote(raw: string): string {
  const inner = raw.length >= 2 && raw.endsWith('"') ? raw.slice(1, -1) : raw.slice(1);
  return unescape(inner.replace(/\\"/g, '"'));
}
