import type { CondNode, CondRuleNode } from '../ast';
import { NETWORK_FAMILIES } from '../data/facts';
import { ProblemSink } from './problems';

/**
 * Socket accesses that concern the local socket only: apparmor_parser rejects them
 * next to peer conditionals ("… accesses cannot be used with peer socket conditionals").
 */
const LOCAL_ONLY_PERMS: ReadonlySet<string> = new Set(['create', 'bind', 'listen', 'shutdown', 'getattr', 'setattr', 'getopt', 'setopt']);

/** Conditionals that narrow a network rule to addresses, which only inet and inet6 have. */
const ADDRESS_CONDS: ReadonlySet<string> = new Set(['ip', 'port', 'interface', 'label']);

const peerGroup = (rule: CondRuleNode): readonly CondNode[] => rule.conds.find((c) => c.name.value === 'peer')?.nested ?? [];

/** `network … ip= port= peer=(…)`: the values, the family they fit, and the accesses a peer allows. */
export function checkNetworkConds(rule: CondRuleNode, sink: ProblemSink): void {
  // The network rule counts only ip= and port= as peer conditionals; label= there is a mediation label.
  const peer = peerGroup(rule).filter((c) => c.name.value === 'ip' || c.name.value === 'port');
  const local = rule.conds.filter((c) => ADDRESS_CONDS.has(c.name.value));
  for (const c of [...local, ...peer]) checkAddressValues(c, sink);
  const family = rule.words[0];
  if (family && (local.length > 0 || peer.length > 0) && NETWORK_FAMILIES.has(family.value) && family.value !== 'inet' && family.value !== 'inet6') {
    sink.add('network-conds-family', family, { family: family.value });
  }
  if (peer.length > 0) checkPeerPerms(rule, 'network', sink);
}

/** unix rules: any peer=(addr= label=) conditional limits the rule to accesses on a connection. */
export function checkUnixPeer(rule: CondRuleNode, sink: ProblemSink): void {
  if (peerGroup(rule).length > 0) checkPeerPerms(rule, 'unix', sink);
}

function checkPeerPerms(rule: CondRuleNode, kind: string, sink: ProblemSink): void {
  for (const p of rule.perms ?? []) {
    if (LOCAL_ONLY_PERMS.has(p.value)) sink.add('socket-peer-perm', p, { kind, perm: p.value });
  }
}

function checkAddressValues(c: CondNode, sink: ProblemSink): void {
  const name = c.name.value;
  for (const v of c.values) {
    if (name === 'ip' && v.value !== 'none' && !isIpv4(v.value) && !isIpv6(v.value)) sink.add('network-bad-ip', v, { value: v.value });
    if (name === 'port' && !isPortOrRange(v.value)) sink.add('network-bad-port', v, { value: v.value });
  }
}

// Addresses as inet_pton(3) reads them, which is what apparmor_parser uses: dotted quads
// without leading zeros, IPv6 text with at most one '::' and an optional dotted-quad tail.
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

function isIpv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  const all = groups.flat();
  const last = all[all.length - 1];
  // A dotted quad may only end the address, and it fills two groups.
  const tail = last !== undefined && last.includes('.') && (groups.length === 1 || groups[1]!.length > 0) ? 1 : 0;
  if (tail && !isIpv4(last!)) return false;
  if (!all.slice(0, all.length - tail).every((g) => HEX_GROUP.test(g))) return false;
  const count = all.length + tail;
  // '::' stands for at least one group of zeros.
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** A port as strtoul reads it (decimal, up to 65535), or LOW-HIGH with LOW ≤ HIGH. */
function isPortOrRange(s: string): boolean {
  const port = (p: string): number => (/^\+?\d+$/.test(p) && Number(p) <= 65535 ? Number(p) : NaN);
  const dash = s.indexOf('-');
  if (dash > 0) {
    const low = port(s.slice(0, dash));
    const high = port(s.slice(dash + 1));
    if (low <= high) return true;
  }
  return !Number.isNaN(port(s));
}
