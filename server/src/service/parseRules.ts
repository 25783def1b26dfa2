import type {
  BlockNode, BodyItem, CondNode, CondRuleNode, FileRuleNode, FlagNode, IfNode, LinkRuleNode, ProfileNode,
  Qualifiers, QualifierBlockNode, RlimitRuleNode, RuleKind, Span, Token,
} from './ast';
import {
  closest, DBUS_PERMS, IO_URING_PERMS, MQUEUE_PERMS, NETWORK_PERMS, PTRACE_PERMS, SIGNAL_PERMS, UNIX_PERMS, USERNS_PERMS,
} from './data/facts';
import { ParserBase, RULE_START_WORDS } from './parseBase';
import { ExprParser } from './parseExpr';
import { WordTable } from './scanner';

type CondKind = CondRuleNode['kind'];

/** Rule keywords that start a conditional-style rule, with the kind each makes. */
const COND_KEYWORDS: ReadonlyMap<string, CondKind> = new Map<string, CondKind>([
  ['capability', 'capability'], ['network', 'network'], ['unix', 'unix'], ['dbus', 'dbus'],
  ['signal', 'signal'], ['ptrace', 'ptrace'], ['mount', 'mount'], ['remount', 'remount'],
  ['umount', 'umount'], ['unmount', 'umount'], ['pivot_root', 'pivot_root'],
  ['change_profile', 'change_profile'], ['userns', 'userns'], ['mqueue', 'mqueue'],
  ['io_uring', 'io_uring'], ['all', 'all'],
]);

/** Permission words a rule may carry bare (without parentheses) before its conditionals. */
const BARE_PERMS: Partial<Record<CondKind, ReadonlyMap<string, unknown>>> = {
  dbus: DBUS_PERMS, signal: SIGNAL_PERMS, ptrace: PTRACE_PERMS, unix: UNIX_PERMS, network: NETWORK_PERMS,
  mqueue: MQUEUE_PERMS, io_uring: IO_URING_PERMS, userns: USERNS_PERMS,
};

const QUALIFIER_RANK: ReadonlyMap<string, number> = new Map([
  ['priority', 0], ['audit', 1], ['allow', 2], ['deny', 2], ['prompt', 2], ['owner', 3], ['user', 3], ['other', 3],
]);

/** First letters of qualifier words, to skip the word scan for most rules. */
const QUALIFIER_START: ReadonlySet<number> = new Set([...'audiownerp'].map((c) => c.charCodeAt(0)));
/** Qualifier words other than `priority=`, which is matched apart. */
const QUALIFIER_WORDS = new WordTable([...QUALIFIER_RANK.keys()].filter((w) => w !== 'priority'));
const COND_KEYWORD_WORDS = new WordTable(COND_KEYWORDS.keys());

type FileRuleParts = Pick<FileRuleNode, 'execSafety' | 'path' | 'perms' | 'arrow' | 'target'> & { permsFirst?: boolean };

/** Builds a file rule with every field present, so all file rules share one object shape. */
function fileRule(qualifiers: Qualifiers, keyword: Token | undefined, start: number, end: number, parts: FileRuleParts, comma: Span | undefined): FileRuleNode {
  return {
    type: 'rule', kind: 'file', qualifiers, keyword, start, end, comma,
    execSafety: parts.execSafety, path: parts.path, perms: parts.perms, permsFirst: parts.permsFirst ?? false,
    arrow: parts.arrow, target: parts.target,
  };
}

/** The one empty list that AST nodes share; nothing may add to it (`append` copies it first). */
const NONE: never[] = [];

function append<T>(list: T[], item: T): T[] {
  if (list === NONE) return [item];
  list.push(item);
  return list;
}

// Every qualifiers object has all fields, so the checks that read them see one shape.
export const NO_QUALIFIERS: Qualifiers = { priority: undefined, audit: undefined, mode: undefined, owner: undefined, all: [] };

export const MODE_WORD = /^[rwaklmxiupcRWLMXIUPC]+$/;

