import type { FoldingRange } from 'vscode-languageserver-types';
import type { FileNode } from '../ast';
import type { LineIndex } from '../diagnostics';
import { ifBlocks, walkItems } from '../walk';

/** Every block that spans lines: profiles, hats, qualifier blocks, if/else arms. */
export function getFoldingRanges(ast: FileNode, lines: LineIndex): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (start: number, end: number): void => {
    const a = lines.positionAt(start).line;
    const b = lines.positionAt(end).line;
    if (b > a) out.push({ startLine: a, endLine: b - 1 });
  };
  walkItems(ast.items, (item) => {
    if (item.type === 'profile' || item.type === 'qualifierBlock') add(item.body.start, item.body.end);
    else if (item.type === 'if') for (const b of ifBlocks(item)) add(b.start, b.end);
  });
  return out;
}
