/**
 * Recursion over nesting without the call stack. Blocks nest as deep as apparmor_parser's own
 * parser stack allows (thousands of levels, see ParseState.PARSER_STACK): a recursive function
 * per level would overflow Node's stack well before that. A function over nested nodes is
 * written as a generator instead; where it would call itself on a child it writes
 * `yield* descend(f(child))`, and `runDeep` runs the lot with an explicit stack of the
 * generators that are open, one frame deep on the real stack whatever the nesting.
 */

/** A step of a deep walk: yields the nested walks it needs, returns its result. */
export type Deep<T> = Generator<Deep<unknown>, T, unknown>;

/** Inside a deep walk: runs `walk` (on the same explicit stack) and gives its result. */
export function* descend<T>(walk: Deep<T>): Generator<Deep<unknown>, T, unknown> {
  return (yield walk) as T;
}

/** Runs a deep walk to its end; an exception unwinds the open walks (their `finally` runs). */
export function runDeep<T>(root: Deep<T>): T {
  const open: Deep<unknown>[] = [root];
  let value: unknown;
  let failed = false;
  let error: unknown;
  for (;;) {
    const top = open[open.length - 1]!;
    let step: IteratorResult<Deep<unknown>, unknown>;
    try {
      step = failed ? top.throw(error) : top.next(value);
      failed = false;
    } catch (e) {
      open.pop();
      if (open.length === 0) throw e;
      failed = true;
      error = e;
      continue;
    }
    if (step.done) {
      open.pop();
      if (open.length === 0) return step.value as T;
      value = step.value;
    } else {
      open.push(step.value);
      value = undefined;
    }
  }
}

/** The lists an item opens, each with the state its items are visited in, in document order. */
export type Opened<T, S> = readonly { readonly items: readonly T[]; readonly state: S }[] | undefined;

/**
 * Visits the items of nested lists in document order, each item before the lists it opens,
 * keeping the open lists on a stack of our own. `firstOf` may say where to begin in a list.
 */
export function walkLists<T, S>(
  items: readonly T[],
  state: S,
  visit: (item: T, state: S) => Opened<T, S>,
  firstOf?: (items: readonly T[]) => number,
): void {
  const open: { items: readonly T[]; next: number; state: S }[] = [];
  const enter = (list: readonly T[], s: S): void => {
    open.push({ items: list, next: firstOf ? firstOf(list) : 0, state: s });
  };
  enter(items, state);
  while (open.length > 0) {
    const top = open[open.length - 1]!;
    if (top.next >= top.items.length) {
      open.pop();
      continue;
    }
    const inner = visit(top.items[top.next++]!, top.state);
    // Last to first, so that the first list opened is read first.
    if (inner) for (let k = inner.length - 1; k >= 0; k--) enter(inner[k]!.items, inner[k]!.state);
  }
}

/**
 * Whether two trees of plain data (syntax nodes, tokens, errors) are equal field by field, as
 * their JSON would be (fields holding `undefined` count as absent), compared with a stack of
 * our own: JSON.stringify recurses natively and overflows on deep nesting.
 */
export function sameData(a: unknown, b: unknown): boolean {
  const todo: unknown[] = [a, b];
  while (todo.length > 0) {
    const y = todo.pop();
    const x = todo.pop();
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null || Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const ys = y as unknown[];
      if (x.length !== ys.length) return false;
      for (let i = 0; i < x.length; i++) todo.push(x[i], ys[i]);
      continue;
    }
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    let fields = 0;
    for (const k in xo) {
      if (xo[k] === undefined) continue;
      fields++;
      todo.push(xo[k], yo[k]);
    }
    for (const k in yo) if (yo[k] !== undefined) fields--;
    if (fields !== 0) return false;
  }
  return true;
}
