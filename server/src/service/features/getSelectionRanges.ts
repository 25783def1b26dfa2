import type { SelectionRange } from 'vscode-languageserver-types';
import type { BodyItem, FileNode, Span, TopItem } from '../ast';
import type { LineIndex } from '../diagnostics';
import { ifBlocks } from '../walk';
import { tokenAt } from './tokenAt';

/** Word → rule → block → profile … → file, for expanding the selection step by step. */
export function getSelectionRanges(ast: FileNode, lines: LineIndex, offsets: readonly number[]): SelectionRange[] {
  return offsets.map((offset) => {
    const spans: Span[] = [{ start: 0, end: ast.end }];
    collect(ast.items, offset, spans);
    const token = tokenAt(ast, offset)?.token;
    if (token) spans.push(token);
    let range: SelectionRange | undefined;
    for (const s of spans) {
      if (range && s.start === lines.offsetAt(range.range.start) && s.end === lines.offsetAt(range.range.end)) continue;
      range = { range: lines.rangeOf(s.start, s.end), parent: range };
    }
    return range!;
  });
}

function collect(items: readonly (TopItem | BodyItem)[], offset: number, out: Span[]): void {
  for (const item of items) {
    if (item.start > offset || offset > item.end) continue;
    out.push(item);
    if (item.type === 'profile' || item.type === 'qualifierBlock') {
      out.push({ start: item.body.start, end: item.body.end });
      collect(item.body.items, offset, out);
    } else if (item.type === 'if') {
      for (const b of ifBlocks(item)) {
        if (b.start <= offset && offset <= b.end) {
          out.push(b);
          collect(b.items, offset, out);
        }
      }
    }
    return;
  }
}
