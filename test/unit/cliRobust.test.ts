/**
 * apparmor-lint against hostile input, each case a real process with a deadline: symlink
 * loops, FIFOs and devices, endless standard input, huge logs under a small heap, output
 * that would explode, a closed pipe, and errors that must read as one line.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { writeBigLog } from '../support/bigLog';

const CLI = path.resolve(__dirname, '../../../bin/apparmor-lint.js');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lint-robust-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stdoutBytes: number; stderr: string }

interface RunOptions {
  /** Text for standard input, or a file descriptor to give it. */
  stdin?: string | number;
  /** Node options for the CLI's process, such as a small heap. */
  nodeOptions?: string;
  /** Kill the process and fail after this long: it hangs (default 60 s). */
  deadlineMs?: number;
  /** Close our end of its standard output at once, as `| head -c 0` would. */
  closeStdout?: boolean;
  /** Keep this much of standard output (default KEPT); the rest is only counted. */
  keep?: number;
  /** Run as this user (only root can). */
  uid?: number;
}

/** Keeps at most this much of standard output; the rest is only counted. */
const KEPT = 4 * 1024 * 1024;

function run(args: string[], o: RunOptions = {}): Promise<Run> {
  const env = { ...process.env, NODE_OPTIONS: o.nodeOptions ?? '' };
  const stdin = typeof o.stdin === 'number' ? o.stdin : 'pipe';
  const user = o.uid === undefined ? {} : { uid: o.uid, gid: o.uid };
  const child = spawn(process.execPath, [CLI, ...args], { stdio: [stdin, 'pipe', 'pipe'], env, ...user });
  const keep = o.keep ?? KEPT;
  if (typeof o.stdin === 'string') child.stdin!.end(o.stdin);
  else child.stdin?.end();
  let stdout = '';
  let stdoutBytes = 0;
  let stderr = '';
  if (o.closeStdout) child.stdout!.destroy();
  else child.stdout!.on('data', (b: Buffer) => { stdoutBytes += b.length; if (stdout.length < keep) stdout += b.toString('utf8'); });
  child.stderr!.on('data', (b: Buffer) => { if (stderr.length < KEPT) stderr += b.toString('utf8'); });
  const deadline = o.deadlineMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`apparmor-lint ${args.join(' ')} still running after ${deadline / 1000} s: killed`));
    }, deadline);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stdoutBytes, stderr });
    });
  });
}

/** Exit 2 and exactly one line on stderr, matching `message`, with no stack trace. */
function assertOneLineFailure(r: Run, message: RegExp): void {
  assert.equal(r.code, 2, `exit ${r.code} ${r.signal ?? ''}: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^apparmor-lint: /);
  assert.match(lines[0]!, message);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:/);
}

function mkdir(name: string): string {
  const dir = path.join(TMP, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const GOOD = 'profile p {\n  /etc/p r,\n}\n';
const mkfifo = (p: string): boolean => spawnSync('mkfifo', [p]).status === 0;

test('a folder with symlinks to itself is walked once: each folder and file visited once', async () => {
  const d = mkdir('loop');
  fs.writeFileSync(path.join(d, 'p'), GOOD);
  fs.symlinkSync('.', path.join(d, 'a'));
  fs.symlinkSync('.', path.join(d, 'b'));
  fs.mkdirSync(path.join(d, 'sub'));
  fs.symlinkSync('..', path.join(d, 'sub', 'up'));
  fs.symlinkSync('p', path.join(d, 'q'));
  const r = await run(['--format', 'json', d]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => path.relative(d, f.path)), ['p']);
});

test('node_modules, .git and files over the size limit are not walked; the big one gets a note', async () => {
  const d = mkdir('skips');
  fs.writeFileSync(path.join(d, 'p'), GOOD);
  for (const sub of ['node_modules', '.git']) {
    fs.mkdirSync(path.join(d, sub));
    fs.writeFileSync(path.join(d, sub, 'bad'), 'profile bad {\n  capability net_admn,\n}\n');
  }
  fs.writeFileSync(path.join(d, 'big'), `${GOOD}#${'x'.repeat(4096)}\n`);
  const r = await run(['--format', 'json', '--max-size', '1K', d]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => path.relative(d, f.path)), ['p']);
  assert.match(r.stderr, /^apparmor-lint: skipped .*\/big: larger than 1 KB, the limit for a profile \(--max-size raises it\)$/m);
});

test('a FIFO named on the command line is refused, with or without --denials', { skip: !mkfifo(path.join(TMP, 'probe-fifo')) && 'mkfifo is not available' }, async () => {
  const fifo = path.join(TMP, 'fifo');
  assert.ok(mkfifo(fifo));
  for (const args of [[fifo], ['--denials', fifo]]) {
    assertOneLineFailure(await run(args, { deadlineMs: 30_000 }), /cannot read .*fifo: is a named pipe \(FIFO\), not a regular file; to read a stream, give -/);
  }
});

