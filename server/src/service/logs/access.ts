/**
 * What a record asks for, class by class: the one step between a log record and both
 * the rule text that grants it and the check that a rule set grants it.
 */
import type { AuditRecord } from './auditRecord';

export type AccessClass =
  | 'file' | 'capability' | 'network' | 'unix' | 'signal' | 'ptrace' | 'dbus' | 'mount' | 'umount'
  | 'pivot_root' | 'change_profile' | 'change_hat' | 'userns' | 'io_uring' | 'mqueue';

interface Base {
  /** Permission letters (file) or words (every other class); empty grants every permission. */
  readonly perms: readonly string[];
}

export interface FileAccess extends Base {
  readonly class: 'file';
  readonly path: string;
  /** The file's owner is the acting user (fsuid == ouid): `owner` rules apply. */
  readonly ownerMatch: boolean;
  /** Worth an `owner` qualifier: ownerMatch for a user other than root. */
  readonly owner: boolean;
  /** The existing file a hard link was made to. */
  readonly linkTarget?: string;
  /** The profile an exec went to, as logged. */
  readonly execTarget?: string;
}

interface CapabilityAccess extends Base { readonly class: 'capability'; readonly name: string }
export interface NetworkAccess extends Base {
  readonly class: 'network';
  readonly family?: string;
  readonly type?: string;
  readonly ip?: string;
  readonly port?: string;
  readonly peerIp?: string;
  readonly peerPort?: string;
}
export interface UnixAccess extends Base {
  readonly class: 'unix';
  readonly type?: string;
  readonly addr?: string;
  readonly peerAddr?: string;
  readonly peerLabel?: string;
}
interface SignalAccess extends Base { readonly class: 'signal'; readonly signal?: string; readonly peer?: string }
interface PtraceAccess extends Base { readonly class: 'ptrace'; readonly peer?: string }
interface DbusAccess extends Base {
  readonly class: 'dbus';
  readonly bus?: string;
  readonly path?: string;
  readonly interface?: string;
  readonly member?: string;
  readonly name?: string;
  readonly peerName?: string;
  readonly peerLabel?: string;
}
export interface MountAccess extends Base {
  readonly class: 'mount';
  readonly fstype?: string;
  readonly options?: readonly string[];
  readonly source?: string;
  readonly point?: string;
}
interface UmountAccess extends Base { readonly class: 'umount'; readonly point: string }
interface PivotRootAccess extends Base { readonly class: 'pivot_root'; readonly newRoot?: string; readonly oldRoot?: string }
interface ChangeProfileAccess extends Base { readonly class: 'change_profile'; readonly target: string }
interface ChangeHatAccess extends Base { readonly class: 'change_hat'; readonly hat: string }
interface UsernsAccess extends Base { readonly class: 'userns' }
interface IoUringAccess extends Base { readonly class: 'io_uring'; readonly label?: string }
interface MqueueAccess extends Base { readonly class: 'mqueue'; readonly type: 'posix' | 'sysv'; readonly name?: string }

export type Access =
  | FileAccess | CapabilityAccess | NetworkAccess | UnixAccess | SignalAccess | PtraceAccess
  | DbusAccess | MountAccess | UmountAccess | PivotRootAccess | ChangeProfileAccess
  | ChangeHatAccess | UsernsAccess | IoUringAccess | MqueueAccess;

/** Why a record yields no rule. */
export interface NoAccess { readonly reason: string }

export type Described = Access | NoAccess;

export function isAccess(d: Described): d is Access {
  return 'class' in d;
}

/** The permission words a record asks for: what was denied, else what was requested. */
function requestedWords(record: AuditRecord): string[] | undefined {
  const f = record.fields;
  const raw = f['denied'] ?? f['requested'] ?? f['denied_mask'] ?? f['requested_mask'] ?? f['mask'];
  return raw === undefined ? undefined : raw.split(/[\s,]+/).filter((w) => w !== '');
}

/**
 * Keeps the words a rule may use: none logged grants every permission; words logged
 * but none known means the record cannot be trusted to say what to grant.
 */
export function knownWords(record: AuditRecord, vocabulary: ReadonlyMap<string, unknown>, alias: Readonly<Record<string, string>> = {}): string[] | NoAccess {
  const words = requestedWords(record);
  if (words === undefined) return [];
  const known = words.map((w) => alias[w] ?? w).filter((w) => vocabulary.has(w));
  return known.length > 0 ? known : { reason: `unknown permission "${words.join(' ')}"` };
}
