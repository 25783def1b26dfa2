/**
 * File access as the kernel decides it: the permissions of every matching allow rule
 * unioned, `owner` rules only for one's own files, every deny rule taking away (deny wins
 * whatever the order), then, for `x`, the transition the matching rules give.
 */
import type { ProfileNode, RuleNode } from '../ast';
import type { FileAccess } from '../logs/access';
import { expandVariables, matchesGlob, Variables } from '../logs/glob';
import type { RuleSet, ScopedRule } from '../logs/ruleSet';
import { evaluateLink } from './evaluateLink';
import { matchingFileRules } from './fileRules';
import type { Policy } from './policy';
import { allowed, denied, deniedByRule, unknown, Verdict } from './verdict';

interface Grant { readonly scoped: ScopedRule; readonly letters: readonly string[] }

export function evaluateFile(policy: Policy, access: FileAccess): Verdict {
  if (access.linkTarget !== undefined && access.perms.length === 1 && access.perms[0] === 'l') return evaluateLink(policy, { ...access, linkTarget: access.linkTarget });
  const set = policy.set;
  const allows: Grant[] = [];
  const denies: Grant[] = [];
  const ownerOnly: Grant[] = [];
  for (const { scoped, letters } of matchingFileRules(set, access)) {
    if (scoped.owner && !access.ownerMatch) { if (!scoped.deny) ownerOnly.push({ scoped, letters }); continue; }
    (scoped.deny ? denies : allows).push({ scoped, letters });
  }
  const granted = new Set(allows.flatMap((g) => g.letters));
  const taken = new Set(denies.flatMap((g) => g.letters));
  const missing = access.perms.filter((p) => !granted.has(p) || taken.has(p));
  const what = `${access.perms.join('')} on ${access.path}`;
  const odd = beyondText(allows.concat(denies).map((g) => g.scoped));
  if (odd) return odd;
  if (missing.length > 0) {
    const blocking = denies.filter((g) => g.letters.some((l) => missing.includes(l)));
    if (blocking.length > 0) {
      const uncovered = missing.some((l) => !taken.has(l));
      return deniedByRule(blocking.map((g) => g.scoped), `${what} is denied by an explicit deny rule, which wins over any allow rule`, uncovered);
    }
    const unresolved = unresolvedRules(set);
    if (unresolved.length > 0) return unknown('out-of-reach', `a rule uses a variable with no value here, so whether it allows ${what} is not known`, unresolved);
    const byOwner = ownerOnly.filter((g) => g.letters.some((l) => missing.includes(l)));
    if (byOwner.length > 0 && missing.every((l) => byOwner.some((g) => g.letters.includes(l)) || granted.has(l))) {
      return denied('owner-needed', `only owner rules allow ${missing.join('')} on ${access.path}: allowed when the file belongs to the process's user`, byOwner.map((g) => g.scoped));
    }
    return denied('no-rule', `no rule allows ${missing.join('')} on ${access.path}`);
  }
  const deciding = allows.map((g) => g.scoped);
  return access.perms.includes('x') ? evaluateExec(policy, access, deciding) : allowed(deciding, `${what} is allowed`);
}

const unresolvedMemo = new WeakMap<RuleSet, ScopedRule[]>();
/** By variable values, which paths expand to nothing: rule sets that share values (a profile without one rule) share it. */
const emptyMemo = new WeakMap<Variables, Map<string, boolean>>();

function expandsToNothing(path: string, vars: Variables): boolean {
  let known = emptyMemo.get(vars);
  if (!known) {
    known = new Map();
    emptyMemo.set(vars, known);
  }
  let empty = known.get(path);
  if (empty === undefined) {
    empty = expandVariables(path, vars).length === 0;
    known.set(path, empty);
  }
  return empty;
}

/** Path rules with a variable that has no value here: they may or may not match. */
function unresolvedRules(set: RuleSet): ScopedRule[] {
  let out = unresolvedMemo.get(set);
  if (!out) {
    out = set.rules.filter((s) => (s.rule.kind === 'file' || s.rule.kind === 'link') && s.rule.path && expandsToNothing(s.rule.path.value, set.vars));
    unresolvedMemo.set(set, out);
  }
  return out;
}

/** What the text cannot tell: a priority, a prompt rule, a rule inside `if`. */
function beyondText(rules: readonly ScopedRule[]): Verdict | undefined {
  const odd = rules.filter((r) => r.rule.qualifiers.priority || r.rule.qualifiers.mode?.value === 'prompt');
  return odd.length > 0 ? unknown('out-of-reach', 'a deciding rule has a priority or asks at run time (prompt): the text alone does not decide', odd) : undefined;
}

