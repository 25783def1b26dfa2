import type {
  BlockNode, BodyItem, CondNode, FlagNode, IfNode, ProfileNode, Qualifiers, QualifierBlockNode, Span, Token,
} from './ast';
import { closest } from './data/facts';
import { RULE_KEYWORDS } from './data/ruleKinds';
import { descend, runDeep, type Deep } from './deep';
import { ParseState, RULE_START_WORDS, STACK_COST } from './parseBase';
import { parseExpr, skipDeepExpr } from './parseExpr';
import { parsePreambleItem } from './parsePreamble';
import { COND_KEYWORD_WORDS, COND_KEYWORDS, MODE_WORD, parseFileRule, parseRuleOfKind, tryCond } from './parseRules';
import { Ch, WordTable } from './scanner';

// Profile bodies: blocks, qualifiers, `if`, profiles and hats; each rule is read in parseRules.ts.

const QUALIFIER_RANK: ReadonlyMap<string, number> = new Map([
  ['priority', 0], ['audit', 1], ['allow', 2], ['deny', 2], ['prompt', 2], ['owner', 3], ['user', 3], ['other', 3],
]);

/** First letters of qualifier words, to skip the word scan for most rules. */
const QUALIFIER_START: ReadonlySet<number> = new Set([...'audiownerp'].map((c) => c.charCodeAt(0)));
/** Qualifier words other than `priority=`, which is matched apart. */
const QUALIFIER_WORDS = new WordTable([...QUALIFIER_RANK.keys()].filter((w) => w !== 'priority'));

// Every qualifiers object has all fields, so the checks that read them see one shape.
export const NO_QUALIFIERS: Qualifiers = { priority: undefined, audit: undefined, mode: undefined, owner: undefined, all: [] };

interface ProfileHeader {
  attachment?: Token;
  xattrs?: CondNode[];
  identities: CondNode[];
  flags?: FlagNode[];
  flagsSpan?: Span;
}

/**
 * A block whose opener holds `cost` entries of apparmor_parser's parser stack (STACK_COST):
 * skipped with one too-deep error where apparmor_parser would run out of it.
 */
function* parseBlock(p: ParseState, cost: number): Deep<BlockNode> {
  const s = p.s;
  const open = s.skip(1);
  if (p.overflows(cost + STACK_COST.emptyBody)) {
    p.tooDeep(open);
    return skipBlock(p, open);
  }
  p.depth += cost;
  try {
    return yield* parseBlockItems(p, open, []);
  } finally {
    p.depth -= cost;
  }
}

/** Skips a block too deeply nested to parse, keeping braces balanced. */
function skipBlock(p: ParseState, open: Span): BlockNode {
  const s = p.s;
  let depth = 1;
  let last = -1;
  while (depth > 0) {
    if (s.pos <= last) p.stalled('deep block', last);
    last = s.pos;
    s.skipTrivia();
    const c = s.code();
    if (c === -1) return { start: open.start, end: s.pos, items: [], closed: false };
    if (c === Ch.LBrace) depth++;
    else if (c === Ch.RBrace) depth--;
    if (c === Ch.LBrace || c === Ch.RBrace) s.skip(1); else p.skipToken();
  }
  return { start: open.start, end: s.pos, items: [], closed: true };
}

/**
 * The items of a block up to its `}`. The loop over items is a plain function (readItems),
 * which generators run slower; it hands back each nested block for this one to run.
 */
function* parseBlockItems(p: ParseState, open: Span, items: BodyItem[]): Deep<BlockNode> {
  const last = { pos: -1 };
  for (;;) {
    const block = readItems(p, open, items, last);
    if (block !== PENDING) return block;
    const item = yield* descend(takePending(p));
    if (!addItem(p, items, item)) return { ...skipBlock(p, open), items };
  }
}

/** Reads items into `items` until the block ends (its node) or a nested block is next (to run). */
function readItems(p: ParseState, open: Span, items: BodyItem[], last: { pos: number }): BlockNode | typeof PENDING {
  const s = p.s;
  for (;;) {
    s.skipTrivia();
    if (s.atEnd()) {
      p.error('unclosed-brace', open);
      return { start: open.start, end: s.pos, items, closed: false };
    }
    if (s.code() === Ch.RBrace) {
      s.skip(1);
      return { start: open.start, end: s.pos, items, closed: true };
    }
    if (s.pos <= last.pos) p.stalled('block', last.pos);
    last.pos = s.pos;
    const item = bodyItem(p);
    if (item === undefined) continue;
    if (item === PENDING) return item;
    if (!addItem(p, items, item)) return { ...skipBlock(p, open), items };
  }
}

