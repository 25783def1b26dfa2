/**
 * The snippets of snippets/apparmor.json as text: their tab stops filled with known values
 * (the rest kept as tab stops for the editor), or expanded whole to plain text. Only what
 * those snippets use is read: `$N`, `${N}`, `${N:default}`, `${N|a,b|}` and `\` escapes.
 */

export type SnippetValues = Readonly<Record<number, string>>;

type Piece = { readonly text: string } | { readonly stop: number; readonly raw: string; readonly fallback: string };

function parsePieces(body: string): Piece[] {
  const out: Piece[] = [];
  let text = '';
  let i = 0;
  const flush = (): void => {
    if (text !== '') out.push({ text });
    text = '';
  };
  while (i < body.length) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      text += body[i + 1];
      i += 2;
      continue;
    }
    const stop = c === '$' ? readStop(body, i) : undefined;
    if (!stop) {
      text += c;
      i++;
      continue;
    }
    flush();
    out.push(stop.piece);
    i = stop.end;
  }
  flush();
  return out;
}

function readStop(body: string, at: number): { piece: Piece; end: number } | undefined {
  const bare = /^\$(\d+)/.exec(body.slice(at));
  if (bare) return { piece: { stop: Number(bare[1]), raw: bare[0], fallback: '' }, end: at + bare[0].length };
  const head = /^\$\{(\d+)([:|}])/.exec(body.slice(at));
  if (!head) return undefined;
  const stop = Number(head[1]);
  if (head[2] === '}') return { piece: { stop, raw: head[0], fallback: '' }, end: at + head[0].length };
  const close = closingBrace(body, at + head[0].length);
  const raw = body.slice(at, close + 1);
  const inner = body.slice(at + head[0].length, close);
  // A choice `${N|a,b|}` falls back to its first option; a placeholder to its text, expanded.
  const fallback = head[2] === '|' ? unescape(inner.replace(/\|$/, '').split(',')[0] ?? '') : expandPieces(parsePieces(inner), {});
  return { piece: { stop, raw, fallback }, end: close + 1 };
}

/** The `}` that closes a placeholder opened before `from`, past escapes and nested `${…}`. */
function closingBrace(body: string, from: number): number {
  let depth = 0;
  for (let i = from; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && depth-- === 0) return i;
  }
  return body.length - 1;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function expandPieces(pieces: readonly Piece[], values: SnippetValues): string {
  return pieces.map((p) => ('text' in p ? p.text : values[p.stop] ?? p.fallback)).join('');
}

/** Plain text, every tab stop its value or its default; `cursor` is where `$0` was. */
export function expandSnippet(lines: readonly string[], values: SnippetValues = {}): { text: string; cursor: number } {
  const pieces = parsePieces(lines.join('\n'));
  let text = '';
  let cursor = -1;
  for (const p of pieces) {
    if ('stop' in p && p.stop === 0 && cursor < 0) cursor = text.length;
    text += 'text' in p ? p.text : values[p.stop] ?? p.fallback;
  }
  return { text, cursor: cursor < 0 ? text.length : cursor };
}

/** Snippet syntax again, with the given tab stops (every mirror of each) replaced by their values as plain text. */
export function fillSnippet(lines: readonly string[], values: SnippetValues): string {
  return parsePieces(lines.join('\n')).map((p) => {
    if ('text' in p) return escapeSnippet(p.text);
    const value = values[p.stop];
    return value === undefined ? p.raw : escapeSnippet(value);
  }).join('');
}

function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}
