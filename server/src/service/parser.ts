import type {
  AbiNode, AliasNode, AssignOp, BlockNode, BodyItem, Comment, FileNode, IncludeNode, ParseResult,
  ProfileNode, Qualifiers, Span, Token, TopItem, VariableNode,
} from './ast';
import { Scanner } from './scanner';
import { NO_QUALIFIERS, ProfileHeader, RuleParser } from './parseRules';

export interface ParseOptions {
  /** Parse as an include fragment: bare rules are allowed at top level. */
  readonly fragment?: boolean;
}

/** Parses a whole policy file. Never throws; problems are returned as `errors`. */
export function parse(text: string, options: ParseOptions = {}): ParseResult {
  const parser = new Parser(text, options.fragment ?? false);
  const ast = parser.parseFile();
  return { ast, errors: parser.errors };
}

/**
 * `@{NAME} = …`, also the brace-less `@NAME=` and `$NAME=` the lexer accepts. `:=` needs a
 * blank before it: `@{V}:=x` is read by apparmor_parser as one path word.
 */
const ASSIGNMENT = /([@$])(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))(?:[ \t]*(\+=|\?=|=)|[ \t]+(:=))/y;
const GLUED_COLON_ASSIGNMENT = /([@$])\{([A-Za-z_][A-Za-z0-9_]*)\}:=/y;

export class Parser extends RuleParser {
  constructor(text: string, private readonly fragment: boolean) {
    super(new Scanner(text));
  }

  parseFile(): FileNode {
    const s = this.s;
    // apparmor_parser reads a byte-order mark as a stray character; one error names it, and the
    // rest of the file is read as if it were not there.
    const bom = s.code(0) === 0xfeff;
    if (bom) this.error('byte-order-mark', { start: 0, end: 1 });
    const { items } = this.parseStretch(bom ? 1 : 0, s.text.length, 0);
    this.checkFinalComment();
    return { type: 'file', start: 0, end: s.text.length, items, comments: s.comments as Comment[], fragment: this.fragment };
  }

  /**
   * Reads the items between `from` and `stop` as the loop of a whole file (depth 0) or of a
   * block (depth > 0) does: the whole file is read by this loop, and an edited file's stretch
   * is read again by it. `ok` is false when the loop would not arrive exactly at `stop`: the
   * stretch then parses differently.
   */
  parseStretch(from: number, stop: number, depth: number): { items: TopItem[]; ok: boolean } {
    const s = this.s;
    s.pos = from;
    s.lastEnd = from;
    this.depth = depth;
    const items: TopItem[] = [];
    let last = -1;
    for (;;) {
      s.skipTrivia();
      if (s.pos >= stop || s.atEnd()) return { items, ok: s.pos === stop };
      if (depth > 0 && s.code() === 0x7d) return { items, ok: false };
      if (s.pos <= last) this.stalled('item', last);
      last = s.pos;
      if (s.code() === 0x7d) {
        this.error('unmatched-brace', s.take(1));
        continue;
      }
      const item = depth === 0 ? this.parseTopItem() : this.parseBodyItem();
      if (item) items.push(item);
    }
  }

  /** The comments read so far, in the order the scanner met them. */
  comments(): Comment[] {
    return this.s.comments as Comment[];
  }

  /** apparmor_parser's lexer needs a line break after a comment; a file may not end inside one. */
  private checkFinalComment(): void {
    const last = this.s.comments[this.s.comments.length - 1];
    if (last && last.end === this.s.text.length) this.error('comment-at-eof', last);
  }

  private parseTopItem(): TopItem | undefined {
    const pre = this.parsePreambleItem(true);
    if (pre !== null) return pre;
    if (this.fragment) return this.parseBodyItem();
    return this.parseTopProfile();
  }

