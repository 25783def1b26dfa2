import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CpioEntry, S_IFCHR, S_IFDIR, S_IFREG, writeCpio } from './cpio';
import { APPARMOR, BUSYBOX, GUEST_SRC, RUNC, VM_DIR } from './env';

/**
 * The guest's whole root filesystem as one initramfs: busybox, Debian's apparmor userspace
 * (apparmor_parser, aa-status, aa-exec and the libraries they load), its parser.conf and the
 * feature set that parser.conf pins, the policy tree's tunables and abstractions, the test
 * program, and the agent. Built once per change of its inputs, cached in .vm/.
 */

const AA_PROGRAMS = ['sbin/apparmor_parser', 'usr/sbin/aa-status', 'usr/bin/aa-exec', 'usr/bin/aa-enabled'];
const DIRS = ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'run', 'root', 'srv', 'mnt', 'opt/t', 'var/cache/apparmor', 'var/log'];

export function buildInitramfs(): string {
  const probe = buildProbe();
  const runc = fs.existsSync(RUNC) ? [RUNC] : [];
  const inputs = [BUSYBOX, probe, ...runc, ...AA_PROGRAMS.map((p) => path.join(APPARMOR, p)), path.join(GUEST_SRC, 'init'), path.join(GUEST_SRC, 'agent.sh'), __filename];
  const hash = createHash('sha256');
  for (const f of inputs) hash.update(fs.readFileSync(f));
  const out = path.join(VM_DIR, `initramfs-${hash.digest('hex').slice(0, 12)}.cpio`);
  if (fs.existsSync(out)) return out;
  const entries = new Entries();
  for (const d of DIRS) entries.dir(d);
  entries.node('dev/console', 5, 1);
  entries.node('dev/null', 1, 3);
  entries.file('bin/busybox', fs.readFileSync(BUSYBOX), 0o755);
  for (const p of AA_PROGRAMS) entries.file(p, fs.readFileSync(path.join(APPARMOR, p)), 0o755);
  for (const r of runc) entries.file('usr/sbin/runc', fs.readFileSync(r), 0o755);
  for (const lib of librariesOf([...AA_PROGRAMS.map((p) => path.join(APPARMOR, p)), ...runc])) entries.file(lib, fs.readFileSync(lib), 0o755);
  entries.tree(path.join(APPARMOR, 'etc', 'apparmor'), 'etc/apparmor');
  entries.tree(path.join(APPARMOR, 'etc', 'apparmor.d'), 'etc/apparmor.d');
  entries.tree(path.join(APPARMOR, 'usr', 'share', 'apparmor-features'), 'usr/share/apparmor-features');
  entries.file('opt/t/probe', fs.readFileSync(probe), 0o755);
  entries.file('opt/t/child', fs.readFileSync(probe), 0o755);
  entries.file('init', fs.readFileSync(path.join(GUEST_SRC, 'init')), 0o755);
  entries.file('agent.sh', fs.readFileSync(path.join(GUEST_SRC, 'agent.sh')), 0o755);
  entries.file('etc/passwd', Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n'), 0o644);
  entries.file('etc/group', Buffer.from('root:x:0:\nnogroup:x:65534:\n'), 0o644);
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, writeCpio(entries.list));
  fs.renameSync(tmp, out);
  removeOthers(/^initramfs-[0-9a-f]+\.cpio$/, out);
  return out;
}

/** The test program, static so that its profile needs no rule for a library; cached by its source's hash. */
export function buildProbe(): string {
  const src = path.join(GUEST_SRC, 'probe.c');
  const hash = createHash('sha256').update(fs.readFileSync(src)).digest('hex').slice(0, 12);
  const out = path.join(VM_DIR, `probe-${hash}`);
  if (!fs.existsSync(out)) {
    fs.mkdirSync(VM_DIR, { recursive: true });
    execFileSync('gcc', ['-static', '-O1', '-Wall', '-o', `${out}.tmp`, src], { stdio: ['ignore', 'ignore', 'pipe'] });
    fs.renameSync(`${out}.tmp`, out);
    removeOthers(/^probe-[0-9a-f]+$/, out);
  }
  return out;
}

/** Earlier builds of the same thing: each is several megabytes. */
function removeOthers(pattern: RegExp, keep: string): void {
  for (const f of fs.readdirSync(VM_DIR)) {
    if (pattern.test(f) && path.join(VM_DIR, f) !== keep) fs.rmSync(path.join(VM_DIR, f), { force: true });
  }
}

/** The shared libraries and loader the programs need, as `ldd` names them (the host is the same Debian). */
function librariesOf(programs: readonly string[]): string[] {
  const libs = new Set<string>();
  for (const p of programs) {
    const text = execFileSync('ldd', [p], { encoding: 'utf8' });
    for (const m of text.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)) libs.add(m[1]!);
  }
  return [...libs].sort();
}

class Entries {
  readonly list: CpioEntry[] = [];
  private readonly dirs = new Set<string>();

  dir(name: string): void {
    if (name === '.' || name === '') return;
    const parts = name.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (this.dirs.has(d)) continue;
      this.dirs.add(d);
      this.list.push({ name: d, mode: S_IFDIR | 0o755 });
    }
  }

  file(name: string, data: Buffer, perm: number): void {
    const rel = name.replace(/^\/+/, '');
    this.dir(path.posix.dirname(rel));
    this.list.push({ name: rel, mode: S_IFREG | perm, data });
  }

  node(name: string, major: number, minor: number): void {
    this.list.push({ name, mode: S_IFCHR | 0o666, rdev: { major, minor } });
  }

  /** A folder's files, symlinks followed (the policy tree has none that matter). */
  tree(from: string, to: string): void {
    for (const e of fs.readdirSync(from, { withFileTypes: true })) {
      const src = path.join(from, e.name);
      const st = fs.statSync(src);
      if (st.isDirectory()) {
        this.dir(`${to}/${e.name}`);
        this.tree(src, `${to}/${e.name}`);
      } else if (st.isFile()) this.file(`${to}/${e.name}`, fs.readFileSync(src), st.mode & 0o777);
    }
  }
}
