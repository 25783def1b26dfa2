import type { Qualifiers, Span, Token } from './ast';

/**
 * A copy of a syntax subtree (node, token, error, comment or array of them) with every
 * `start` and `end` moved by `delta`. Nodes are copied rather than moved in place because
 * an older analysis may still be read by a request that started before the edit.
 */
export function shifted<T>(value: T, delta: number): T {
  return copy(value, delta) as T;
}

/**
 * The copy is made top down with a stack of our own (subtrees nest thousands deep, see
 * deep.ts): each object is copied, put where its original was in the copied parent, and its
 * object-valued fields queued to be copied in turn.
 */
function copy(value: unknown, delta: number): unknown {
  const root: Record<string, unknown> = { value };
  const holders: (Record<string, unknown> | unknown[])[] = [root];
  const keys: (string | number)[] = ['value'];
  while (holders.length > 0) {
    const holder = holders.pop()! as Record<string | number, unknown>;
    const key = keys.pop()!;
    const v = holder[key];
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      const arr = v.slice();
      holder[key] = arr;
      for (let i = 0; i < arr.length; i++) if (typeof arr[i] === 'object' && arr[i] !== null) { holders.push(arr); keys.push(i); }
      continue;
    }
    if (isQualifiers(v)) {
      holder[key] = copyQualifiers(v, delta);
      continue;
    }
    // A spread copy keeps the node's shape, which keeps the copy and later reads fast.
    const out = { ...v } as Record<string, unknown>;
    holder[key] = out;
    for (const k in out) {
      const f = out[k];
      if (typeof f === 'object' && f !== null) { holders.push(out); keys.push(k); }
    }
    if (typeof out.start === 'number') out.start += delta;
    if (typeof out.end === 'number') out.end += delta;
  }
  return root.value;
}

function isQualifiers(value: object): value is Qualifiers {
  return Array.isArray((value as { all?: unknown }).all);
}

/**
 * `all` shares its tokens with the named qualifiers; the copy shares them the same way, and
 * has its fields in the parser's order, so that copies and parsed nodes share one shape.
 */
function copyQualifiers(q: Qualifiers, delta: number): Qualifiers {
  // The parser's shared empty qualifiers hold no position; keeping the object keeps its identity.
  if (q.all.length === 0 && !q.priority) return q;
  const all = q.all.map((t) => copy(t, delta) as Token);
  const twin = (t: Token | undefined): Token | undefined => (t ? all[q.all.indexOf(t)] ?? (copy(t, delta) as Token) : undefined);
  const p = q.priority;
  return {
    priority: p ? { token: twin(p.token)!, value: copy(p.value, delta) as Token | undefined, span: copy(p.span, delta) as Span } : undefined,
    audit: twin(q.audit),
    mode: twin(q.mode),
    owner: twin(q.owner),
    all,
  };
}
