import { strict as assert } from 'node:assert';

/**
 * Splits a snippet written with markers into its text and places: `|` is the cursor, and
 * each `⟦ … ⟧` pair (they may nest) an expected span. Spans come in the order they open.
 */
export function markers(src: string): { text: string; cursor: number; spans: { start: number; end: number }[] } {
  let text = '';
  let cursor = -1;
  const open: number[] = [];
  const spans: { start: number; end: number }[] = [];
  for (const ch of src) {
    if (ch === '|') cursor = text.length;
    else if (ch === '⟦') {
      open.push(spans.length);
      spans.push({ start: text.length, end: -1 });
    } else if (ch === '⟧') {
      const i = open.pop();
      assert.ok(i !== undefined, `a ⟧ closes nothing in ${src}`);
      spans[i]!.end = text.length;
    } else text += ch;
  }
  assert.equal(open.length, 0, `a ⟦ is never closed in ${src}`);
  return { text, cursor, spans };
}
