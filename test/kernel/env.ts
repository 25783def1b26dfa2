import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where the kernel tests find what `.ci/install-kernel-vm` put in place. */

/** The checkout: this file runs from out/test/kernel/. */
export const ROOT = path.resolve(__dirname, '../../..');
export const VM_DIR = process.env['AAK_VM_DIR'] ?? path.join(ROOT, '.vm');
export const KERNEL = path.join(VM_DIR, 'kernel', 'vmlinuz');
export const APPARMOR = path.join(VM_DIR, 'apparmor');
/** Debian's runc, for the container test; optional. */
export const RUNC = path.join(VM_DIR, 'runc', 'usr', 'sbin', 'runc');
/** An AppArmor 4 parser on the host (`.ci/install-parser4`), to compile what the guest's 3.0 parser cannot. */
export const PARSER4 = process.env['APPARMOR_PARSER4'] || path.join(ROOT, '.tools', 'apparmor4', 'apparmor_parser');
/** The guest's sources (init, agent, the probe's C), read from the checkout, not from out/. */
export const GUEST_SRC = path.join(ROOT, 'test', 'kernel', 'guest');
export const BUSYBOX = '/bin/busybox';
export const QEMU = 'qemu-system-x86_64';

/** Why the kernel tests cannot run here, or undefined when they can. */
export function whyNoVm(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `the kernel tests need Linux on x86-64 (this is ${process.platform}/${process.arch})`;
  if (!onPath(QEMU)) return `no ${QEMU} on PATH (run .ci/install-kernel-vm)`;
  if (!fs.existsSync(KERNEL)) return `no kernel at ${KERNEL} (run .ci/install-kernel-vm)`;
  if (!fs.existsSync(path.join(APPARMOR, 'sbin', 'apparmor_parser'))) return `no apparmor userspace in ${APPARMOR} (run .ci/install-kernel-vm)`;
  if (!fs.existsSync(BUSYBOX)) return `no ${BUSYBOX} (apt-get install busybox-static)`;
  if (!onPath('gcc')) return 'no gcc to build the test program that runs in the guest';
  return undefined;
}

export function onPath(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v "$1"`, 'sh', program], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