export interface ProfileHeader {
  attachment?: Token;
  xattrs?: CondNode[];
  identities: CondNode[];
  flags?: FlagNode[];
  flagsSpan?: Span;
}

/** Profile bodies: blocks, qualifiers and every rule type. */
export abstract class RuleParser extends ExprParser {
  protected abstract parseChildProfile(qualifiers: Qualifiers): ProfileNode;
  /** Include, abi, and misplaced preamble items; `null` when the next item is none of them. */
  protected abstract parsePreambleInBody(): BodyItem | undefined | null;

  protected parseBlock(): BlockNode {
    const s = this.s;
    const open = s.skip(1);
    const items: BodyItem[] = [];
    if (this.depth >= ParserBase.MAX_DEPTH) {
      this.error('too-deep', open);
      return this.skipBlock(open);
    }
    this.depth++;
    try {
      return this.parseBlockItems(open, items);
    } finally {
      this.depth--;
    }
  }

  /** Skips a block too deeply nested to parse, keeping braces balanced. */
  private skipBlock(open: Span): BlockNode {
    const s = this.s;
    let depth = 1;
    let last = -1;
    while (depth > 0) {
      if (s.pos <= last) this.stalled('deep block', last);
      last = s.pos;
      s.skipTrivia();
      const c = s.code();
      if (c === -1) return { start: open.start, end: s.pos, items: [], closed: false };
      if (c === 0x7b) depth++;
      else if (c === 0x7d) depth--;
      if (c === 0x7b || c === 0x7d) s.skip(1); else this.skipToken();
    }
    return { start: open.start, end: s.pos, items: [], closed: true };
  }

  private parseBlockItems(open: Span, items: BodyItem[]): BlockNode {
    const s = this.s;
    let last = -1;
    for (;;) {
      s.skipTrivia();
      if (s.atEnd()) {
        this.error('unclosed-brace', open);
        return { start: open.start, end: s.pos, items, closed: false };
      }
      if (s.code() === 0x7d) {
        s.skip(1);
        return { start: open.start, end: s.pos, items, closed: true };
      }
      if (s.pos <= last) this.stalled('block', last);
      last = s.pos;
      const item = this.parseBodyItem();
      if (item) items.push(item);
    }
  }

  protected parseBodyItem(): BodyItem | undefined {
    const s = this.s;
    s.skipTrivia();
    const start = s.pos;
    const pre = this.parsePreambleInBody();
    if (pre !== null) return pre;
    if (s.code() === 0x2c) {
      this.error('stray-comma', s.take(1));
      return undefined;
    }
    const qualifiers = this.parseQualifiers();
    s.skipTrivia();
    if (s.code() === 0x7b && this.isLoneBrace()) return this.parseQualifierBlock(qualifiers, start);
    if (s.code() === 0x5e) return this.parseChildProfile(qualifiers);
    if (s.code() === 0x22 || s.code() === 0x2f || s.code() === 0x40) return this.parseFileRule(qualifiers, start);
    if (s.code() === 0x7d || s.atEnd()) {
      if (qualifiers.all.length > 0) this.error('qualifier-without-rule', qualifiers.all[qualifiers.all.length - 1]!);
      return undefined;
    }
    // `ptrace(read),` is read like `ptrace (read),`.
    const keyword = s.matchWord(COND_KEYWORD_WORDS, 'path') ?? s.matchWord(COND_KEYWORD_WORDS, 'cond');
    if (keyword) return this.parseCondRule(COND_KEYWORDS.get(keyword)!, qualifiers, start);
    const word = this.peekWord();
    switch (word) {
      case 'profile':
      case 'hat':
        return this.parseChildProfile(qualifiers);
      case 'file':
        return this.parseFileRule(qualifiers, start, this.nextWord('path'));
      case 'safe':
      case 'unsafe':
        return this.parseFileRule(qualifiers, start);
      case 'link':
        return this.parseLinkRule(qualifiers, start);
      case 'set':
        return this.parseRlimitRule(qualifiers, start);
      case 'if':
        if (qualifiers.all.length > 0) this.error('qualifier-on-if', qualifiers.all[0]!);
        return this.parseIf();
      case 'else': {
        const tok = this.nextWord('path');
        this.error('else-without-if', tok);
        s.skipTrivia();
        if (s.code() !== 0x7b) return undefined;
        const body = this.parseBlock();
        return { type: 'qualifierBlock', start, end: body.end, qualifiers: NO_QUALIFIERS, body };
      }
    }
    if (MODE_WORD.test(word)) return this.parseFileRule(qualifiers, start);
    const tok = this.nextWord('path');
    if (this.invisibleIn(tok)) {
      this.recoverRule();
      return undefined;
    }
    const best = closest(tok.text, RULE_START_WORDS);
    this.error('unknown-keyword', tok, best ? { word: tok.text, hint: ` Did you mean '${best}'?`, suggestion: best } : { word: tok.text, hint: '' });
    this.recoverRule();
    return undefined;
  }

