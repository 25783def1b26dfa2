/**
 * Every class but files: each permission asked for is granted by the union of the allow
 * rules whose conditionals match, and taken away by any deny rule that matches. The ABI
 * decides which rules govern a class at all.
 */
import type { Access, NetworkAccess, UnixAccess } from '../logs/access';
import { ruleMatches } from '../logs/allowsConds';
import { matchesGlob } from '../logs/glob';
import type { RuleSet, ScopedRule } from '../logs/ruleSet';
import type { Policy } from './policy';
import { allowed, denied, deniedByRule, unknown, Verdict } from './verdict';

/** Classes the kernel mediates only from this ABI on; under an older one nothing stops them. */
const MEDIATED_SINCE: Readonly<Record<string, string>> = { userns: '4.0', io_uring: '4.0', mqueue: '4.0' };

function atLeast(abi: string, since: string): boolean {
  const [a, b] = abi.split('.').map(Number);
  const [c, d] = since.split('.').map(Number);
  return a! > c! || (a === c && b! >= d!);
}

type Match = (scoped: ScopedRule, access: Access) => boolean;

export function evaluateConds(policy: Policy, access: Access): Verdict {
  const since = MEDIATED_SINCE[access.class];
  if (since !== undefined) {
    if (policy.abi === undefined) return byAbiUnknown(access, (abi) => evaluateConds({ ...policy, abi }, access));
    if (!atLeast(policy.abi, since)) return allowed([], `abi ${policy.abi} does not mediate ${access.class}: nothing stops it`, 'not-mediated');
  }
  if (access.class === 'unix') {
    if (policy.abi === undefined) return byAbiUnknown(access, (abi) => evaluateConds({ ...policy, abi }, access));
    if (!atLeast(policy.abi, '4.0')) return decide(policy.set, access, (s, a) => coarseUnix(s, a as UnixAccess, policy.set));
  }
  return decide(policy.set, access, (s, a) => ruleMatches(s.rule, a, policy.set));
}

/** Without an `abi` line the answer stands only when every ABI gives it. */
function byAbiUnknown(access: Access, under: (abi: string) => Verdict): Verdict {
  const old = under('3.0');
  const now = under('4.0');
  if (old.verdict === now.verdict) return now;
  return unknown('abi-unknown', `the profile declares no abi, and ${access.class} is ${old.verdict} under abi 3.0 but ${now.verdict} under 4.0: add an abi line`, [...now.rules]);
}

/**
 * Under 3.0 the kernel knows unix sockets only as the `unix` network family: `network unix`
 * rules govern them, and apparmor_parser downgrades an allow `unix` rule to
 * `network unix TYPE`, whatever else it says.
 */
function coarseUnix(scoped: ScopedRule, a: UnixAccess, set: RuleSet): boolean {
  const rule = scoped.rule;
  const net: NetworkAccess = { class: 'network', perms: a.perms, family: 'unix', ...(a.type ? { type: a.type } : {}) };
  if (rule.kind === 'network' || rule.kind === 'all') return ruleMatches(rule, net, set, ['network']);
  // The downgrade keeps only the type, widening the rule: a deny rule is dropped instead.
  if (rule.kind !== 'unix' || scoped.deny) return false;
  const type = rule.conds.find((c) => c.name.value === 'type');
  return !type || (a.type !== undefined && type.values.some((v) => matchesGlob(v.value, a.type!, set.vars, false)));
}

function decide(set: RuleSet, access: Access, match: Match): Verdict {
  const needs = access.perms.length > 0 ? access.perms.map((p) => [p]) : [[]];
  const allowRules = new Set<ScopedRule>();
  for (const perms of needs) {
    const one = { ...access, perms } as Access;
    const allows: ScopedRule[] = [];
    const denies: ScopedRule[] = [];
    for (const s of set.rules) if (match(s, one)) (s.deny ? denies : allows).push(s);
    const what = `${access.class}${perms.length > 0 ? ` ${perms.join(' ')}` : ''}`;
    const odd = [...allows, ...denies].filter((r) => r.rule.qualifiers.priority || r.rule.qualifiers.mode?.value === 'prompt');
    if (odd.length > 0) return unknown('out-of-reach', 'a deciding rule has a priority or asks at run time (prompt): the text alone does not decide', odd);
    if (denies.length > 0) return deniedByRule(denies, `${what} is denied by an explicit deny rule, which wins over any allow rule`, false);
    if (allows.length === 0) return denied('no-rule', `no rule allows ${what}${describeKinds(access)}`);
    for (const a of allows) allowRules.add(a);
  }
  return allowed([...allowRules], `${access.class} access is allowed`);
}

function describeKinds(access: Access): string {
  return access.class === 'unix' ? ' (unix sockets follow unix rules, and network unix rules)' : '';
}