  /** Items that may open a file; `null` when the next item is none of them. */
  private parsePreambleItem(topLevel: boolean): TopItem | undefined | null {
    const s = this.s;
    if (this.atInclude()) return this.parseInclude();
    const first = s.code();
    if (first === 0x40 /* @ */ || first === 0x24 /* $ */) return this.parseAssignment(topLevel);
    if (first !== 0x61 /* a */ && first !== 0x72 /* r */) return null;
    if (/^abi[\s<"]/.test(s.text.slice(s.pos, s.pos + 4))) return this.parseAbi();
    const word = this.peekWord();
    if (word === 'alias' || word === 'rewrite') {
      const node = this.parseAlias();
      if (!topLevel) this.error('alias-in-profile', node);
      return node;
    }
    return null;
  }

  /** A variable assignment, or null when the `@{…}` starts a rule instead. */
  private parseAssignment(topLevel: boolean): VariableNode | null {
    const s = this.s;
    ASSIGNMENT.lastIndex = s.pos;
    const m = ASSIGNMENT.exec(s.text);
    GLUED_COLON_ASSIGNMENT.lastIndex = s.pos;
    // Read once, with its parts: `${B}:=` once crashed a second reading that knew only '@'.
    const glued = m ? null : GLUED_COLON_ASSIGNMENT.exec(s.text);
    if (glued) {
      const node = this.parseVariable({ sigil: glued[1] as '@' | '$', id: glued[2]!, braced: true, op: ':=', length: glued[0].length });
      this.error('colon-assign-space', node.opSpan);
      return node;
    }
    if (m) {
      const node = this.parseVariable({
        sigil: m[1] as '@' | '$', id: (m[2] ?? m[3])!, braced: m[2] !== undefined, op: (m[4] ?? m[5]) as AssignOp, length: m[0].length,
      });
      if (!topLevel) this.error('assignment-in-profile', node);
      return node;
    }
    return null;
  }

  /** At top level anything that is not preamble must be a profile (or hat). */
  private parseTopProfile(): TopItem | undefined {
    const s = this.s;
    const save = s.pos;
    const word = this.peekWord();
    if (word === 'profile' || word === 'hat' || s.code() === 0x5e /* ^ */) return this.parseProfile(NO_QUALIFIERS);
    if (this.looksLikeProfileHeader()) {
      s.pos = save;
      return this.parseProfile(NO_QUALIFIERS);
    }
    s.pos = save;
    const errorsBefore = this.errors.length;
    const item = this.parseBodyItem();
    if (item && this.errors.length === errorsBefore) this.error('rule-outside-profile', item);
    return item;
  }

  /** Scans ahead (without keeping anything) for a `{` before any `,`. */
  private looksLikeProfileHeader(): boolean {
    const s = this.s;
    const save = s.pos;
    const errors = this.errors.length;
    const comments = s.comments.length;
    const mark = this.invisibleMark;
    let result = false;
    for (let n = 0; n < 12; n++) {
      s.skipTrivia();
      const c = s.code();
      if (c === -1 || c === 0x2c /* , */ || c === 0x7d) break;
      if (c === 0x7b /* { */ && this.isLoneBrace()) { result = true; break; }
      this.skipToken();
    }
    s.pos = save;
    this.errors.length = errors;
    s.comments.length = comments;
    this.invisibleMark = mark;
    return result;
  }

  protected override parseChildProfile(qualifiers: Qualifiers): ProfileNode {
    return this.parseProfile(qualifiers);
  }

  protected override parsePreambleInBody(): BodyItem | undefined | null {
    const item = this.parsePreambleItem(false);
    if (item === null || item === undefined) return item;
    if (item.type === 'alias') return undefined;
    return item as BodyItem;
  }

  private parseProfile(qualifiers: Qualifiers): ProfileNode {
    const s = this.s;
    const start = s.pos;
    if (qualifiers.all.length > 0) this.error('qualifier-on-profile', qualifiers.all[0]!);
    let keyword: Token | undefined;
    let hat = false;
    let name: Token | undefined;
    if (s.code() === 0x5e) {
      keyword = s.take(1);
      hat = true;
      if (this.isBlankAt(s.pos)) this.error('hat-space', keyword);
    } else {
      const w = this.peekWord();
      if (w === 'profile' || w === 'hat') {
        keyword = this.nextWord('path');
        hat = w === 'hat';
        s.skipTrivia();
      }
    }
    if (s.code() !== 0x7b || !this.isLoneBrace()) name = this.nextName();
    let glued = false;
    if (name && !name.quoted && name.text.endsWith('{') && name.text.length > 1) {
      // `profile p{`: report it, then read on as if the space were there.
      if (!this.invisibleIn(name)) this.error('brace-needs-space', name);
      s.pos = name.end - 1;
      name = { ...name, end: name.end - 1, text: name.text.slice(0, -1), value: name.value.slice(0, -1) };
      glued = true;
    }
    const header: ProfileHeader = glued ? { identities: [] } : this.parseProfileHeader();
    const body = glued ? this.parseBlock() : this.parseBlockOrError(keyword ?? name);
    return {
      type: 'profile', start, end: body.end, keyword, hat, name, qualifiers,
      attachment: header.attachment, xattrs: header.xattrs, identities: header.identities,
      flags: header.flags, flagsSpan: header.flagsSpan, body,
    };
  }

  private nextName(): Token | undefined {
    const s = this.s;
    s.skipTrivia();
    if (s.code() === 0x22) return this.quoted();
    return s.scanWord('path');
  }

  private parseBlockOrError(anchor: Span | undefined): BlockNode {
    const s = this.s;
    s.skipTrivia();
    if (s.code() === 0x7b) return this.parseBlock();
    const at = this.peekSpan();
    this.error('expected-open-brace', anchor && s.atEnd() ? anchor : at, { found: this.describeNext() });
    this.recoverRule();
    return { start: s.pos, end: s.pos, items: [], closed: false };
  }

  private parseInclude(): IncludeNode {
    const s = this.s;
    const start = s.pos;
    const legacy = s.code() === 0x23;
    const keyword = s.take(legacy ? 8 : 7);
    this.skipInline();
    let ifExists = false;
    if (this.peekWord() === 'if') {
      const save = s.pos;
      s.scanWord('path');
      this.skipInline();
      if (this.peekWord() === 'exists') {
        s.scanWord('path');
        ifExists = true;
        this.skipInline();
      } else s.pos = save;
    }
    const { path, angle } = this.parseIncludeTarget();
    const node: IncludeNode = { type: 'include', start, end: s.lastEnd, keyword, legacy, ifExists, angle, path };
    if (!path) this.error('include-missing-name', keyword);
    this.skipInline();
    if (s.code() === 0x2c) this.error('include-comma', s.skip(1));
    return node;
  }

  /** The `<…>`, `"…"` or bare name after `include` or `abi`. */
  private parseIncludeTarget(): { path?: Token; angle: boolean } {
    const s = this.s;
    const c = s.code();
    if (c === 0x3c /* < */) {
      const start = s.pos;
      let i = start + 1;
      while (i < s.text.length && s.text[i] !== '>' && s.text[i] !== '\n') i++;
      if (s.text[i] !== '>') {
        s.pos = i;
        const tok = s.finish(start, false);
        this.error('include-unclosed', tok);
        return { path: { ...tok, value: tok.text.slice(1).trim() }, angle: true };
      }
      s.pos = i + 1;
      const tok = s.finish(start, false);
      let inner = tok.text.slice(1, -1).trim();
      if (inner.startsWith('"') && inner.endsWith('"') && inner.length >= 2) inner = inner.slice(1, -1);
      if (inner.includes('"')) this.error('include-bad-char', tok);
      return { path: { ...tok, value: inner }, angle: true };
    }
    if (c === 0x22) return { path: this.quoted(), angle: false };
    if (c === -1 || c === 0x0a || c === 0x2c) return { angle: false };
    return { path: s.scanWord('cond'), angle: false };
  }

  private parseAbi(): AbiNode {
    const s = this.s;
    const start = s.pos;
    const keyword = s.take(3);
    s.skipTrivia();
    const { path, angle } = this.parseIncludeTarget();
    if (!path) this.error('abi-missing-name', keyword);
    const comma = this.expectComma();
    return { type: 'abi', start, end: comma ? comma.end : s.lastEnd, keyword, angle, path };
  }

  private parseAlias(): AliasNode {
    const s = this.s;
    const start = s.pos;
    const keyword = this.nextWord('path');
    s.skipTrivia();
    const from = this.wordOrQuoted('cond');
    s.skipTrivia();
    let to: Token | undefined;
    if (s.isArrow()) {
      s.skip(2);
      s.skipTrivia();
      to = this.wordOrQuoted('cond');
    } else this.error('alias-missing-arrow', from ?? keyword);
    const comma = this.expectComma();
    return { type: 'alias', start, end: comma ? comma.end : s.lastEnd, keyword, from, to };
  }

  private parseVariable(head: { sigil: '@' | '$'; id: string; braced: boolean; op: AssignOp; length: number }): VariableNode {
    const s = this.s;
    const start = s.pos;
    const { sigil, id, op } = head;
    const nameStart = start + (head.braced ? 2 : 1);
    const name: Token = { start: nameStart, end: nameStart + id.length, text: id, value: id, quoted: false };
    const opStart = start + head.length - op.length;
    s.pos = start + head.length;
    s.lastEnd = s.pos;
    const values: Token[] = [];
    if (sigil === '$' && op === '=') {
      const expr = this.parseBoolValue();
      if (expr) return { type: 'variable', start, end: s.lastEnd, sigil, name, op, opSpan: { start: opStart, end: opStart + op.length }, values, expr };
    }
    this.readValues(values);
    if (values.length === 0) this.error('variable-no-value', { start, end: s.pos });
    for (const v of values) {
      if (!v.quoted && v.text.endsWith(',')) this.error('variable-trailing-comma', v);
    }
    return { type: 'variable', start, end: s.lastEnd, sigil, name, op, opSpan: { start: opStart, end: opStart + op.length }, values };
  }

  /** A boolean variable's value: `true`/`false`, or (5.0) an expression. */
  private parseBoolValue(): VariableNode['expr'] {
    const s = this.s;
    this.skipInline();
    const save = s.pos;
    const w = s.scanWord('cond');
    if (w && /^(true|false)$/i.test(w.text)) {
      this.skipInline();
      if (s.code() === 0x0a || s.code() === 0x0d || s.code() === -1 || s.code() === 0x23) {
        return { kind: 'term', token: w, start: w.start, end: w.end };
      }
    }
    s.pos = save;
    return this.parseExpr();
  }

  /** Whitespace-separated values to the end of the line; `\` continues it. */
  private readValues(out: Token[]): void {
    const s = this.s;
    const text = s.text;
    let last = -1;
    for (;;) {
      if (s.pos <= last) this.stalled('variable value', last);
      last = s.pos;
      const c = s.code();
      if (c === 0x20 || c === 0x09 || c === 0x0d) { s.pos++; continue; }
      if (c === 0x5c /* \ */ && /^\\[ \t]*\r?\n/.test(text.slice(s.pos, s.pos + 8))) {
        s.pos = text.indexOf('\n', s.pos) + 1;
        continue;
      }
      if (c === -1 || c === 0x0a) return;
      if (c === 0x23) { s.skipTrivia(); return; }
      if (c === 0x22) { out.push(this.quoted()); continue; }
      out.push(this.scanValue());
    }
  }

  /**
   * One unquoted value. It ends only where readValues skips or stops (a blank, a line break,
   * a quote), so each value holds at least the character that started it: a value that ended
   * at any other character (such as a no-break space, which JavaScript's \s matches) would be
   * empty, and the loop would read it forever.
   */
  private scanValue(): Token {
    const s = this.s;
    const text = s.text;
    const start = s.pos;
    let i = start;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x22) break;
      if (c === 0x5c && i + 1 < text.length && text.charCodeAt(i + 1) !== 0x0a) i++;
    }
    s.pos = Math.min(i, text.length);
    return s.finish(start, false);
  }

  private skipInline(): void {
    const s = this.s;
    while (s.code() === 0x20 || s.code() === 0x09) s.pos++;
  }

  private isBlankAt(offset: number): boolean {
    const c = this.s.code(offset);
    return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  }
}
