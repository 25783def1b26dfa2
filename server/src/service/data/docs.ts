/**
 * Hover and completion documentation, in the project's own words. Facts follow the
 * apparmor.d(5) semantics of AppArmor 3.0–5.0; names come from facts.ts.
 */
import type { DiagnosticCode } from '../diagnosticRules';
import { ruleKeywordDocs } from './ruleKinds';

/** What each plain file permission letter allows. */
export const PERMISSION_DOCS: Readonly<Record<string, string>> = {
  r: '**r** — read the file, or list the directory.',
  w: '**w** — write: create, modify, truncate, rename onto, or delete the file. Includes appending, so it never goes with `a`.',
  a: '**a** — append only: add to the end of the file, never overwrite it. Cannot be combined with `w`.',
  l: '**l** — link: create a hard link to this path (see also `link` rules, which also restrict the target).',
  k: '**k** — lock: take `flock`/`fcntl` locks on the file. Usually needed with `w` for databases and pid files.',
  m: '**m** — memory-map with execute permission (`mmap` with `PROT_EXEC`): needed to load shared libraries and plug-ins.',
  x: '**x** — execute. On its own only in `deny` rules; allow rules need a transition such as `ix`, `px`, `cx` or `ux` that says which profile the new program runs under.',
};

/** Each exec transition: where the program goes, and how its environment is treated. */
export const EXEC_DOCS: Readonly<Record<string, string>> = {
  ix: 'Inherit: the program runs under the current profile. No profile change, so the environment is not scrubbed.',
  px: 'Discrete profile: the program must have its own profile (found by attachment, or named with `-> target`). Fails to run if none is loaded. Environment kept (unsafe).',
  Px: 'Discrete profile, scrubbed: like `px`, but dangerous environment variables (LD_PRELOAD, LD_LIBRARY_PATH …) are removed first.',
  cx: 'Child profile: the program runs under a child profile of this one (named with `-> child`, else found by attachment). Fails if none exists. Environment kept (unsafe).',
  Cx: 'Child profile, scrubbed: like `cx`, with the dangerous environment variables removed.',
  ux: 'Unconfined: the program runs with **no AppArmor confinement at all**, environment kept. A security hole unless the target is fully trusted.',
  Ux: 'Unconfined, scrubbed: the program runs without confinement; dangerous environment variables are removed. Still no confinement.',
  pix: 'Discrete profile, else inherit: use the program\'s own profile when one exists, otherwise stay in the current profile. Environment kept.',
  Pix: 'Discrete profile, else inherit, scrubbed: like `pix`, removing dangerous environment variables when switching profiles.',
  cix: 'Child profile, else inherit: use the child profile when it exists, otherwise stay in the current profile. Environment kept.',
  Cix: 'Child profile, else inherit, scrubbed: like `cix`, removing dangerous environment variables when switching.',
  pux: 'Discrete profile, else unconfined: use the program\'s profile when one exists, otherwise run **unconfined**. Environment kept.',
  PUx: 'Discrete profile, else unconfined, scrubbed: like `pux`, with the environment scrubbed. Falls back to **no confinement**.',
  cux: 'Child profile, else unconfined: use the child profile when it exists, otherwise run **unconfined**. Environment kept.',
  CUx: 'Child profile, else unconfined, scrubbed: like `cux`, with the environment scrubbed. Falls back to **no confinement**.',
};

/** Looks a transition up whatever the case of its middle letter (`pIx` is `pix`). */
export function execDoc(mode: string): string | undefined {
  return EXEC_DOCS[mode] ?? EXEC_DOCS[mode[0] + mode.slice(1).toLowerCase()] ?? EXEC_DOCS[mode.toLowerCase()];
}

/** Capabilities that defeat most confinement when granted. */
export const DANGEROUS_CAPABILITIES: ReadonlySet<string> = new Set([
  'sys_admin', 'sys_module', 'sys_rawio', 'sys_ptrace', 'mac_admin', 'mac_override', 'dac_override',
  'dac_read_search', 'setuid', 'setgid', 'setfcap', 'setpcap', 'bpf', 'sys_boot', 'net_admin', 'perfmon',
]);

export const CAPABILITY_DOCS: Readonly<Record<string, string>> = {
  chown: 'Change the owner and group of any file.',
  dac_override: 'Bypass file read, write and execute permission checks.',
  dac_read_search: 'Bypass read permission checks on files and search checks on directories.',
  fowner: 'Bypass checks that require owning the file (chmod, utime …) on files one does not own.',
  fsetid: 'Keep set-user-ID and set-group-ID bits when modifying a file.',
  kill: 'Send signals to processes of other users.',
  setgid: 'Change group IDs arbitrarily.',
  setuid: 'Change user IDs arbitrarily.',
  setpcap: 'Change the capability sets of the process and its bounding set.',
  linux_immutable: 'Set the immutable and append-only file attributes.',
  net_bind_service: 'Bind to network ports below 1024.',
  net_broadcast: 'Broadcast and listen to multicast.',
  net_admin: 'Configure networking: interfaces, routes, firewall, sockets options reserved to administrators.',
  net_raw: 'Open raw and packet sockets (ping, packet capture); lets a program forge traffic.',
  ipc_lock: 'Lock memory (mlock) beyond the normal limit.',
  ipc_owner: 'Bypass permission checks on System V IPC objects.',
  sys_module: 'Load and unload kernel modules: equivalent to full control of the kernel.',
  sys_rawio: 'Raw I/O to devices and ports (iopl, /dev/mem): full control of the machine.',
  sys_chroot: 'Use chroot.',
  sys_ptrace: 'Trace or inspect any process, including reading its memory.',
  sys_pacct: 'Turn process accounting on or off.',
  sys_admin: 'A wide set of administration operations (mount, namespaces, quotas …); close to full root.',
  sys_boot: 'Reboot the machine or load a new kernel.',
  sys_nice: 'Raise priorities and change scheduling of any process.',
  sys_resource: 'Override resource limits and quotas.',
  sys_time: 'Set the system clock.',
  sys_tty_config: 'Configure terminals (vhangup and similar).',
  mknod: 'Create device files.',
  lease: 'Take leases on files one does not own.',
  audit_write: 'Write records to the kernel audit log.',
  audit_control: 'Configure kernel auditing and its rules.',
  setfcap: 'Set file capabilities on executables.',
  mac_override: 'Override mandatory access control (not used by AppArmor itself, but by other LSMs).',
  mac_admin: 'Administer mandatory access control: load or change AppArmor policy.',
  syslog: 'Use privileged syslog operations (read or clear the kernel log).',
  wake_alarm: 'Set timers that wake the system from suspend.',
  block_suspend: 'Prevent the system from suspending.',
  audit_read: 'Read the audit log through a multicast netlink socket.',
  perfmon: 'Use performance monitoring (perf events).',
  bpf: 'Load BPF programs and create BPF maps.',
  checkpoint_restore: 'Checkpoint and restore processes (set PIDs of new processes, read mappings).',
};