interface Transition { readonly mode: 'i' | 'u' | 'p' | 'c' | undefined; readonly fallback?: 'i' | 'u'; readonly target?: string }

/**
 * `Pix` → p, falling back to i; `cx -> name` → c to `name`; a bare `x` has none; `file,`
 * and `all,` (every permission) inherit.
 */
function transitionOf(rule: RuleNode): Transition {
  if (rule.kind !== 'file' || !rule.perms) return { mode: 'i' };
  const perms = rule.perms.value;
  const at = perms.toLowerCase().indexOf('x');
  const letters = [...perms.slice(0, at).toLowerCase()].filter((c) => 'iupc'.includes(c)).slice(-2);
  const mode = letters[0] as Transition['mode'];
  const second = letters[1];
  return {
    mode,
    ...(second === 'i' || second === 'u' ? { fallback: second } : {}),
    ...(rule.target ? { target: rule.target.value } : {}),
  };
}

/** Alternations expand to plain paths: only `*`, `?` and `[…]` make a rule a glob for x precedence. */
function hasGlob(path: string): boolean {
  return /(^|[^\\])[*?[]/.test(path);
}

/**
 * The transition of an exec: a rule naming the path literally overrides globs (as the
 * parser's x-match does); differing transitions that remain make the parser refuse the profile.
 */
function evaluateExec(policy: Policy, access: FileAccess, deciding: readonly ScopedRule[]): Verdict {
  const xRules = deciding.filter((s) => s.rule.kind === 'all' || (s.rule.kind === 'file' && (!s.rule.perms || /x/i.test(s.rule.perms.value))));
  const literal = xRules.filter((s) => s.rule.kind === 'file' && s.rule.path && !hasGlob(s.rule.path.value));
  const chosen = literal.length > 0 ? literal : xRules;
  const modes = new Map(chosen.map((s) => { const t = transitionOf(s.rule); return [`${t.mode}${t.fallback ?? ''}${t.target ?? ''}`, t]; }));
  if (modes.size !== 1) return unknown('out-of-reach', `rules give ${access.path} different exec transitions: apparmor_parser refuses such a profile`, chosen);
  const t = [...modes.values()][0]!;
  const rules = chosen;
  switch (t.mode) {
    case 'i': return allowed(rules, `exec of ${access.path} is allowed; it runs under this profile (ix)`);
    case 'u': return allowed(rules, `exec of ${access.path} is allowed; it runs unconfined (ux)`);
    case 'c': return toProfile(policy, access, rules, t, childProfiles(policy.block), 'a child profile of this profile', 'exec-no-transition');
    case 'p': return toProfile(policy, access, rules, t, policy.peers, 'a profile of this file', 'exec-target-unknown');
    default: return denied('exec-no-transition', `x on ${access.path} has no transition (ix, px, cx, ux …), so the exec is denied`, rules);
  }
}

function childProfiles(block: ProfileNode): ProfileNode[] {
  return block.body.items.filter((i): i is ProfileNode => i.type === 'profile' && !i.hat);
}

function toProfile(
  policy: Policy, access: FileAccess, rules: readonly ScopedRule[], t: Transition, candidates: readonly ProfileNode[],
  where: string, missing: 'exec-no-transition' | 'exec-target-unknown',
): Verdict {
  const vars = policy.set.vars;
  const found = candidates.find((p) => t.target !== undefined
    ? p.name?.value === t.target
    : [p.attachment, p.name?.value.startsWith('/') ? p.name : undefined].some((g) => g !== undefined && matchesGlob(g.value, access.path, vars)));
  const goal = t.target !== undefined ? `profile '${t.target}'` : `profile attaching to ${access.path}`;
  if (found) return allowed(rules, `exec of ${access.path} is allowed; it moves to profile '${found.name?.value ?? ''}'`);
  if (t.fallback) return allowed(rules, `exec of ${access.path} is allowed; with no ${goal} it falls back to ${t.fallback}x`);
  if (missing === 'exec-target-unknown') {
    return unknown(missing, `exec of ${access.path} is allowed only if a ${goal} is loaded; this file has none`, rules);
  }
  return denied(missing, `exec of ${access.path} goes to ${where}, but there is no ${goal}, so the exec is denied`, rules);
}