  private parseQualifiers(): Qualifiers {
    const s = this.s;
    s.skipTrivia();
    // Most rules have no qualifier: answer those without allocating.
    if (!QUALIFIER_START.has(s.code())) return NO_QUALIFIERS;
    // `dbus`, `unix`, `ptrace` … start like qualifiers; telling them apart first saves the allocations below.
    if (this.qualifierWord() === undefined && !s.startsWith('priority')) return NO_QUALIFIERS;
    const q: { priority?: Qualifiers['priority']; audit?: Token; mode?: Token; owner?: Token; all: Token[] } = { priority: undefined, audit: undefined, mode: undefined, owner: undefined, all: [] };
    let lastRank = -1;
    let last = -1;
    for (;;) {
      if (s.pos <= last) this.stalled('qualifier', last);
      last = s.pos;
      s.skipTrivia();
      let tok: Token;
      let name: string;
      if (s.code() === 0x70 /* p */ && /^priority[ \t]*=/.test(s.text.slice(s.pos, s.pos + 16))) {
        tok = s.take(8);
        name = 'priority';
        s.skipTrivia();
        const eq = s.skip(1);
        s.skipTrivia();
        const value = s.scanWord('cond');
        if (!value) this.error('priority-missing-value', tok);
        q.priority = { token: tok, value, span: { start: tok.start, end: value ? value.end : eq.end } };
      } else {
        const word = this.qualifierWord();
        if (word === undefined) break;
        name = word;
        tok = this.nextWord('path');
        if (name === 'audit') q.audit = tok;
        else if (QUALIFIER_RANK.get(name) === 2) q.mode = tok;
        else q.owner = tok;
      }
      const rank = QUALIFIER_RANK.get(name)!;
      if (rank <= lastRank) {
        const prev = q.all[q.all.length - 1]!;
        this.error(rank === lastRank ? 'qualifier-repeated' : 'qualifier-order', tok, { word: tok.text, previous: prev.text });
      }
      lastRank = Math.max(lastRank, rank);
      q.all.push(tok);
    }
    return q.all.length === 0 ? NO_QUALIFIERS : q;
  }

  /**
   * The qualifier word starting here, as its constant, without cutting the word out of the
   * text: nearly every rule asks, and few have one.
   */
  private qualifierWord(): string | undefined {
    return this.s.matchWord(QUALIFIER_WORDS, 'path');
  }

  private parseQualifierBlock(qualifiers: Qualifiers, start: number): QualifierBlockNode {
    if (qualifiers.all.length === 0) this.error('unexpected-brace', { start: this.s.pos, end: this.s.pos + 1 });
    const body = this.parseBlock();
    return { type: 'qualifierBlock', start, end: body.end, qualifiers, body };
  }

