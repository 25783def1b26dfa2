import type { CondNode, CondRuleNode, FileRuleNode, LinkRuleNode, Qualifiers, RlimitRuleNode, RuleKind, RuleNode, Span, Token } from './ast';
import { RULE_KEYWORDS, RULE_KINDS } from './data/ruleKinds';
import { ParseState } from './parseBase';
import { Ch, WordTable } from './scanner';

// One rule each, from its keyword (or path) to its comma.

type CondKind = CondRuleNode['kind'];

/** Whether rules of a kind are read by parseCondRule: permissions, conditionals, words and a target. */
function isCondKind(kind: RuleKind): kind is CondKind {
  return kind !== 'file' && kind !== 'link' && kind !== 'rlimit';
}

/** Words that start a rule read by parseCondRule, with the kind each makes. */
export const COND_KEYWORDS: ReadonlyMap<string, CondKind> = new Map(
  [...RULE_KEYWORDS].filter((e): e is [string, CondKind] => isCondKind(e[1])),
);

export const COND_KEYWORD_WORDS = new WordTable(COND_KEYWORDS.keys());

export const MODE_WORD = /^[rwaklmxiupcRWLMXIUPC]+$/;

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

/** A rule of `kind`, from its keyword on; each kind is named, so a new one is a compile error here. */
export function parseRuleOfKind(p: ParseState, kind: RuleKind, qualifiers: Qualifiers, start: number): RuleNode {
  switch (kind) {
    case 'file':
      return parseFileRule(p, qualifiers, start, p.nextWord('path'));
    case 'link':
      return parseLinkRule(p, qualifiers, start);
    case 'rlimit':
      return parseRlimitRule(p, qualifiers, start);
    case 'capability': case 'network': case 'unix': case 'dbus': case 'signal': case 'ptrace': case 'mount':
    case 'remount': case 'umount': case 'pivot_root': case 'change_profile': case 'userns': case 'mqueue':
    case 'io_uring': case 'all':
      return parseCondRule(p, kind, qualifiers, start);
  }
}

export function parseFileRule(p: ParseState, qualifiers: Qualifiers, start: number, keyword?: Token): FileRuleNode {
  const s = p.s;
  s.skipTrivia();
  if (keyword && (s.code() === Ch.Comma || s.code() === Ch.RBrace || s.atEnd() || newLineRuleStart(p, keyword.end))) {
    const comma = p.expectComma();
    return fileRule(qualifiers, keyword, start, comma ? comma.end : s.lastEnd, {}, comma);
  }
  let execSafety: Token | undefined;
  const first = s.code();
  const w = first === Ch.LowerS || first === Ch.LowerU ? p.peekWord() : '';
  if (w === 'safe' || w === 'unsafe') execSafety = p.nextWord('path');
  s.skipTrivia();
  let path: Token | undefined;
  let perms: Token | undefined;
  const c = s.code();
  const permsFirst = !(c === Ch.Quote || c === Ch.Slash || c === Ch.At || c === Ch.LBrace || c === Ch.Colon);
  if (permsFirst) {
    perms = p.nextWord('path');
    path = p.wordOrQuoted('path');
    if (!path) p.error('missing-path', perms, { found: `'${perms.text}'` });
  } else {
    path = p.wordOrQuoted('path');
    perms = parseModesAfterPath(p, path);
  }
  let arrow: Span | undefined;
  let target: Token | undefined;
  s.skipTrivia();
  if (s.isArrow()) {
    arrow = s.skip(2);
    target = p.wordOrQuoted('path');
    if (!target) p.error('missing-target', arrow);
  }
  // A rule missing its path or permissions is reported once; its end needs no second word.
  const comma = perms && path ? p.expectComma() : p.finishBrokenRule();
  const end = comma ? comma.end : s.lastEnd;
  return fileRule(qualifiers, keyword, start, end, { execSafety, path, perms, permsFirst, arrow, target }, comma);
}

