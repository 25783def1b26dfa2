import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PARSER4 } from './env';
import type { Vm } from './vm';

/**
 * Policy for the AppArmor 4 classes, compiled on the host by a 4.x parser and loaded as
 * binary by the guest's 3.0 one. The compile must see the guest kernel's own feature set:
 * Debian pins the parser to a packaged set (parser.conf's policy-features) that has neither
 * `namespaces` nor `io_uring`, and abi/4.0 has no `io_uring`; against either the compiled
 * policy does not mediate the class and the kernel lets every such access through.
 */

const FEATURES = '/sys/kernel/security/apparmor/features';

/** Copies the guest's features directory into a new host folder; the caller removes it. */
export async function copyGuestFeatures(vm: Vm): Promise<string> {
  // securityfs files report no size, so each is read with cat rather than archived.
  const dump = await vm.must(`cd ${FEATURES} && find . -type f | while IFS= read -r f; do printf '%s %s\\n' "$f" "$(base64 -w0 < "$f")"; done`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aak-features-'));
  for (const line of dump.split('\n')) {
    const m = /^\.\/(\S+) (\S*)$/.exec(line);
    if (!m) continue;
    const file = path.join(dir, m[1]!);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(m[2]!, 'base64'));
  }
  return dir;
}

/** `apparmor_parser -M FEATURES -Q -S`: the binary policy for the text, not loaded. */
export function compile4(text: string, features: string): Buffer {
  return execFileSync(PARSER4, ['-M', features, '-Q', '-S'], { input: text, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** Replaces the guest's profiles with the compiled ones (`apparmor_parser -r -B`). */
export async function loadBinary(vm: Vm, binary: Buffer): Promise<void> {
  await vm.must('cat > /tmp/aak-policy.bin && apparmor_parser -r -B /tmp/aak-policy.bin', { stdin: binary });
}
