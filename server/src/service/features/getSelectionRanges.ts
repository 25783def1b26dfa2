import type { SelectionRange } from 'vscode-languageserver-types';
import type { BlockNode, BodyItem, FileNode, Span, TopItem } from '../ast';
import type { LineIndex } from '../diagnostics';
import { ifBlocks } from '../walk';
import { tokenAt } from './tokenAt';

/**
 * The longest chain sent: it goes to the client as JSON nested one level per step, which
 * JSON.stringify (recursive) cannot write past a few thousand; a person expands far fewer.
 * Deeper chains keep the file and the innermost steps.
 */
const MAX_SPANS = 1000;

/** Word → rule → block → profile … → file, for expanding the selection step by step. */
export function getSelectionRanges(ast: FileNode, lines: LineIndex, offsets: readonly number[]): SelectionRange[] {
  return offsets.map((offset) => {
    const spans: Span[] = [{ start: 0, end: ast.end }];
    collect(ast.items, offset, spans);
    const token = tokenAt(ast, offset)?.token;
    if (token) spans.push(token);
    let range: SelectionRange | undefined;
    for (const s of spans.length > MAX_SPANS ? [spans[0]!, ...spans.slice(-(MAX_SPANS - 1))] : spans) {
      if (range && s.start === lines.offsetAt(range.range.start) && s.end === lines.offsetAt(range.range.end)) continue;
      range = { range: lines.rangeOf(s.start, s.end), parent: range };
    }
    return range!;
  });
}

/** The spans around `offset`, outermost first: one path down, followed in a loop (blocks nest thousands deep). */
function collect(items: readonly (TopItem | BodyItem)[], offset: number, out: Span[]): void {
  const around = (span: Span): boolean => span.start <= offset && offset <= span.end;
  let list: readonly (TopItem | BodyItem)[] | undefined = items;
  while (list) {
    const item: TopItem | BodyItem | undefined = list.find(around);
    list = undefined;
    if (!item) return;
    out.push(item);
    if (item.type === 'profile' || item.type === 'qualifierBlock') {
      out.push({ start: item.body.start, end: item.body.end });
      list = item.body.items;
    } else if (item.type === 'if') {
      const block: BlockNode | undefined = ifBlocks(item).find(around);
      if (block) {
        out.push(block);
        list = block.items;
      }
    }
  }
}
