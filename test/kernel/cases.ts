import { shellQuote } from './agentClient';
import type { Vm } from './vm';

/**
 * The accesses the confined test program makes, one class of what the kernel mediates
 * each, and a runner that pins the kernel's audit lines to the case that caused them.
 */

export interface Case {
  readonly name: string;
  /** Run unconfined before each attempt: the files and mounts the access needs. */
  readonly setup?: string;
  /** The access; `$P` is the test program. Exit status 0: the access succeeded. */
  readonly run: string;
  /** Output that also means AppArmor let the access through (the system call failed for another reason). */
  readonly passes?: RegExp;
}

export const P = '/opt/t/probe';

/** Time limits of one case's setup and access in the guest; a case takes well under a second. */
const SETUP_SECONDS = 30;
const CASE_SECONDS = 60;

export const CASES: readonly Case[] = [
  { name: 'file read', setup: 'echo x > /srv/f/read', run: '$P read /srv/f/read' },
  { name: 'file write', setup: 'echo x > /srv/f/write', run: '$P write /srv/f/write' },
  { name: 'file create', setup: 'rm -f /srv/f/new', run: '$P create /srv/f/new' },
  { name: 'file append', setup: 'echo x > /srv/f/append', run: '$P append /srv/f/append' },
  { name: 'file write and append', setup: 'echo x > /srv/f/both', run: '$P write /srv/f/both && $P append /srv/f/both' },
  { name: 'file link', setup: 'rm -f /srv/f/linkdst; echo x > /srv/f/linksrc', run: '$P link /srv/f/linksrc /srv/f/linkdst' },
  { name: 'file rename', setup: 'rm -f /srv/f/renb; echo x > /srv/f/rena', run: '$P rename /srv/f/rena /srv/f/renb' },
  { name: 'file lock', setup: 'echo x > /srv/f/lock', run: '$P lock /srv/f/lock' },
  { name: 'file mmap exec', setup: 'echo x > /srv/f/lib', run: '$P mmapx /srv/f/lib' },
  { name: 'exec', run: '$P exec /opt/t/child label' },
  { name: 'capability', run: '$P nice' },
  { name: 'network inet stream', run: '$P socket inet stream' },
  { name: 'network unix', run: '$P socket unix stream' },
  { name: 'network udp create, bind, connect', run: '$P udp' },
  { name: 'signal send', run: 'sleep 30 & s=$!; $P kill $s; r=$?; kill $s; exit $r' },
  {
    name: 'signal receive',
    run: '$P waitsig 2 > /tmp/w & w=$!; n=0; while ! grep -q ready /tmp/w && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done; kill -USR1 $w; wait $w',
  },
  { name: 'ptrace', run: 'sleep 30 & s=$!; $P ptrace $s; r=$?; kill -9 $s; exit $r' },
  { name: 'change_profile via aa-exec', run: '$P exec /usr/bin/aa-exec -p aak-other -- /opt/t/probe label | grep -x "aak-other (enforce)"' },
  { name: 'mount', setup: 'mkdir -p /mnt/m; umount /mnt/m 2>/dev/null', run: '$P mount /mnt/m' },
  { name: 'umount', setup: 'mkdir -p /mnt/u; mountpoint -q /mnt/u || mount -t tmpfs tmpfs /mnt/u', run: '$P umount /mnt/u' },
  // pivot_root refuses an initramfs root (EINVAL), but only after AppArmor has judged it.
  { name: 'pivot_root', setup: 'mkdir -p /mnt/p', run: '$P pivot_root /mnt/p', passes: /fail pivot_root: Invalid argument/ },
];

export interface CaseResult {
  readonly status: number;
  readonly output: string;
  /** The kernel's AppArmor lines (DENIED, ALLOWED, AUDIT…) the case caused. */
  readonly lines: string[];
  /** AppArmor let the access through: it succeeded, or failed for a reason of its own. */
  readonly passed: boolean;
}

/** Profile whose denial marks the end of a case in the kernel log: the log is written asynchronously. */
export const MARKER_PROFILE = 'profile aak-marker {\n}\n';

/** Runs the cases in turn in one guest script, each followed by a marker access; the log is split at the markers. */
export async function runCases(vm: Vm, cases: readonly Case[]): Promise<CaseResult[]> {
  const parts = ['export P=/opt/t/probe; mkdir -p /srv/f /aak-marker; dmesg -c > /dev/null'];
  cases.forEach((c, i) => {
    // Which case the guest is on shows on its console, should it stop answering.
    parts.push(`echo "@@case ${i}: ${c.name}" > /dev/console`);
    parts.push(`timeout -s KILL ${SETUP_SECONDS} sh -c ${shellQuote(c.setup ?? ':')} > /dev/null 2>&1`);
    // A case that hangs is killed and shows as failed with its status (137). The kill is sent
    // to the case's shell, which is unconfined: in enforce mode AppArmor refuses even SIGKILL
    // from outside to a confined process, so the shell must not exec the probe in its place
    // (the closing `exit` keeps it). The case runs in a session of its own, whose leftovers
    // are killed as it ends: one still holding the output's pipe (a `sleep` that ptrace left
    // stopped) would keep $( ) and the whole batch waiting for ever. The output stays a pipe,
    // not a file: after pivot_root a file would be a disconnected path, judged by AppArmor.
    const script = `echo $$ > /tmp/aak-case.sid\n${c.run}\nexit $?`;
    parts.push(`out=$(timeout -s KILL ${CASE_SECONDS} setsid sh -c ${shellQuote(script)} 2>&1; s=$?; kill -9 -- "-$(cat /tmp/aak-case.sid)" 2>/dev/null; exit $s); st=$?`);
    parts.push(`echo "@@CASE ${i} $st $(printf '%s' "$out" | base64 -w0)"`);
    parts.push(`timeout -s KILL ${SETUP_SECONDS} aa-exec -p aak-marker -- /opt/t/probe create /aak-marker/${i} > /dev/null 2>&1`);
  });
  const last = `name="/aak-marker/${cases.length - 1}"`;
  parts.push(`n=0; while ! dmesg | grep -q '${last}' && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done`);
  parts.push('echo @@DMESG; dmesg -c');
  const out = await vm.must(parts.join('\n'), { timeoutMs: 300_000 });
  const [head, log = ''] = out.split('@@DMESG\n');
  const results = cases.map(() => ({ status: -1, output: '', lines: [] as string[] }));
  for (const m of head!.matchAll(/^@@CASE (\d+) (\d+) (\S*)$/gm)) {
    results[Number(m[1])] = { status: Number(m[2]), output: Buffer.from(m[3]!, 'base64').toString('utf8'), lines: [] };
  }
  let current = 0;
  for (const line of log.split('\n')) {
    const marker = /profile="aak-marker" name="\/aak-marker\/(\d+)"/.exec(line);
    if (marker) current = Number(marker[1]) + 1;
    // The marker's own other accesses (6.12 checks its inherited /dev/null) belong to no case.
    else if (/profile="aak-marker"/.test(line)) continue;
    else if (/apparmor="(DENIED|ALLOWED|AUDIT|KILLED)"/.test(line) && current < cases.length) results[current]!.lines.push(line.replace(/^\[[^\]]*\] /, ''));
  }
  return results.map((r, i) => ({ ...r, passed: r.status === 0 || (cases[i]!.passes?.test(r.output) ?? false) }));
}
