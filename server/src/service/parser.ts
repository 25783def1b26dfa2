import type { Comment, FileNode, ParseResult, ProfileNode, TopItem } from './ast';
import { closest } from './data/facts';
import { ParseState, RULE_START_WORDS } from './parseBase';
import { NO_QUALIFIERS, parseBodyItem, parseProfile } from './parseBody';
import { parsePreambleItem } from './parsePreamble';
import { Ch } from './scanner';

export interface ParseOptions {
  /** Parse as an include fragment: bare rules are allowed at top level. */
  readonly fragment?: boolean;
}

/** Parses a whole policy file. Never throws; problems are returned as `errors`. */
export function parse(text: string, options: ParseOptions = {}): ParseResult {
  const p = new ParseState(text, options.fragment ?? false);
  const ast = parseFile(p);
  return { ast, errors: p.errors };
}

function parseFile(p: ParseState): FileNode {
  const s = p.s;
  // apparmor_parser reads a byte-order mark as a stray character; one error names it, and the
  // rest of the file is read as if it were not there.
  const bom = s.code(0) === Ch.Bom;
  if (bom) p.error('byte-order-mark', { start: 0, end: 1 });
  const { items } = parseStretch(p, bom ? 1 : 0, s.text.length, 0);
  checkFinalComment(p);
  return { type: 'file', start: 0, end: s.text.length, items, comments: s.comments as Comment[], fragment: p.fragment };
}

/**
 * Reads the items between `from` and `stop` as the loop of a whole file (depth 0) or of a
 * block (depth > 0: what its enclosing blocks hold of the parser stack, ParseState.depth) does: the whole file is read by this loop, and an edited file's stretch
 * is read again by it. `ok` is false when the loop would not arrive exactly at `stop`: the
 * stretch then parses differently.
 */
export function parseStretch(p: ParseState, from: number, stop: number, depth: number): { items: TopItem[]; ok: boolean } {
  const s = p.s;
  s.pos = from;
  s.lastEnd = from;
  p.depth = depth;
  const items: TopItem[] = [];
  let last = -1;
  for (;;) {
    s.skipTrivia();
    if (s.pos >= stop || s.atEnd()) return { items, ok: s.pos === stop };
    if (depth > 0 && s.code() === Ch.RBrace) return { items, ok: false };
    if (s.pos <= last) p.stalled('item', last);
    last = s.pos;
    if (s.code() === Ch.RBrace) {
      // After rules left outside by a `}` too early, this is the profile's own closing brace.
      const brace = s.take(1);
      if (!(depth === 0 && p.outsideRun)) p.error('unmatched-brace', brace);
      p.outsideRun = false;
      continue;
    }
    const item = depth === 0 ? parseTopItem(p) : parseBodyItem(p);
    if (item) items.push(item);
  }
}

/** apparmor_parser's lexer needs a line break after a comment; a file may not end inside one. */
function checkFinalComment(p: ParseState): void {
  const last = p.s.comments[p.s.comments.length - 1];
  if (last && last.end === p.s.text.length) p.error('comment-at-eof', last);
}

function parseTopItem(p: ParseState): TopItem | undefined {
  const pre = parsePreambleItem(p, true);
  if (pre !== null) return pre;
  if (p.fragment) return parseBodyItem(p);
  return parseTopProfile(p);
}

/** At top level anything that is not preamble must be a profile (or hat). */
function parseTopProfile(p: ParseState): TopItem | undefined {
  const s = p.s;
  const save = s.pos;
  const word = p.peekWord();
  if (word === 'profile' || word === 'hat' || s.code() === Ch.Caret || p.looksLikeProfileHeader()) {
    s.pos = save;
    return afterTopProfile(p, parseProfile(p, NO_QUALIFIERS));
  }
  s.pos = save;
  if (/^[A-Za-z_]\w*$/.test(word) && !RULE_START_WORDS.has(word) && p.looksLikeProfileHeader('line')) {
    // `proile foo /usr/bin/foo {`: a misspelt keyword, then a whole header. Named once, and
    // the header read as the one meant, so its name and body raise nothing more.
    const misspelt = p.nextWord('path');
    const best = closest(misspelt.text, ['profile', 'hat']);
    p.error('unknown-keyword', misspelt, best ? { word: misspelt.text, hint: ` Did you mean '${best}'?`, suggestion: best } : { word: misspelt.text, hint: '' });
    return afterTopProfile(p, parseProfile(p, NO_QUALIFIERS, misspelt));
  }
  const errorsBefore = p.errors.length;
  const item = parseBodyItem(p);
  if (item && p.errors.length === errorsBefore && !p.outsideRun) p.error('rule-outside-profile', item);
  p.outsideRun ||= item !== undefined && item.type !== 'profile';
  return item;
}

/**
 * A header whose `{` is missing leaves the rules meant for it outside: that is the one
 * mistake. A profile closed by its brace ends any run (re-reading after an edit starts
 * after such a profile, and must start in the state a full parse had there).
 */
function afterTopProfile(p: ParseState, profile: ProfileNode): ProfileNode {
  p.outsideRun = !profile.body.closed;
  return profile;
}
