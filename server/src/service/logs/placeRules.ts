import type { BodyItem, RuleKind, TopItem } from '../ast';
import { parse } from '../parser';

/**
 * Where new rules go among a block's items (a profile's body, or a fragment's top level):
 * each after the last rule of its kind (a capability after the capabilities, a file rule
 * after the file rules), indented like it. `rest`: the rules of kinds the items hold none
 * of, or whose last one shares its line with the block's end (`limit`), for the caller to
 * put at the block's end. Rules keep the order given.
 */
export interface Placement {
  readonly offset: number;
  readonly indent: string;
  readonly rules: string[];
}

export function placeRules(text: string, items: readonly (TopItem | BodyItem)[], rules: readonly string[], limit: number): { anchored: Placement[]; rest: string[] } {
  const byOffset = new Map<number, Placement>();
  const rest: string[] = [];
  for (const rule of rules) {
    const anchor = lastOfKind(items, kindOfRule(rule));
    const offset = anchor ? lineEndAfter(text, anchor.end) : Infinity;
    if (!anchor || offset > limit) {
      rest.push(rule);
      continue;
    }
    const at = byOffset.get(offset) ?? { offset, indent: indentAt(text, anchor.start), rules: [] };
    at.rules.push(rule);
    byOffset.set(offset, at);
  }
  return { anchored: [...byOffset.values()], rest };
}

/** A rule's kind as the parser reads it (qualifiers such as deny, audit and owner do not count); undefined when it is not one rule. */
export function kindOfRule(rule: string): RuleKind | undefined {
  const item = parse(`profile p {\n${rule}\n}\n`).ast.items[0];
  const first = item?.type === 'profile' ? item.body.items[0] : undefined;
  return first?.type === 'rule' ? first.kind : undefined;
}

function lastOfKind(items: readonly (TopItem | BodyItem)[], kind: RuleKind | undefined): (TopItem | BodyItem) | undefined {
  if (kind === undefined) return undefined;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type === 'rule' && item.kind === kind) return item;
  }
  return undefined;
}

/** The start of the line after the one `offset` is on (a trailing comment stays with its rule). */
function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}
