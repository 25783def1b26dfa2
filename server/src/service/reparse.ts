import type { BlockNode, Comment, IfNode, ParseError, ParseResult, ProfileNode, Span, TopItem } from './ast';
import { sameData } from './deep';
import { ParseState, STACK_COST } from './parseBase';
import { parseStretch } from './parser';
import { shifted } from './shift';

const BOM = 0xfeff;

/** One replacement in a text: `removed` characters at `offset` replaced by `inserted`. */
export interface TextEdit {
  readonly offset: number;
  readonly removed: number;
  readonly inserted: string;
}

/** Characters that cannot open or close a block, string, comment or list; edits of others re-read the file. */
const SAFE = /^[A-Za-z0-9 \t\r\n,./*_\-:@+~?%]*$/;
/** Deeper blocks are rare and the parser treats the deepest specially: re-read the file. */
const MAX_DEPTH = 32;
/** How much dearer copying a stretch of tree with new offsets is than parsing it, rounded up. */
const SHIFT_COST = 3;

/** A block on the way down to the edit, and how to rebuild the node holding it. */
interface Frame {
  readonly items: readonly TopItem[];
  readonly index: number;
  readonly block: BlockNode;
  readonly rebuild: (block: BlockNode) => TopItem;
  /** What the block holds of apparmor_parser's stack (STACK_COST), as the full parse counted it. */
  readonly cost: number;
}

/**
 * How much to read again: `shift` the items around the edit, moving the rest of the tree by
 * copies; `tail` from just before the edit to the end of its block, keeping the items before
 * it as they are; `auto` the cheaper of the two.
 */
export type ReparseMode = 'auto' | 'shift' | 'tail';

/**
 * What a re-read to the end of a block kept: the block's new list of items, whose first
 * `kept` are the old nodes, unmoved, all of them between `blockStart` and `from`.
 */
interface KeptItems {
  readonly items: readonly TopItem[];
  readonly kept: number;
  readonly blockStart: number;
  readonly from: number;
}

interface Reparsed {
  readonly result: ParseResult;
  /** Only when the rest of a block was read again. */
  readonly kept?: KeptItems;
}

/**
 * The parse of `newText` from the parse of `oldText` and the one edit between them, reading
 * again only part of the text; undefined when that cannot be sure to give exactly what
 * `parse(newText)` gives, and the caller must parse the whole text.
 */
export function reparse(old: ParseResult, oldText: string, newText: string, edit: TextEdit, mode: ReparseMode = 'auto'): ParseResult | undefined {
  return reparseKeeping(old, oldText, newText, edit, mode)?.result;
}

/** Like reparse, and says which items it kept as they were. */
export function reparseKeeping(old: ParseResult, oldText: string, newText: string, edit: TextEdit, mode: ReparseMode = 'auto'): Reparsed | undefined {
  const e0 = edit.offset;
  const e1 = edit.offset + edit.removed;
  const d = edit.inserted.length - edit.removed;
  if (newText.length !== oldText.length + d || !SAFE.test(edit.inserted) || !SAFE.test(oldText.slice(e0, e1))) return undefined;
  // A leading byte-order mark is named by parseFile alone, which then reads on after it; a
  // stretch read again from the file's start would take it for a stray invisible character.
  if (newText.charCodeAt(0) === BOM || oldText.charCodeAt(0) === BOM) return undefined;
  // Nesting past apparmor_parser's limit is reported once a file, and a stretch cannot know
  // whether it came first: such a file is read whole.
  if (old.errors.some((e) => e.code === 'too-deep')) return undefined;
  const frames: Frame[] = [];
  let items: readonly TopItem[] = old.ast.items;
  let interior = { start: 0, end: oldText.length };
  for (;;) {
    const index = items.findIndex((it) => it.start < e0 && e1 < it.end);
    const inner = index < 0 ? undefined : blockIn(items[index]!, frames.length === 0 ? oldText : undefined, e0, e1, d);
    if (!inner) break;
    frames.push({ items, index, ...inner });
    items = inner.block.items;
    interior = { start: inner.block.start + 1, end: inner.block.end - 1 };
  }
  if (frames.length > MAX_DEPTH) return undefined;
  const region = pickRegion(oldText, items, interior, frames.length === 0, e0, e1);
  if (!region) return undefined;
  // Copying the shifted rest of the tree costs about twice parsing it (measured on 5,000 lines):
  // past a third of the file, the rest of the block is read again instead.
  const tail = mode === 'tail' || (mode === 'auto' && (oldText.length - region.stop) * SHIFT_COST > oldText.length);
  if (!tail) {
    const result = rebuilt(old, oldText, newText, { frames, items, ...region, d });
    return result && { result };
  }
  return rebuiltTail(old, newText, { frames, items, ...region, hi: items.length - 1, stop: interior.end, d }, interior.start);
}

/**
 * The block of `item` whose inside holds the whole edit, with how to rebuild `item` around a
 * new one. `topText` is the old text when `item` is a top-level one.
 */
function blockIn(item: TopItem, topText: string | undefined, e0: number, e1: number, d: number): Omit<Frame, 'items' | 'index'> | undefined {
  // A rule outside a profile is reported only when it has no error of its own.
  if (topText !== undefined && (item.type !== 'profile' || !opensAlone(topText, item.body.start))) return undefined;
  if (item.type === 'profile' || item.type === 'qualifierBlock') {
    const cost = item.type === 'profile' ? STACK_COST.profile : STACK_COST.qualifierBlock;
    return holds(item.body, e0, e1) ? { block: item.body, rebuild: (b) => ({ ...item, end: item.end + d, body: b }), cost } : undefined;
  }
  if (item.type !== 'if' || deepInChain(item, e0, e1)) return undefined;
  if (holds(item.then, e0, e1)) {
    return { block: item.then, rebuild: (b) => ({ ...item, end: item.end + d, then: b, elseKeyword: shifted(item.elseKeyword, d), else: shifted(item.else, d) }), cost: STACK_COST.ifBlock };
  }
  const other = item.else;
  if (other && 'type' in other) {
    const inner = blockIn(other, undefined, e0, e1, d);
    return inner && { block: inner.block, rebuild: (b) => ({ ...item, end: item.end + d, else: inner.rebuild(b) as IfNode }), cost: inner.cost + STACK_COST.elseIf };
  }
  if (other && holds(other, e0, e1)) return { block: other, rebuild: (b) => ({ ...item, end: item.end + d, else: b }), cost: STACK_COST.elseBlock };
  return undefined;
}

/**
 * Whether the edit lies more than MAX_DEPTH `else if` links down the chain of `item`: each
 * link is a level of blockIn (chains run thousands long), so such an edit re-reads the file.
 */
function deepInChain(item: IfNode, e0: number, e1: number): boolean {
  let link = item;
  for (let k = 0; k <= MAX_DEPTH; k++) {
    if (holds(link.then, e0, e1) || !link.else || !('type' in link.else)) return false;
    link = link.else;
  }
  return true;
}

/**
 * Whether the `{` at `at` stands alone, blanks on both sides. At top level the parser tells a
 * profile from a rule by looking up to 64 tokens ahead for such a brace, and this one stops
 * that look. A body opened by a brace glued to a word (`/p{`) or to a glob (`{a,b}`) does not
 * stop it: whether there is a profile at all then depends on text inside the body, and an
 * edit there must read the whole profile again.
 */
function opensAlone(text: string, at: number): boolean {
  const blank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  const next = text.charCodeAt(at + 1);
  return at > 0 && blank(text.charCodeAt(at - 1)) && (Number.isNaN(next) || blank(next) || next === 0x7d || next === 0x23);
}

/** Whether the edit lies inside a closed block, clear of the blank that makes its `{` an opener. */
function holds(block: BlockNode, e0: number, e1: number): boolean {
  return block.closed && block.start + 1 < e0 && e1 < block.end;
}

interface Region {
  /** First and last item re-read. */
  readonly lo: number;
  readonly hi: number;
  /** Where the parser's item loop starts re-reading and where it must arrive (old offsets). */
  readonly from: number;
  readonly stop: number;
}

/**
 * The items the edit touches and those ending on its line, with one more on each side: a
 * rule without its comma ends where the next line starts another, so neighbours can change.
 * A profile or block closed by its brace before the edit cannot.
 */
function pickRegion(text: string, items: readonly TopItem[], interior: Span, topLevel: boolean, e0: number, e1: number): Region | undefined {
  const n = items.length;
  const lineStart = text.lastIndexOf('\n', e0 - 1) + 1;
  let first = 0;
  while (first < n && items[first]!.end < e0) first++;
  // After a broken rule's comma the parser looks on to the end of its line for debris
  // (ParseState.skipDebris): an item ending on the edit's line may end otherwise now.
  while (first > 0 && items[first - 1]!.end >= lineStart) first--;
  let last = first - 1;
  while (last + 1 < n && items[last + 1]!.start <= e1) last++;
  let lo = first > 0 && !endsAtBrace(items[first - 1]!) ? first - 1 : first;
  // At top level the parser looks up to 64 tokens ahead to tell a profile from a rule:
  // re-read from the last profile closed by its brace. Only a profile ends a run of rules
  // outside one (ParseState.outsideRun): a qualifier block closed by its brace there is such
  // a rule, and the stretch after it would start as if no run were going on.
  // A profile whose `{` is glued to something was told from a rule by looking past that brace.
  if (topLevel) while (lo > 0 && !(endsRun(items[lo - 1]!) && opensAlone(text, (items[lo - 1] as ProfileNode).body.start))) lo--;
  let hi = last + 1 < n ? last + 1 : last;
  // A run of rules outside any profile is reported at its first rule, so whether a later one
  // is reported depends on the ones before: at top level re-read on to a profile closed by its
  // brace, after which no run goes on.
  if (topLevel) while (hi + 1 < n && !endsRun(items[hi]!)) hi++;
  const from = lo < first && !topLevel ? items[lo]!.start : lo > 0 ? items[lo - 1]!.end : interior.start;
  const next = items[hi + 1];
  // A qualified child profile starts after its qualifiers, not where the item loop read it.
  if ((lo < first && !topLevel && qualified(items[lo]!)) || (next && qualified(next))) return undefined;
  return { lo, hi, from, stop: next ? next.start : interior.end };
}

function endsAtBrace(item: TopItem): boolean {
  return (item.type === 'profile' || item.type === 'qualifierBlock') && item.body.closed && item.end === item.body.end;
}

/** A profile closed by its brace: the parser is in the same state after it however it got there. */
function endsRun(item: TopItem): boolean {
  return item.type === 'profile' && endsAtBrace(item);
}

function qualified(item: TopItem): boolean {
  return item.type === 'profile' && item.qualifiers.all.length > 0;
}

interface Plan extends Region {
  readonly frames: readonly Frame[];
  readonly items: readonly TopItem[];
  readonly d: number;
}

interface Stretch {
  readonly items: TopItem[];
  readonly errors: ParseError[];
  readonly comments: Comment[];
}

/** The parser-stack depth (ParseState.depth) inside the innermost frame. */
function stackOf(frames: readonly Frame[]): number {
  return frames.reduce((sum, f) => sum + f.cost, 0);
}

function readStretch(text: string, fragment: boolean, from: number, stop: number, depth: number): Stretch | undefined {
  const p = new ParseState(text, fragment);
  const { items, ok } = parseStretch(p, from, stop, depth);
  return ok ? { items, errors: p.errors, comments: p.s.comments as Comment[] } : undefined;
}

function rebuilt(old: ParseResult, oldText: string, newText: string, p: Plan): ParseResult | undefined {
  const fragment = old.ast.fragment;
  const depth = stackOf(p.frames);
  const fresh = readStretch(newText, fragment, p.from, p.stop + p.d, depth);
  // Re-reading the old text the same way must give back the old items: this proves the
  // parser state assumed at `from` is the one the full parse had, and tells which errors
  // and comments came from the stretch.
  const again = fresh && readStretch(oldText, fragment, p.from, p.stop, depth);
  if (!fresh || !again || !sameData(again.items, p.items.slice(p.lo, p.hi + 1))) return undefined;
  const errors = splice(errorsBeforeEnd(old), fresh.errors, p, again.errors);
  const comments = splice(old.ast.comments, fresh.comments, p, again.comments);
  if (!errors || !comments) return undefined;
  return assemble(old, newText, p, [...p.items.slice(0, p.lo), ...fresh.items, ...shifted(p.items.slice(p.hi + 1), p.d)], errors, comments);
}

/** The new tree: the block's new items set into each enclosing block, outward. */
function assemble(old: ParseResult, newText: string, p: Plan, blockItems: TopItem[], errors: ParseError[], comments: Comment[]): ParseResult {
  let items = blockItems;
  for (let f = p.frames.length - 1; f >= 0; f--) {
    const { block, rebuild, items: outer, index } = p.frames[f]!;
    const node = rebuild({ ...block, end: block.end + p.d, items: items as BlockNode['items'] });
    items = [...outer.slice(0, index), node, ...shifted(outer.slice(index + 1), p.d)];
  }
  const last = comments[comments.length - 1];
  if (last && last.end === newText.length) errors.push({ code: 'comment-at-eof', start: last.start, end: last.end, args: {} });
  return { ast: { ...old.ast, end: newText.length, items, comments }, errors };
}

/**
 * The items before the edit kept as they are, the rest of the block read again: nothing of
 * the block moves. There is no old stretch to compare with (reading it again would cost as
 * much as the saving), so errors and comments are placed by their offsets, and anything out
 * of the expected order falls back to a full parse.
 */
function rebuiltTail(old: ParseResult, newText: string, p: Plan, blockStart: number): Reparsed | undefined {
  const fresh = readStretch(newText, old.ast.fragment, p.from, p.stop + p.d, stackOf(p.frames));
  if (!fresh) return undefined;
  const errors = splice(errorsBeforeEnd(old), fresh.errors, p);
  const comments = splice(old.ast.comments, fresh.comments, p);
  if (!errors || !comments) return undefined;
  const items = [...p.items.slice(0, p.lo), ...fresh.items];
  return { result: assemble(old, newText, p, items, errors, comments), kept: { items, kept: p.lo, blockStart, from: p.from } };
}

/** The old errors without the one about a comment at the very end, which assemble works out again. */
function errorsBeforeEnd(old: ParseResult): readonly ParseError[] {
  return old.errors[old.errors.length - 1]?.code === 'comment-at-eof' ? old.errors.slice(0, -1) : old.errors;
}

/**
 * A list in parse order (errors, comments) with what the stretch produced replaced: the
 * old list must read as what came before `from`, then the stretch's old output, then what
 * lies after the stretch. That old output is `was` exactly when the old stretch was read
 * again. Else the stretch runs to the end of its block (`tail`), and its old output is
 * whatever starts between `from` and `stop` inclusive: reading the stretch looks at the
 * token at `stop` (the block's `}`, or the end of the file) and may report there ("expected
 * '{', found '}'"), while nothing after the stretch reports at the block's own end. Anything
 * else (a neighbour pointing into the stretch, say) and the result is undefined.
 */
function splice<T extends Span>(list: readonly T[], now: readonly T[], p: Plan, was?: readonly T[]): T[] | undefined {
  let k = 0;
  while (k < list.length && list[k]!.end <= p.from) k++;
  let j = k;
  if (was) {
    for (; j - k < was.length; j++) {
      if (j >= list.length || !sameData(list[j], was[j - k])) return undefined;
    }
  } else {
    while (j < list.length && list[j]!.start >= p.from && list[j]!.start <= p.stop) j++;
  }
  const after = list.slice(j);
  if (after.some((x) => (was ? x.start < p.stop : x.start <= p.stop))) return undefined;
  return [...list.slice(0, k), ...now, ...shifted(after, p.d)];
}