function parseModesAfterPath(p: ParseState, path: Token | undefined): Token | undefined {
  const s = p.s;
  const lastEnd = s.lastEnd;
  s.skipTrivia();
  const c = s.code();
  if (c === Ch.Comma || c === Ch.RBrace || c === -1 || s.isArrow() || (s.newlineSince(lastEnd) && p.looksLikeRuleStart())) {
    if (!path || !p.invisibleIn(path)) p.error('missing-permissions', path ?? { start: lastEnd, end: lastEnd });
    return undefined;
  }
  if (c === Ch.Bang) {
    p.unexpectedChar();
    return undefined;
  }
  const save = s.pos;
  const run = s.scanModeRun();
  const n = s.code();
  if (run && (n === -1 || n === Ch.Comma || n === Ch.Space || n === Ch.Tab || n === Ch.LF || n === Ch.CR || s.isArrow())) return run;
  s.pos = save;
  const word = p.nextWord('path');
  if (MODE_WORD.test(word.text) || ruleEndsHere(p, word.end)) return word;
  // `/a b rw,`: a blank inside the path. The word after it is no permission; one error says so.
  p.error('unexpected-token', word, { found: `'${word.text}'`, expected: 'permissions (such as r, rw or ix) after the path' });
  return undefined;
}

/** Whether what follows `after` can end a rule: a comma, an arrow, a brace, or a new rule's line. */
function ruleEndsHere(p: ParseState, after: number): boolean {
  const s = p.s;
  s.skipTrivia();
  const c = s.code();
  return c === Ch.Comma || c === Ch.RBrace || c === -1 || s.isArrow() || (s.newlineSince(after) && p.looksLikeRuleStart());
}

function newLineRuleStart(p: ParseState, after: number): boolean {
  return p.s.newlineSince(after) && p.looksLikeRuleStart();
}

function parseLinkRule(p: ParseState, qualifiers: Qualifiers, start: number): LinkRuleNode {
  const s = p.s;
  const keyword = p.nextWord('path');
  let subset: Token | undefined;
  if (p.peekWord() === 'subset') subset = p.nextWord('path');
  const path = p.wordOrQuoted('path');
  s.skipTrivia();
  let arrow: Span | undefined;
  let target: Token | undefined;
  if (path && s.isArrow()) {
    arrow = s.skip(2);
    target = p.wordOrQuoted('path');
  }
  if (!path || !target) {
    p.error('link-incomplete', path ?? keyword);
    const comma = p.finishBrokenRule();
    return { type: 'rule', kind: 'link', qualifiers, keyword, start, end: s.lastEnd, subset, path, arrow, target, comma };
  }
  const comma = p.expectComma();
  return { type: 'rule', kind: 'link', qualifiers, keyword, start, end: comma ? comma.end : s.lastEnd, subset, path, arrow, target, comma };
}

function parseRlimitRule(p: ParseState, qualifiers: Qualifiers, start: number): RlimitRuleNode {
  const s = p.s;
  const keyword = p.nextWord('path');
  const base = { type: 'rule' as const, kind: 'rlimit' as const, qualifiers, keyword, start };
  if (p.peekWord('cond') !== 'rlimit') {
    p.error('set-needs-rlimit', keyword);
    const comma = p.finishBrokenRule();
    return { ...base, end: s.lastEnd, comma };
  }
  const rlimit = p.nextWord('cond');
  const name = p.wordOrQuoted('cond');
  s.skipTrivia();
  let op: Span | undefined;
  if (s.startsWith('<=')) op = s.take(2);
  else p.error('rlimit-missing-op', name ?? rlimit);
  let value = op ? p.wordOrQuoted('cond') : undefined;
  if (op && !value) p.error('rlimit-missing-value', op);
  if (value && /^[+-]?\d+$/.test(value.text)) value = joinUnit(p, value);
  const comma = value ? p.expectComma() : p.finishBrokenRule();
  return { ...base, end: comma ? comma.end : s.lastEnd, rlimit, name, op, value, comma };
}

