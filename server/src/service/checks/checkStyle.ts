import type { BodyItem, FileNode, RuleNode, TopItem } from '../ast';
import { walkLists } from '../deep';
import { LineIndex } from '../diagnostics';
import { ifBlocks } from '../walk';
import { ProblemSink } from './problems';

/**
 * Advice that apparmor_parser does not give: a rule written twice in one block, the
 * legacy `#include` spelling, a profile file without an `abi` line.
 */
export function checkStyle(ast: FileNode, text: string, sink: ProblemSink): void {
  // Built on the first duplicate only: counting lines for each one would be quadratic.
  let lines: LineIndex | undefined;
  const lineOf = (offset: number): string => String((lines ??= new LineIndex(text)).positionAt(offset).line + 1);
  // Each block's rules against each other, blocks in document order on a stack of our own:
  // blocks nest thousands deep (deep.ts).
  walkLists<TopItem | BodyItem, Map<string, RuleNode>>(ast.items, new Map(), (item, seen) => {
    if (item.type === 'rule') {
      const raw = text.slice(item.start, item.end);
      const key = /\s\s|[\t\n\r]/.test(raw) ? raw.replace(/\s+/g, ' ') : raw;
      const first = seen.get(key);
      if (first) sink.add('duplicate-rule', item, { line: lineOf(first.start) });
      else seen.set(key, item);
    } else if (item.type === 'include' && item.legacy) {
      sink.add('legacy-include', item.keyword);
    } else if (item.type === 'profile' || item.type === 'qualifierBlock') {
      return [{ items: item.body.items, state: new Map() }];
    } else if (item.type === 'if') {
      return ifBlocks(item).map((b) => ({ items: b.items, state: new Map() }));
    }
    return undefined;
  });
  if (!ast.fragment && ast.items.some((i) => i.type === 'profile') && !ast.items.some((i) => i.type === 'abi')) {
    const first = ast.items.find((i) => i.type === 'profile')!;
    sink.add('missing-abi', { start: first.start, end: first.start });
  }
}
