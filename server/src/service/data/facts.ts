/**
 * Fact tables of the AppArmor policy language: the names the reference parser
 * accepts, each with the first release that accepts it. One place for all of them,
 * so checks, hover and completion agree. Sources: the upstream parser's tables at
 * 3.0.8, 4.0, 4.1 and 5.0 (see the project's reference notes).
 */

/** First AppArmor release whose parser accepts the item ('2.8' stands for "2.x or older"). */
export type Since = string;

export interface Fact {
  readonly name: string;
  readonly since: Since;
}

export type FactTable = ReadonlyMap<string, Fact>;

/** Builds a table from groups of names sharing a version. */
function table(...groups: [Since, readonly string[]][]): Map<string, Fact> {
  const m = new Map<string, Fact>();
  for (const [since, names] of groups) for (const name of names) m.set(name, { name, since });
  return m;
}

/** 41 capabilities; the 3.0 parser carries its own base table, so all are known from 3.0. */
export const CAPABILITIES: FactTable = table(['3.0', [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid',
  'setpcap', 'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw',
  'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct',
  'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod',
  'lease', 'audit_write', 'audit_control', 'setfcap', 'mac_override', 'mac_admin', 'syslog',
  'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf', 'checkpoint_restore',
]]);

/** Address families (network_families list); all predate 3.0. */
export const NETWORK_FAMILIES: FactTable = table(['2.8', [
  'unspec', 'unix', 'inet', 'ax25', 'ipx', 'appletalk', 'netrom', 'bridge', 'atmpvc', 'x25',
  'inet6', 'rose', 'netbeui', 'security', 'key', 'netlink', 'packet', 'ash', 'econet', 'atmsvc',
  'rds', 'sna', 'irda', 'pppox', 'wanpipe', 'llc', 'ib', 'mpls', 'can', 'tipc', 'bluetooth',
  'iucv', 'rxrpc', 'isdn', 'phonet', 'ieee802154', 'caif', 'alg', 'nfc', 'vsock', 'kcm', 'qipcrtr',
  'smc', 'xdp', 'mctp',
]]);

export const NETWORK_TYPES: FactTable = table(['2.8', [
  'stream', 'dgram', 'seqpacket', 'rdm', 'raw', 'packet',
]]);

export const NETWORK_PROTOCOLS: FactTable = table(['2.8', [
  'tcp', 'udp', 'icmp',
]]);

/** Fine-grained network permissions arrived in 4.0. */
export const NETWORK_PERMS: FactTable = table(['4.0', [
  'create', 'bind', 'listen', 'accept', 'connect', 'shutdown', 'getattr', 'setattr', 'getopt',
  'setopt', 'send', 'receive', 'read', 'write', 'r', 'w', 'rw',
]]);

export const NETWORK_CONDITIONALS: FactTable = table(['4.0', ['ip', 'port', 'peer']], ['5.0', ['interface', 'label']]);

export const UNIX_PERMS: FactTable = table(['2.9', [
  'create', 'bind', 'listen', 'accept', 'connect', 'shutdown', 'getattr', 'setattr', 'getopt',
  'setopt', 'send', 'receive', 'read', 'write', 'r', 'w', 'rw',
]]);

export const UNIX_CONDITIONALS: FactTable = table(['2.9', [
  'type', 'protocol', 'addr', 'label', 'peer',
]]);

export const UNIX_ADDR_SPECIAL: FactTable = table(['2.9', ['none', 'auto']]);

export const DBUS_PERMS: FactTable = table(['2.9', [
  'send', 'receive', 'bind', 'eavesdrop', 'read', 'write', 'r', 'w', 'rw',
]]);

export const DBUS_CONDITIONALS: FactTable = table(['2.9', [
  'bus', 'path', 'interface', 'member', 'name', 'peer', 'label',
]]);

