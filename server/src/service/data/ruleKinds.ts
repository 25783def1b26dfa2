/**
 * Every kind of rule, in one table: the parser, the checks, completion, hover and the
 * TextMate grammar read their keyword lists from here. A new kind is a row here, its node
 * in ast.ts and its parser function; the compiler then names each switch that must handle
 * it (they are written over `RuleKind` with no default).
 */
import type { RuleKind } from '../ast';
import {
  DBUS_PERMS, FactTable, IO_URING_PERMS, MQUEUE_PERMS, NETWORK_PERMS, PTRACE_PERMS, SIGNAL_PERMS, UNIX_PERMS, USERNS_PERMS,
} from './facts';

export interface RuleKindSpec {
  readonly kind: RuleKind;
  /** The word that starts the rule (`set` for `set rlimit`). */
  readonly keyword: string;
  /** Other spellings of the keyword, each with its line of documentation. */
  readonly aliases?: Readonly<Record<string, string>>;
  /**
   * The first ABI that has the rule. 3.0, the first ABI of all, also stands for the rules
   * older than ABI files: a file that declares an ABI has them all.
   */
  readonly abi: '3.0' | '4.0';
  /** Permission words the rule accepts, bare or in `( … )`; absent when it takes none. */
  readonly perms?: FactTable;
  /** Conditionals allowed at rule level, and (for `peer=(…)`) inside the peer group. */
  readonly conds: readonly string[];
  readonly peerConds?: readonly string[];
  /** Whether bare words (paths, names) may follow. */
  readonly words: boolean;
  /** Whether `-> target` may follow. */
  readonly target: boolean;
  /** What completing the keyword inserts: the rule's shape, with tab stops. */
  readonly snippet?: string;
  /** A line for completion and hover. */
  readonly doc: string;
}

type Row = Omit<RuleKindSpec, 'kind'>;

const MOUNT_CONDS = ['options', 'option', 'fstype', 'vfstype'];

/**
 * What each rule type accepts, after the reference parser's grammar (2.8–5.0); file, link
 * and `set rlimit` rules have their own shapes, read and checked by their own functions.
 * The order is the order completion offers them in.
 */
