/**
 * The target commands over the real Runner (child processes, standard input, the log), with a
 * fake target: a prefix that runs its command with PATH set to a folder of fake tools, which
 * record their arguments and standard input and read "/sys/…" and "/var/log/…" from a fake
 * root. The prefixes have the shapes users give (`sh -c`, `env`), and that of the VM's
 * guestExec: a program, its options, `--`, then the command.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Diagnostic } from 'vscode-languageserver-types';
import { parserDiagnostics } from '../../server/src/service/mergeParserDiagnostics';
import { readSystemLog } from '../../client/src/readDenialLog';
import { Runner } from '../../client/src/runner';
import { listLoaded, listProfilesFile, targetPlace } from '../../client/src/listLoaded';
import { askKernel, runParserOnTarget } from '../../client/src/targetRun';

const REAL_PARSER = ['/usr/sbin/apparmor_parser', '/sbin/apparmor_parser'].find((p) => fs.existsSync(p));

let dir: string;
let bin: string;
let root: string;
let record: string;
/** The target: sh with PATH = the fake tools only, then the command. */
let target: string[];

/** Writes an executable sh script. */
function script(name: string, body: string): void {
  fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

function put(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-target-'));
  bin = path.join(dir, 'bin');
  root = path.join(dir, 'root');
  record = path.join(dir, 'record');
  fs.mkdirSync(bin);
  fs.mkdirSync(root);
  fs.mkdirSync(record);
  // Records its arguments (one a line) and standard input; then does what FAKE_PARSER says.
  script('apparmor_parser', [
    `printf '%s\\n' "$@" > ${record}/argv`,
    `/bin/cat > ${record}/stdin`,
    'case "$FAKE_PARSER" in',
    `  real) exec ${REAL_PARSER ?? '/nonexistent'} -Q -K < ${record}/stdin ;;`,
    '  nofs) echo "Warning: unable to find a suitable fs in /proc/mounts, is it mounted?" >&2; exit 1 ;;',
    '  denied) echo "apparmor_parser: Unable to replace \\"x\\".  Permission denied; attempted to load a profile while confined?" >&2; exit 1 ;;',
    'esac',
    'exit 0',
  ].join('\n'));
  script('cat', `for f in "$@"; do /bin/cat "${root}$f" || exit 1; done`);
  script('tail', `exec /usr/bin/tail "$1" "$2" "$3" "${root}$4"`);
  script('dmesg', 'echo "[    1.000000] Linux version 6.1.0-28-cloud-amd64"');
  script('aa-status', 'printf "%s\\n" "$FAKE_AA_STATUS"');
  target = ['sh', '-c', 'export PATH="$0"; exec "$@"', bin];
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A Runner that logs into an array, as the output channel would show it. */
function logged(): { runner: Runner; lines: string[] } {
  const lines: string[] = [];
  return { runner: new Runner({ appendLine: (l) => lines.push(l) }), lines };
}

function withEnv<T>(vars: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return work().finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

const PROFILE = `# a "quoted" comment, a $(subshell) and a backslash \\ : nothing is interpreted\nprofile héllo /usr/bin/hello {\n  /etc/hosts r,\n}\n`;

test('Load: apparmor_parser -r -W on the target, the text on standard input, the command line logged as run', async () => {
  const { runner, lines } = logged();
  const run = await withEnv({ FAKE_PARSER: 'ok' }, () => runParserOnTarget(runner, target, 'load', { name: '/home/me/usr.bin.hello', text: PROFILE }));
  assert.equal(run.outcome.kind, 'ok', run.outcome.message);
  assert.equal(fs.readFileSync(path.join(record, 'argv'), 'utf8'), '-r\n-W\n');
  assert.equal(fs.readFileSync(path.join(record, 'stdin'), 'utf8'), PROFILE, 'byte for byte');
  const line = `sh -c 'export PATH="$0"; exec "$@"' ${bin} apparmor_parser -r -W < /home/me/usr.bin.hello`;
  assert.equal(run.execution.commandLine, line);
  assert.deepEqual(lines, [`$ ${line}`, '[exit status 0]']);
});

test('Unload through an env prefix: apparmor_parser -R, the text on standard input', async () => {
  const { runner } = logged();
  const run = await withEnv({ FAKE_PARSER: 'ok' }, () => runParserOnTarget(runner, ['env', `PATH=${bin}`], 'unload', { name: '/p', text: PROFILE }));
  assert.equal(run.outcome.kind, 'ok', run.outcome.message);
  assert.equal(fs.readFileSync(path.join(record, 'argv'), 'utf8'), '-R\n');
  assert.equal(fs.readFileSync(path.join(record, 'stdin'), 'utf8'), PROFILE);
});

test("a profile the target's parser rejects: its messages on the document's lines, after the kernel said it has AppArmor", async (t) => {
  if (!REAL_PARSER) { t.skip('no apparmor_parser here to give real messages (apt-get install apparmor)'); return; }
  put('/sys/module/apparmor/parameters/enabled', 'Y\n');
  const text = 'abi <abi/3.0>,\nprofile bad {\n  /tmp/x r,\n  capability net_admn,\n  /tmp/y rwa,\n}\n';
  const { runner, lines } = logged();
  const run = await withEnv({ FAKE_PARSER: 'real' }, () => runParserOnTarget(runner, target, 'load', { name: '/home/me/bad', text }));
  assert.equal(run.outcome.kind, 'failed');
  assert.ok(run.problems && run.problems.length > 0, run.outcome.message);
  assert.ok(lines.some((l) => l.endsWith('cat /sys/module/apparmor/parameters/enabled')), lines.join('\n'));
  const docLines = text.split('\n');
  const byUri = parserDiagnostics(run.problems, '/home/me/bad', (_u, l) => docLines[l]);
  assert.deepEqual([...byUri.keys()], ['file:///home/me/bad']);
  const first = byUri.get('file:///home/me/bad')![0]!;
  assert.match(Diagnostic.getMessageString(first), /Invalid capability net_admn/);
  assert.equal(first.range.start.line, 3, 'the line of capability net_admn');
});

test("no AppArmor on the target: the parser's words, or the kernel check's, say so", async () => {
  const { runner } = logged();
  const nofs = await withEnv({ FAKE_PARSER: 'nofs' }, () => runParserOnTarget(runner, target, 'load', { name: '/p', text: PROFILE }));
  assert.equal(nofs.outcome.kind, 'noKernel');
  fs.rmSync(path.join(root, 'sys'), { recursive: true, force: true });
  assert.equal((await askKernel(runner, target))?.kind, 'noKernel');
  put('/sys/module/apparmor/parameters/enabled', 'N\n');
  assert.match((await askKernel(runner, target))!.message, /"N": AppArmor is built in but not enabled/);
  put('/sys/module/apparmor/parameters/enabled', 'Y\n');
  assert.equal(await askKernel(runner, target), undefined);
  const denied = await withEnv({ FAKE_PARSER: 'denied' }, () => runParserOnTarget(runner, target, 'load', { name: '/p', text: PROFILE }));
  assert.equal(denied.outcome.kind, 'permission');
});

test('the prefix missing here, the program missing there, and a program that never reads its input', async () => {
  const { runner } = logged();
  const noPrefix = await runParserOnTarget(runner, [path.join(dir, 'no-such-ssh'), 'web1'], 'load', { name: '/p', text: PROFILE });
  assert.equal(noPrefix.outcome.kind, 'missing');
  assert.match(noPrefix.outcome.message, /first word of apparmor\.target, was not found on this machine/);
  const empty = path.join(dir, 'empty');
  fs.mkdirSync(empty, { recursive: true });
  const notThere = await runParserOnTarget(runner, ['sh', '-c', 'export PATH="$0"; exec "$@"', empty], 'load', { name: '/p', text: PROFILE });
  assert.equal(notThere.outcome.kind, 'missing');
  assert.match(notThere.outcome.message, /apparmor_parser was not found on the target/);
  // docker exec to a container that is gone: the kernel check fails the same way, and nothing goes into Problems.
  const gone = await runParserOnTarget(runner, ['sh', '-c', 'echo "Error response from daemon: No such container: aa-host" >&2; exit 1', 'docker'], 'load', { name: '/p', text: PROFILE });
  assert.equal(gone.outcome.kind, 'failed');
  assert.equal(gone.problems, undefined);
  assert.match(gone.outcome.message, /No such container: aa-host\. Asked whether its kernel has AppArmor, the target did not answer either: Error response/);
  // 4 MB to a program that exits at once: the closed pipe is a result, not a crash.
  const ignored = await runner.runOnTarget(['true'], ['x'], { name: '/p', text: 'x'.repeat(4 * 1024 * 1024) });
  assert.equal(ignored.result.exitCode, 0);
});

const BOOKWORM_JSON = '{"version": "2", "profiles": {, "aavm-test": "complain"}, "processes": {}}';

test("Show Loaded Profiles: aa-status --json there, bookworm's malformed JSON read as meant; unreadable output or its absence fall back to the kernel's list", async () => {
  put('/sys/kernel/security/apparmor/profiles', 'aavm-test (complain)\naavm-test//null-/bin/busybox (complain)\n');
  const { runner, lines } = logged();
  const good = await withEnv({ FAKE_AA_STATUS: '{"version": "2", "profiles": {"aavm-test": "enforce"}, "processes": {}}' }, () => listLoaded(targetPlace(runner, target)));
  assert.ok(good.ok);
  assert.deepEqual(good.profiles.map((p) => [p.name, p.mode]), [['aavm-test', 'enforce']]);
  assert.equal(lines.filter((l) => l.startsWith('$ ')).length, 1, 'one command when aa-status answers');
  const bookworm = await withEnv({ FAKE_AA_STATUS: BOOKWORM_JSON }, () => listLoaded(targetPlace(runner, target)));
  assert.ok(bookworm.ok);
  assert.deepEqual(bookworm.profiles.map((p) => [p.name, p.mode]), [['aavm-test', 'complain']]);
  assert.deepEqual(bookworm.notes, []);
  const cut = await withEnv({ FAKE_AA_STATUS: '{"version": "2", "profiles": {"aavm-test": }' }, () => listLoaded(targetPlace(runner, target)));
  assert.ok(cut.ok);
  assert.deepEqual(cut.profiles.map((p) => [p.name, p.mode]), [['aavm-test', 'complain'], ['aavm-test//null-/bin/busybox', 'complain']]);
  assert.match(cut.notes.join(' '), /^aa-status --json on the target printed what is not its JSON/);
  fs.rmSync(path.join(bin, 'aa-status'));
  try {
    const missing = await listLoaded(targetPlace(runner, target));
    assert.ok(missing.ok);
    assert.equal(missing.profiles.length, 2);
    assert.match(missing.notes.join(' '), /aa-status is not installed on the target/);
  } finally {
    script('aa-status', 'printf "%s\\n" "$FAKE_AA_STATUS"');
  }
});

test("the status bar's one command: the kernel's list, or why there is none", async () => {
  const { runner, lines } = logged();
  const listed = await listProfilesFile(targetPlace(runner, target));
  assert.ok(listed.ok);
  assert.equal(lines.filter((l) => l.startsWith('$ ')).length, 1);
  fs.rmSync(path.join(root, 'sys/kernel'), { recursive: true, force: true });
  const unmounted = await listProfilesFile(targetPlace(runner, target));
  assert.ok(!unmounted.ok);
  assert.equal(unmounted.outcome.kind, 'noKernel');
  assert.match(unmounted.outcome.message, /apparmor filesystem is not mounted/, 'the module is there (enabled = Y), its files are not');
});

test('Show Denials on the target: each source through the prefix, the first with AppArmor records wins', async () => {
  const denied = 'type=AVC msg=audit(1796162299.404:4): apparmor="DENIED" operation="open" profile="aavm-test" name="/secret/data" pid=107 comm="busybox" requested_mask="r" denied_mask="r" fsuid=0 ouid=0\n';
  put('/var/log/audit/audit.log', denied);
  const { runner, lines } = logged();
  const read = await readSystemLog(runner, 'auto', { trusted: true, target });
  assert.ok(read.ok, JSON.stringify(read));
  assert.equal(read.log.text, denied);
  assert.equal(read.log.label, '/var/log/audit/audit.log on sh');
  assert.deepEqual(read.notes, ['dmesg on sh: no AppArmor records in 1 line.', 'journalctl -k on sh: journalctl is not installed there.']);
  assert.deepEqual(lines.filter((l) => l.startsWith('$ ')).map((l) => l.slice(l.indexOf(bin) + bin.length + 1)), [
    'dmesg', 'journalctl -k -b -o short-iso --no-pager -n 100000', `tail -c ${32 * 1024 * 1024} -- /var/log/audit/audit.log`,
  ]);
  const untrusted = await readSystemLog(runner, 'dmesg', { trusted: false, target });
  assert.ok(!untrusted.ok);
  assert.match(untrusted.failures[0]!.message, /not run, as this workspace is not trusted/);
});