/** Signal names for set=(…); tstp and poll came with 5.0. Realtime ones are rtmin+0 … rtmin+32. */
export const SIGNALS: FactTable = table(['2.9', [
  'hup', 'int', 'quit', 'ill', 'trap', 'abrt', 'bus', 'fpe', 'kill', 'usr1', 'segv', 'usr2',
  'pipe', 'alrm', 'term', 'stkflt', 'chld', 'cont', 'stop', 'stp', 'ttin', 'ttou', 'urg', 'xcpu',
  'xfsz', 'vtalrm', 'prof', 'winch', 'io', 'pwr', 'sys', 'emt', 'exists',
]], ['5.0', ['tstp', 'poll']]);

export function isRealtimeSignal(name: string): boolean {
  const m = /^rtmin\+(\d{1,2})$/.exec(name);
  return !!m && Number(m[1]) <= 32;
}

export const SIGNAL_PERMS: FactTable = table(['2.9', [
  'send', 'receive', 'read', 'write', 'r', 'w', 'rw',
]]);

export const SIGNAL_CONDITIONALS: FactTable = table(['2.9', [
  'peer', 'set',
]]);

export const PTRACE_PERMS: FactTable = table(['2.9', [
  'trace', 'tracedby', 'read', 'readby', 'write', 'r', 'w', 'rw',
]]);

export const PTRACE_CONDITIONALS: FactTable = table(['2.9', [
  'peer',
]]);

/** Mount option words; five arrived in 4.0. */
export const MOUNT_OPTIONS: FactTable = table(['2.8', [
  'ro', 'r', 'read-only', 'rw', 'w', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'sync',
  'async', 'remount', 'mand', 'nomand', 'dirsync', 'atime', 'noatime', 'diratime', 'nodiratime',
  'bind', 'B', 'move', 'M', 'rbind', 'R', 'verbose', 'silent', 'loud', 'acl', 'noacl',
  'unbindable', 'make-unbindable', 'runbindable', 'make-runbindable', 'private', 'make-private',
  'rprivate', 'make-rprivate', 'slave', 'make-slave', 'rslave', 'make-rslave', 'shared',
  'make-shared', 'rshared', 'make-rshared', 'relatime', 'norelatime', 'iversion', 'noiversion',
  'strictatime', 'user', 'nouser',
]], ['4.0', [
  'symfollow', 'nosymfollow', 'nostrictatime', 'lazytime', 'nolazytime',
]]);

export const MOUNT_CONDITIONALS: FactTable = table(['2.8', [
  'options', 'option', 'fstype', 'vfstype',
]]);

export const PIVOT_ROOT_CONDITIONALS: FactTable = table(['2.8', [
  'oldroot',
]]);

export const MQUEUE_PERMS: FactTable = table(['4.0', [
  'create', 'open', 'delete', 'getattr', 'setattr', 'read', 'write', 'r', 'w', 'rw',
]]);

export const MQUEUE_TYPES: FactTable = table(['4.0', [
  'posix', 'sysv',
]]);

export const MQUEUE_CONDITIONALS: FactTable = table(['4.0', [
  'type', 'label',
]]);

export const IO_URING_PERMS: FactTable = table(['4.0', [
  'override_creds', 'sqpoll',
]]);

export const IO_URING_CONDITIONALS: FactTable = table(['4.0', [
  'label',
]]);

export const USERNS_PERMS: FactTable = table(['4.0', [
  'create',
]]);

export const RLIMITS: FactTable = table(['2.8', [
  'cpu', 'fsize', 'data', 'stack', 'core', 'rss', 'nofile', 'ofile', 'as', 'nproc', 'memlock',
  'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'rttime',
]]);

export const RLIMIT_SIZE_UNITS: FactTable = table(['2.8', [
  'K', 'KB', 'M', 'MB', 'G', 'GB',
]]);

export const RLIMIT_TIME_UNITS: FactTable = table(['2.8', [
  'us', 'microsecond', 'microseconds', 'ms', 'millisecond', 'milliseconds', 's', 'sec', 'second',
  'seconds', 'min', 'minute', 'minutes', 'h', 'hour', 'hours', 'd', 'day', 'days', 'week', 'weeks',
]]);