test('a FIFO reached through an include is read as missing, not waited on', { skip: !mkfifo(path.join(TMP, 'probe-fifo2')) && 'mkfifo is not available' }, async () => {
  const d = mkdir('incfifo');
  assert.ok(mkfifo(path.join(d, 'fifo')));
  fs.writeFileSync(path.join(d, 'p'), `profile p {\n  include "${path.join(d, 'fifo')}"\n}\n`);
  const r = await run(['--format', 'json', '-I', d, path.join(d, 'p')], { deadlineMs: 30_000 });
  assert.notEqual(r.code, 2, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { files: unknown[] }).files.length, 1);
});

test('/dev/zero named on the command line is refused as a device', { skip: !fs.existsSync('/dev/zero') && 'no /dev/zero' }, async () => {
  for (const args of [['/dev/zero'], ['--denials', '/dev/zero']]) {
    assertOneLineFailure(await run(args, { deadlineMs: 30_000 }), /cannot read \/dev\/zero: is a character device, not a regular file/);
  }
});

test('endless standard input stops at the cap: 8 MB for a profile, 64 MB for a log, or --max-size', { skip: !fs.existsSync('/dev/zero') && 'no /dev/zero' }, async () => {
  const cases: [string[], RegExp][] = [
    [['-'], /cannot read standard input: larger than 8 MB, the limit for a profile \(--max-size raises it\)/],
    [['--denials', '-'], /cannot read standard input: larger than 64 MB, the limit for a log \(--max-size raises it\)/],
    [['--max-size', '100K', '-'], /cannot read standard input: larger than 100 KB, the limit for a profile/],
  ];
  for (const [args, message] of cases) {
    const zero = fs.openSync('/dev/zero', 'r');
    try {
      // A heap of 64 MB: reading all of an endless input would die here, not just grow.
      assertOneLineFailure(await run(args, { stdin: zero, nodeOptions: '--max-old-space-size=64', deadlineMs: 120_000 }), message);
    } finally {
      fs.closeSync(zero);
    }
  }
});

test('a regular file over the cap is refused before it is read', async () => {
  const big = path.join(TMP, 'big-profile');
  fs.writeFileSync(big, `${GOOD}#${'x'.repeat(2048)}\n`);
  assertOneLineFailure(await run(['--max-size', '1K', big]), /cannot read .*big-profile: larger than 1 KB, the limit for a profile/);
  assertOneLineFailure(await run(['--denials', '--max-size', '1K', big]), /cannot read .*big-profile: larger than 1 KB, the limit for a log/);
  assert.match((await run(['--max-size', 'lots', big])).stderr, /--max-size takes a size such as 100M or 2G, not 'lots'/);
});

