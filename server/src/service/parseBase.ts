import type { ParseError, Span, Token } from './ast';
import { RULE_KEYWORDS } from './data/ruleKinds';
import type { DiagnosticCode } from './diagnosticRules';
import { describeInvisible, invisibleAt } from './invisible';
import { StalledLoopError, strictLoops } from './loopChecks';
import { Ch, isBlank, Scanner, WordMode } from './scanner';

/**
 * Words that can only begin a new rule; seeing one on a new line means the last rule ended.
 * `all` is left out: it has never ended a rule on sight, and recovery keeps reading as before.
 */
export const RULE_START_WORDS: ReadonlySet<string> = new Set([
  ...[...RULE_KEYWORDS.keys()].filter((w) => w !== 'all'),
  'owner', 'user', 'other', 'audit', 'deny', 'allow', 'prompt', 'priority', 'include',
  'profile', 'hat', 'if', 'else', 'abi', 'safe', 'unsafe', 'alias', 'rewrite',
]);

/**
 * What makes the rest of a line more than debris: a rule's comma, a block brace, a comment, a
 * quote, an include. A `}` that starts a word closes a block whatever follows (`}ptrace`):
 * debris never runs past one, so what a block holds never depends on the text after it.
 */
const DEBRIS_STOP = /,(?=\s|$)|(?:^|\s)\{(?=\s|$)|(?:^|\s)\}|(?:^|\s)#|"|^\s*include\b/;

