import type { Qualifiers, Span, Token } from './ast';

/**
 * A copy of a syntax subtree (node, token, error, comment or array of them) with every
 * `start` and `end` moved by `delta`. Nodes are copied rather than moved in place because
 * an older analysis may still be read by a request that started before the edit.
 */
export function shifted<T>(value: T, delta: number): T {
  return copy(value, delta) as T;
}

function copy(value: unknown, delta: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => copy(v, delta));
  if (isQualifiers(value)) return copyQualifiers(value, delta);
  // A spread copy keeps the node's shape, which keeps the copy and later reads fast.
  const out = { ...value } as Record<string, unknown>;
  for (const key in out) {
    const v = out[key];
    if (typeof v === 'object' && v !== null) out[key] = copy(v, delta);
  }
  if (typeof out.start === 'number') out.start += delta;
  if (typeof out.end === 'number') out.end += delta;
  return out;
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
