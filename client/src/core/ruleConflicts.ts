/**
 * Add Rule never puts in silently a rule that would keep the profile from loading (a
 * proposal marked `conflict`: an exec mode against the file's own for that path, …). Those
 * are left out and the user is told why; adding them anyway stays possible, since the user
 * may mean to change the file's rule next.
 */
import type { DenialRule } from '../../../server/src/protocol';
import { plural } from './denialItems';

export interface RulePlan {
  /** Rule texts to insert now. */
  readonly add: string[];
  /** Rules left out, with why. */
  readonly held: { readonly text: string; readonly why: string }[];
}

/**
 * `unchecked`: the conflicts do not apply, because deny rules go in (a conflict was found
 * for the allow form; a deny rule adds no permission) or another file than the located one
 * is the destination (its own check after inserting tells).
 */
export function planRules(rules: readonly DenialRule[], deny: boolean, unchecked = false): RulePlan {
  if (deny) return { add: rules.map((r) => r.deny), held: [] };
  if (unchecked) return { add: rules.map((r) => r.text), held: [] };
  const add: string[] = [];
  const held: RulePlan['held'] = [];
  for (const r of rules) {
    if (r.conflict === undefined) add.push(r.text);
    else held.push({ text: r.text, why: r.conflict });
  }
  return { add, held };
}

/** Why the held rules were not added, for a notification: each rule with the error it would bring. */
export function describeHeld(held: RulePlan['held'], where: string): string {
  const each = held.map((h) => `${h.text} (${h.why.replace(/\.$/, '')})`).join('; ');
  const subject = held.length === 1 ? 'This rule would' : `${plural(held.length, 'rule')} would`;
  return `${subject} keep ${where} from loading, so ${held.length === 1 ? 'it was' : 'they were'} not added: ${each}. Change the rule the file has, or add anyway and fix the profile before loading it.`;
}
