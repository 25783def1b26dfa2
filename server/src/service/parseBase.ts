import type { Span, SyntaxError, Token } from './ast';
import { describeInvisible, invisibleAt } from './invisible';
import { StalledLoopError, strictLoops } from './loopChecks';
import { isBlank, Scanner, WordMode } from './scanner';

/** Words that can only begin a new rule; seeing one on a new line means the last rule ended. */
export const RULE_START_WORDS: ReadonlySet<string> = new Set([
  'capability', 'network', 'unix', 'dbus', 'signal', 'ptrace', 'mount', 'remount', 'umount',
  'unmount', 'pivot_root', 'change_profile', 'userns', 'mqueue', 'io_uring', 'file', 'link',
  'set', 'owner', 'user', 'other', 'audit', 'deny', 'allow', 'prompt', 'priority', 'include',
  'profile', 'hat', 'if', 'else', 'abi', 'safe', 'unsafe', 'alias', 'rewrite',
]);

/** Shared scanning helpers and error reporting for the parser layers. */
export class ParserBase {
  readonly errors: SyntaxError[] = [];
  /** Current nesting of blocks and parenthesised expressions; bounded so no input can exhaust the stack. */
  protected depth = 0;
  static readonly MAX_DEPTH = 64;

  /**
   * The end of the last run of invisible characters reported: a look ahead that skips one
   * reports it, and the parse that then reads on past it must not report it again.
   */
  protected invisibleMark = -1;

  constructor(protected readonly s: Scanner) {
    s.onInvisible = (start, end) => {
      if (end <= this.invisibleMark) return;
      this.invisibleMark = end;
      this.error('invisible-char', { start, end }, { char: describeInvisible(s.text, start) });
    };
  }

  /**
   * Called by a token loop whose pass, begun at `at`, did not move on (see loopChecks.ts):
   * throws under strict checks, else reads on from the next character.
   */
  protected stalled(loop: string, at: number): void {
    if (strictLoops()) throw new StalledLoopError(loop, at);
    this.s.pos = at + 1;
    this.s.lastEnd = this.s.pos;
  }

  protected error(code: string, span: Span, args: Record<string, string> = {}): void {
    this.errors.push({ code, start: span.start, end: Math.max(span.end, span.start), args });
  }

  /**
   * Reports the first invisible character inside an unquoted word, where apparmor_parser
   * ends a keyword and then rejects the character; false when there is none (quotes may
   * hold them). Callers check this before an error of their own about the word, which would
   * quote it with the character looking like a space.
   */
  protected invisibleIn(word: Token): boolean {
    if (word.quoted) return false;
    const text = this.s.text;
    for (let i = word.start; i < word.end; i++) {
      const c = text.charCodeAt(i);
      if ((c < 0x20 || c >= 0x7f) && invisibleAt(text, i) > 0) {
        this.error('invisible-char', { start: i, end: i + invisibleAt(text, i) }, { char: describeInvisible(text, i) });
        return true;
      }
    }
    return false;
  }

  /** The next unquoted word (path mode) without consuming it; '' when there is none. */
  protected peekWord(mode: WordMode = 'path'): string {
    this.s.skipTrivia();
    return this.s.peekWordText(mode);
  }

  protected nextWord(mode: WordMode): Token {
    this.s.skipTrivia();
    return this.s.scanWord(mode) ?? this.s.take(1);
  }

  protected quoted(): Token {
    const { token, terminated } = this.s.scanQuoted();
    if (!terminated) this.error('unterminated-string', token);
    // The one character apparmor_parser's lexer refuses inside quotes.
    const nul = token.text.indexOf('\0');
    if (nul >= 0) this.error('invisible-char', { start: token.start + nul, end: token.start + nul + 1 }, { char: describeInvisible(this.s.text, token.start + nul) });
    return token;
  }

  protected wordOrQuoted(mode: WordMode): Token | undefined {
    const s = this.s;
    s.skipTrivia();
    const c = s.code();
    if (c === 0x22) return this.quoted();
    if (c === 0x2c || c === 0x7d || c === -1 || c === 0x28 || c === 0x29) return undefined;
    if (c === 0x7b && this.isLoneBrace()) return undefined;
    return s.scanWord(mode);
  }

  /** A `{` that stands alone (a block opener) rather than starting a glob word. */
  protected isLoneBrace(): boolean {
    const n = this.s.code(this.s.pos + 1);
    return n === -1 || isBlank(n) || n === 0x7d || n === 0x23;
  }

  protected atInclude(): boolean {
    const s = this.s;
    if (s.code() === 0x23) return s.startsWith('#include');
    if (!s.startsWith('include')) return false;
    const n = s.code(s.pos + 7);
    return n === -1 || isBlank(n) || n === 0x3c || n === 0x22;
  }

  protected peekSpan(): Span {
    const s = this.s;
    s.skipTrivia();
    if (s.atEnd()) return { start: s.text.length, end: s.text.length };
    const save = s.pos;
    const saveEnd = s.lastEnd;
    this.skipToken();
    const span = { start: save, end: s.pos };
    s.pos = save;
    s.lastEnd = saveEnd;
    return span;
  }

