import type { CondNode, CondRuleNode, RuleKind, RuleNode } from '../ast';
import { NETWORK_FAMILIES, NETWORK_TYPES } from '../data/facts';
import type * as A from './access';
import { matchesGlob } from './glob';
import type { RuleSet } from './ruleSet';

type Matcher<T> = (rule: CondRuleNode, access: T, set: RuleSet) => boolean;

/** `r`/`w` shorthands as each rule class reads them. */
const MESSAGE_RW: Readonly<Record<string, readonly string[]>> = {
  r: ['receive'], read: ['receive'], w: ['send'], write: ['send'], rw: ['send', 'receive'],
};
const PTRACE_RW: Readonly<Record<string, readonly string[]>> = { r: ['read'], w: ['trace'], write: ['trace'], rw: ['read', 'trace'] };
const MQUEUE_RW: Readonly<Record<string, readonly string[]>> = { r: ['read'], w: ['write'], rw: ['read', 'write'] };

/** Rules of another kind that may still grant a class: under the 3.0 ABI a network rule covers unix sockets. */
const KINDS: { readonly [K in A.AccessClass]?: readonly RuleKind[] } = {
  unix: ['unix', 'network'],
  mount: ['mount'],
};

/** Whether a rule (allow, and no deny) with matching conditionals grants the access. */
export function allowsByConditionals(set: RuleSet, access: A.Access): boolean {
  const match = MATCHERS[access.class] as Matcher<A.Access> | undefined;
  const kinds = KINDS[access.class] ?? [access.class as RuleKind];
  let allowed = false;
  for (const s of set.rules) {
    const hit = ruleMatches(s.rule, access, set, kinds, match);
    if (hit && s.deny) return false;
    allowed ||= hit;
  }
  return allowed;
}

/**
 * Whether one rule (of one of `kinds`, the access class's own by default) covers the access,
 * whatever its allow or deny: the evaluator weighs allow against deny itself.
 */
export function ruleMatches(
  rule: RuleNode, access: A.Access, set: RuleSet,
  kinds: readonly RuleKind[] = KINDS[access.class] ?? [access.class as RuleKind],
  match = MATCHERS[access.class] as Matcher<A.Access> | undefined,
): boolean {
  return rule.kind === 'all' || (isCondRule(rule) && kinds.includes(rule.kind) && match !== undefined && match(rule, access, set));
}

function isCondRule(rule: { kind: string }): rule is CondRuleNode {
  return rule.kind !== 'file' && rule.kind !== 'link' && rule.kind !== 'rlimit';
}

/** A rule without permissions grants them all; else every needed one must be among its own. */
function permsCover(rule: CondRuleNode, need: readonly string[], aliases: Readonly<Record<string, readonly string[]>> = {}): boolean {
  if (!rule.perms || rule.perms.length === 0) return true;
  const granted = new Set(rule.perms.flatMap((t) => aliases[t.value] ?? [t.value]));
  return need.every((p) => granted.has(p));
}

function condOf(conds: readonly CondNode[] | undefined, ...names: string[]): CondNode | undefined {
  return conds?.find((c) => names.includes(c.name.value));
}

/** Conditionals holding file paths; the rest (labels, names) keep `//` as written. */
const PATH_CONDS: ReadonlySet<string> = new Set(['oldroot']);

/** An absent conditional matches anything; a present one needs a logged value its glob matches. */
function condMatches(conds: readonly CondNode[] | undefined, name: string, value: string | undefined, set: RuleSet): boolean {
  const c = condOf(conds, name);
  if (!c) return true;
  return value !== undefined && c.values.some((v) => matchesGlob(v.value, value, set.vars, PATH_CONDS.has(name)));
}

/** `peer=(name=… label=…)` for unix and dbus; a bare `peer=label` reads as the label. */
function peerMatches(rule: CondRuleNode, name: string, value: string | undefined, set: RuleSet): boolean {
  const peer = condOf(rule.conds, 'peer');
  if (!peer) return true;
  if (peer.nested) return condMatches(peer.nested, name, value, set);
  return name !== 'label' || (value !== undefined && peer.values.some((v) => matchesGlob(v.value, value, set.vars, false)));
}

function firstWordMatches(rule: CondRuleNode, value: string | undefined, set: RuleSet): boolean {
  const w = rule.words[0];
  return !w || (value !== undefined && matchesGlob(w.value, value, set.vars));
}

