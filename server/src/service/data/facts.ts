/**
 * Fact tables of the AppArmor policy language: every name the reference parser
 * accepts in a given slot, paired with the first release that accepts it.
 *
 * Keeping them in one data-only module lets the checker, the version checks,
 * hover and completion all agree on the same vocabulary. The lists follow the
 * apparmor.d(5) manual page and apparmor_parser's own tables in the AppArmor
 * project (gitlab.com/apparmor/apparmor, `parser/`), dated by running the 3.0.8
 * and 4.1 parsers on them; each table names the source file it mirrors so it
 * can be re-synced when upstream grows.
 *
 * Version convention: '2.8' stands for "2.x or older" – nothing this project
 * targets distinguishes releases before that.
 */

/** First AppArmor release whose parser accepts the item, e.g. '2.8', '2.9', '3.0', '4.0', '4.1', '5.0'. Use '2.8' for anything older/"2.x". */
export type Since = string;

interface Fact {
  readonly name: string;
  readonly since: Since;
}

export type FactTable = ReadonlyMap<string, Fact>;

// ---------------------------------------------------------------------------
// Builders. Tables are plain Maps typed read-only; grouping names by release
// keeps the version history visible at a glance instead of per-entry noise.
// ---------------------------------------------------------------------------

/** One release's worth of names. */
function table(since: Since, names: readonly string[]): Map<string, Fact> {
  const m = new Map<string, Fact>();
  for (const name of names) m.set(name, { name, since });
  return m;
}

/** Later groups win on duplicates, so a name listed twice keeps its newest entry. */
function merge(...tables: ReadonlyMap<string, Fact>[]): FactTable {
  const m = new Map<string, Fact>();
  for (const t of tables) for (const [k, v] of t) m.set(k, v);
  return m;
}

// The socket-style permission vocabulary is shared verbatim by unix (2.9) and
// network (4.0) rules; one list avoids the two drifting apart.
const SOCKET_PERM_NAMES = [
  'create', 'bind', 'listen', 'accept', 'connect', 'shutdown', 'getattr', 'setattr',
  'getopt', 'setopt', 'send', 'receive', 'read', 'write', 'r', 'w', 'rw',
] as const;

// ---------------------------------------------------------------------------
// capability
// ---------------------------------------------------------------------------

/**
 * The parser's built-in capability table, parser/base_cap_names.h (41 names, kernel numbers 0–40).
 * The parser has shipped its own built-in table since 3.0 (earlier releases
 * generated it from whatever kernel headers they were built against, so an
 * exact 2.x version is meaningless). checkpoint_restore only landed in 3.0.1,
 * but 3.0.8 – the oldest parser we test against – accepts it, so the whole
 * table is dated 3.0. perfmon, bpf and checkpoint_restore are mapped back to
 * sys_admin on kernels that lack them; that is a runtime detail, not syntax.
 */
export const CAPABILITIES: FactTable = table('3.0', [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid',
  'setpcap', 'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw',
  'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct',
  'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod',
  'lease', 'audit_write', 'audit_control', 'setfcap', 'mac_override', 'mac_admin', 'syslog',
  'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf', 'checkpoint_restore',
]);

// ---------------------------------------------------------------------------
// network
// ---------------------------------------------------------------------------

/** The address families of parser/network.cc (45, including unspec and unix); all long predate 3.0. */
export const NETWORK_FAMILIES: FactTable = table('2.8', [
  'unspec', 'unix', 'inet', 'ax25', 'ipx', 'appletalk', 'netrom', 'bridge', 'atmpvc', 'x25',
  'inet6', 'rose', 'netbeui', 'security', 'key', 'netlink', 'packet', 'ash', 'econet', 'atmsvc',
  'rds', 'sna', 'irda', 'pppox', 'wanpipe', 'llc', 'ib', 'mpls', 'can', 'tipc', 'bluetooth',
  'iucv', 'rxrpc', 'isdn', 'phonet', 'ieee802154', 'caif', 'alg', 'nfc', 'vsock', 'kcm',
  'qipcrtr', 'smc', 'xdp', 'mctp',
]);

