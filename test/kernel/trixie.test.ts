import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CaseResult, MARKER_PROFILE, runCases } from './cases';
import { compile4, copyGuestFeatures, loadBinary } from './compile4';
import { APPARMOR, PARSER4, VM_DIR } from './env';
import { kernelSuite } from './kernelSuite';
import { lintDenials } from './lint';
import { load, withMode, withRules } from './profileText';

/**
 * Debian trixie's kernel (6.12): what its AppArmor mediates beyond bookworm's, and the
 * denials loop for those classes. Their rules are compiled on the host by an AppArmor 4
 * parser against the guest kernel's own features (see compile4.ts) and loaded as binary.
 */

const KERNEL = path.join(VM_DIR, 'kernel-trixie', 'vmlinuz');

function whyNot(): string | undefined {
  if (!fs.existsSync(KERNEL)) return `no trixie kernel at ${KERNEL} (.ci/install-kernel-vm gets it after .ci/install-parser4)`;
  return undefined;
}

// No abi line: the policy takes the kernel's features, and abi/4.0 has no io_uring.
// open_tree's clone wants sys_admin; the move_mount case is about the move.
const BASE = `profile aak-probe /opt/t/probe {
  /opt/t/probe mr,
  capability sys_admin,
}
`;

/** The AppArmor 4 classes this kernel mediates, the rule each needs, and its audit line. */
const CLASSES = [
  { case: { name: 'userns create', run: '$P userns' }, rule: 'userns create,', line: /operation="userns_create" class="namespace" profile="aak-probe"/ },
  { case: { name: 'io_uring sqpoll', run: '$P uring_sqpoll' }, rule: 'io_uring sqpoll,', line: /operation="uring_sqpoll" class="io_uring" profile="aak-probe"/ },
  {
    // A detached tree has no source path: the line and the rule name only the mount point.
    case: { name: 'move_mount', setup: 'mkdir -p /mnt/ms /mnt/md; umount /mnt/md; grep -q " /mnt/ms " /proc/mounts || mount -t tmpfs tmpfs /mnt/ms', run: '$P move_mount /mnt/ms /mnt/md' },
    rule: 'mount options=(rw, move) -> /mnt/md/,',
    line: /operation="mount" class="mount" info="failed mntpnt match" error=-13 profile="aak-probe" name="\/mnt\/md\/".* flags="rw, move"/,
  },
];

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

  test('userns, io_uring and move_mount: DENIED in enforce, ALLOWED in complain, allowed once the proposed rules are added', async (t) => {
    if (!fs.existsSync(PARSER4)) {
      t.skip(`no AppArmor 4 parser at ${PARSER4} to compile the rules (run .ci/install-parser4 or set APPARMOR_PARSER4)`);
      return;
    }
    const features = await copyGuestFeatures(vm());
    try {
      const cases = CLASSES.map((c) => c.case);
      const run = async (text: string): Promise<CaseResult[]> => {
        await loadBinary(vm(), compile4(text, features));
        return runCases(vm(), cases);
      };
      await load(vm(), MARKER_PROFILE);
      const enforce = await run(BASE);
      const complain = await run(withMode(BASE, 'complain'));
      CLASSES.forEach((c, i) => {
        const name = c.case.name;
        assert.ok(!enforce[i]!.passed, `${name}: enforce mode refuses it (${enforce[i]!.output.trim()})`);
        assert.match(enforce[i]!.lines.join('\n'), new RegExp(`apparmor="DENIED" ${c.line.source}`), name);
        assert.ok(complain[i]!.passed, `${name}: complain mode lets it through (${complain[i]!.output.trim()})`);
        assert.match(complain[i]!.lines.join('\n'), new RegExp(`apparmor="ALLOWED" ${c.line.source}`), name);
      });

      const proposed = lintDenials([...enforce, ...complain].flatMap((r) => r.lines)).json.profiles;
      const rules = proposed.find((p) => p.profile === 'aak-probe')?.rules ?? [];
      t.diagnostic(`apparmor-lint --denials proposes: ${rules.join(' ')}`);
      for (const c of CLASSES) assert.ok(rules.includes(c.rule), `${c.rule} among ${rules.join(' ')}`);

      const after = await run(withRules(BASE, 'aak-probe', rules));
      CLASSES.forEach((c, i) => {
        assert.ok(after[i]!.passed, `${c.case.name}: allowed with the rule (${after[i]!.output.trim()})`);
        assert.deepEqual(after[i]!.lines, [], `${c.case.name}: nothing logged with the rule`);
      });
    } finally {
      fs.rmSync(features, { recursive: true, force: true });
    }
  });

}, { kernel: KERNEL, whyNot });