  private parseFileRule(qualifiers: Qualifiers, start: number, keyword?: Token): FileRuleNode {
    const s = this.s;
    s.skipTrivia();
    if (keyword && (s.code() === 0x2c || s.code() === 0x7d || s.atEnd() || this.newLineRuleStart(keyword.end))) {
      const comma = this.expectComma();
      return fileRule(qualifiers, keyword, start, comma ? comma.end : s.lastEnd, {}, comma);
    }
    let execSafety: Token | undefined;
    const first = s.code();
    const w = first === 0x73 /* s */ || first === 0x75 /* u */ ? this.peekWord() : '';
    if (w === 'safe' || w === 'unsafe') execSafety = this.nextWord('path');
    s.skipTrivia();
    let path: Token | undefined;
    let perms: Token | undefined;
    const c = s.code();
    const permsFirst = !(c === 0x22 || c === 0x2f || c === 0x40 || c === 0x7b || c === 0x3a);
    if (permsFirst) {
      perms = this.nextWord('path');
      path = this.wordOrQuoted('path');
      if (!path) this.error('missing-path', perms, { found: `'${perms.text}'` });
    } else {
      path = this.wordOrQuoted('path');
      perms = this.parseModesAfterPath(path);
    }
    let arrow: Span | undefined;
    let target: Token | undefined;
    s.skipTrivia();
    if (s.isArrow()) {
      arrow = s.skip(2);
      target = this.wordOrQuoted('path');
      if (!target) this.error('missing-target', arrow);
    }
    const comma = perms ? this.expectComma() : this.finishBrokenRule();
    const end = comma ? comma.end : s.lastEnd;
    return fileRule(qualifiers, keyword, start, end, { execSafety, path, perms, permsFirst, arrow, target }, comma);
  }

  private parseModesAfterPath(path: Token | undefined): Token | undefined {
    const s = this.s;
    const lastEnd = s.lastEnd;
    s.skipTrivia();
    const c = s.code();
    if (c === 0x2c || c === 0x7d || c === -1 || s.isArrow() || (s.newlineSince(lastEnd) && this.looksLikeRuleStart())) {
      if (!path || !this.invisibleIn(path)) this.error('missing-permissions', path ?? { start: lastEnd, end: lastEnd });
      return undefined;
    }
    const save = s.pos;
    const run = s.scanModeRun();
    const n = s.code();
    if (run && (n === -1 || n === 0x2c || n === 0x20 || n === 0x09 || n === 0x0a || n === 0x0d || s.isArrow())) return run;
    s.pos = save;
    return this.nextWord('path');
  }

  /** After an error already reported in a rule: consume its comma if it is right there. */
  protected finishBrokenRule(): Span | undefined {
    const s = this.s;
    s.skipTrivia();
    if (s.code() === 0x2c) return s.skip(1);
    this.recoverRule();
    return undefined;
  }

  private newLineRuleStart(after: number): boolean {
    return this.s.newlineSince(after) && this.looksLikeRuleStart();
  }

  private parseLinkRule(qualifiers: Qualifiers, start: number): LinkRuleNode {
    const s = this.s;
    const keyword = this.nextWord('path');
    let subset: Token | undefined;
    if (this.peekWord() === 'subset') subset = this.nextWord('path');
    const path = this.wordOrQuoted('path');
    s.skipTrivia();
    let arrow: Span | undefined;
    let target: Token | undefined;
    if (path && s.isArrow()) {
      arrow = s.skip(2);
      target = this.wordOrQuoted('path');
    }
    if (!path || !target) {
      this.error('link-incomplete', path ?? keyword);
      const comma = this.finishBrokenRule();
      return { type: 'rule', kind: 'link', qualifiers, keyword, start, end: s.lastEnd, subset, path, arrow, target, comma };
    }
    const comma = this.expectComma();
    return { type: 'rule', kind: 'link', qualifiers, keyword, start, end: comma ? comma.end : s.lastEnd, subset, path, arrow, target, comma };
  }

  private parseRlimitRule(qualifiers: Qualifiers, start: number): RlimitRuleNode {
    const s = this.s;
    const keyword = this.nextWord('path');
    const base = { type: 'rule' as const, kind: 'rlimit' as const, qualifiers, keyword, start };
    if (this.peekWord('cond') !== 'rlimit') {
      this.error('set-needs-rlimit', keyword);
      const comma = this.finishBrokenRule();
      return { ...base, end: s.lastEnd, comma };
    }
    const rlimit = this.nextWord('cond');
    const name = this.wordOrQuoted('cond');
    s.skipTrivia();
    let op: Span | undefined;
    if (s.startsWith('<=')) op = s.take(2);
    else this.error('rlimit-missing-op', name ?? rlimit);
    let value = op ? this.wordOrQuoted('cond') : undefined;
    if (op && !value) this.error('rlimit-missing-value', op);
    if (value && /^[+-]?\d+$/.test(value.text)) value = this.joinUnit(value);
    const comma = value ? this.expectComma() : this.finishBrokenRule();
    return { ...base, end: comma ? comma.end : s.lastEnd, rlimit, name, op, value, comma };
  }