/** parser/network.cc: socket types usable after (or instead of) a family. */
export const NETWORK_TYPES: FactTable = table('2.8', [
  'stream', 'dgram', 'seqpacket', 'rdm', 'raw', 'packet',
]);

/** parser/network.cc: the only protocol words the parser knows. */
export const NETWORK_PROTOCOLS: FactTable = table('2.8', ['tcp', 'udp', 'icmp']);

/** parser/network.cc: before 4.0 a network rule carried no permission list at all. */
export const NETWORK_PERMS: FactTable = table('4.0', SOCKET_PERM_NAMES);

/** parser/network.cc; ip/port/peer came with fine-grained network in 4.0, interface/label in 5.0. */
export const NETWORK_CONDITIONALS: FactTable = merge(
  table('4.0', ['ip', 'port', 'peer']),
  table('5.0', ['interface', 'label']),
);

// ---------------------------------------------------------------------------
// unix (2.9)
// ---------------------------------------------------------------------------

/** parser/af_unix.cc: same words as network, but available since unix rules appeared. */
export const UNIX_PERMS: FactTable = table('2.9', SOCKET_PERM_NAMES);

/** parser/af_unix.cc: the addr= values that are not an @abstract or path name. */
export const UNIX_ADDR_SPECIAL: FactTable = table('2.9', ['none', 'auto']);

// ---------------------------------------------------------------------------
// dbus (2.9)
// ---------------------------------------------------------------------------

/** parser/dbus.cc. */
export const DBUS_PERMS: FactTable = table('2.9', [
  'send', 'receive', 'bind', 'eavesdrop', 'read', 'write', 'r', 'w', 'rw',
]);

// ---------------------------------------------------------------------------
// signal (2.9)
// ---------------------------------------------------------------------------

/**
 * parser/signal.cc, dated by the 3.0.8 and 4.x parsers: everything arrived with signal rules
 * in 2.9 except tstp and poll, which 3.0.8 rejects and 5.0 accepts. `exists`
 * is the pseudo-signal 0 (permission probing), not a typo.
 */
export const SIGNALS: FactTable = merge(
  table('2.9', [
    'hup', 'int', 'quit', 'ill', 'trap', 'abrt', 'bus', 'fpe', 'kill', 'usr1', 'segv', 'usr2',
    'pipe', 'alrm', 'term', 'stkflt', 'chld', 'cont', 'stop', 'stp', 'ttin', 'ttou', 'urg',
    'xcpu', 'xfsz', 'vtalrm', 'prof', 'winch', 'io', 'pwr', 'sys', 'emt', 'exists',
  ]),
  table('5.0', ['tstp', 'poll']),
);

/**
 * Realtime signals are numbered relative to SIGRTMIN rather than listed, so
 * they get a predicate instead of 33 table rows. parser/signal.cc takes
 * exactly rtmin+0 … rtmin+32 (3.0.8 rejects rtmin+33); only those canonical
 * spellings are accepted – no leading zeros or signs – so what we accept is
 * exactly the parser's range. Since 2.9, like the other signals.
 */
export function isRealtimeSignal(name: string): boolean {
  // apparmor_parser reads the number as a number: leading zeros are allowed (rtmin+007).
  const m = /^rtmin\+([0-9]+)$/.exec(name);
  return m !== null && Number(m[1]) <= 32;
}

/** parser/signal.cc. */
export const SIGNAL_PERMS: FactTable = table('2.9', [
  'send', 'receive', 'read', 'write', 'r', 'w', 'rw',
]);

// ---------------------------------------------------------------------------
// ptrace (2.9)
// ---------------------------------------------------------------------------

/** parser/ptrace.cc. */
export const PTRACE_PERMS: FactTable = table('2.9', [
  'trace', 'tracedby', 'read', 'readby', 'write', 'r', 'w', 'rw',
]);

// ---------------------------------------------------------------------------
// mount / remount / umount / pivot_root (2.8)
// ---------------------------------------------------------------------------