/** Adds `item`, or reports it too deep (false): the rest of the block is then skipped. */
function addItem(p: ParseState, items: BodyItem[], item: BodyItem): boolean {
  if (p.depth > ParseState.PARSER_STACK - STACK_COST.pathRule && p.overflows(itemCost(item))) {
    // A rule needs a few entries more than an empty block: the parser runs out at it.
    p.tooDeep(item);
    return false;
  }
  items.push(item);
  return true;
}

/** What an item needs on the parser's stack on top of its block (blocks check their own). */
function itemCost(item: BodyItem): number {
  if (item.type === 'profile' || item.type === 'if' || item.type === 'qualifierBlock') return 0;
  if (item.type !== 'rule') return STACK_COST.emptyBody;
  return item.kind === 'file' || item.kind === 'link' ? STACK_COST.pathRule : STACK_COST.rule;
}

export function parseBodyItem(p: ParseState): BodyItem | undefined {
  const item = bodyItem(p);
  return item === PENDING ? runDeep(takePending(p)) : item;
}

/**
 * Said by bodyItem of a block: the walk that reads it waits in `pendingBlocks`, to be run on
 * the caller's stack. A mark, not the walk itself, so that the loop over items tells a block
 * by one comparison (telling a generator from a node was a measurable share of parsing).
 */
const PENDING = Symbol('pending block');
const pendingBlocks = new WeakMap<ParseState, Deep<BodyItem>>();

function pending(p: ParseState, walk: Deep<BodyItem>): typeof PENDING {
  pendingBlocks.set(p, walk);
  return PENDING;
}

function takePending(p: ParseState): Deep<BodyItem> {
  const walk = pendingBlocks.get(p)!;
  pendingBlocks.delete(p);
  return walk;
}

/** The next item of a body, or PENDING for a block (see pending). */
function bodyItem(p: ParseState): BodyItem | undefined | typeof PENDING {
  const s = p.s;
  s.skipTrivia();
  const start = s.pos;
  const pre = parsePreambleInBody(p);
  if (pre !== null) return pre;
  if (s.code() === Ch.Comma) {
    p.error('stray-comma', s.take(1));
    return undefined;
  }
  const qualifiers = parseQualifiers(p);
  s.skipTrivia();
  if (s.code() === Ch.LBrace && p.isLoneBrace()) return pending(p, parseQualifierBlock(p, qualifiers, start));
  if (s.code() === Ch.Caret) return pending(p, profile(p, qualifiers));
  if (s.code() === Ch.Quote || s.code() === Ch.Slash || s.code() === Ch.At) {
    // `/usr/bin/child {` in a body: apparmor_parser wants `profile` there. Read as the profile meant.
    if (qualifiers.all.length === 0 && p.looksLikeProfileHeader('body')) {
      const at = p.peekSpan();
      p.error('child-profile-keyword', at, { name: s.text.slice(at.start, at.end) });
      return pending(p, profile(p, qualifiers));
    }
    return parseFileRule(p, qualifiers, start);
  }
  if (s.code() === Ch.RBrace || s.atEnd()) {
    const lastQualifier = qualifiers.all[qualifiers.all.length - 1];
    if (lastQualifier) p.error('qualifier-without-rule', lastQualifier, { word: lastQualifier.text });
    return undefined;
  }
  // `ptrace(read),` is read like `ptrace (read),`.
  const keyword = s.matchWord(COND_KEYWORD_WORDS, 'path') ?? s.matchWord(COND_KEYWORD_WORDS, 'cond');
  if (keyword) return parseRuleOfKind(p, COND_KEYWORDS.get(keyword)!, qualifiers, start);
  const word = p.peekWord();
  const kind = RULE_KEYWORDS.get(word);
  if (kind) return parseRuleOfKind(p, kind, qualifiers, start);
  switch (word) {
    case 'profile':
    case 'hat':
      return pending(p, profile(p, qualifiers));
    case 'safe':
    case 'unsafe':
      return parseFileRule(p, qualifiers, start);
    case 'if':
      if (qualifiers.all.length > 0) p.error('qualifier-on-if', qualifiers.all[0]!);
      return pending(p, parseIf(p));
    case 'else': {
      const tok = p.nextWord('path');
      p.error('else-without-if', tok);
      s.skipTrivia();
      if (s.code() !== Ch.LBrace) return undefined;
      return pending(p, strayElseBlock(p, start));
    }
  }
  if (MODE_WORD.test(word)) return parseFileRule(p, qualifiers, start);
  const tok = p.nextWord('path');
  if (p.invisibleIn(tok)) {
    p.recoverRule();
    return undefined;
  }
  const best = closest(tok.text, RULE_START_WORDS);
  p.error('unknown-keyword', tok, best ? { word: tok.text, hint: ` Did you mean '${best}'?`, suggestion: best } : { word: tok.text, hint: '' });
  p.recoverRule();
  return undefined;
}

