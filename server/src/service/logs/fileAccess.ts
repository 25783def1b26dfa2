import { LOG_FILE_MASK_LETTERS } from '../data/facts';
import type { Described } from './access';
import type { AuditRecord } from './auditRecord';

/** File access: every file operation, exec (`x`), and hard links (`l` with a target). */
export function describeFile(record: AuditRecord): Described {
  const f = record.fields;
  const path = f['name'];
  if (path === undefined) return { reason: 'the record names no file' };
  if (!path.startsWith('/')) {
    return { reason: `"${path}" is not an absolute path (a disconnected path: see the attach_disconnected flag)` };
  }
  if (record.operation === 'exec' && /transition not found|profile not found/.test(f['info'] ?? '')) {
    // The profile already names a transition for this file (px, cx…) whose target is not loaded:
    // another x rule would conflict with it; the target profile is what is missing.
    const target = f['target'] && f['target'] !== path ? ` "${f['target']}"` : '';
    return { reason: `the profile already runs ${path} with a transition to a profile${target} that is not loaded: load that profile, or make the rule's transition fall back (pix, cix)` };
  }
  const perms = fileLetters(f['denied_mask'] ?? f['requested_mask'] ?? '');
  if (record.operation === 'exec') perms.add('x');
  if (perms.size === 0) return { reason: 'the record asks for no file permission' };
  const ownerMatch = f['fsuid'] !== undefined && f['fsuid'] === f['ouid'];
  const link = record.operation === 'link' && f['target'] !== undefined;
  return {
    class: 'file',
    path,
    perms: link ? ['l'] : [...perms],
    ownerMatch,
    owner: ownerMatch && f['fsuid'] !== '0',
    ...(link ? { linkTarget: f['target'] } : {}),
    ...(record.operation === 'exec' && f['target'] !== undefined ? { execTarget: f['target'] } : {}),
  };
}

/**
 * Rule letters for a logged mask. Old kernels split it as `owner::other`; both halves
 * count. `w` already grants what `a` would, and a rule may not hold both.
 */
function fileLetters(mask: string): Set<string> {
  const out = new Set<string>();
  for (const c of mask) {
    const letter = LOG_FILE_MASK_LETTERS.get(c);
    if (letter) out.add(letter);
  }
  if (out.has('w')) out.delete('a');
  return out;
}