/**
 * parser/mount.cc (60 words), dated by the 3.0.8 and 4.x parsers: five newer
 * kernel flags were only taught to the parser in 4.0; the rest are already in
 * 3.0.8. Note the single-letter aliases (r, w, B, M, R) are case-sensitive.
 */
export const MOUNT_OPTIONS: FactTable = merge(
  table('2.8', [
    'ro', 'r', 'read-only', 'rw', 'w', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec',
    'sync', 'async', 'remount', 'mand', 'nomand', 'dirsync', 'atime', 'noatime', 'diratime',
    'nodiratime', 'bind', 'B', 'move', 'M', 'rbind', 'R', 'verbose', 'silent', 'loud', 'acl',
    'noacl', 'unbindable', 'make-unbindable', 'runbindable', 'make-runbindable', 'private',
    'make-private', 'rprivate', 'make-rprivate', 'slave', 'make-slave', 'rslave', 'make-rslave',
    'shared', 'make-shared', 'rshared', 'make-rshared', 'relatime', 'norelatime', 'iversion',
    'noiversion', 'strictatime', 'user', 'nouser',
  ]),
  table('4.0', ['symfollow', 'nosymfollow', 'nostrictatime', 'lazytime', 'nolazytime']),
);

/**
 * Mount options that set and clear the same flag. apparmor_parser 4.0 and later refuse
 * both in one options=(…) list ("conflicting flags in the rule"); 3.0 took them silently.
 * Found by running 4.1's parser on every pair of MOUNT_OPTIONS; relatime/norelatime pass.
 */
const MOUNT_OPPOSITE_GROUPS: readonly (readonly [readonly string[], readonly string[]])[] = [
  [['ro', 'r', 'read-only'], ['rw', 'w']], [['suid'], ['nosuid']], [['dev'], ['nodev']], [['exec'], ['noexec']],
  [['sync'], ['async']], [['mand'], ['nomand']], [['atime'], ['noatime']], [['diratime'], ['nodiratime']],
  [['verbose', 'silent'], ['loud']], [['acl'], ['noacl']], [['iversion'], ['noiversion']],
  [['strictatime'], ['nostrictatime']], [['user'], ['nouser']], [['symfollow'], ['nosymfollow']],
  [['lazytime'], ['nolazytime']],
];

/** Each mount option that has opposites, with them. */
export const MOUNT_OPPOSITES: ReadonlyMap<string, readonly string[]> = new Map(
  MOUNT_OPPOSITE_GROUPS.flatMap(([on, off]) => [...on.map((o) => [o, off] as const), ...off.map((o) => [o, on] as const)]),
);

// ---------------------------------------------------------------------------
// 4.0 rule types: mqueue, io_uring, userns
// ---------------------------------------------------------------------------

/** parser/mqueue.cc. */
export const MQUEUE_PERMS: FactTable = table('4.0', [
  'create', 'open', 'delete', 'getattr', 'setattr', 'read', 'write', 'r', 'w', 'rw',
]);

/** parser/mqueue.cc: the value decides whether the queue name is a path or a number. */
export const MQUEUE_TYPES: FactTable = table('4.0', ['posix', 'sysv']);

/** parser/io_uring.cc. */
export const IO_URING_PERMS: FactTable = table('4.0', ['override_creds', 'sqpoll']);

/** parser/userns.cc: creating a namespace is the only mediated action. */
export const USERNS_PERMS: FactTable = table('4.0', ['create']);

// ---------------------------------------------------------------------------
// set rlimit
// ---------------------------------------------------------------------------

/** rlimit_table in parser/parser_misc.c and RLIMIT in apparmor.d(5) (17); `ofile` is the old BSD spelling of nofile, kept by the parser. */
export const RLIMITS: FactTable = table('2.8', [
  'cpu', 'fsize', 'data', 'stack', 'core', 'rss', 'nofile', 'ofile', 'as', 'nproc', 'memlock',
  'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'rttime',
]);