/** errno names for the 4.1 error= profile flag. */
export const ERRNO_NAMES: FactTable = table(['4.1', [
  'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD',
  'EAGAIN', 'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV',
  'ENOTDIR', 'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC',
  'ESPIPE', 'EROFS', 'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EDEADLK', 'ENAMETOOLONG', 'ENOLCK',
  'ENOSYS', 'ENOTEMPTY', 'ELOOP', 'EWOULDBLOCK', 'ENOMSG', 'EIDRM', 'ECHRNG', 'EL2NSYNC', 'EL3HLT',
  'EL3RST', 'ELNRNG', 'EUNATCH', 'ENOCSI', 'EL2HLT', 'EBADE', 'EBADR', 'EXFULL', 'ENOANO',
  'EBADRQC', 'EBADSLT', 'EDEADLOCK', 'EBFONT', 'ENOSTR', 'ENODATA', 'ETIME', 'ENOSR', 'ENONET',
  'ENOPKG', 'EREMOTE', 'ENOLINK', 'EADV', 'ESRMNT', 'ECOMM', 'EPROTO', 'EMULTIHOP', 'EDOTDOT',
  'EBADMSG', 'EOVERFLOW', 'ENOTUNIQ', 'EBADFD', 'EREMCHG', 'ELIBACC', 'ELIBBAD', 'ELIBSCN',
  'ELIBMAX', 'ELIBEXEC', 'EILSEQ', 'ERESTART', 'ESTRPIPE', 'EUSERS', 'ENOTSOCK', 'EDESTADDRREQ',
  'EMSGSIZE', 'EPROTOTYPE', 'ENOPROTOOPT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT', 'EOPNOTSUPP',
  'EPFNOSUPPORT', 'EAFNOSUPPORT', 'EADDRINUSE', 'EADDRNOTAVAIL', 'ENETDOWN', 'ENETUNREACH',
  'ENETRESET', 'ECONNABORTED', 'ECONNRESET', 'ENOBUFS', 'EISCONN', 'ENOTCONN', 'ESHUTDOWN',
  'ETOOMANYREFS', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTDOWN', 'EHOSTUNREACH', 'EALREADY',
  'EINPROGRESS', 'ESTALE', 'EUCLEAN', 'ENOTNAM', 'ENAVAIL', 'EISNAM', 'EREMOTEIO', 'EDQUOT',
  'ENOMEDIUM', 'EMEDIUMTYPE', 'ECANCELED', 'ENOKEY', 'EKEYEXPIRED', 'EKEYREVOKED', 'EKEYREJECTED',
  'EOWNERDEAD', 'ENOTRECOVERABLE', 'ERFKILL', 'EHWPOISON', 'ENOTSUP',
]]);

/** Policy keywords with the release that introduced each. */
export const KEYWORDS: FactTable = table(['2.10', [
  'include',
]], ['2.13', [
  'exists',
]], ['2.8', [
  'alias', 'rewrite', '#include', 'if', 'else', 'not', 'defined', 'in', 'profile', 'hat', 'flags',
  'audit', 'deny', 'owner', 'user', 'other', 'file', 'link', 'subset', 'safe', 'unsafe',
  'capability', 'network', 'mount', 'remount', 'umount', 'unmount', 'pivot_root', 'change_profile',
  'set', 'rlimit', 'infinity',
]], ['2.9', [
  'allow', 'unix', 'dbus', 'signal', 'ptrace', 'peer', 'send', 'receive', 'bind', 'read', 'write',
  'eavesdrop', 'trace', 'tracedby', 'readby', 'create', 'listen', 'accept', 'connect', 'shutdown',
  'getattr', 'setattr', 'getopt', 'setopt',
]], ['3.0', [
  'abi', 'xattrs',
]], ['4.0', [
  'userns', 'mqueue', 'io_uring', 'all', 'open', 'delete', 'override_creds', 'sqpoll',
]], ['4.1', [
  'priority', 'prompt',
]], ['5.0', [
  'and', 'or', 'identities',
]]);

/** Exec transitions: the qualifier letters before x choose the target profile and environment scrubbing. */
export const EXEC_MODES: FactTable = table(['2.8', [
  'x', 'ix', 'ux', 'Ux', 'px', 'Px', 'cx', 'Cx', 'pix', 'Pix', 'cix', 'Cix', 'pux', 'PUx', 'cux',
  'CUx',
]]);

