import type { CondNode, CondRuleNode, RlimitRuleNode, Token } from '../ast';
import {
  CAPABILITIES, MOUNT_OPPOSITES, MOUNT_OPTIONS, NETWORK_FAMILIES, NETWORK_PROTOCOLS, NETWORK_TYPES, RLIMITS, SIGNALS, isRealtimeSignal,
} from '../data/facts';
import { RULE_KINDS } from '../data/ruleKinds';
import { forEachCond } from '../walk';
import { ProblemSink, suggest } from './problems';
import { checkPeerGroup, checkUnixConds } from './checkPeerGroup';
import { checkNetworkConds, checkUnixPeer } from './checkSocketRule';

type Kind = CondRuleNode['kind'];

export function checkCondRule(rule: CondRuleNode, sink: ProblemSink): void {
  const spec = RULE_KINDS[rule.kind];
  const kind = rule.kind;
  // Only file rules have an owner to match: apparmor_parser refuses owner/user/other on every other kind.
  const owner = rule.qualifiers.owner;
  if (owner) sink.add('owner-not-allowed', owner, { word: owner.text, kind });
  const priority = rule.qualifiers.priority;
  const level = Number(priority?.value?.value);
  if (priority && Number.isInteger(level) && level !== 0 && (rule.kind === 'network' || rule.kind === 'all')) {
    sink.add('priority-not-allowed', priority.span, { kind });
  }
  for (const p of rule.perms ?? []) {
    if (!spec.perms) sink.add('unexpected-word', p, { word: p.text, kind, hint: '' });
    else if (!spec.perms.has(p.value)) sink.add('unknown-permission', p, { name: p.text, kind, ...suggest(p.value, spec.perms.keys()) });
  }
  // dbus reads its peer group's conditionals as its own (3.0.8 and 4.1 take peer=(path=…)).
  const peerConds = kind === 'dbus' ? [...spec.peerConds ?? [], ...spec.conds.filter((c) => c !== 'peer')] : spec.peerConds;
  for (const c of rule.conds) checkCond(c, spec.conds, kind, sink, peerConds);
  if (rule.arrow && !spec.target) sink.add('unexpected-token', rule.arrow, { found: "'->'", expected: "',' at the end of the rule" });
  if (rule.targetConds.length > 0) sink.add('mount-target-conds', rule.targetConds[0]!);
  if (!spec.words) {
    for (const w of rule.words) sink.add('unexpected-word', w, { word: w.text, kind, hint: '' });
  }
  if (spec.peerConds) checkPeerGroup(rule, sink);
  SPECIFIC[rule.kind]?.(rule, sink);
}

function checkCond(c: CondNode, allowed: readonly string[], kind: string, sink: ProblemSink, peer?: readonly string[]): void {
  const name = c.name.value;
  if (!allowed.includes(name)) {
    sink.add('unknown-conditional', c.name, { name, kind, ...suggest(name, allowed) });
    return;
  }
  if (c.nested) {
    const inner = name === 'peer' ? peer ?? [] : [];
    for (const n of c.nested) checkCond(n, inner, `${kind} peer`, sink);
  }
}