/** RLIMIT SIZE in apparmor.d(5), as the parser takes it: optional suffixes on size limits (K/M/G, with or without B). */
export const RLIMIT_SIZE_UNITS: FactTable = table('2.8', ['K', 'KB', 'M', 'MB', 'G', 'GB']);

/** RLIMIT TIME in apparmor.d(5): suffixes for cpu/rttime; singular and plural both work. */
export const RLIMIT_TIME_UNITS: FactTable = table('2.8', [
  'us', 'microsecond', 'microseconds', 'ms', 'millisecond', 'milliseconds',
  's', 'sec', 'second', 'seconds', 'min', 'minute', 'minutes',
  'h', 'hour', 'hours', 'd', 'day', 'days', 'week', 'weeks',
]);

// ---------------------------------------------------------------------------
// profile flags
// ---------------------------------------------------------------------------

export interface ProfileFlag extends Fact {
  /**
   * 'mode' flags are mutually exclusive as a group (checked by kind, so they
   * carry no conflictsWith); 'path' flags come in exclusive pairs.
   */
  readonly kind: 'mode' | 'audit' | 'path' | 'misc';
  /** For flags written `name=VALUE`: what VALUE must be. */
  readonly value?: 'path' | 'signal' | 'errno';
  /** Flags that may not appear together with this one (listed on both sides). */
  readonly conflictsWith?: readonly string[];
}

type FlagExtra = Pick<ProfileFlag, 'value' | 'conflictsWith'>;

function flag(name: string, since: Since, kind: ProfileFlag['kind'], extra: FlagExtra = {}): [string, ProfileFlag] {
  return [name, { name, since, kind, ...extra }];
}

/**
 * The flags of parser/parser_yacc.y (the profile code in 4.x), dated by the 3.0.8 and 4.x parsers ('2.x' → '2.8').
 * Value-taking flags are keyed without their `=`. attach_disconnected.ipc is
 * valid both bare and as `attach_disconnected.ipc=/path` (both 5.0), so it has
 * `value` set yet a missing value is not an error for it. `debug` is dated 4.0
 * even though ancient parsers had it: 3.0.x/3.1.x reject it outright, so
 * offering it to a 3.x target would be wrong.
 */
export const PROFILE_FLAGS: ReadonlyMap<string, ProfileFlag> = new Map([
  flag('enforce', '2.8', 'mode'),
  flag('complain', '2.8', 'mode'),
  flag('kill', '2.8', 'mode'),
  flag('unconfined', '2.8', 'mode'),
  flag('prompt', '4.0', 'mode'),
  flag('default_allow', '4.0', 'mode'),
  flag('audit', '2.8', 'audit'),
  flag('mediate_deleted', '2.8', 'path', { conflictsWith: ['delegate_deleted'] }),
  flag('delegate_deleted', '2.8', 'path', { conflictsWith: ['mediate_deleted'] }),
  flag('attach_disconnected', '2.8', 'path', { conflictsWith: ['no_attach_disconnected'] }),
  flag('no_attach_disconnected', '2.8', 'path', { conflictsWith: ['attach_disconnected'] }),
  flag('attach_disconnected.path', '4.0', 'path', { value: 'path' }),
  flag('attach_disconnected.ipc', '5.0', 'path', { value: 'path' }),
  flag('chroot_relative', '2.8', 'path', { conflictsWith: ['namespace_relative'] }),
  flag('namespace_relative', '2.8', 'path', { conflictsWith: ['chroot_relative'] }),
  flag('chroot_attach', '2.8', 'path', { conflictsWith: ['chroot_no_attach'] }),
  flag('chroot_no_attach', '2.8', 'path', { conflictsWith: ['chroot_attach'] }),
  flag('debug', '4.0', 'misc'),
  flag('interruptible', '4.0', 'misc'),
  flag('kill.signal', '4.0', 'misc', { value: 'signal' }),
  flag('error', '4.1', 'misc', { value: 'errno' }),
]);