/** Include, abi, and misplaced preamble items; `null` when the next item is none of them. */
function parsePreambleInBody(p: ParseState): BodyItem | undefined | null {
  const item = parsePreambleItem(p, false);
  if (item === null || item === undefined) return item;
  if (item.type === 'alias') return undefined;
  return item as BodyItem;
}

function parseQualifiers(p: ParseState): Qualifiers {
  const s = p.s;
  s.skipTrivia();
  // Most rules have no qualifier: answer those without allocating.
  if (!QUALIFIER_START.has(s.code())) return NO_QUALIFIERS;
  // `dbus`, `unix`, `ptrace` … start like qualifiers; telling them apart first saves the allocations below.
  if (qualifierWord(p) === undefined && !s.startsWith('priority')) return NO_QUALIFIERS;
  const q: { priority?: Qualifiers['priority']; audit?: Token; mode?: Token; owner?: Token; all: Token[] } = { priority: undefined, audit: undefined, mode: undefined, owner: undefined, all: [] };
  let lastRank = -1;
  let last = -1;
  for (;;) {
    if (s.pos <= last) p.stalled('qualifier', last);
    last = s.pos;
    s.skipTrivia();
    let tok: Token;
    let name: string;
    if (s.code() === Ch.LowerP && /^priority[ \t]*=/.test(s.text.slice(s.pos, s.pos + 16))) {
      tok = s.take(8);
      name = 'priority';
      s.skipTrivia();
      const eq = s.skip(1);
      s.skipTrivia();
      const value = s.scanWord('cond');
      if (!value) p.error('priority-missing-value', tok);
      q.priority = { token: tok, value, span: { start: tok.start, end: value ? value.end : eq.end } };
    } else {
      const word = qualifierWord(p);
      if (word === undefined) break;
      name = word;
      tok = p.nextWord('path');
      if (name === 'audit') q.audit = tok;
      else if (QUALIFIER_RANK.get(name) === 2) q.mode = tok;
      else q.owner = tok;
    }
    const rank = QUALIFIER_RANK.get(name)!;
    if (rank <= lastRank) {
      const prev = q.all[q.all.length - 1]!;
      p.error(rank === lastRank ? 'qualifier-repeated' : 'qualifier-order', tok, { word: tok.text, previous: prev.text });
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
function qualifierWord(p: ParseState): string | undefined {
  return p.s.matchWord(QUALIFIER_WORDS, 'path');
}

function* parseQualifierBlock(p: ParseState, qualifiers: Qualifiers, start: number): Deep<QualifierBlockNode> {
  if (qualifiers.all.length === 0) p.error('unexpected-brace', { start: p.s.pos, end: p.s.pos + 1 });
  const body = yield* parseBlock(p, STACK_COST.qualifierBlock);
  return { type: 'qualifierBlock', start, end: body.end, qualifiers, body };
}

/** The block of an `else` with no `if` before it (already reported), read as a plain block. */
function* strayElseBlock(p: ParseState, start: number): Deep<QualifierBlockNode> {
  const body = yield* parseBlock(p, STACK_COST.qualifierBlock);
  return { type: 'qualifierBlock', start, end: body.end, qualifiers: NO_QUALIFIERS, body };
}

function* parseIf(p: ParseState): Deep<IfNode> {
  const keyword = p.nextWord('path');
  if (p.overflows(STACK_COST.ifBlock + STACK_COST.emptyBody)) return tooDeepIf(p, keyword);
  const errorsBefore = p.errors.length;
  const condition = parseExpr(p);
  if (!condition && p.errors.length === errorsBefore) p.error('expected-expression', keyword);
  const then = yield* blockOrEmpty(p, STACK_COST.ifBlock);
  let elseKeyword: Token | undefined;
  let elseNode: IfNode | BlockNode | undefined;
  if (atElse(p)) {
    elseKeyword = takeElse(p);
    if (p.peekWord() === 'if') {
      // Each `else if` link stays on the parser's stack until the chain ends.
      p.depth += STACK_COST.elseIf;
      try {
        elseNode = yield* descend(parseIf(p));
      } finally {
        p.depth -= STACK_COST.elseIf;
      }
    } else elseNode = yield* blockOrEmpty(p, STACK_COST.elseBlock);
  }
  const end = elseNode ? elseNode.end : then.end;
  return { type: 'if', start: keyword.start, end, keyword, condition, then, elseKeyword, else: elseNode };
}

/** An `if` at the nesting limit: one too-deep for it; its condition, block and `else` arms skipped. */
function tooDeepIf(p: ParseState, keyword: Token): IfNode {
  p.tooDeep(keyword);
  const s = p.s;
  let then: BlockNode | undefined;
  let end = s.pos;
  let last = -1;
  for (let arm = true; arm;) {
    if (s.pos <= last) p.stalled('deep if', last);
    last = s.pos;
    skipDeepExpr(p);
    const block = s.code() === Ch.LBrace ? skipBlock(p, s.skip(1)) : { start: s.pos, end: s.pos, items: [], closed: false };
    then ??= block;
    end = block.end;
    arm = atElse(p);
    if (arm) takeElse(p);
    if (arm && p.peekWord() === 'if') p.nextWord('path');
  }
  return { type: 'if', start: keyword.start, end, keyword, then: then! };
}

/** `else`, also glued to its `{` (`}else{`), which apparmor_parser reads as two tokens. */
function atElse(p: ParseState): boolean {
  const w = p.peekWord();
  return w === 'else' || w.startsWith('else{');
}

function takeElse(p: ParseState): Token {
  p.s.skipTrivia();
  return p.s.take('else'.length);
}

function* blockOrEmpty(p: ParseState, cost: number): Deep<BlockNode> {
  const s = p.s;
  s.skipTrivia();
  if (s.code() === Ch.LBrace) return yield* parseBlock(p, cost);
  p.error('expected-open-brace', p.peekSpan(), { found: p.describeNext() });
  p.recoverRule();
  return { start: s.pos, end: s.pos, items: [], closed: false };
}

/** `misspelt`: a word already read, and reported, where `profile` was meant. */
export function parseProfile(p: ParseState, qualifiers: Qualifiers, misspelt?: Token): ProfileNode {
  return runDeep(profile(p, qualifiers, misspelt));
}

function* profile(p: ParseState, qualifiers: Qualifiers, misspelt?: Token): Deep<ProfileNode> {
  const s = p.s;
  const start = misspelt ? misspelt.start : s.pos;
  if (qualifiers.all.length > 0) p.error('qualifier-on-profile', qualifiers.all[0]!);
  let keyword: Token | undefined = misspelt;
  let hat = false;
  let name: Token | undefined;
  if (misspelt) s.skipTrivia();
  else if (s.code() === Ch.Caret) {
    keyword = s.take(1);
    hat = true;
    if (isBlankAt(p, s.pos)) p.error('hat-space', keyword);
  } else {
    const w = p.peekWord();
    if (w === 'profile' || w === 'hat') {
      keyword = p.nextWord('path');
      hat = w === 'hat';
      s.skipTrivia();
    }
  }
  if (s.code() !== Ch.LBrace || !p.isLoneBrace()) name = nextName(p);
  let glued = false;
  if (name && !name.quoted && name.text.endsWith('{') && name.text.length > 1) {
    // `profile p{`: report it, then read on as if the space were there.
    if (!p.invisibleIn(name)) p.error('brace-needs-space', name);
    s.pos = name.end - 1;
    name = { ...name, end: name.end - 1, text: name.text.slice(0, -1), value: name.value.slice(0, -1) };
    glued = true;
  }
  const header: ProfileHeader = glued ? { identities: [] } : parseProfileHeader(p);
  const body = glued ? yield* parseBlock(p, STACK_COST.profile) : yield* parseBlockOrError(p, keyword ?? name);
  return {
    type: 'profile', start, end: body.end, keyword, hat, name, qualifiers,
    attachment: header.attachment, xattrs: header.xattrs, identities: header.identities,
    flags: header.flags, flagsSpan: header.flagsSpan, body,
  };
}

function nextName(p: ParseState): Token | undefined {
  const s = p.s;
  s.skipTrivia();
  if (s.code() === Ch.Quote) return p.quoted();
  return s.scanWord('path');
}

function* parseBlockOrError(p: ParseState, anchor: Span | undefined): Deep<BlockNode> {
  const s = p.s;
  s.skipTrivia();
  if (s.code() === Ch.LBrace) return yield* parseBlock(p, STACK_COST.profile);
  const at = p.peekSpan();
  p.error('expected-open-brace', anchor && s.atEnd() ? anchor : at, { found: p.describeNext() });
  p.recoverRule();
  return { start: s.pos, end: s.pos, items: [], closed: false };
}

function parseProfileHeader(p: ParseState): ProfileHeader {
  const s = p.s;
  const header: ProfileHeader = { identities: [] };
  let last = -1;
  for (;;) {
    if (s.pos <= last) p.stalled('profile header', last);
    last = s.pos;
    s.skipTrivia();
    const c = s.code();
    if (c === -1 || c === Ch.Comma || c === Ch.RBrace || (c === Ch.LBrace && p.isLoneBrace())) return header;
    if (c === Ch.LParen) { parseFlags(p, header, undefined); continue; }
    if (c === Ch.Plus) {
      const plus = s.take(1);
      const w = p.peekWord('cond');
      if (w !== 'identities') { p.error('expected-identities', plus); return header; }
      const name = p.nextWord('cond');
      const cond = tryCond(p, name);
      if (cond) header.identities.push(cond); else p.error('missing-value', name, { name: 'identities' });
      continue;
    }
    const w = p.peekWord('cond');
    if (w === 'flags') { parseFlags(p, header, p.nextWord('cond')); continue; }
    if (w === 'xattrs') {
      const name = p.nextWord('cond');
      if (header.flags) p.error('header-order', name);
      const cond = tryCond(p, name);
      if (cond) header.xattrs = cond.nested ?? []; else p.error('missing-value', name, { name: 'xattrs' });
      continue;
    }
    if (!header.attachment && !header.flags && !header.xattrs && (c === Ch.Slash || c === Ch.At || c === Ch.Quote)) {
      header.attachment = p.wordOrQuoted('path');
      continue;
    }
    return header;
  }
}

function parseFlags(p: ParseState, header: ProfileHeader, keyword: Token | undefined): void {
  const s = p.s;
  const start = keyword ? keyword.start : s.pos;
  if (keyword) {
    s.skipTrivia();
    if (s.code() !== Ch.Eq) { p.error('flags-missing-equals', keyword); return; }
    s.take(1);
    s.skipTrivia();
    if (s.code() !== Ch.LParen) { p.error('flags-missing-list', keyword); return; }
  }
  if (header.flags) p.error('flags-repeated', { start, end: s.pos + 1 });
  const open = s.skip(1);
  const flags: FlagNode[] = [];
  let reported = false;
  let last = -1;
  for (;;) {
    if (s.pos <= last) p.stalled('flags', last);
    last = s.pos;
    s.skipTrivia();
    const c = s.code();
    if (c === Ch.RParen) { s.advance(1); break; }
    if (c === Ch.Comma) { s.advance(1); continue; }
    if (c === Ch.LParen) {
      // apparmor_parser's lexer refuses the first inner '(': one error, the nested run skipped.
      p.error('unexpected-token', { start: s.pos, end: s.pos + 1 }, { found: "'('", expected: 'a flag name (a flags list holds no parentheses)' });
      skipNestedParens(p);
      reported = true;
      continue;
    }
    if (c === -1 || c === Ch.LBrace || c === Ch.RBrace) { p.error('unclosed-paren', open); break; }
    const name = c === Ch.Quote ? p.quoted() : s.scanWord('cond');
    if (!name) { p.unexpectedChar(); continue; }
    let value: Token | undefined;
    if (s.code() === Ch.Eq) {
      s.take(1);
      value = p.wordOrQuoted('cond');
      if (!value) p.error('missing-value', name, { name: name.text });
    }
    flags.push({ start: name.start, end: value ? value.end : name.end, name, value });
  }
  header.flags = flags;
  header.flagsSpan = { start, end: s.lastEnd };
  if (flags.length === 0 && !reported) p.error('flags-empty', header.flagsSpan);
}

/** From a '(' to the ')' that closes it, in a loop however deep; stops short of a block's brace. */
function skipNestedParens(p: ParseState): void {
  const s = p.s;
  let depth = 0;
  for (let c = s.code(); c !== -1 && c !== Ch.LBrace && c !== Ch.RBrace; c = s.code()) {
    s.advance(1);
    if (c === Ch.LParen) depth++;
    else if (c === Ch.RParen && --depth === 0) return;
  }
}

function isBlankAt(p: ParseState, offset: number): boolean {
  const c = p.s.code(offset);
  return c === Ch.Space || c === Ch.Tab || c === Ch.LF || c === Ch.CR;
}