const network: Matcher<A.NetworkAccess> = (rule, a, set) => {
  const words = rule.words.map((w) => w.value);
  const families = words.filter((w) => NETWORK_FAMILIES.has(w));
  const types = words.filter((w) => NETWORK_TYPES.has(w));
  return permsCover(rule, a.perms, MESSAGE_RW)
    && (families.length === 0 || (a.family !== undefined && families.includes(a.family)))
    && (types.length === 0 || (a.type !== undefined && types.includes(a.type)))
    && condMatches(rule.conds, 'ip', a.ip, set) && condMatches(rule.conds, 'port', a.port, set)
    && peerMatches(rule, 'ip', a.peerIp, set) && peerMatches(rule, 'port', a.peerPort, set);
};

const unix: Matcher<A.UnixAccess> = (rule, a, set) => {
  if (rule.kind === 'network') return network(rule, { class: 'network', perms: a.perms, family: 'unix', ...(a.type ? { type: a.type } : {}) }, set);
  return permsCover(rule, a.perms, MESSAGE_RW) && condMatches(rule.conds, 'type', a.type, set)
    && condMatches(rule.conds, 'addr', a.addr, set) && condMatches(rule.conds, 'label', undefined, set)
    && peerMatches(rule, 'addr', a.peerAddr, set) && peerMatches(rule, 'label', a.peerLabel, set);
};

const mount: Matcher<A.MountAccess> = (rule, a, set) => {
  const fstype = condOf(rule.conds, 'fstype', 'vfstype');
  if (fstype && !(a.fstype !== undefined && fstype.values.some((v) => matchesGlob(v.value, a.fstype!, set.vars, false)))) return false;
  const options = condOf(rule.conds, 'options', 'option');
  if (options && !optionsMatch(options, a.options)) return false;
  const target = rule.target;
  return firstWordMatches(rule, a.source, set) && (!target || (a.point !== undefined && matchesGlob(target.value, a.point, set.vars)));
};

/** `options=(…)` must be the logged set exactly; `options in (…)` must hold it. */
function optionsMatch(c: CondNode, logged: readonly string[] | undefined): boolean {
  if (!logged) return false;
  const allowed = new Set(c.values.map((v) => v.value));
  const all = logged.every((o) => allowed.has(o));
  return c.op === 'in' ? all : all && allowed.size === new Set(logged).size;
}

const MATCHERS: { readonly [K in A.AccessClass]?: Matcher<Extract<A.Access, { class: K }>> } = {
  capability: (rule, a) => rule.words.length === 0 || rule.words.some((w) => w.value === a.name),
  network,
  unix,
  signal: (rule, a, set) => {
    const sigs = condOf(rule.conds, 'set');
    return permsCover(rule, a.perms, MESSAGE_RW) && (!sigs || (a.signal !== undefined && sigs.values.some((v) => v.value === a.signal)))
      && condMatches(rule.conds, 'peer', a.peer, set);
  },
  ptrace: (rule, a, set) => permsCover(rule, a.perms, PTRACE_RW) && condMatches(rule.conds, 'peer', a.peer, set),
  dbus: (rule, a, set) => permsCover(rule, a.perms, MESSAGE_RW)
    && (['bus', 'path', 'interface', 'member', 'name'] as const).every((k) => condMatches(rule.conds, k, a[k], set))
    && peerMatches(rule, 'name', a.peerName, set) && peerMatches(rule, 'label', a.peerLabel, set),
  mount,
  umount: (rule, a, set) => firstWordMatches(rule, a.point, set),
  pivot_root: (rule, a, set) => condMatches(rule.conds, 'oldroot', a.oldRoot, set) && firstWordMatches(rule, a.newRoot, set),
  change_profile: (rule, a, set) => !rule.target || matchesGlob(rule.target.value, a.target, set.vars, false),
  userns: (rule, a) => permsCover(rule, a.perms),
  io_uring: (rule, a, set) => permsCover(rule, a.perms) && condMatches(rule.conds, 'label', a.label, set),
  mqueue: (rule, a, set) => permsCover(rule, a.perms, MQUEUE_RW) && condMatches(rule.conds, 'type', a.type, set)
    && condMatches(rule.conds, 'label', undefined, set) && firstWordMatches(rule, a.name, set),
};
