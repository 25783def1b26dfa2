import {
  DBUS_PERMS, isRealtimeSignal, MQUEUE_PERMS, NETWORK_FAMILIES, NETWORK_TYPES, PTRACE_PERMS, SIGNAL_NUMBERS, SIGNAL_PERMS,
  SIGNALS, SIGRTMIN, UNIX_PERMS,
} from '../data/facts';
import { Described, knownWords, NoAccess } from './access';
import type { AuditRecord } from './auditRecord';

/** Socket operations of kernels that log no permission words, and the permission each needs. */
const SOCKET_OPERATION_PERMS: Readonly<Record<string, string>> = {
  create: 'create', socket_create: 'create', bind: 'bind', listen: 'listen', accept: 'accept',
  connect: 'connect', shutdown: 'shutdown', setsockopt: 'setopt', getsockopt: 'getopt',
  getsockname: 'getattr', getpeername: 'getattr', sendmsg: 'send', recvmsg: 'receive',
};

const SERVER_PERMS: ReadonlySet<string> = new Set(['bind', 'listen', 'accept']);

function isNoAccess(x: unknown): x is NoAccess {
  return typeof x === 'object' && x !== null && 'reason' in x;
}

/** Socket permissions: the logged words, else the one the operation implies. */
function socketPerms(record: AuditRecord): string[] | NoAccess {
  const words = knownWords(record, UNIX_PERMS);
  if (isNoAccess(words) || words.length > 0) return words;
  const implied = SOCKET_OPERATION_PERMS[record.operation];
  return implied ? [implied] : [];
}

/** A network or unix socket, told apart by the family. */
export function describeSocket(record: AuditRecord): Described {
  const f = record.fields;
  const perms = socketPerms(record);
  if (isNoAccess(perms)) return perms;
  const family = f['family'];
  if (family !== undefined && !NETWORK_FAMILIES.has(family)) return { reason: `unknown network family "${family}"` };
  // A socket type the rule language has no word for is left out: the rule then covers every type.
  const type = f['sock_type'] !== undefined && NETWORK_TYPES.has(f['sock_type']) ? f['sock_type'] : undefined;
  return family === 'unix' ? unixAccess(f, perms, type) : networkAccess(f, perms, family, type);
}

function unixAccess(f: Readonly<Record<string, string>>, perms: string[], type: string | undefined): Described {
  return {
    class: 'unix',
    perms,
    ...opt('type', type),
    ...opt('addr', abstractAddr(f['addr'])),
    ...opt('peerAddr', abstractAddr(f['peer_addr'])),
    ...opt('peerLabel', f['peer']),
  };
}

/** A server's own address is what a rule would name; a client's, the peer it reaches (its own port is ephemeral). */
function networkAccess(f: Readonly<Record<string, string>>, perms: string[], family: string | undefined, type: string | undefined): Described {
  const server = perms.some((p) => SERVER_PERMS.has(p));
  return {
    class: 'network',
    perms,
    ...opt('family', family),
    ...opt('type', type),
    ...(server ? { ...opt('ip', f['laddr'] ?? f['saddr']), ...opt('port', f['lport'] ?? f['src']) } : {}),
    ...(server ? {} : { ...opt('peerIp', f['faddr'] ?? f['daddr']), ...opt('peerPort', f['fport'] ?? f['dest']) }),
  };
}

/** Only abstract names (`@…`) go into a unix rule; named sockets are mediated as files. */
function abstractAddr(addr: string | undefined): string | undefined {
  return addr !== undefined && addr.startsWith('@') && addr.length > 1 ? addr : undefined;
}

export function describeSignal(record: AuditRecord): Described {
  const perms = knownWords(record, SIGNAL_PERMS);
  if (isNoAccess(perms)) return perms;
  return { class: 'signal', perms, ...opt('signal', signalName(record.fields['signal'])), ...opt('peer', record.fields['peer']) };
}

/** The rule's name for a logged signal, by name or by number; undefined when neither fits. */
function signalName(logged: string | undefined): string | undefined {
  if (logged === undefined) return undefined;
  if (SIGNALS.has(logged) || isRealtimeSignal(logged)) return logged;
  if (!/^\d+$/.test(logged)) return undefined;
  const n = Number(logged);
  if (n < SIGNAL_NUMBERS.length) return SIGNAL_NUMBERS[n];
  const rt = `rtmin+${n - SIGRTMIN}`;
  return isRealtimeSignal(rt) ? rt : undefined;
}

export function describePtrace(record: AuditRecord): Described {
  const perms = knownWords(record, PTRACE_PERMS);
  if (isNoAccess(perms)) return perms;
  return { class: 'ptrace', perms, ...opt('peer', record.fields['peer'] ?? record.fields['target']) };
}

const DBUS_OPERATION_PERMS: Readonly<Record<string, string>> = { dbus_bind: 'bind', dbus_eavesdrop: 'eavesdrop' };

/**
 * A D-Bus message, name binding or eavesdrop. On a send the logged `name` is where the
 * message went, so it names the peer; on a bind it is the name taken.
 */
export function describeDbus(record: AuditRecord): Described {
  const f = record.fields;
  const logged = knownWords(record, DBUS_PERMS);
  if (isNoAccess(logged)) return logged;
  const implied = DBUS_OPERATION_PERMS[record.operation];
  const perms = logged.length > 0 ? logged : implied ? [implied] : [];
  if (perms.includes('bind')) return { class: 'dbus', perms, ...opt('bus', f['bus']), ...opt('name', f['name']) };
  if (perms.includes('eavesdrop')) return { class: 'dbus', perms, ...opt('bus', f['bus']) };
  const send = perms.includes('send');
  return {
    class: 'dbus',
    perms,
    ...opt('bus', f['bus']),
    ...opt('path', f['path']),
    ...opt('interface', f['interface']),
    ...opt('member', f['member']),
    ...opt('peerName', send && f['name'] !== undefined && !f['name'].startsWith(':') ? f['name'] : undefined),
    ...opt('peerLabel', f['peer_label'] ?? f['peer_profile']),
  };
}

export function describeMqueue(record: AuditRecord): Described {
  const perms = knownWords(record, MQUEUE_PERMS);
  if (isNoAccess(perms)) return perms;
  const type = record.class === 'sysv_mqueue' || record.operation === 'sysv_mqueue' ? 'sysv' : 'posix';
  const name = record.fields['name'];
  const valid = name !== undefined && (type === 'posix' ? name.startsWith('/') : /^\d+$/.test(name));
  return { class: 'mqueue', perms, type, ...opt('name', valid ? name : undefined) };
}

/** `{ key: value }` when there is a value, for spreading into an access. */
export function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}