/**
 * The errno names apparmor_parser takes for the 4.1 `error=` flag. Stored in
 * upper case; the parser matches them case-insensitively, so callers should
 * upper-case before looking up. Aliases (EWOULDBLOCK, EDEADLOCK, ENOTSUP) are
 * listed because the parser accepts them too.
 */
export const ERRNO_NAMES: FactTable = table('4.1', [
  'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD',
  'EAGAIN', 'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV',
  'ENOTDIR', 'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC',
  'ESPIPE', 'EROFS', 'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EDEADLK', 'ENAMETOOLONG', 'ENOLCK',
  'ENOSYS', 'ENOTEMPTY', 'ELOOP', 'EWOULDBLOCK', 'ENOMSG', 'EIDRM', 'ECHRNG', 'EL2NSYNC',
  'EL3HLT', 'EL3RST', 'ELNRNG', 'EUNATCH', 'ENOCSI', 'EL2HLT', 'EBADE', 'EBADR', 'EXFULL',
  'ENOANO', 'EBADRQC', 'EBADSLT', 'EDEADLOCK', 'EBFONT', 'ENOSTR', 'ENODATA', 'ETIME', 'ENOSR',
  'ENONET', 'ENOPKG', 'EREMOTE', 'ENOLINK', 'EADV', 'ESRMNT', 'ECOMM', 'EPROTO', 'EMULTIHOP',
  'EDOTDOT', 'EBADMSG', 'EOVERFLOW', 'ENOTUNIQ', 'EBADFD', 'EREMCHG', 'ELIBACC', 'ELIBBAD',
  'ELIBSCN', 'ELIBMAX', 'ELIBEXEC', 'EILSEQ', 'ERESTART', 'ESTRPIPE', 'EUSERS', 'ENOTSOCK',
  'EDESTADDRREQ', 'EMSGSIZE', 'EPROTOTYPE', 'ENOPROTOOPT', 'EPROTONOSUPPORT',
  'ESOCKTNOSUPPORT', 'EOPNOTSUPP', 'EPFNOSUPPORT', 'EAFNOSUPPORT', 'EADDRINUSE',
  'EADDRNOTAVAIL', 'ENETDOWN', 'ENETUNREACH', 'ENETRESET', 'ECONNABORTED', 'ECONNRESET',
  'ENOBUFS', 'EISCONN', 'ENOTCONN', 'ESHUTDOWN', 'ETOOMANYREFS', 'ETIMEDOUT', 'ECONNREFUSED',
  'EHOSTDOWN', 'EHOSTUNREACH', 'EALREADY', 'EINPROGRESS', 'ESTALE', 'EUCLEAN', 'ENOTNAM',
  'ENAVAIL', 'EISNAM', 'EREMOTEIO', 'EDQUOT', 'ENOMEDIUM', 'EMEDIUMTYPE', 'ECANCELED',
  'ENOKEY', 'EKEYEXPIRED', 'EKEYREVOKED', 'EKEYREJECTED', 'EOWNERDEAD', 'ENOTRECOVERABLE',
  'ERFKILL', 'EHWPOISON', 'ENOTSUP',
]);

// ---------------------------------------------------------------------------
// keywords
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// file rules
// ---------------------------------------------------------------------------

/**
 * EXEC TRANSITION in apparmor.d(5) minus bare `x`: the 15 exec transitions. Bare `x` is left out
 * on purpose because it is only legal under `deny`, so it is not a transition
 * in its own right. Letter case matters: upper case p/c/u means the
 * environment is scrubbed, lower case means it is kept.
 */
export const EXEC_MODES: FactTable = table('2.8', [
  'ix', 'ux', 'Ux', 'px', 'Px', 'cx', 'Cx', 'pix', 'Pix', 'cix', 'Cix', 'pux', 'PUx', 'cux', 'CUx',
]);

/** builtin_variables.txt: variables the parser defines itself (names without `@{ }`). */
export const BUILTIN_VARIABLES: ReadonlySet<string> = new Set([
  'profile_name', 'attach_path', 'exec_path',
]);