  /** `100 M` is read like `100M`: a unit may stand apart from its number. */
  private joinUnit(value: Token): Token {
    const s = this.s;
    const save = s.pos;
    const saveEnd = s.lastEnd;
    s.skipTrivia();
    const unit = s.newlineSince(save) ? undefined : s.scanWord('cond');
    if (unit && /^[A-Za-z]+$/.test(unit.text)) {
      const text = s.text.slice(value.start, unit.end);
      return { start: value.start, end: unit.end, text, value: value.value + unit.value, quoted: false };
    }
    s.pos = save;
    s.lastEnd = saveEnd;
    return value;
  }

  private parseCondRule(kind: CondKind, qualifiers: Qualifiers, start: number): CondRuleNode {
    const s = this.s;
    const keyword = this.nextWord('cond');
    let perms: Token[] | undefined;
    let permsList = false;
    // Most rules leave some of these empty: those share one empty list instead of each allocating one.
    let conds: CondNode[] = NONE;
    let targetConds: CondNode[] = NONE;
    let words: Token[] = NONE;
    let arrow: Span | undefined;
    let target: Token | undefined;
    let comma: Span | undefined;
    const errorsBefore = this.errors.length;
    let last = -1;
    for (;;) {
      if (s.pos <= last) this.stalled('rule', last);
      last = s.pos;
      const lastEnd = s.lastEnd;
      s.skipTrivia();
      const c = s.code();
      if (c === 0x2c) { comma = s.skip(1); break; }
      if (c === -1 || c === 0x7d || (c === 0x7b && this.isLoneBrace()) || this.newLineRuleStart(lastEnd)) {
        // A rule already broken (say by an unclosed list) needs no second message.
        if (this.errors.length === errorsBefore) this.error('missing-comma', this.lastTokenSpan(lastEnd));
        break;
      }
      if (c === 0x28 /* ( */) {
        const list = this.parseParenValues();
        if (perms || conds.length || words.length || arrow) this.error('unexpected-list', list.span);
        else { perms = list.values; permsList = true; }
        if (!list.closed) {
          comma = this.finishBrokenRule();
          break;
        }
        continue;
      }
      if (s.isArrow()) {
        if (arrow) this.error('unexpected-token', s.span(s.pos), { found: "'->'", expected: "',' at the end of the rule" });
        arrow = s.skip(2);
        target = this.wordOrQuoted('cond');
        if (!target && s.code() !== 0x28) this.error('missing-target', arrow);
        continue;
      }
      if (c === 0x29 || c === 0x3d || c === 0x7b) {
        const tok = s.take(1);
        this.error('unexpected-token', tok, { found: `'${tok.text}'`, expected: 'a word or conditional' });
        continue;
      }
      const w = c === 0x22 ? this.quoted() : s.scanWord('cond');
      if (!w) { this.unexpectedChar(); continue; }
      const cond = this.tryCond(w);
      if (cond && arrow) targetConds = append(targetConds, cond);
      else if (cond) conds = append(conds, cond);
      else if (!perms && !conds.length && !words.length && !arrow && BARE_PERMS[kind]?.has(w.text)) perms = [w];
      else if (arrow && !target) target = w;
      else words = append(words, w);
    }
    return {
      type: 'rule', kind, qualifiers, keyword, start, end: comma ? comma.end : s.lastEnd, comma,
      perms, permsList, conds, words, arrow, target, targetConds,
    };
  }