const SPECIFIC: Partial<Record<Kind, (rule: CondRuleNode, sink: ProblemSink) => void>> = {
  capability(rule, sink) {
    for (const w of rule.words) {
      // Names are matched as written: apparmor_parser takes no escapes here.
      if (CAPABILITIES.has(w.text)) continue;
      // `CAP_NET_ADMIN` is how the kernel headers spell it; policy uses `net_admin`.
      const plain = w.value.replace(/^cap_/i, '').toLowerCase();
      const fix = CAPABILITIES.has(plain) ? { hint: ` Write '${plain}': lower case, without CAP_.`, suggestion: plain } : suggest(w.value, CAPABILITIES.keys());
      sink.add('unknown-capability', w, { name: w.text, ...fix });
    }
  },
  network(rule, sink) {
    checkNetworkWords(rule, sink);
    checkNetworkConds(rule, sink);
  },
  unix(rule, sink) {
    checkUnixConds(rule, sink);
    checkUnixPeer(rule, sink);
    forEachCond(rule.conds, (c) => {
      if (c.name.value !== 'addr') return;
      for (const v of c.values) {
        if (!/^(@|none$|auto$)/.test(v.value)) sink.add('unix-addr', v, { value: v.value });
      }
    });
  },
  dbus: checkDbus,
  signal(rule, sink) {
    for (const c of rule.conds) {
      if (c.name.value !== 'set') continue;
      for (const v of c.values) {
        if (!SIGNALS.has(v.value) && !isRealtimeSignal(v.value)) {
          const plain = v.value.replace(/^sig/i, '').toLowerCase();
          const fix = SIGNALS.has(plain) ? { hint: ` Write '${plain}': lower case, without SIG.`, suggestion: plain } : suggest(v.value, SIGNALS.keys());
          sink.add('unknown-signal', v, { name: v.value, ...fix });
        }
      }
    }
  },
  mount: checkMountOptions,
  remount: checkMountOptions,
  umount: checkMountOptions,
  change_profile(rule, sink) {
    const first = rule.words[0];
    if (first && (first.value === 'safe' || first.value === 'unsafe') && rule.words.length < 2) {
      sink.add('change-profile-safe', first, { word: first.value });
    }
  },
  mqueue(rule, sink) {
    const types = rule.conds.filter((c) => c.name.value === 'type').flatMap((c) => c.values);
    for (const t of types) if (t.value !== 'posix' && t.value !== 'sysv') sink.add('mqueue-type', t, { value: t.value });
    const type = types[0]?.value;
    // The name is checked as written, before variables expand: '@{Q}' is refused like any word.
    for (const w of rule.words) {
      const ok = type === 'sysv' ? /^\d+$/.test(w.value) : type === 'posix' ? w.value.startsWith('/') : /^(\/|\d+$)/.test(w.value);
      if (!ok) sink.add('mqueue-name', w, { name: w.value });
    }
  },
  userns(rule, sink) {
    // The parser's userns mode has no parentheses: `userns create,` only.
    if (rule.permsList && rule.perms?.[0]) sink.add('userns-perm-list', rule.perms[0]);
  },
};

/** Every word a network rule may hold, for did-you-mean. */
const NETWORK_WORDS = [...NETWORK_FAMILIES.keys(), ...NETWORK_TYPES.keys(), ...NETWORK_PROTOCOLS.keys()];

/** `network [family] [type|protocol]`: each word known, the family first. */
function checkNetworkWords(rule: CondRuleNode, sink: ProblemSink): void {
  let sawType: Token | undefined;
  for (const w of rule.words) {
    const v = w.value;
    if (NETWORK_FAMILIES.has(v)) {
      if (sawType) sink.add('network-order', w, { family: v, type: sawType.value });
    } else if (NETWORK_TYPES.has(v) || NETWORK_PROTOCOLS.has(v)) {
      // apparmor_parser's grammar takes one of them after the family (`inet stream tcp` is refused).
      if (sawType) sink.add('network-type-and-protocol', w, { word: v });
      sawType = w;
    } else {
      sink.add('unknown-network-word', w, { name: v, ...suggest(v, NETWORK_WORDS) });
    }
  }
}

const MESSAGE_CONDS = ['path', 'interface', 'member'];

