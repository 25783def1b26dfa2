import type { BlockNode, BodyItem, CondNode, Expr, IfNode, ProfileNode, Token, TopItem } from './ast';
import { walkLists } from './deep';

export interface WalkContext {
  /** Innermost enclosing profile or hat, if any. */
  readonly profile?: ProfileNode;
  /** Qualifiers of enclosing blocks (`owner { … }`), outermost first. */
  readonly blockQualifiers: readonly string[];
}

type Item = TopItem | BodyItem;

/**
 * Visits every item, descending into profiles, qualifier blocks and both arms of ifs, in
 * document order. `firstOf` may say where to begin in a list of items (to pass over ones
 * already checked). Blocks nest thousands deep (parseBase.ts): the lists being walked are
 * kept on a stack of our own (deep.ts), not the call stack.
 */
export function walkItems(
  items: readonly Item[],
  visit: (item: Item, ctx: WalkContext) => void,
  ctx: WalkContext = { blockQualifiers: [] },
  firstOf?: (items: readonly Item[]) => number,
): void {
  walkLists<Item, WalkContext>(items, ctx, (item, c) => {
    visit(item, c);
    switch (item.type) {
      case 'profile': return [{ items: item.body.items, state: { profile: item, blockQualifiers: [] } }];
      case 'qualifierBlock': return [{ items: item.body.items, state: { profile: c.profile, blockQualifiers: withQualifiers(c.blockQualifiers, item.qualifiers.all) } }];
      case 'if': return ifBlocks(item).map((b) => ({ items: b.items, state: c }));
      default: return undefined;
    }
  }, firstOf);
}

/** The qualifiers of the blocks around, with these added once (nested `owner {` blocks do not grow it). */
function withQualifiers(outer: readonly string[], words: readonly Token[]): readonly string[] {
  const added = words.map((t) => t.text).filter((w, k, all) => !outer.includes(w) && all.indexOf(w) === k);
  return added.length === 0 ? outer : [...outer, ...added];
}

export function ifBlocks(node: IfNode): BlockNode[] {
  const out: BlockNode[] = [node.then];
  let e = node.else;
  while (e) {
    if ('type' in e && e.type === 'if') {
      out.push(e.then);
      e = e.else;
    } else {
      out.push(e as BlockNode);
      e = undefined;
    }
  }
  return out;
}

/** Visits `expr` and every expression in it, parents first, left to right, with a stack of our own. */
export function forEachExpr(expr: Expr | undefined, visit: (e: Expr) => void): void {
  const todo: Expr[] = expr ? [expr] : [];
  while (todo.length > 0) {
    const e = todo.pop()!;
    visit(e);
    switch (e.kind) {
      case 'binary':
        todo.push(e.right, e.left);
        break;
      case 'not':
        todo.push(e.operand);
        break;
      case 'paren':
        todo.push(e.inner);
        break;
    }
  }
}

/** Names of every profile, hat and child profile in a file. */
export function profilesOf(ast: { items: readonly (TopItem | BodyItem)[] }): string[] {
  const out: string[] = [];
  walkItems(ast.items, (item) => {
    if (item.type === 'profile' && item.name) out.push(item.name.value);
  });
  return out;
}

/** Each conditional and those nested in it (`peer=(addr=…)`), without building a list. */
export function forEachCond(conds: readonly CondNode[], visit: (c: CondNode) => void): void {
  for (const c of conds) {
    visit(c);
    if (c.nested) for (const n of c.nested) visit(n);
  }
}