  /** `name=value`, `name=(list)`, `name in (list)`, `peer=(cond …)`, and 5.0's `label:=`. */
  protected tryCond(name: Token): CondNode | undefined {
    const s = this.s;
    const save = s.pos;
    const saveEnd = s.lastEnd;
    s.skipTrivia();
    let op: CondNode['op'];
    if (s.code() === 0x3d && name.text.endsWith(':') && save === s.pos) op = ':=';
    else if (s.code() === 0x3d && s.code(s.pos + 1) !== 0x3d) op = '=';
    else if (!name.quoted && s.code() === 0x69 /* i */ && /^(options?|v?fstype)$/.test(name.text) && this.peekWord('cond') === 'in') op = 'in';
    else { s.pos = save; s.lastEnd = saveEnd; return undefined; }
    const condName = op === ':=' ? { ...name, end: name.end - 1, text: name.text.slice(0, -1), value: name.value.slice(0, -1) } : name;
    if (op === 'in') this.nextWord('cond'); else s.advance(1);
    while (s.code() === 0x20 || s.code() === 0x09 || s.code() === 0x0a || s.code() === 0x0d) s.pos++;
    if (s.code() !== 0x23) s.skipTrivia();
    if (s.code() === 0x28) {
      if (condName.text === 'peer' || condName.text === 'xattrs') {
        const nested = this.parseNestedConds();
        return { name: condName, op, values: NONE, nested: nested.conds, list: true, start: name.start, end: nested.span.end };
      }
      const list = this.parseParenValues();
      return { name: condName, op, values: list.values, nested: undefined, list: true, start: name.start, end: list.span.end };
    }
    // A value may begin with '#' (`peer=#x`): only blanks separate it from '='.
    const value = s.code() === 0x23 ? s.scanWord('value') : this.wordOrQuoted('value');
    if (!value) this.error('missing-value', condName, { name: condName.text });
    return { name: condName, op, values: value ? [value] : NONE, nested: undefined, list: false, start: name.start, end: value ? value.end : s.lastEnd };
  }

  /**
   * A parenthesised list whose items are separated by blanks and commas; `read` turns each
   * word into an item. Stops, reporting the '(', at anything that cannot be inside.
   */
  private parseParenList<T>(read: (word: Token) => T | undefined, items: T[]): { span: Span; closed: boolean; stop: number } {
    const s = this.s;
    const open = s.skip(1);
    let last = -1;
    for (;;) {
      if (s.pos <= last) this.stalled('list', last);
      last = s.pos;
      s.skipTrivia();
      const c = s.code();
      if (c === 0x29) { s.advance(1); break; }
      if (c === 0x2c) { s.advance(1); continue; }
      if (c === -1 || c === 0x7d || (c === 0x7b && this.isLoneBrace()) || c === 0x28 || c === 0x3d) {
        this.error('unclosed-paren', open);
        return { span: { start: open.start, end: s.lastEnd }, closed: false, stop: c };
      }
      const w = c === 0x22 ? this.quoted() : s.scanWord('cond');
      if (!w) { this.unexpectedChar(); continue; }
      const item = read(w);
      if (item !== undefined) items.push(item);
    }
    return { span: { start: open.start, end: s.lastEnd }, closed: true, stop: 0x29 };
  }

  /** `( a, b c )`: plain words. */
  protected parseParenValues(): { values: Token[]; span: Span; closed: boolean } {
    const values: Token[] = [];
    const { span, closed, stop } = this.parseParenList((w) => w, values);
    // `(send set=(…)`: the word before '=' names a conditional, not a list item.
    if (stop === 0x3d) values.pop();
    return { values, span, closed };
  }

  /** `( name=value … )` as in `peer=( … )` and `xattrs=( … )`. */
  protected parseNestedConds(): { conds: CondNode[]; span: Span } {
    const conds: CondNode[] = [];
    const { span } = this.parseParenList((w) => {
      const cond = this.tryCond(w);
      if (!cond) this.error('expected-conditional', w, { found: w.text });
      return cond;
    }, conds);
    return { conds, span };
  }