/** dbus splits into message rules (send/receive) and service rules (bind, `name=`). */
function checkDbus(rule: CondRuleNode, sink: ProblemSink): void {
  // Each dbus conditional is one value, given once.
  const seen = new Set<string>();
  for (const c of rule.conds) {
    const name = c.name.value;
    if (seen.has(name)) sink.add('conditional-repeated', c.name, { name, kind: 'dbus' });
    else if (c.list && !c.nested) sink.add('conditional-list', c.name, { name, kind: 'dbus' });
    seen.add(name);
  }
  const perms = new Set((rule.perms ?? []).map((p) => p.value));
  const has = (n: string): CondNode | undefined => rule.conds.find((c) => c.name.value === n);
  const message = MESSAGE_CONDS.map(has).find(Boolean) ?? has('peer');
  const service = has('name');
  const where = rule.perms?.[0] ?? rule.keyword ?? rule;
  if (message && service) {
    sink.add('dbus-perm-conflict', service, { perm: 'name=', cond: `${message.name.value}=`, why: 'a rule is either about messages (path, interface, member, peer) or about owning a name.' });
  }
  const sendish = ['send', 'receive', 'r', 'w', 'rw', 'read', 'write'].find((p) => perms.has(p));
  if (service && sendish) sink.add('dbus-perm-conflict', where, { perm: sendish, cond: 'name=', why: 'send and receive apply to messages; use bind to own a name.' });
  if (message && perms.has('bind')) sink.add('dbus-perm-conflict', where, { perm: 'bind', cond: `${message.name.value}=`, why: 'bind applies to bus names only.' });
  if (perms.has('eavesdrop') && rule.conds.some((c) => c.name.value !== 'bus')) {
    sink.add('dbus-perm-conflict', where, { perm: 'eavesdrop', cond: 'anything but bus=', why: 'eavesdrop rules take only a bus conditional.' });
  }
}

function checkMountOptions(rule: CondRuleNode, sink: ProblemSink): void {
  for (const c of rule.conds) {
    if (c.name.value !== 'options' && c.name.value !== 'option') continue;
    const seen = new Set<string>();
    for (const v of c.values) {
      for (const part of v.value.split(',')) {
        if (part && !MOUNT_OPTIONS.has(part)) sink.add('mount-bad-option', v, { name: part, ...suggest(part, MOUNT_OPTIONS.keys()) });
        // One options=(…) list sets flags together; `options in (…)` lists alternatives.
        const opposite = c.op === '=' ? MOUNT_OPPOSITES.get(part)?.find((o) => seen.has(o)) : undefined;
        if (opposite) sink.add('mount-conflicting-options', v, { a: opposite, b: part });
        seen.add(part);
      }
    }
  }
}

const SIZE_VALUE = /^(\d+)(K|KB|M|MB|G|GB)?$/;
const TIME_VALUE = /^(\d+)\s*(us|microseconds?|ms|milliseconds?|s|sec|seconds?|min|minutes?|h|hours?|d|days?|weeks?)?$/;

export function checkRlimitRule(rule: RlimitRuleNode, sink: ProblemSink): void {
  for (const q of rule.qualifiers.all) sink.add('rule-no-qualifiers', q, { kind: 'set rlimit', word: q.text });
  const name = rule.name?.value;
  if (!rule.name || name === undefined) return;
  if (!RLIMITS.has(name)) {
    sink.add('unknown-rlimit', rule.name, { name, ...suggest(name, RLIMITS.keys()) });
    return;
  }
  const value = rule.value;
  if (!value) return;
  const v = value.value;
  const bad = (why: string): void => sink.add('invalid-rlimit-value', value, { value: v, name, why });
  if (v === 'infinity' && name !== 'nice') return;
  if (name === 'nice') {
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= -20 && n <= 19)) bad('nice takes an integer from -20 to 19.');
  } else if (name === 'cpu' || name === 'rttime') {
    if (!TIME_VALUE.test(v)) bad('give a number with an optional time unit (us, ms, s, min, h, d, week).');
  } else if (['nofile', 'ofile', 'nproc', 'locks', 'sigpending', 'rtprio'].includes(name)) {
    if (!/^\d+$/.test(v)) bad('give a whole number or infinity.');
  } else if (!SIZE_VALUE.test(v)) {
    bad('give a size: a number with an optional K, KB, M, MB, G or GB, or infinity.');
  }
}
