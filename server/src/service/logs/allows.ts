/**
 * Whether a profile's rules allow a logged access. File access is decided as the kernel
 * does: the permissions of every matching rule unioned, `owner` rules only for the
 * owner, deny rules taking away. Other classes are decided by a rule whose conditionals
 * all match the logged values (a conditional the log gives no value for does not match).
 */
import type { LinkRuleNode } from '../ast';
import type { Access, FileAccess } from './access';
import { isAccess } from './access';
import { allowsByConditionals } from './allowsConds';
import type { AuditRecord } from './auditRecord';
import { describeAccess } from './describeAccess';
import { matchesGlob } from './glob';
import type { RuleSet, ScopedRule } from './ruleSet';

/** Whether the rule set allows what the record asks for; false when the record describes no access. */
export function allowsRecord(set: RuleSet, record: AuditRecord): boolean {
  const access = describeAccess(record);
  return isAccess(access) && allowsAccess(set, access);
}

export function allowsAccess(set: RuleSet, access: Access): boolean {
  if (access.class === 'change_hat') return set.children.includes(access.hat);
  if (access.class === 'file') return allowsFile(set, access);
  return allowsByConditionals(set, access);
}

function allowsFile(set: RuleSet, a: FileAccess): boolean {
  const allowed = new Set<string>();
  const denied = new Set<string>();
  for (const scoped of set.rules) {
    if (scoped.owner && !a.ownerMatch) continue;
    const letters = lettersGranted(scoped, a, set);
    for (const l of letters) (scoped.deny ? denied : allowed).add(l);
  }
  return a.perms.every((p) => !denied.has(p) && (allowed.has(p) || (p === 'a' && allowed.has('w'))));
}

const EVERY_LETTER = ['r', 'w', 'a', 'l', 'k', 'm', 'x'];

/** The file permission letters a rule grants (or denies) for the access's path. */
function lettersGranted(scoped: ScopedRule, a: FileAccess, set: RuleSet): string[] {
  const rule = scoped.rule;
  if (rule.kind === 'all') return EVERY_LETTER;
  if (rule.kind === 'link') return linkMatches(rule, a, set) ? ['l'] : [];
  if (rule.kind !== 'file') return [];
  if (!rule.path) return rule.perms ? permLetters(rule.perms.value) : EVERY_LETTER;
  if (!matchesGlob(rule.path.value, a.path, set.vars)) return [];
  // A file rule's `-> NAME` names an exec transition's target, not a link's: its `l` allows links to any file.
  return permLetters(rule.perms?.value ?? '');
}

function linkMatches(rule: LinkRuleNode, a: FileAccess, set: RuleSet): boolean {
  if (!rule.path || !matchesGlob(rule.path.value, a.path, set.vars)) return false;
  return !rule.target || a.linkTarget === undefined || matchesGlob(rule.target.value, a.linkTarget, set.vars);
}

const lettersOf = new Map<string, string[]>();

/** Letters of a permission string; any exec transition (`ix`, `Px` …) or bare `x` counts as `x`. */
export function permLetters(perms: string): string[] {
  let known = lettersOf.get(perms);
  if (!known) {
    known = readLetters(perms);
    if (lettersOf.size > 1000) lettersOf.clear();
    lettersOf.set(perms, known);
  }
  return known;
}

function readLetters(perms: string): string[] {
  const out = new Set<string>();
  for (const c of perms.toLowerCase()) {
    if ('rwalkm'.includes(c)) out.add(c);
    else if (c === 'x') out.add('x');
  }
  return [...out];
}