/** How each part of a profile header after its name begins. */
const HEADER_PART = /^(?:[/@"({=+]|flags\b|xattrs\b)/;
/** A header part that is neither a name nor an attachment. */
const HEADER_KEYWORD_PART = /^(?:[({=+]|flags\b|xattrs\b|identities\b)/;

/**
 * Entries of apparmor_parser's parser stack (see ParseState.depth): what each open construct
 * holds, and what the innermost thing needs on top of them: an empty block's body (or an
 * include), a rule with a path, another rule, the variable that ends a condition.
 *
 * Measured by bisection (`apparmor_parser -Q -K`; 3.0.8 and 4.1 agree unless said), the
 * deepest nesting taken, counting the profile around and with `/a r,` innermost:
 *   if 2,496 (empty innermost: 2,497) · qualifier blocks 3,327 (3,329; `capability chown,`
 *   inside: 3,328) · profiles or hats 1,248 (1,249) · `if … else {` 1,663 in 4.1, 1,247 in
 *   3.0.8 · `else if` links 2,494 in 4.1, 1,663 in 3.0.8 · `not`s in a row 9,985 ·
 *   `if` and `owner` alternating 1,425 pairs · `if` and child profile 831 pairs.
 * Fitted weights reproduce every figure. Where the two versions differ the weights are 4.1's
 * (the lower), so that neither parser's accepted nesting is refused; 3.0.8 fails a little
 * sooner on else-chains. Rule costs vary a little with the rule's words (`network inet stream,`
 * holds as much as a path rule): past the limit by a level we may then say nothing.
 */
export const STACK_COST = {
  profile: 8, ifBlock: 4, elseBlock: 6, elseIf: 4, qualifierBlock: 3, not: 1,
  emptyBody: 6, pathRule: 12, rule: 9, condition: 7,
} as const;

/** The deepest nesting apparmor_parser takes, for the too-deep message. */
const PARSER_NESTING = "apparmor_parser's parser stack runs out at this depth: it takes about 2,500 levels of `if`, 3,300 of qualifier blocks, 1,250 of child profiles or 9,980 `not`s in a row";

/**
 * The one state of a parse: the scanner, the errors found, the nesting depth. The grammar
 * is functions over it (parser.ts, parseBody.ts, parsePreamble.ts, parseRules.ts,
 * parseExpr.ts); these methods are the token-level steps and the recovery they share.
 */
export class ParseState {
  readonly s: Scanner;
  readonly errors: ParseError[] = [];
  /**
   * How much of apparmor_parser's parser stack the blocks open here would hold (STACK_COST).
   * Its bison parser fails with "memory exhausted" past PARSER_STACK entries, and each open
   * block holds a fixed number of them, whatever its header or qualifiers: so the limit is a
   * budget that each kind of block spends at its own rate, not one count of levels. The
   * parser and the walkers over its tree use explicit stacks (deep.ts), so no depth it
   * accepts can exhaust ours (test/unit/deepNesting.test.ts).
   */
  depth = 0;
  static readonly PARSER_STACK = 10_000;
  /** Parentheses in conditions, which apparmor_parser 3 and 4 do not take at all: our own bound. */
  static readonly MAX_PARENS = 256;
  parens = 0;
  /** `peer=(…)` lists inside one another: apparmor_parser takes one; our own bound past that. */
  static readonly MAX_COND_LISTS = 16;
  condLists = 0;

  private deepReported = false;

  /**
   * Nesting past the limit, reported once a file: apparmor_parser stops at the first, and the
   * levels around it (an `else` after a too-deep block) would only repeat it.
   */
  tooDeep(span: Span, limit = PARSER_NESTING): void {
    if (!this.deepReported) this.error('too-deep', span, { limit });
    this.deepReported = true;
  }

  /** Whether `extra` more entries than the open blocks hold overflow apparmor_parser's stack. */
  overflows(extra: number): boolean {
    return this.depth + extra > ParseState.PARSER_STACK;
  }

  /**
   * The end of the last run of invisible characters reported: a look ahead that skips one
   * reports it, and the parse that then reads on past it must not report it again.
   */
  invisibleMark = -1;

  /**
   * Whether the last top-level item was a rule outside any profile. A lost `{` or a stray `}`
   * leaves a whole run of rules outside: the first of them is reported, not each one.
   */
  outsideRun = false;

  /** `fragment`: an include fragment, where bare rules are allowed at top level. */
  constructor(text: string, readonly fragment: boolean) {
    const s = new Scanner(text);
    this.s = s;
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
  stalled(loop: string, at: number): void {
    if (strictLoops()) throw new StalledLoopError(loop, at);
    this.s.pos = at + 1;
    this.s.lastEnd = this.s.pos;
  }

  error(code: DiagnosticCode, span: Span, args: Record<string, string> = {}): void {
    this.errors.push({ code, start: span.start, end: Math.max(span.end, span.start), args });
  }

  /**
   * Reports the first invisible character inside an unquoted word, where apparmor_parser
   * ends a keyword and then rejects the character; false when there is none (quotes may
   * hold them). Callers check this before an error of their own about the word, which would
   * quote it with the character looking like a space.
   */
  invisibleIn(word: Token): boolean {
    if (word.quoted) return false;
    const text = this.s.text;
    for (let i = word.start; i < word.end; i++) {
      const c = text.charCodeAt(i);
      if ((c < Ch.Space || c >= Ch.Del) && invisibleAt(text, i) > 0) {
        this.error('invisible-char', { start: i, end: i + invisibleAt(text, i) }, { char: describeInvisible(text, i) });
        return true;
      }
    }
    return false;
  }

  /** The next unquoted word (path mode) without consuming it; '' when there is none. */
  peekWord(mode: WordMode = 'path'): string {
    this.s.skipTrivia();
    return this.s.peekWordText(mode);
  }

  nextWord(mode: WordMode): Token {
    this.s.skipTrivia();
    return this.s.scanWord(mode) ?? this.s.take(1);
  }

  quoted(): Token {
    const { token, terminated } = this.s.scanQuoted();
    if (!terminated) this.error('unterminated-string', token);
    // The one character apparmor_parser's lexer refuses inside quotes.
    const nul = token.text.indexOf('\0');
    if (nul >= 0) this.error('invisible-char', { start: token.start + nul, end: token.start + nul + 1 }, { char: describeInvisible(this.s.text, token.start + nul) });
    return token;
  }

  wordOrQuoted(mode: WordMode): Token | undefined {
    const s = this.s;
    s.skipTrivia();
    const c = s.code();
    if (c === Ch.Quote) return this.quoted();
    if (c === Ch.Comma || c === Ch.RBrace || c === -1 || c === Ch.LParen || c === Ch.RParen) return undefined;
    if (c === Ch.LBrace && this.isLoneBrace()) return undefined;
    return s.scanWord(mode);
  }

  /** A `{` that stands alone (a block opener) rather than starting a glob word. */
  isLoneBrace(): boolean {
    const n = this.s.code(this.s.pos + 1);
    return n === -1 || isBlank(n) || n === Ch.RBrace || n === Ch.Hash;
  }

  atInclude(): boolean {
    const s = this.s;
    if (s.code() === Ch.Hash) return s.startsWith('#include');
    if (!s.startsWith('include')) return false;
    const n = s.code(s.pos + 7);
    return n === -1 || isBlank(n) || n === Ch.Lt || n === Ch.Quote;
  }

  peekSpan(): Span {
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
  describeNext(): string {
    const s = this.s;
    s.skipTrivia();
    if (s.atEnd()) return 'end of file';
    const span = this.peekSpan();
    const text = s.text.slice(span.start, span.end);
    return `'${text.length > 40 ? text.slice(0, 40) + '…' : text}'`;
  }

  /** Consumes one token of any kind (used by recovery). */
  skipToken(mode: WordMode = 'path'): void {
    const s = this.s;
    const c = s.code();
    if (c === Ch.Quote) { s.scanQuoted(); return; }
    if (c === Ch.LParen || c === Ch.RParen || c === Ch.Comma || c === Ch.Eq || c === Ch.RBrace) { s.skip(1); return; }
    if (c === Ch.LBrace && this.isLoneBrace()) { s.skip(1); return; }
    if (s.isArrow()) { s.skip(2); return; }
    if (!s.scanWord(mode)) this.skipChar();
  }

  skipChar(): void {
    this.s.skip(1);
  }

  /** A character no word may hold here, such as an unquoted '!'. */
  unexpectedChar(): void {
    const tok = this.s.take(1);
    this.error('unexpected-char', tok, { char: tok.text });
  }

  /** Whether the next token, at the start of a line, clearly begins another rule. */
  looksLikeRuleStart(): boolean {
    const s = this.s;
    const c = s.code();
    if (c === Ch.RBrace || c === Ch.Caret || c === -1) return true;
    if (this.atInclude()) return true;
    const w = this.peekWord();
    if (RULE_START_WORDS.has(w)) return true;
    if (c === Ch.Slash || c === Ch.At || c === Ch.Quote) return this.pathThenModes();
    return /^[rwaklmxiupcRWLMXIUPC]+$/.test(w) && this.modesThenPath();
  }

  /** `PATH MODES` followed by `,` or `->`: the shape of a file rule. */
  private pathThenModes(): boolean {
    return this.lookAhead(() => {
      const s = this.s;
      if (s.code() === Ch.Quote) s.scanQuoted(); else s.scanWord('path');
      s.skipTrivia();
      const modes = s.scanModeRun();
      s.skipTrivia();
      return !!modes && /^[rwaklmxiupcRWLMXIUPC]+$/.test(modes.text) && (s.code() === Ch.Comma || s.isArrow());
    });
  }

  private modesThenPath(): boolean {
    return this.lookAhead(() => {
      const s = this.s;
      s.scanWord('path');
      s.skipTrivia();
      const c = s.code();
      return c === Ch.Slash || c === Ch.At || c === Ch.Quote;
    });
  }

  /**
   * What `look` finds ahead, leaving no trace: the invisible characters and comments it
   * passes are reported when the parser reads them, by the item they belong to. Else a
   * rule's look past its own end reported them, and re-reading a stretch after an edit,
   * which starts at the next item, could not tell.
   */
  private lookAhead(look: () => boolean): boolean {
    const s = this.s;
    const save = s.pos;
    const saveEnd = s.lastEnd;
    const errors = this.errors.length;
    const comments = s.comments.length;
    const mark = this.invisibleMark;
    try {
      return look();
    } finally {
      s.pos = save;
      s.lastEnd = saveEnd;
      this.errors.length = errors;
      s.comments.length = comments;
      this.invisibleMark = mark;
    }
  }

  /**
   * Expects the `,` that ends a rule. A missing comma is reported at the rule itself
   * (the reference parser notices only at the next token it cannot use).
   */
  expectComma(): Span | undefined {
    const s = this.s;
    const lastEnd = s.lastEnd;
    s.skipTrivia();
    if (s.code() === Ch.Comma) return s.skip(1);
    const lastTok = this.lastTokenSpan(lastEnd);
    if (s.atEnd() || s.code() === Ch.RBrace || s.newlineSince(lastEnd)) {
      this.error('missing-comma', lastTok);
      return undefined;
    }
    this.error('unexpected-token', this.peekSpan(), { found: this.describeNext(), expected: "',' at the end of the rule" });
    this.recoverRule();
    return undefined;
  }

  /** After an error already reported in a rule: consume its comma if it is right there. */
  finishBrokenRule(): Span | undefined {
    const s = this.s;
    const before = s.pos;
    s.skipTrivia();
    if (s.code() === Ch.Comma) {
      const comma = s.skip(1);
      this.skipDebris();
      return comma;
    }
    // A line break just passed still counts: `abi <x` then `profile p {` on the next line.
    this.recoverRule(before);
    return undefined;
  }

  /** The span of the word ending at `end`, for pointing at the end of a rule. */
  lastTokenSpan(end: number): Span {
    const text = this.s.text;
    let start = end;
    while (start > 0 && !isBlank(text.charCodeAt(start - 1))) start--;
    return { start, end };
  }

  /**
   * Skips the rest of a broken rule: up to and including its `,`, or up to a `}`
   * or a line that clearly starts another rule. Never consumes a block brace.
   */
  recoverRule(since = this.s.pos): void {
    const s = this.s;
    // Where the search for a line break resumes: looking from the rule's start at every
    // token made a long broken line quadratic.
    let scanned = since;
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
        if (c === Ch.Comma) {
          s.advance(1);
          this.skipDebris();
          return;
        }
        if (c === Ch.RBrace) return;
        if (c === Ch.LBrace && this.isLoneBrace()) return;
        if (newLine && this.atLineStart() && (this.looksLikeRuleStart() || (this.depth === 0 && this.looksLikeProfileHeader()))) return;
      }
      if (c === Ch.LParen) depth++;
      else if (c === Ch.RParen && depth > 0) depth--;
      // Inside parentheses ')' ends a word, as in rule conditionals.
      this.skipToken(depth > 0 ? 'cond' : 'path');
    }
  }

  /**
   * After a broken rule's comma: the rest of its line, when it holds no comma, brace or
   * comment, is what is left of the same mistake (`rix, /usr/bin/foo` with its words swapped),
   * not a rule of its own, and reading it as one would report the one mistake twice.
   */
  skipDebris(): void {
    const s = this.s;
    const text = s.text;
    let end = text.indexOf('\n', s.pos);
    if (end < 0) end = text.length;
    const rest = text.slice(s.pos, end);
    if (!/\S/.test(rest) || DEBRIS_STOP.test(rest)) return;
    s.pos = end;
  }

  /**
   * Scans ahead (without keeping anything) for a `{` before any `,` outside parentheses:
   * `/usr/bin/foo flags=(complain, audit) {` is a header, its list's commas separate flags.
   * After the name only what a header holds may come (an attachment, xattrs, flags), so a
   * misspelt `includde <tunables/global>` is no header. In a body the header must also stay
   * on one line: `/a r` and `audit {` on the next line are two items. `line` admits any
   * words on one line, to recognise a header after a misspelt keyword.
   */
  looksLikeProfileHeader(mode: 'top' | 'body' | 'line' = 'top'): boolean {
    const s = this.s;
    const save = s.pos;
    const errors = this.errors.length;
    const comments = s.comments.length;
    const mark = this.invisibleMark;
    let result = false;
    let parens = 0;
    // A header names at most a profile and its attachment: a third bare word ends the look.
    // Without this cap, recovery over many `@{x}=a` lines looked 64 tokens ahead at each.
    let bare = 0;
    for (let n = 0; n < 64; n++) {
      const before = s.pos;
      s.skipTrivia();
      const c = s.code();
      if (c === -1 || c === Ch.RBrace) break;
      if (c === Ch.Comma) {
        if (parens === 0) break;
        s.advance(1);
        continue;
      }
      if (parens === 0 && n > 0 && mode !== 'top' && s.newlineSince(before)) break;
      if (c === Ch.LBrace && this.isLoneBrace()) { result = parens === 0; break; }
      if (parens === 0 && mode !== 'line') {
        const head = s.text.slice(s.pos, s.pos + 11);
        if (n > 0 && !HEADER_PART.test(head)) break;
        if (!HEADER_KEYWORD_PART.test(head) && ++bare > 2) break;
      }
      const from = s.pos;
      this.skipToken(parens > 0 ? 'cond' : 'path');
      if (c !== Ch.Quote) parens = Math.max(0, parens + parenBalance(s.text, from, s.pos));
    }
    s.pos = save;
    this.errors.length = errors;
    s.comments.length = comments;
    this.invisibleMark = mark;
    return result;
  }

  /** Whether only blanks precede the current position on its line. */
  atLineStart(): boolean {
    const text = this.s.text;
    for (let i = this.s.pos - 1; i >= 0; i--) {
      const c = text.charCodeAt(i);
      if (c === Ch.LF) return true;
      if (c !== Ch.Space && c !== Ch.Tab && c !== Ch.CR) return false;
    }
    return true;
  }
}

/** Opening minus closing parentheses in `text` between `from` and `to`. */
function parenBalance(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.LParen) n++;
    else if (c === Ch.RParen) n--;
  }
  return n;
}