export const FILE_PERM_CHARS: ReadonlySet<string> = new Set([
  'r', 'w', 'a', 'l', 'k', 'm', 'x', 'i', 'u', 'U', 'p', 'P', 'c', 'C',
]);

/** Variables the parser defines itself. */
export const BUILTIN_VARIABLES: ReadonlySet<string> = new Set([
  'profile_name', 'attach_path', 'exec_path',
]);

export interface ProfileFlag extends Fact {
  /** Modes exclude each other; path flags come in exclusive pairs. */
  readonly kind: 'mode' | 'audit' | 'path' | 'misc';
  /** What `name=VALUE` takes, for flags that take a value. */
  readonly value?: 'path' | 'signal' | 'errno';
  readonly conflictsWith?: readonly string[];
}

function flag(name: string, since: Since, kind: ProfileFlag['kind'], extra: Partial<ProfileFlag> = {}): [string, ProfileFlag] {
  return [name, { name, since, kind, ...extra }];
}

/**
 * Profile flags (the reference's profile_flags list with versions). Flags written
 * `name=VALUE` are keyed without the `=`. `debug` returned in 4.0; 3.0.x rejects it.
 */
export const PROFILE_FLAGS: ReadonlyMap<string, ProfileFlag> = new Map([
  flag('enforce', '2.8', 'mode'),
  flag('complain', '2.8', 'mode'),
  flag('kill', '2.8', 'mode'),
  flag('unconfined', '2.8', 'mode'),
  flag('prompt', '4.0', 'mode'),
  flag('default_allow', '4.0', 'mode'),
  flag('audit', '2.8', 'audit'),
  flag('debug', '4.0', 'misc'),
  flag('interruptible', '4.0', 'misc'),
  flag('mediate_deleted', '2.8', 'path', { conflictsWith: ['delegate_deleted'] }),
  flag('delegate_deleted', '2.8', 'path', { conflictsWith: ['mediate_deleted'] }),
  flag('attach_disconnected', '2.8', 'path', { conflictsWith: ['no_attach_disconnected'] }),
  flag('no_attach_disconnected', '2.8', 'path', { conflictsWith: ['attach_disconnected'] }),
  flag('chroot_relative', '2.8', 'path', { conflictsWith: ['namespace_relative'] }),
  flag('namespace_relative', '2.8', 'path', { conflictsWith: ['chroot_relative'] }),
  flag('chroot_attach', '2.8', 'path', { conflictsWith: ['chroot_no_attach'] }),
  flag('chroot_no_attach', '2.8', 'path', { conflictsWith: ['chroot_attach'] }),
  flag('attach_disconnected.path', '4.0', 'path', { value: 'path' }),
  flag('attach_disconnected.ipc', '5.0', 'path', { value: 'path' }),
  flag('kill.signal', '4.0', 'misc', { value: 'signal' }),
  flag('error', '4.1', 'misc', { value: 'errno' }),
]);

/** Compares dotted versions numerically: negative when a is older than b. */
export function compareVersions(a: string, b: string): number {
  return versionValue(a) - versionValue(b);
}

const versionValues = new Map<string, number>();

/** '4.10' → 4010: releases have at most three numeric parts below 1000. */
function versionValue(v: string): number {
  let n = versionValues.get(v);
  if (n === undefined) {
    const [major = 0, minor = 0, patch = 0] = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
    n = major * 1e6 + minor * 1e3 + patch;
    versionValues.set(v, n);
  }
  return n;
}

/** Optimal-string-alignment distance: a transposition counts as one edit (net_admn, net_amdin). */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The name closest to `word`, when one is close enough to be a likely typo. */
export function closest(word: string, names: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  const lower = word.toLowerCase();
  for (const name of names) {
    if (Math.abs(name.length - word.length) > limit) continue;
    const dist = editDistance(lower, name.toLowerCase());
    if (dist < bestDistance) {
      best = name;
      bestDistance = dist;
    }
  }
  return best;
}
