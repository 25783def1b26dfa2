import type { BodyItem, FileNode, RuleNode, TopItem } from '../ast';
import { ifBlocks } from '../walk';
import { ProblemSink } from './problems';

/** A rule's text with its blank runs made single spaces; the common case needs no regex. */
function ruleKey(text: string, start: number, end: number): string {
  let prevBlank = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const blank = c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
    if ((blank && (prevBlank || c !== 32)) || c > 127) return normalised(text.slice(start, end));
    prevBlank = blank;
  }
  return text.slice(start, end);
}

function normalised(raw: string): string {
  return /\s\s|[\t\n\r]/.test(raw) ? raw.replace(/\s+/g, ' ') : raw;
}

/**
 * Advice that apparmor_parser does not give: a rule written twice in one block, the
 * legacy `#include` spelling, a profile file without an `abi` line.
 */
export function checkStyle(ast: FileNode, text: string, sink: ProblemSink): void {
  const visit = (items: readonly (TopItem | BodyItem)[]): void => {
    const seen = new Map<string, RuleNode>();
    for (const item of items) {
      if (item.type === 'rule') {
        const key = ruleKey(text, item.start, item.end);
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