/** Built-ins younger than profile_name: apparmor_parser 4.1.0 does not define them yet. */
export const BUILTIN_VARIABLE_SINCE: ReadonlyMap<string, Since> = new Map([['attach_path', '5.0'], ['exec_path', '5.0']]);

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

/** Compares dotted versions: negative if a < b. */
export function compareVersions(a: string, b: string): number {
  // Numeric per component, so '4.10' sorts after '4.9'; a missing or
  // non-numeric component (e.g. the 'x' in '2.x') counts as 0.
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (Number.parseInt(pa[i] ?? '', 10) || 0) - (Number.parseInt(pb[i] ?? '', 10) || 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Optimal-string-alignment distance (restricted Damerau–Levenshtein). Swapped
 * neighbours are the most common typo in names like net_amdin, so they count
 * as one edit rather than two. The three rolling rows are kept between calls: an unknown
 * word is compared with every name of a table, and allocating rows for each pair cost
 * more than the comparing.
 */
let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/** The distance of `a` and `b`, or any number above `max` once it is sure to exceed it. */
function editDistance(a: string, b: string, max = Infinity): number {
  if (rows[0].length <= b.length) rows = [0, 1, 2].map(() => new Int32Array(b.length + 1)) as [Int32Array, Int32Array, Int32Array];
  let [prev2, prev, cur] = rows;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  let prevMin = 0;
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    cur[0] = i;
    let min = i;
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < min) min = v;
    }
    // A row reads only the two above it, so once two rows in a row exceed `max`, every
    // later row does too.
    if (min > max && prevMin > max) return min;
    prevMin = min;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}