test('--denials on 130,000 records in a 32 MB heap: memory follows the distinct rules, not the records', async () => {
  const log = path.join(TMP, 'big.log');
  const bytes = writeBigLog(log, 130_000, 1000);
  assert.ok(bytes > 28_000_000, `${bytes} bytes`);
  // Holding every record (about 1 KB each) would need four times this heap.
  const r = await run(['--denials', log], { nodeOptions: '--max-old-space-size=32', deadlineMs: 600_000 });
  assert.equal(r.code, 0, `exit ${r.code} ${r.signal ?? ''}: ${r.stderr.slice(0, 2000)}`);
  assert.match(r.stdout, /^1000 rules for 10 profiles from 130000 records; 0 lines could not be read\.$/m);
  assert.match(r.stdout, /^ {2}\/srv\/data\/d7\/settings\.conf r, {2}# 130× open$/m);
});

test('a log line without end is cut, counted as unreadable, and the lines after it still read', async () => {
  const log = path.join(TMP, 'long-line.log');
  const record = 'apparmor="DENIED" operation="capable" profile="p" capname="chown"';
  fs.writeFileSync(log, `${record} junk=${'y'.repeat(200_000)}\n${record.replace('chown', 'setuid')}\n`);
  const r = await run(['--denials', '--format', 'json', log]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { profiles: [{ profile: 'p', rules: ['capability setuid,'] }], unparsed: 1 });
});

const BRACES = 100_000;

test('100,000 errors on one line: text and gcc show 100 and count the rest, json keeps all', async () => {
  const file = path.join(TMP, 'braces');
  fs.writeFileSync(file, `${'}'.repeat(BRACES)}\n`);
  const text = await run([file]);
  assert.equal(text.code, 1, text.stderr);
  assert.ok(text.stdoutBytes < 100_000, `${text.stdoutBytes} bytes of text`);
  assert.match(text.stdout, /^.*braces: 99900 more problems not shown \(the first 100 are; --format json lists them all\)$/m);
  assert.match(text.stdout, /^1 file checked: 100000 errors, 0 warnings\.$/m);
  assert.equal(text.stdout.match(/\[unmatched-brace\]/g)?.length, 100);
  const gcc = await run(['--format', 'gcc', file]);
  assert.equal(gcc.code, 1);
  assert.equal(gcc.stdout.trimEnd().split('\n').length, 101);
  assert.match(gcc.stdout, /braces: note: 99900 more problems not shown/);
  const json = await run(['--format', 'json', file], { keep: Infinity });
  assert.equal(json.code, 1);
  assert.equal((JSON.parse(json.stdout) as { files: { diagnostics: unknown[] }[] }).files[0]!.diagnostics.length, BRACES);
});

test('a long source line is echoed as a window around the caret, with … where it is cut', async () => {
  const file = path.join(TMP, 'long-line');
  const at = 5000;
  fs.writeFileSync(file, `profile p {\n  /a r, ${'/b r, '.repeat(at / 6)} capability net_admn,${' /c r,'.repeat(2000)}\n}\n`);
  const r = await run([file]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n');
  const i = lines.findIndex((l) => l.includes('[unknown-capability]'));
  assert.ok(i >= 0, r.stdout);
  const col = Number(/:2:(\d+):/.exec(lines[i]!)![1]) - 1;
  const echoed = lines[i + 1]!;
  const caret = lines[i + 2]!;
  assert.ok(echoed.length <= 4 + 120 + 2, `${echoed.length} columns`);
  assert.match(echoed, /^ {4}….*…$/);
  const caretAt = caret.indexOf('^');
  assert.equal(echoed.slice(caretAt, caretAt + 'net_admn'.length), 'net_admn');
  assert.equal(caret.slice(caretAt), '^'.repeat('net_admn'.length));
  assert.ok(col > 5000);
});

test('standard output closed early (| head) ends in one line and exit 2', async () => {
  const file = path.join(TMP, 'braces-pipe');
  fs.writeFileSync(file, `${'}'.repeat(BRACES)}\n`);
  assertOneLineFailure(await run(['--format', 'json', file], { closeStdout: true }), /standard output was closed before the output ended/);
});

test('unreadable paths each end in one line in words, exit 2', async () => {
  const d = mkdir('errors');
  fs.symlinkSync('self', path.join(d, 'self'));
  const cases: [string[], RegExp][] = [
    [['--denials', d], /cannot read .*errors: is a directory$/],
    [[path.join(d, 'self')], /cannot read .*self: too many levels of symbolic links/],
    [[path.join(d, 'x'.repeat(300))], /cannot read .*: file name too long$/],
    [[path.join(d, 'missing')], /cannot read .*missing: no such file or directory$/],
    [[path.join(d, 'missing', 'x')], /cannot read .*: no such file or directory$/],
  ];
  for (const [args, message] of cases) assertOneLineFailure(await run(args), message);
});

test('a file the user cannot read: permission denied, exit 2', async () => {
  const file = path.join(TMP, 'locked');
  fs.writeFileSync(file, GOOD, { mode: 0 });
  // Root reads any file: then the CLI runs as nobody, for whom the test's folder is closed.
  const uid = process.getuid?.() === 0 ? 65534 : undefined;
  assertOneLineFailure(await run([file], { uid }), /cannot read .*locked: permission denied$/);
  assertOneLineFailure(await run(['--denials', file], { uid }), /cannot read .*locked: permission denied$/);
});

test('bytes that are not UTF-8 are read as replacement characters, never a crash', async () => {
  const file = path.join(TMP, 'latin1');
  fs.writeFileSync(file, Buffer.concat([Buffer.from('profile p {\n  /caf'), Buffer.from([0xe9, 0xff, 0x1b]), Buffer.from(' r,\n}\n')]));
  const r = await run([file]);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  // eslint-disable-next-line no-control-regex -- ESC starts a terminal control sequence
  assert.doesNotMatch(r.stdout, /\x1b/);
  assert.equal(r.stderr, '');
});

// Sets O_NONBLOCK on standard input and output, as some writers and readers leave a pipe, then runs the rest.
const NON_BLOCKING = 'import fcntl, os, sys\nfor fd in (0, 1): fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)\nos.execv(sys.argv[1], sys.argv[1:])';
const hasPython = spawnSync('python3', ['-c', '0']).status === 0;

test('non-blocking standard input and output are waited on, not failed: input that comes late, a reader that is slow', { skip: !hasPython && 'python3 is not available' }, async () => {
  const child = spawn('python3', ['-c', NON_BLOCKING, process.execPath, CLI, '--format', 'json', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString('utf8'); });
  const chunks: Buffer[] = [];
  // A wait that never ends fails the test instead of stalling the suite.
  const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const ended = new Promise<number | null>((resolve) => child.on('close', (code) => { clearTimeout(deadline); resolve(code); }));
  // Half the profile now and half later: the reader meets EAGAIN on an empty pipe.
  const text = `${'}'.repeat(BRACES)}\n`;
  child.stdin.write(text.slice(0, BRACES / 2));
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.stdin.end(text.slice(BRACES / 2));
  // Megabytes of JSON, read only after a while: the writer meets EAGAIN on a full pipe.
  child.stdout.pause();
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.stdout.on('data', (b: Buffer) => chunks.push(b));
  child.stdout.resume();
  assert.equal(await ended, 1, stderr);
  assert.equal(stderr, '');
  const out = Buffer.concat(chunks);
  assert.ok(out.length > 1024 * 1024, `${out.length} bytes`);
  assert.equal((JSON.parse(out.toString('utf8')) as { files: { diagnostics: unknown[] }[] }).files[0]!.diagnostics.length, BRACES);
});
