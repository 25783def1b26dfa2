/**
 * A hard link, as the kernel judges it: `l` on the new name; then a rule pairing that name
 * with the existing file (a rule naming no target pairs it with any); and where the pairing
 * rule names no target (or says `subset`), a link to one's own file may not carry a permission
 * the target lacks. Deny rules take `l` away at each step.
 */
import type { FileAccess } from '../logs/access';
import type { RuleSet, ScopedRule } from '../logs/ruleSet';
import { linkPairs, matchingFileRules } from './fileRules';
import type { Policy } from './policy';
import { allowed, denied, deniedByRule, Verdict } from './verdict';

const EVERY_LETTER = ['r', 'w', 'a', 'l', 'k', 'm', 'x'];

/** The letters the profile allows on a path (deny taken away), and the deny rules that took `l`. */
function lettersOn(set: RuleSet, path: string, owner: boolean): { allowed: Set<string>; denyL: ScopedRule[]; allowL: ScopedRule[] } {
  const grants = new Set<string>();
  const taken = new Set<string>();
  const denyL: ScopedRule[] = [];
  const allowL: ScopedRule[] = [];
  for (const { scoped, letters } of matchingFileRules(set, { class: 'file', path, perms: EVERY_LETTER, ownerMatch: owner, owner })) {
    if (scoped.owner && !owner) continue;
    for (const l of letters) (scoped.deny ? taken : grants).add(l);
    if (letters.includes('l')) (scoped.deny ? denyL : allowL).push(scoped);
  }
  return { allowed: new Set([...grants].filter((l) => !taken.has(l))), denyL, allowL };
}

export function evaluateLink(policy: Policy, a: FileAccess & { readonly linkTarget: string }): Verdict {
  const set = policy.set;
  const name = lettersOn(set, a.path, a.ownerMatch);
  const what = `a link ${a.path} to ${a.linkTarget}`;
  if (!name.allowed.has('l')) {
    if (name.denyL.length > 0) return deniedByRule(name.denyL, `${what} is denied by an explicit deny rule, which wins over any allow rule`, false);
    return denied('no-rule', `no rule allows l on ${a.path}`);
  }
  const pairs = linkPairs(set, a.path, a.linkTarget).filter((p) => !(p.scoped.owner && !a.ownerMatch));
  const denying = pairs.filter((p) => p.scoped.deny).map((p) => p.scoped);
  if (denying.length > 0) return deniedByRule(denying, `${what} is denied by an explicit deny rule`, false);
  const allowing = pairs.filter((p) => !p.scoped.deny);
  if (allowing.length === 0) return denied('no-rule', `the rules that allow l on ${a.path} name other targets than ${a.linkTarget}`, name.allowL);
  if (allowing.some((p) => p.subset)) {
    const target = lettersOn(set, a.linkTarget, a.ownerMatch);
    const lacking = [...name.allowed].filter((l) => l !== 'l' && !target.allowed.has(l));
    // The kernel (Debian 6.1, policy from apparmor_parser 3.0) applies the test only to one's own
    // files: every link to another user's file that fails it was allowed in the differential test.
    if (lacking.length > 0 && a.ownerMatch) {
      return denied('no-rule', `${what} would have ${lacking.join('')}, which ${a.linkTarget} does not: an l rule without a target (or with subset) links only to files with at least the link's permissions`, allowing.map((p) => p.scoped));
    }
  }
  return allowed(allowing.map((p) => p.scoped), `${what} is allowed`);
}
