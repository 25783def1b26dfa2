/** Classifies a record by operation, then by class, then by the fields it carries, and describes its access. */
import type { AuditRecord } from './auditRecord';
import type { Described } from './access';
import { describeFile } from './fileAccess';
import { describeDbus, describeMqueue, describePtrace, describeSignal, describeSocket } from './ipcAccess';
import { describeCapability, describeDomain, describeIoUring, describeMount, describeUserns } from './systemAccess';

type Describe = (r: AuditRecord) => Described;

/** Operations that name their class whatever `class=` says (change_onexec is logged as class file). */
const BY_OPERATION: Readonly<Record<string, Describe>> = {
  capable: describeCapability,
  signal: describeSignal,
  ptrace: describePtrace,
  dbus_method_call: describeDbus,
  dbus_signal: describeDbus,
  dbus_bind: describeDbus,
  dbus_eavesdrop: describeDbus,
  mount: describeMount,
  remount: describeMount,
  umount: describeMount,
  pivotroot: describeMount,
  change_profile: describeDomain,
  change_onexec: describeDomain,
  change_hat: describeDomain,
  userns_create: describeUserns,
  uring_sqpoll: describeIoUring,
  uring_override: describeIoUring,
  sysv_mqueue: describeMqueue,
};

const BY_CLASS: Readonly<Record<string, Describe>> = {
  file: describeFile,
  cap: describeCapability,
  net: describeSocket,
  signal: describeSignal,
  ptrace: describePtrace,
  dbus: describeDbus,
  mount: describeMount,
  namespace: describeUserns,
  io_uring: describeIoUring,
  posix_mqueue: describeMqueue,
  sysv_mqueue: describeMqueue,
};

/** What the record asks for, or why no rule can grant it. */
export function describeAccess(record: AuditRecord): Described {
  const describe = BY_OPERATION[record.operation] ?? (record.class ? BY_CLASS[record.class] : undefined) ?? guessClass(record);
  return describe ? describe(record) : { reason: `no rule class known for operation "${record.operation}"` };
}

/** Older kernels log no class: sockets carry a family, files a name. */
function guessClass(record: AuditRecord): Describe | undefined {
  const f = record.fields;
  if (f['family'] !== undefined || f['sock_type'] !== undefined) return describeSocket;
  if (f['name'] !== undefined) return describeFile;
  return undefined;
}

