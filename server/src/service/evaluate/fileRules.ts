/**
 * A rule set's file rules prepared once for many questions: each with its path and link
 * target compiled and its letters read, so one access costs one pattern test per rule.
 * The letters are those lettersGranted (logs/allows.ts) gives, `w` widened to hold `a`.
 */
import type { FileAccess } from '../logs/access';
import { permLetters } from '../logs/allows';
import { globPattern } from '../logs/glob';
import type { RuleSet, ScopedRule } from '../logs/ruleSet';

const EVERY_LETTER: readonly string[] = ['r', 'w', 'a', 'l', 'k', 'm', 'x'];

interface Prepared {
  readonly scoped: ScopedRule;
  /** Undefined: every path. */
  readonly path?: RegExp | null;
  /** The link targets the rule's `l` is for; undefined: any. */
  readonly target?: RegExp | null;
  readonly letters: readonly string[];
  /** A link made by this rule's `l` must not have permissions its target lacks. */
  readonly subset: boolean;
}

const prepared = new WeakMap<RuleSet, readonly Prepared[]>();

function widen(letters: readonly string[]): readonly string[] {
  return letters.includes('w') && !letters.includes('a') ? [...letters, 'a'] : letters;
}

function prepare(set: RuleSet): readonly Prepared[] {
  const out: Prepared[] = [];
  for (const scoped of set.rules) {
    const rule = scoped.rule;
    if (rule.kind === 'all') out.push({ scoped, letters: EVERY_LETTER, subset: true });
    else if (rule.kind === 'link') {
      if (!rule.path) continue;
      out.push({ scoped, path: globPattern(rule.path.value, set.vars), ...(rule.target ? { target: globPattern(rule.target.value, set.vars) } : {}), letters: ['l'], subset: rule.subset !== undefined || !rule.target });
    } else if (rule.kind === 'file') {
      const letters = rule.path ? widen(permLetters(rule.perms?.value ?? '')) : rule.perms ? widen(permLetters(rule.perms.value)) : EVERY_LETTER;
      // A file rule's `-> NAME` is an exec transition's target, never a link's (the kernel lets
      // `/d/ln* l -> /d/x,` link to any file): its `l` pairs with any target, but only one with
      // at least the link's permissions, as apparmor_parser compiles `l` without a link target.
      out.push({ scoped, ...(rule.path ? { path: globPattern(rule.path.value, set.vars) } : {}), letters, subset: true });
    }
  }
  return out;
}

function preparedOf(set: RuleSet): readonly Prepared[] {
  let rules = prepared.get(set);
  if (!rules) {
    rules = prepare(set);
    prepared.set(set, rules);
  }
  return rules;
}

export interface LinkPair {
  readonly scoped: ScopedRule;
  readonly subset: boolean;
}

/** The rules with `l` for the link's name whose target (if they name one) matches the link's target: the kernel's second look. */
export function linkPairs(set: RuleSet, path: string, target: string): LinkPair[] {
  return preparedOf(set)
    .filter((p) => p.letters.includes('l') && p.path !== null && (!p.path || p.path.test(path)) && (p.target === undefined || (p.target !== null && p.target.test(target))))
    .map((p) => ({ scoped: p.scoped, subset: p.subset }));
}

/** Each file rule that applies to the access's path, with the asked-for letters it grants or takes away. */
export function matchingFileRules(set: RuleSet, a: FileAccess): { scoped: ScopedRule; letters: string[] }[] {
  const rules = preparedOf(set);
  const out: { scoped: ScopedRule; letters: string[] }[] = [];
  for (const p of rules) {
    if (p.path === null || (p.path && !p.path.test(a.path))) continue;
    let letters = p.letters.filter((l) => a.perms.includes(l));
    if (letters.length === 0) continue;
    // A link rule, or a file rule's `l` naming targets, covers only links to those targets.
    if (a.linkTarget !== undefined && p.target !== undefined && !(p.target !== null && p.target.test(a.linkTarget))) {
      if (p.scoped.rule.kind === 'link') continue;
      letters = letters.filter((l) => l !== 'l');
      if (letters.length === 0) continue;
    }
    out.push({ scoped: p.scoped, letters });
  }
  return out;
}