/**
 * The keywords, with a line each for completion and hover: the rule keywords from the
 * table of rule kinds, then qualifiers and the other words.
 */
export const RULE_DOCS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(ruleKeywordDocs()),
  include: 'Insert another file here: `include <abstractions/base>`.',
  owner: 'Qualifier: the rule applies only to files owned by the task\'s user.',
  audit: 'Qualifier: log every access the rule matches.',
  deny: 'Qualifier: forbid the access, and do not log it.',
  allow: 'Qualifier: allow the access (the default).',
  profile: 'A profile (or child profile): `profile NAME [ATTACHMENT] [flags=(…)] { … }`.',
  hat: 'A hat: a sub-profile entered with change_hat.',
  abi: 'Declares the kernel feature set the policy is written for: `abi <abi/3.0>,`. Without it the parser assumes an old default.',
  alias: 'Rewrites a path prefix before matching: `alias /usr/ -> /mnt/usr/,` (before the first profile).',
  rewrite: 'Same as `alias`.',
  priority: 'Qualifier (4.1): `priority=N`, from -1000 to 1000; a higher-priority rule overrides lower ones instead of merging.',
  prompt: 'Qualifier (4.1): ask a user-space prompt daemon instead of allowing or denying.',
  user: 'Same as `owner`.',
  other: 'Qualifier: the rule applies only to files not owned by the task\'s user.',
  subset: 'In a link rule: the link may only have permissions the target already has.',
  safe: 'Before an exec rule: force the environment to be scrubbed.',
  unsafe: 'Before an exec rule: keep the environment (LD_PRELOAD and the like) across the transition.',
  if: 'Conditional rules: `if ${BOOL} { … } else { … }`, `if not ${BOOL}`, `if defined @{VAR}`; AppArmor 5.0 adds `and`, `or`, parentheses, comparisons and `in` (apparmor_parser 4.1 and older refuse them).',
  else: 'The other branch of an `if`.',
  rlimit: 'See `set rlimit`.',
};

/** Permission words of the non-file rules (dbus, signal, ptrace, unix, network, mqueue, io_uring, userns). */
export const PERMISSION_WORD_DOCS: Readonly<Record<string, string>> = {
  send: 'send messages or signals', receive: 'receive messages or signals', bind: 'bind a name or address',
  eavesdrop: 'see messages meant for others on the bus', read: 'read (also `r`)', write: 'write (also `w`)',
  r: 'read', w: 'write', rw: 'read and write', trace: 'trace the peer (ptrace attach)', tracedby: 'be traced by the peer',
  readby: 'be read by the peer', create: 'create', listen: 'listen for connections', accept: 'accept connections',
  connect: 'connect', shutdown: 'shut down a connection', getattr: 'read attributes', setattr: 'change attributes',
  getopt: 'read socket options', setopt: 'set socket options', open: 'open', delete: 'delete',
  override_creds: 'submit io_uring work with other credentials', sqpoll: 'create an io_uring submission-queue polling thread',
};

/** The risk behind each security advice, shown in the hover of the rule it is reported on. */
export const SECURITY_DOCS: Readonly<Partial<Record<DiagnosticCode, string>>> = {
  'unconfined-exec': 'Unconfined exec: the new program runs with no AppArmor policy at all, so everything this profile denies is open to it, and to anyone who can make it run something else. Use `px`/`cx` with a profile for the program, or `ix`.',
  'exec-no-profile': 'A discrete transition (`px`/`Px`) needs a loaded profile for the program: with none, the exec fails. Write one, use `pix`/`cix` to inherit when there is none, or name it with `-> profile`.',
  'writable-executable': 'Writable and executable: a program that can write a file and then run (or map) it can run any code it likes under this profile, so the rest of the policy no longer bounds what it does.',
  'wide-write': 'Write access to a whole tree: the program can alter configuration, shell start-up files, other programs\' data and (for `/**`) the system itself. Name the folders it really writes.',
  'risky-capability': 'This capability gives power over the kernel or over AppArmor itself (mounting, loading modules or BPF, raw device I/O, changing policy): a program holding it can usually escape its confinement.',
  'bare-file-rule': 'A bare `file,` allows every path with every permission, execution included: the profile no longer confines files at all.',
  'raw-network': 'Raw and packet sockets let a program build its own packets: spoof addresses, sniff the traffic of the machine, and bypass the port checks of the network stack.',
  'log-write': 'Opened with `w`, a log can be truncated and rewritten, so a compromised program can erase its traces; with `a` it can only add to it.',
};
