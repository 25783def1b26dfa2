import { CAPABILITIES, IO_URING_PERMS, MOUNT_OPTIONS, USERNS_PERMS } from '../data/facts';
import { Described, knownWords } from './access';
import type { AuditRecord } from './auditRecord';
import { opt } from './ipcAccess';

/** Capability names in kernel number order, for records that log only `capability=N`. */
const CAPABILITY_BY_NUMBER = [...CAPABILITIES.keys()];

export function describeCapability(record: AuditRecord): Described {
  const f = record.fields;
  const number = f['capability'];
  const name = f['capname'] ?? f['name'] ?? (number !== undefined && /^\d+$/.test(number) ? CAPABILITY_BY_NUMBER[Number(number)] : undefined);
  if (name === undefined || !CAPABILITIES.has(name)) return { reason: `unknown capability ${name ?? number ?? '(none logged)'}` };
  // A check the kernel makes "optional: no audit" (io_uring asks for ipc_lock so) fails
  // silently in enforce mode and the program carries on: a rule would grant more than it needs.
  if (f['info']?.startsWith('optional')) {
    return { reason: `the kernel asked for capability ${name} only as an optional check ("${f['info']}"): enforce mode refuses it silently and the program carries on without it, so no rule is proposed` };
  }
  return { class: 'capability', perms: [], name };
}

/** mount, umount and pivot_root: the mount point is `name`, the source (or old root) `srcname`. */
export function describeMount(record: AuditRecord): Described {
  const f = record.fields;
  if (record.operation === 'umount') {
    return f['name'] ? { class: 'umount', perms: [], point: f['name'] } : { reason: 'the record names no mount point' };
  }
  if (record.operation === 'pivotroot') {
    return { class: 'pivot_root', perms: [], ...opt('newRoot', f['name']), ...opt('oldRoot', f['srcname']) };
  }
  return {
    class: 'mount',
    perms: [],
    ...opt('fstype', f['fstype']),
    ...mountOptions(f['flags']),
    ...opt('source', f['srcname']),
    ...opt('point', f['name']),
  };
}

/**
 * The logged flags as rule options. One word the rule language does not know makes the
 * whole list unusable (an `options=` list must match exactly), so none is given then.
 */
function mountOptions(flags: string | undefined): { options?: string[] } {
  const words = (flags ?? '').split(/[\s,]+/).filter((w) => w !== '');
  if (words.length === 0 || !words.every((w) => MOUNT_OPTIONS.has(w))) return {};
  const order = [...MOUNT_OPTIONS.keys()];
  return { options: [...new Set(words)].sort((a, b) => order.indexOf(a) - order.indexOf(b)) };
}

/** change_profile and change_onexec name their target; change_hat the hat it looked for. */
export function describeDomain(record: AuditRecord): Described {
  const f = record.fields;
  if (record.operation === 'change_hat') {
    const hat = f['name']?.replace(/^\^/, '');
    return hat ? { class: 'change_hat', perms: [], hat } : { reason: 'the record names no hat' };
  }
  const target = f['target'] ?? f['name'];
  return target ? { class: 'change_profile', perms: [], target } : { reason: 'the record names no target profile' };
}

export function describeUserns(record: AuditRecord): Described {
  const words = knownWords(record, USERNS_PERMS, { userns_create: 'create' });
  return 'reason' in words ? words : { class: 'userns', perms: words };
}

export function describeIoUring(record: AuditRecord): Described {
  const perms = knownWords(record, IO_URING_PERMS);
  if ('reason' in perms) return perms;
  return { class: 'io_uring', perms, ...opt('label', record.fields['tcontext']) };
}