  protected parseProfileHeader(): ProfileHeader {
    const s = this.s;
    const header: ProfileHeader = { identities: [] };
    let last = -1;
    for (;;) {
      if (s.pos <= last) this.stalled('profile header', last);
      last = s.pos;
      s.skipTrivia();
      const c = s.code();
      if (c === -1 || c === 0x2c || c === 0x7d || (c === 0x7b && this.isLoneBrace())) return header;
      if (c === 0x28) { this.parseFlags(header, undefined); continue; }
      if (c === 0x2b /* + */) {
        const plus = s.take(1);
        const w = this.peekWord('cond');
        if (w !== 'identities') { this.error('expected-identities', plus); return header; }
        const name = this.nextWord('cond');
        const cond = this.tryCond(name);
        if (cond) header.identities.push(cond); else this.error('missing-value', name, { name: 'identities' });
        continue;
      }
      const w = this.peekWord('cond');
      if (w === 'flags') { this.parseFlags(header, this.nextWord('cond')); continue; }
      if (w === 'xattrs') {
        const name = this.nextWord('cond');
        const cond = this.tryCond(name);
        if (cond) header.xattrs = cond.nested ?? []; else this.error('missing-value', name, { name: 'xattrs' });
        continue;
      }
      if (!header.attachment && !header.flags && !header.xattrs && (c === 0x2f || c === 0x40 || c === 0x22)) {
        header.attachment = this.wordOrQuoted('path');
        continue;
      }
      return header;
    }
  }

  private parseFlags(header: ProfileHeader, keyword: Token | undefined): void {
    const s = this.s;
    const start = keyword ? keyword.start : s.pos;
    if (keyword) {
      s.skipTrivia();
      if (s.code() !== 0x3d) { this.error('flags-missing-equals', keyword); return; }
      s.take(1);
      s.skipTrivia();
      if (s.code() !== 0x28) { this.error('flags-missing-list', keyword); return; }
    }
    if (header.flags) this.error('flags-repeated', { start, end: s.pos + 1 });
    const open = s.skip(1);
    const flags: FlagNode[] = [];
    let last = -1;
    for (;;) {
      if (s.pos <= last) this.stalled('flags', last);
      last = s.pos;
      s.skipTrivia();
      const c = s.code();
      if (c === 0x29) { s.advance(1); break; }
      if (c === 0x2c) { s.advance(1); continue; }
      if (c === -1 || c === 0x7b || c === 0x7d || c === 0x28) { this.error('unclosed-paren', open); break; }
      const name = c === 0x22 ? this.quoted() : s.scanWord('cond');
      if (!name) { this.unexpectedChar(); continue; }
      let value: Token | undefined;
      if (s.code() === 0x3d) {
        s.take(1);
        value = this.wordOrQuoted('cond');
        if (!value) this.error('missing-value', name, { name: name.text });
      }
      flags.push({ start: name.start, end: value ? value.end : name.end, name, value });
    }
    header.flags = flags;
    header.flagsSpan = { start, end: s.lastEnd };
  }

  private parseIf(): IfNode {
    const keyword = this.nextWord('path');
    const condition = this.parseExpr();
    if (!condition) this.error('expected-expression', keyword);
    const then = this.blockOrEmpty(keyword);
    let elseKeyword: Token | undefined;
    let elseNode: IfNode | BlockNode | undefined;
    if (this.peekWord() === 'else') {
      elseKeyword = this.nextWord('path');
      if (this.peekWord() === 'if') elseNode = this.parseIf();
      else elseNode = this.blockOrEmpty(elseKeyword);
    }
    const end = elseNode ? elseNode.end : then.end;
    return { type: 'if', start: keyword.start, end, keyword, condition, then, elseKeyword, else: elseNode };
  }

  private blockOrEmpty(anchor: Token): BlockNode {
    const s = this.s;
    s.skipTrivia();
    if (s.code() === 0x7b) return this.parseBlock();
    this.error('expected-open-brace', this.peekSpan(), { found: this.describeNext() });
    void anchor;
    this.recoverRule();
    return { start: s.pos, end: s.pos, items: [], closed: false };
  }
}

export type { RuleKind };
