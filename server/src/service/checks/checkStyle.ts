import type { BodyItem, FileNode, RuleNode, TopItem } from '../ast';
import { ifBlocks } from '../walk';
import { ProblemSink } from './problems';

/**
 * Advice that apparmor_parser does not give: a rule written twice in one block, the
 * legacy `#include` spelling, a profile file without an `abi` line.
 */
export function checkStyle(ast: FileNode, text: string, sink: ProblemSink): void {
  const visit = (items: readonly (TopItem | BodyItem)[]): void => {
    const seen = new Map<string, RuleNode>();
    for (const item of items) {
      if (item.type === 'rule') {
        const raw = text.slice(item.start, item.end);
        const key = /\s\s|[\t\n\r]/.test(raw) ? raw.replace(/\s+/g, ' ') : raw;
        const first = seen.get(key);
        if (first) sink.add('duplicate-rule', item, { line: String(text.slice(0, first.start).split('\n').length) });
        else seen.set(key, item);
      } else if (item.type === 'include' && item.legacy) {
        sink.add('legacy-include', item.keyword);
      } else if (item.type === 'profile' || item.type === 'qualifierBlock') {
        visit(item.body.items);
      } else if (item.type === 'if') {
        for (const b of ifBlocks(item)) visit(b.items);
      }
    }
  };
  visit(ast.items);
  if (!ast.fragment && ast.items.some((i) => i.type === 'profile') && !ast.items.some((i) => i.type === 'abi')) {
    const first = ast.items.find((i) => i.type === 'profile')!;
    sink.add('missing-abi', { start: first.start, end: first.start });
  }
}