const ROWS: { readonly [K in RuleKind]: Row } = {
  capability: {
    keyword: 'capability', abi: '3.0', conds: [], words: true, target: false,
    snippet: 'capability ${1:net_bind_service},',
    doc: 'Grant Linux capabilities: `capability chown dac_override,` — or `capability,` for all.',
  },
  network: {
    keyword: 'network', abi: '3.0', perms: NETWORK_PERMS, conds: ['ip', 'port', 'interface', 'label', 'peer'], peerConds: ['ip', 'port', 'label'],
    words: true, target: false,
    snippet: 'network ${1|inet,inet6,unix,netlink|} ${2|stream,dgram,raw|},',
    doc: 'Network access by family and type: `network inet stream,`. From 4.0 also permissions and addresses.',
  },
  unix: {
    keyword: 'unix', abi: '3.0', perms: UNIX_PERMS, conds: ['type', 'protocol', 'addr', 'label', 'peer'], peerConds: ['addr', 'label'],
    words: false, target: false,
    snippet: 'unix (${1:send, receive}) type=${2|stream,dgram,seqpacket|},',
    doc: 'Unix domain sockets: `unix (send, receive) type=stream peer=(label=foo),`.',
  },
  dbus: {
    keyword: 'dbus', abi: '3.0', perms: DBUS_PERMS, conds: ['bus', 'path', 'interface', 'member', 'name', 'peer'], peerConds: ['name', 'label'],
    words: false, target: false,
    snippet: 'dbus ${1|send,receive,bind|} bus=${2|session,system|} path=${3:/org/example} interface=${4:org.example.Interface} member=${5:Method},',
    doc: 'D-Bus messages and names: `dbus send bus=session path=/org/x member=Ping,`.',
  },
  signal: {
    keyword: 'signal', abi: '3.0', perms: SIGNAL_PERMS, conds: ['set', 'peer'], words: false, target: false,
    snippet: 'signal (${1|send,receive|}) set=(${2:term}) peer=${3:peer},',
    doc: 'Sending and receiving signals: `signal (send) set=(term) peer=foo,`.',
  },
  ptrace: {
    keyword: 'ptrace', abi: '3.0', perms: PTRACE_PERMS, conds: ['peer'], words: false, target: false,
    snippet: 'ptrace (${1|read,trace|}) peer=${2:peer},',
    doc: 'Tracing other tasks: `ptrace (read) peer=foo,`.',
  },
  mount: {
    keyword: 'mount', abi: '3.0', conds: MOUNT_CONDS, words: true, target: true,
    snippet: 'mount fstype=${1:tmpfs} ${2:none} -> ${3:/mnt/},',
    doc: 'Mounting file systems: `mount fstype=tmpfs -> /tmp/,`.',
  },
  remount: {
    keyword: 'remount', abi: '3.0', conds: MOUNT_CONDS, words: true, target: false,
    snippet: 'remount ${1:/mnt/},',
    doc: 'Remounting: `remount /mnt/,`.',
  },
  umount: {
    keyword: 'umount', aliases: { unmount: 'Same as `umount`.' }, abi: '3.0', conds: MOUNT_CONDS, words: true, target: false,
    snippet: 'umount ${1:/mnt/},',
    doc: 'Unmounting: `umount /mnt/,`.',
  },
  pivot_root: {
    keyword: 'pivot_root', abi: '3.0', conds: ['oldroot'], words: true, target: true,
    snippet: 'pivot_root oldroot=${1:/old/} ${2:/new/},',
    doc: 'Changing the root file system: `pivot_root oldroot=/old/ /new/,`.',
  },
  change_profile: {
    keyword: 'change_profile', abi: '3.0', conds: [], words: true, target: true,
    snippet: 'change_profile -> ${1:profile},',
    doc: 'Allow the task to move to another profile: `change_profile -> other,`.',
  },
  file: {
    keyword: 'file', abi: '3.0', conds: [], words: true, target: true,
    snippet: 'file ${1:/path} ${2:r},',
    doc: 'A file rule; `file,` alone allows all file access.',
  },
  link: {
    keyword: 'link', abi: '3.0', conds: [], words: true, target: true,
    snippet: 'link ${1:/src} -> ${2:/dst},',
    doc: 'Hard links: `link /src -> /dst,`.',
  },
  rlimit: {
    keyword: 'set', abi: '3.0', conds: [], words: true, target: false,
    snippet: 'set rlimit ${1|nofile,nproc,data,cpu|} <= ${2:1024},',
    doc: 'Resource limits: `set rlimit nofile <= 1024,`.',
  },
  userns: {
    keyword: 'userns', abi: '4.0', perms: USERNS_PERMS, conds: [], words: false, target: false,
    snippet: 'userns,',
    doc: 'Creating user namespaces (4.0): `userns,`.',
  },
  mqueue: {
    keyword: 'mqueue', abi: '4.0', perms: MQUEUE_PERMS, conds: ['type', 'label'], words: true, target: false,
    snippet: 'mqueue (${1:read, write}) type=${2|posix,sysv|} ${3:/queue_name},',
    doc: 'POSIX and System V message queues (4.0).',
  },
  io_uring: {
    keyword: 'io_uring', abi: '4.0', perms: IO_URING_PERMS, conds: ['label'], words: false, target: false,
    snippet: 'io_uring ${1|sqpoll,override_creds|},',
    doc: 'io_uring operations (4.0): `io_uring sqpoll,`.',
  },
  all: {
    keyword: 'all', abi: '4.0', conds: [], words: false, target: false,
    snippet: 'all,',
    doc: 'Every access of every kind (4.0): `all,`.',
  },
};

/** Each rule kind's row, by kind. */
export const RULE_KINDS: { readonly [K in RuleKind]: RuleKindSpec & { readonly kind: K } } =
  Object.fromEntries(Object.entries(ROWS).map(([kind, row]) => [kind, { kind, ...row }])) as never;

/** The rows in table order. */
export const RULE_KIND_LIST: readonly RuleKindSpec[] = Object.values(RULE_KINDS);

/** Every word that starts a rule (keywords and their aliases), with its kind, in table order. */
export const RULE_KEYWORDS: ReadonlyMap<string, RuleKind> = new Map(
  RULE_KIND_LIST.flatMap((r) => [[r.keyword, r.kind] as const, ...Object.keys(r.aliases ?? {}).map((a) => [a, r.kind] as const)]),
);

/** The words that start a rule of `kinds`, aliases included. */
export function keywordsOf(...kinds: RuleKind[]): string[] {
  return [...RULE_KEYWORDS].filter(([, kind]) => kinds.includes(kind)).map(([word]) => word);
}

/** Each rule keyword and alias with its line of documentation, in table order. */
export function ruleKeywordDocs(): [string, string][] {
  return RULE_KIND_LIST.flatMap((r) => [[r.keyword, r.doc] as [string, string], ...Object.entries(r.aliases ?? {})]);
}