/** Closest name in `names` to `word` by edit distance (Damerau-Levenshtein or Levenshtein), or undefined when nothing is close enough (distance <= max(1, floor(word.length/3))). For did-you-mean messages. */
export function closest(word: string, names: Iterable<string>): string | undefined {
  // Case is compared loosely (CHOWN should suggest chown), but when several
  // names tie, the one that also matches the user's case wins (Px vs px).
  const limit = Math.max(1, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const name of names) {
    if (Math.abs(name.length - word.length) > limit) continue; // cannot be close enough
    const d = editDistance(lower, name.toLowerCase(), limit);
    if (d > limit) continue;
    const score = d * 1000 + editDistance(word, name);
    if (score < bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Abstractions and tunables shipped with AppArmor 3.0 (Debian's apparmor package), so
 * `include <` completes sensibly even where /etc/apparmor.d is absent.
 */
export const STANDARD_INCLUDES: readonly string[] = [
  ...['X', 'apache2-common', 'apparmor_api', 'aspell', 'audio', 'authentication', 'base', 'bash', 'consoles', 'crypto',
    'cups-client', 'dbus', 'dbus-accessibility', 'dbus-accessibility-strict', 'dbus-network-manager-strict', 'dbus-session',
    'dbus-session-strict', 'dbus-strict', 'dconf', 'dovecot-common', 'dri-common', 'dri-enumerate', 'enchant', 'exo-open',
    'fcitx', 'fcitx-strict', 'fonts', 'freedesktop.org', 'gio-open', 'gnome', 'gnupg', 'gstreamer', 'gtk', 'gvfs-open',
    'hosts_access', 'ibus', 'kde', 'kde-globals-write', 'kde-icon-cache-write', 'kde-language-write', 'kde-open5',
    'kerberosclient', 'ldapclient', 'libpam-systemd', 'likewise', 'mdns', 'mesa', 'mir', 'mozc', 'mysql', 'nameservice',
    'nis', 'nss-systemd', 'nvidia', 'opencl', 'opencl-common', 'opencl-intel', 'opencl-mesa', 'opencl-nvidia',
    'opencl-pocl', 'openssl', 'orbit2', 'p11-kit', 'perl', 'php', 'php-worker', 'php5', 'postfix-common', 'private-files',
    'private-files-strict', 'python', 'qt5', 'qt5-compose-cache-write', 'qt5-settings-write', 'recent-documents-write',
    'ruby', 'samba', 'samba-rpcd', 'smbpass', 'snap_browsers', 'ssl_certs', 'ssl_keys', 'svn-repositories', 'totem',
    'ubuntu-bittorrent-clients', 'ubuntu-browsers', 'ubuntu-console-browsers', 'ubuntu-console-email', 'ubuntu-email',
    'ubuntu-feed-readers', 'ubuntu-gnome-terminal', 'ubuntu-helpers', 'ubuntu-konsole', 'ubuntu-media-players',
    'ubuntu-unity7-base', 'ubuntu-unity7-launcher', 'ubuntu-unity7-messaging', 'ubuntu-xterm', 'user-download',
    'user-mail', 'user-manpages', 'user-tmp', 'user-write', 'video', 'vulkan', 'wayland', 'web-data', 'winbind', 'wutmp',
    'xad', 'xdg-desktop', 'xdg-open'].map((n) => `abstractions/${n}`),
  ...['alias', 'apparmorfs', 'dovecot', 'etc', 'global', 'home', 'kernelvars', 'multiarch', 'proc', 'run', 'securityfs',
    'share', 'sys', 'xdg-user-dirs'].map((n) => `tunables/${n}`),
];

// ---------------------------------------------------------------------------
// kernel audit log (the kernel's security/apparmor/audit.c, libapparmor's log parser)
// ---------------------------------------------------------------------------

/**
 * The `apparmor=` values: the kernel's audit mode names (security/apparmor/audit.c). KILLED
 * and AUTO come only from that table; libapparmor's log scanner does not list them, but they occur.
 */
export const AUDIT_MODES: ReadonlySet<string> = new Set([
  'AUDIT', 'ALLOWED', 'DENIED', 'HINT', 'STATUS', 'ERROR', 'KILLED', 'AUTO',
]);

/** Legacy record types (numeric 1501–1507 and their symbolic names) and the mode each stands for. */
export const LEGACY_AUDIT_TYPES: ReadonlyMap<string, string> = new Map([
  ['1501', 'AUDIT'], ['1502', 'ALLOWED'], ['1503', 'DENIED'], ['1504', 'HINT'],
  ['1505', 'STATUS'], ['1506', 'ERROR'], ['1507', 'KILLED'],
  ['APPARMOR_AUDIT', 'AUDIT'], ['APPARMOR_ALLOWED', 'ALLOWED'], ['APPARMOR_DENIED', 'DENIED'],
  ['APPARMOR_HINT', 'HINT'], ['APPARMOR_STATUS', 'STATUS'], ['APPARMOR_ERROR', 'ERROR'],
  ['APPARMOR_KILL', 'KILLED'],
]);

/**
 * Linux signal numbers 1–31 by name, for the rare log that prints `signal=15` rather than
 * `signal=term`; 0 is the `exists` probe. Realtime signals (34+) are `rtmin+N`.
 */
export const SIGNAL_NUMBERS: readonly string[] = [
  'exists', 'hup', 'int', 'quit', 'ill', 'trap', 'abrt', 'bus', 'fpe', 'kill', 'usr1', 'segv',
  'usr2', 'pipe', 'alrm', 'term', 'stkflt', 'chld', 'cont', 'stop', 'stp', 'ttin', 'ttou', 'urg',
  'xcpu', 'xfsz', 'vtalrm', 'prof', 'winch', 'io', 'pwr', 'sys',
];

/** First realtime signal number on Linux (SIGRTMIN as the kernel counts it). */
export const SIGRTMIN = 34;

/**
 * The kernel's file permission letters in `requested_mask`/`denied_mask` and the rule
 * letter that grants each: create (`c`) and delete (`d`) are granted by `w`.
 */
export const LOG_FILE_MASK_LETTERS: ReadonlyMap<string, string> = new Map([
  ['r', 'r'], ['w', 'w'], ['a', 'a'], ['c', 'w'], ['d', 'w'], ['x', 'x'], ['m', 'm'], ['l', 'l'], ['k', 'k'],
]);
