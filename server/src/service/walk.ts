import type { BlockNode, BodyItem, CondNode, Expr, IfNode, ProfileNode, TopItem } from './ast';

export interface WalkContext {
  /** Innermost enclosing profile or hat, if any. */
  readonly profile?: ProfileNode;
  /** Qualifiers of enclosing blocks (`owner { … }`), outermost first. */
  readonly blockQualifiers: readonly string[];
}

/**
 * Visits every item, descending into profiles, qualifier blocks and both arms of ifs.
 * `firstOf` may say where to begin in a list of items (to pass over ones already checked).
 */
export function walkItems(
  items: readonly (TopItem | BodyItem)[],
  visit: (item: TopItem | BodyItem, ctx: WalkContext) => void,
  ctx: WalkContext = { blockQualifiers: [] },
  firstOf?: (items: readonly (TopItem | BodyItem)[]) => number,
): void {
  for (let i = firstOf ? firstOf(items) : 0; i < items.length; i++) {
    const item = items[i]!;
    visit(item, ctx);
    switch (item.type) {
      case 'profile':
        walkItems(item.body.items, visit, { profile: item, blockQualifiers: [] }, firstOf);
        break;
      case 'qualifierBlock':
        walkItems(item.body.items, visit, {
          profile: ctx.profile,
          blockQualifiers: [...ctx.blockQualifiers, ...item.qualifiers.all.map((t) => t.text)],
        }, firstOf);
        break;
      case 'if':
        for (const block of ifBlocks(item)) walkItems(block.items, visit, ctx, firstOf);
        break;
    }
  }
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

export function forEachExpr(expr: Expr | undefined, visit: (e: Expr) => void): void {
  if (!expr) return;
  visit(expr);
  switch (expr.kind) {
    case 'binary':
      forEachExpr(expr.left, visit);
      forEachExpr(expr.right, visit);
      break;
    case 'not':
      forEachExpr(expr.operand, visit);
      break;
    case 'paren':
      forEachExpr(expr.inner, visit);
      break;
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