/** `100 M` is read like `100M`: a unit may stand apart from its number. */
function joinUnit(p: ParseState, value: Token): Token {
  const s = p.s;
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

function parseCondRule(p: ParseState, kind: CondKind, qualifiers: Qualifiers, start: number): CondRuleNode {
  const s = p.s;
  const keyword = p.nextWord('cond');
  let perms: Token[] | undefined;
  let permsList = false;
  // Most rules leave some of these empty: those share one empty list instead of each allocating one.
  let conds: CondNode[] = NONE;
  let targetConds: CondNode[] = NONE;
  let words: Token[] = NONE;
  let arrow: Span | undefined;
  let target: Token | undefined;
  let comma: Span | undefined;
  const errorsBefore = p.errors.length;
  let last = -1;
  for (;;) {
    if (s.pos <= last) p.stalled('rule', last);
    last = s.pos;
    const lastEnd = s.lastEnd;
    s.skipTrivia();
    const c = s.code();
    if (c === Ch.Comma) { comma = s.skip(1); break; }
    if (c === -1 || c === Ch.RBrace || (c === Ch.LBrace && p.isLoneBrace()) || newLineRuleStart(p, lastEnd)) {
      // A rule already broken (say by an unclosed list) needs no second message.
      if (p.errors.length === errorsBefore) p.error('missing-comma', p.lastTokenSpan(lastEnd));
      break;
    }
    if (c === Ch.LParen) {
      const list = parseParenValues(p);
      if (perms || conds.length || words.length || arrow) p.error('unexpected-list', list.span);
      else { perms = list.values; permsList = true; }
      if (!list.closed) {
        comma = p.finishBrokenRule();
        break;
      }
      continue;
    }
    if (s.isArrow()) {
      if (arrow) p.error('unexpected-token', s.span(s.pos), { found: "'->'", expected: "',' at the end of the rule" });
      arrow = s.skip(2);
      target = p.wordOrQuoted('cond');
      if (!target && s.code() !== Ch.LParen) p.error('missing-target', arrow);
      continue;
    }
    if (c === Ch.RParen || c === Ch.Eq || c === Ch.LBrace) {
      const tok = s.take(1);
      p.error('unexpected-token', tok, { found: `'${tok.text}'`, expected: 'a word or conditional' });
      continue;
    }
    const w = c === Ch.Quote ? p.quoted() : s.scanWord('cond');
    if (!w) { p.unexpectedChar(); continue; }
    const cond = tryCond(p, w);
    if (cond && arrow) targetConds = append(targetConds, cond);
    else if (cond) conds = append(conds, cond);
    else if (!perms && !conds.length && !words.length && !arrow && RULE_KINDS[kind].perms?.has(w.text)) perms = [w];
    else if (arrow && !target) target = w;
    else words = append(words, w);
  }
  return {
    type: 'rule', kind, qualifiers, keyword, start, end: comma ? comma.end : s.lastEnd, comma,
    perms, permsList, conds, words, arrow, target, targetConds,
  };
}

/** `name=value`, `name=(list)`, `name in (list)`, `peer=(cond …)`, and 5.0's `label:=`. */
export function tryCond(p: ParseState, name: Token): CondNode | undefined {
  const s = p.s;
  const save = s.pos;
  const saveEnd = s.lastEnd;
  s.skipTrivia();
  let op: CondNode['op'];
  if (s.code() === Ch.Eq && name.text.endsWith(':') && save === s.pos) op = ':=';
  else if (s.code() === Ch.Eq && s.code(s.pos + 1) !== Ch.Eq) op = '=';
  else if (!name.quoted && s.code() === Ch.LowerI && /^(options?|v?fstype)$/.test(name.text) && p.peekWord('cond') === 'in') op = 'in';
  else { s.pos = save; s.lastEnd = saveEnd; return undefined; }
  const condName = op === ':=' ? { ...name, end: name.end - 1, text: name.text.slice(0, -1), value: name.value.slice(0, -1) } : name;
  if (op === 'in') p.nextWord('cond'); else s.advance(1);
  while (s.code() === Ch.Space || s.code() === Ch.Tab || s.code() === Ch.LF || s.code() === Ch.CR) s.pos++;
  if (s.code() !== Ch.Hash) s.skipTrivia();
  if (s.code() === Ch.LParen) {
    if (condName.text === 'peer' || condName.text === 'xattrs') {
      if (p.condLists >= ParseState.MAX_COND_LISTS) return tooDeepConds(p, condName, op, name.start);
      p.condLists++;
      try {
        const nested = parseNestedConds(p, condName.text === 'xattrs');
        return { name: condName, op, values: NONE, nested: nested.conds, list: true, start: name.start, end: nested.span.end };
      } finally {
        p.condLists--;
      }
    }
    const list = parseParenValues(p);
    return { name: condName, op, values: list.values, nested: undefined, list: true, start: name.start, end: list.span.end };
  }
  // A value may begin with '#' (`peer=#x`): only blanks separate it from '='.
  const value = s.code() === Ch.Hash ? s.scanWord('value') : p.wordOrQuoted('value');
  if (!value) p.error('missing-value', condName, { name: condName.text });
  return { name: condName, op, values: value ? [value] : NONE, nested: undefined, list: false, start: name.start, end: value ? value.end : s.lastEnd };
}

/**
 * `peer=(peer=(…` past MAX_COND_LISTS levels (apparmor_parser refuses even the second): one
 * too-deep, and the list skipped to its `)`, without reading deeper.
 */
function tooDeepConds(p: ParseState, name: Token, op: CondNode['op'], start: number): CondNode {
  const s = p.s;
  p.tooDeep({ start: s.pos, end: s.pos + 1 }, `more than ${ParseState.MAX_COND_LISTS} levels of conditionals in parentheses`);
  let open = 0;
  let last = -1;
  for (;;) {
    if (s.pos <= last) p.stalled('deep conditionals', last);
    last = s.pos;
    const c = s.code();
    if (c === -1 || c === Ch.LBrace || c === Ch.RBrace || c === Ch.Comma) break;
    s.advance(1);
    if (c === Ch.LParen) open++;
    else if (c === Ch.RParen && --open === 0) break;
  }
  return { name, op, values: NONE, nested: [], list: true, start, end: s.lastEnd };
}

/**
 * A parenthesised list whose items are separated by blanks and commas; `read` turns each
 * word into an item. Stops, reporting the '(', at anything that cannot be inside.
 */
function parseParenList<T>(p: ParseState, read: (word: Token) => T | undefined, items: T[]): { span: Span; closed: boolean; stop: number } {
  const s = p.s;
  const open = s.skip(1);
  let last = -1;
  for (;;) {
    if (s.pos <= last) p.stalled('list', last);
    last = s.pos;
    s.skipTrivia();
    const c = s.code();
    if (c === Ch.RParen) { s.advance(1); break; }
    if (c === Ch.Comma) { s.advance(1); continue; }
    if (c === -1 || c === Ch.RBrace || (c === Ch.LBrace && p.isLoneBrace()) || c === Ch.LParen || c === Ch.Eq) {
      p.error('unclosed-paren', open);
      return { span: { start: open.start, end: s.lastEnd }, closed: false, stop: c };
    }
    const w = c === Ch.Quote ? p.quoted() : s.scanWord('cond');
    if (!w) { p.unexpectedChar(); continue; }
    const item = read(w);
    if (item !== undefined) items.push(item);
  }
  return { span: { start: open.start, end: s.lastEnd }, closed: true, stop: Ch.RParen };
}

/** `( a, b c )`: plain words. */
function parseParenValues(p: ParseState): { values: Token[]; span: Span; closed: boolean } {
  const values: Token[] = [];
  const { span, closed, stop } = parseParenList(p, (w) => w, values);
  // `(send set=(…)`: the word before '=' names a conditional, not a list item.
  if (stop === Ch.Eq) values.pop();
  return { values, span, closed };
}

/**
 * `( name=value … )` as in `peer=( … )` and `xattrs=( … )`. An xattr may be named without a
 * value (`xattrs=(user.trusted)`: present, whatever its value).
 */
function parseNestedConds(p: ParseState, bareNames = false): { conds: CondNode[]; span: Span } {
  const conds: CondNode[] = [];
  const { span } = parseParenList(p, (w) => {
    const cond = tryCond(p, w);
    if (!cond && bareNames) return { name: w, op: '=', values: NONE, nested: undefined, list: false, start: w.start, end: w.end };
    if (!cond) p.error('expected-conditional', w, { found: w.text });
    return cond;
  }, conds);
  return { conds, span };
}

export type { RuleKind };
