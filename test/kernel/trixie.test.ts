import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPARMOR, VM_DIR } from './env';
import { kernelSuite } from './kernelSuite';

/**
 * Debian trixie's kernel (6.12): what its AppArmor mediates beyond bookworm's. The denials
 * loop for those classes is not here: with rules compiled on the host by trixie's parser
 * 4.x and loaded by bookworm's parser in the guest, neither userns creation nor an
 * io_uring with SQPOLL was refused, even under `audit deny userns,`; that wants trixie's
 * userspace in the guest.
 */

const KERNEL = path.join(VM_DIR, 'kernel-trixie', 'vmlinuz');

function whyNot(): string | undefined {
  if (!fs.existsSync(KERNEL)) return `no trixie kernel at ${KERNEL} (.ci/install-kernel-vm gets it after .ci/install-parser4)`;
  return undefined;
}

/** The leaf paths of a flattened feature set (`name {name {value}}` → `name/name`). */
function leafPaths(flat: string): Set<string> {
  const out = new Set<string>();
  const stack: string[] = [];
  let hasChild: boolean[] = [];
  for (const m of flat.matchAll(/([A-Za-z0-9_.-]+)\s*\{|\}/g)) {
    if (m[0] === '}') {
      if (!hasChild.pop()) out.add(stack.join('/'));
      stack.pop();
    } else {
      if (hasChild.length > 0) hasChild[hasChild.length - 1] = true;
      stack.push(m[1]!);
      hasChild = [...hasChild, false];
    }
  }
  return out;
}

kernelSuite('Debian trixie\'s kernel (6.12): the AppArmor 4 classes', (test, vm) => {
  test('its features directory mediates userns and io_uring beyond bookworm\'s', async (t) => {
    const names = (await vm().must('cd /sys/kernel/security/apparmor/features && find . -type f | sed "s|^./||" | sort')).split('\n').filter((n) => n !== '');
    const bookworm = leafPaths(fs.readFileSync(path.join(APPARMOR, 'usr', 'share', 'apparmor-features', 'features'), 'utf8'));
    const beyond = names.filter((n) => !bookworm.has(n));
    t.diagnostic(`trixie kernel features beyond bookworm's pinned set: ${beyond.join(', ')}`);
    assert.ok(beyond.includes('namespaces/mask') && beyond.includes('io_uring/mask'), beyond.join(', '));
    assert.match(await vm().must('cat /sys/kernel/security/apparmor/features/namespaces/mask'), /userns_create/);
    assert.match(await vm().must('cat /sys/kernel/security/apparmor/features/io_uring/mask'), /sqpoll/);
    // Nor fine-grained network, unix, dbus or mqueue mediation: those are Ubuntu's kernel patches.
    for (const absent of ['network/af_unix', 'dbus/mask', 'ipc/posix_mqueue']) assert.ok(!names.includes(absent), absent);
  });

}, { kernel: KERNEL, whyNot });