  /** A short description of the next token, for messages. */
  protected describeNext(): string {
    const s = this.s;
    s.skipTrivia();
    if (s.atEnd()) return 'end of file';
    const span = this.peekSpan();
    const text = s.text.slice(span.start, span.end);
    return `'${text.length > 40 ? text.slice(0, 40) + '…' : text}'`;
  }

  /** Consumes one token of any kind (used by recovery). */
  protected skipToken(mode: WordMode = 'path'): void {
    const s = this.s;
    const c = s.code();
    if (c === 0x22) { s.scanQuoted(); return; }
    if (c === 0x28 || c === 0x29 || c === 0x2c || c === 0x3d || c === 0x7d) { s.skip(1); return; }
    if (c === 0x7b && this.isLoneBrace()) { s.skip(1); return; }
    if (s.isArrow()) { s.skip(2); return; }
    if (!s.scanWord(mode)) this.skipChar();
  }

  protected skipChar(): void {
    this.s.skip(1);
  }

  /** A character no word may hold here, such as an unquoted '!'. */
  protected unexpectedChar(): void {
    const tok = this.s.take(1);
    this.error('unexpected-char', tok, { char: tok.text });
  }

  /** Whether the next token, at the start of a line, clearly begins another rule. */
  protected looksLikeRuleStart(): boolean {
    const s = this.s;
    const c = s.code();
    if (c === 0x7d || c === 0x5e || c === -1) return true;
    if (this.atInclude()) return true;
    const w = this.peekWord();
    if (RULE_START_WORDS.has(w)) return true;
    if (c === 0x2f || c === 0x40 || c === 0x22) return this.pathThenModes();
    return /^[rwaklmxiupcRWLMXIUPC]+$/.test(w) && this.modesThenPath();
  }

  /** `PATH MODES` followed by `,` or `->`: the shape of a file rule. */
  private pathThenModes(): boolean {
    const s = this.s;
    const save = s.pos;
    const saveEnd = s.lastEnd;
    if (s.code() === 0x22) s.scanQuoted(); else s.scanWord('path');
    s.skipTrivia();
    const modes = s.scanModeRun();
    s.skipTrivia();
    const ok = !!modes && /^[rwaklmxiupcRWLMXIUPC]+$/.test(modes.text) && (s.code() === 0x2c || s.isArrow());
    s.pos = save;
    s.lastEnd = saveEnd;
    return ok;
  }

  private modesThenPath(): boolean {
    const s = this.s;
    const save = s.pos;
    const saveEnd = s.lastEnd;
    s.scanWord('path');
    s.skipTrivia();
    const c = s.code();
    s.pos = save;
    s.lastEnd = saveEnd;
    return c === 0x2f || c === 0x40 || c === 0x22;
  }

  /**
   * Expects the `,` that ends a rule. A missing comma is reported at the rule itself
   * (the reference parser notices only at the next token it cannot use).
   */
  protected expectComma(): Span | undefined {
    const s = this.s;
    const lastEnd = s.lastEnd;
    s.skipTrivia();
    if (s.code() === 0x2c) return s.skip(1);
    const lastTok = this.lastTokenSpan(lastEnd);
    if (s.atEnd() || s.code() === 0x7d || s.newlineSince(lastEnd)) {
      this.error('missing-comma', lastTok);
      return undefined;
    }
    this.error('unexpected-token', this.peekSpan(), { found: this.describeNext(), expected: "',' at the end of the rule" });
    this.recoverRule();
    return undefined;
  }

  /** The span of the word ending at `end`, for pointing at the end of a rule. */
  protected lastTokenSpan(end: number): Span {
    const text = this.s.text;
    let start = end;
    while (start > 0 && !isBlank(text.charCodeAt(start - 1))) start--;
    return { start, end };
  }

  /**
   * Skips the rest of a broken rule: up to and including its `,`, or up to a `}`
   * or a line that clearly starts another rule. Never consumes a block brace.
   */
  protected recoverRule(): void {
    const s = this.s;
    // Where the search for a line break resumes: looking from the rule's start at every
    // token made a long broken line quadratic.
    let scanned = s.pos;
    let newLine = false;
    let depth = 0;
    let last = -1;
    for (;;) {
      if (s.pos <= last) this.stalled('recovery', last);
      last = s.pos;
      s.skipTrivia();
      const c = s.code();
      if (c === -1) return;
      if (!newLine) { newLine = s.newlineSince(scanned); scanned = s.pos; }
      if (depth === 0) {
        if (c === 0x2c) { s.advance(1); return; }
        if (c === 0x7d) return;
        if (c === 0x7b && this.isLoneBrace()) return;
        if (newLine && this.atLineStart() && this.looksLikeRuleStart()) return;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29 && depth > 0) depth--;
      // Inside parentheses ')' ends a word, as in rule conditionals.
      this.skipToken(depth > 0 ? 'cond' : 'path');
    }
  }

  /** Whether only blanks precede the current position on its line. */
  protected atLineStart(): boolean {
    const text = this.s.text;
    for (let i = this.s.pos - 1; i >= 0; i--) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) return true;
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
    }
    return true;
  }
}
