import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseProfilesFile } from '../../client/src/core/aaStatus';
import { logSource, programArgv, AUTO_ORDER, explainTargetSource } from '../../client/src/core/logSources';
import type { RunResult } from '../../client/src/core/outcome';
import { RefreshGate } from '../../client/src/core/refreshGate';
import { quoteForSh } from '../../client/src/core/shellQuote';
import {
  describeFileState, describeInput, explainTargetRun, onTarget, placeTargetMessages, readKernelCheck, readTargetSetting, TARGET_COMMANDS, targetName,
} from '../../client/src/core/target';
import { parserDiagnostics } from '../../server/src/service/mergeParserDiagnostics';
import { parseParserOutput } from '../../server/src/service/parserMessages';

const SSH = ['ssh', 'root@web1'];
const MULTIPASS = ['multipass', 'exec', 'testvm', '--', 'sudo'];
const DOCKER = ['docker', 'exec', '-i', 'aa-host'];
const GUEST = ['node', '/work/out/test/kernel/guestExec.js', '--socket', '/tmp/vm/agent.sock', '--'];

const run = (partial: Partial<RunResult>): RunResult => ({ exitCode: 1, stdout: '', stderr: '', ...partial });

test('the setting: empty or null is this machine; a list of words is a prefix; anything else says what is wrong', () => {
  for (const local of [undefined, null, '', []]) assert.deepEqual(readTargetSetting(local), {}, JSON.stringify(local));
  assert.deepEqual(readTargetSetting(SSH), { target: SSH });
  assert.deepEqual(readTargetSetting(GUEST), { target: GUEST });
  assert.match((readTargetSetting('ssh root@web1') as { error: string }).error, /list of words, such as \["ssh", "root@web1"\]/);
  assert.match((readTargetSetting(['ssh', 3]) as { error: string }).error, /list of words/);
  assert.match((readTargetSetting(['', 'x']) as { error: string }).error, /empty word/);
});

test('every command follows the prefix word for word; the profile is never a path argument', () => {
  assert.deepEqual(onTarget(SSH, TARGET_COMMANDS.load), ['ssh', 'root@web1', 'apparmor_parser', '-r', '-W']);
  assert.deepEqual(onTarget(MULTIPASS, TARGET_COMMANDS.unload), ['multipass', 'exec', 'testvm', '--', 'sudo', 'apparmor_parser', '-R']);
  assert.deepEqual(onTarget(DOCKER, TARGET_COMMANDS.status), ['docker', 'exec', '-i', 'aa-host', 'aa-status', '--json']);
  assert.deepEqual(onTarget(GUEST, TARGET_COMMANDS.kernelCheck), [...GUEST, 'cat', '/sys/module/apparmor/parameters/enabled']);
  assert.deepEqual(onTarget(SSH, TARGET_COMMANDS.profiles), ['ssh', 'root@web1', 'cat', '/sys/kernel/security/apparmor/profiles']);
});

test('every word sent after the prefix is plain for sh, so ssh, which joins them for the remote shell, passes them unchanged', () => {
  const words = [...Object.values(TARGET_COMMANDS).flat(), ...AUTO_ORDER.flatMap((n) => programArgv(logSource(n)))];
  assert.ok(words.length > 15);
  for (const w of words) assert.equal(quoteForSh(w), w, w);
});

test('the status bar names the host, container or VM, else a short prefix', () => {
  assert.equal(targetName(SSH), 'root@web1');
  assert.equal(targetName(['/usr/bin/ssh', '-p', '2222', '-i', '/home/me/.ssh/k', '-o', 'BatchMode=yes', 'admin@10.0.0.7', 'sudo']), 'admin@10.0.0.7');
  assert.equal(targetName(MULTIPASS), 'testvm');
  assert.equal(targetName(DOCKER), 'aa-host');
  assert.equal(targetName(['kubectl', 'exec', '-i', '-n', 'kube-system', 'node-debugger', '--', 'chroot', '/host']), 'node-debugger');
  assert.equal(targetName(['env']), 'env');
  assert.equal(targetName(GUEST), 'guestExec.js', 'for an interpreter, its script');
  assert.equal(targetName(['sh', '-c', 'exec "$@"', 'target']), 'sh');
  assert.equal(targetName(['ssh', `${'x'.repeat(40)}@h`]), `${'x'.repeat(31)}…`);
});

test('the kernel check: Y is AppArmor; N or no file is none; no answer is unknown', () => {
  assert.deepEqual(readKernelCheck(run({ exitCode: 0, stdout: 'Y\n' })), { has: true });
  const notEnabled = readKernelCheck(run({ exitCode: 0, stdout: 'N\n' }));
  assert.ok(notEnabled.has === false);
  assert.match(notEnabled.why, /"N": AppArmor is built in but not enabled/);
  const missing = readKernelCheck(run({ stderr: 'cat: /sys/module/apparmor/parameters/enabled: No such file or directory\n' }));
  assert.equal(missing.has, false);
  assert.equal(readKernelCheck(run({ exitCode: 255, stderr: 'ssh: connect to host web1 port 22: Connection refused\n' })).has, 'unknown');
  assert.equal(readKernelCheck(run({ exitCode: 127, stderr: 'sh: 1: exec: cat: not found\n' })).has, 'unknown');
});

test("failures are told in the target's words: which side, what is missing, how root is had there", () => {
  const parser = (r: Partial<RunResult>, target = SSH) => explainTargetRun(run(r), 'apparmor_parser', target);
  assert.deepEqual(parser({ exitCode: 0 }).kind, 'ok');
  const noPrefix = parser({ exitCode: null, spawnError: 'ENOENT' }, ['multipass', 'exec', 'vm']);
  assert.equal(noPrefix.kind, 'missing');
  assert.match(noPrefix.message, /^multipass, the first word of apparmor\.target, was not found on this machine/);
  const notThere = parser({ exitCode: 127, stderr: 'bash: line 1: apparmor_parser: command not found\n' });
  assert.equal(notThere.kind, 'missing');
  assert.match(notThere.message, /apparmor_parser was not found on the target \(ssh root@web1\).*"env", "PATH=\/usr\/sbin/);
  assert.equal(parser({ exitCode: 1, stderr: 'sudo: apparmor_parser: command not found\n' }, MULTIPASS).kind, 'missing');
  assert.equal(parser({ exitCode: 127, stderr: 'OCI runtime exec failed: exec: "apparmor_parser": executable file not found in $PATH' }, DOCKER).kind, 'missing');
  const unreachable = parser({ exitCode: 255, stderr: 'ssh: Could not resolve hostname web1: Name or service not known\n' });
  assert.equal(unreachable.kind, 'failed');
  assert.match(unreachable.message, /^Could not reach the target \(ssh root@web1\): ssh: Could not resolve hostname.*BatchMode=yes/);
  const password = parser({ exitCode: 1, stderr: 'sudo: a terminal is required to read the password; either use the -S option\n' }, MULTIPASS);
  assert.equal(password.kind, 'permission');
  assert.match(password.message, /sudo on the target .* wants a password.*NOPASSWD/);
  const denied = parser({ stderr: 'apparmor_parser: Unable to replace "foo".  Permission denied; attempted to load a profile while confined?\n' }, ['ssh', 'me@web1']);
  assert.equal(denied.kind, 'permission');
  assert.match(denied.message, /needs root on the target.*end apparmor\.target with "sudo" \(apparmor\.privilege is not used with a target\)/);
  const noFs = parser({ stderr: 'Warning: unable to find a suitable fs in /proc/mounts, is it mounted?\nUse --subdomainfs to override.\n' });
  assert.equal(noFs.kind, 'noKernel');
  assert.match(noFs.message, /^The target \(ssh root@web1\) has no AppArmor to talk to: its apparmor filesystem is not mounted/);
  assert.match(parser({ exitCode: 1, stderr: 'AppArmor parser error at line 3: Invalid capability net_admn.\n' }).message,
    /^apparmor_parser failed on the target \(ssh root@web1\) \(exit status 1\): AppArmor parser error at line 3/);
});

test("the kernel's list: NAME (MODE) per line, names with spaces and parentheses kept, children included", () => {
  const text = 'docker-default (enforce)\nnginx (complain)\nnginx//worker (complain)\nweird (name) x (kill)\nunconfined-app (unconfined)\n\n';
  assert.deepEqual(parseProfilesFile(text).map((p) => [p.name, p.mode]), [
    ['docker-default', 'enforce'], ['nginx', 'complain'], ['nginx//worker', 'complain'], ['unconfined-app', 'unconfined'], ['weird (name) x', 'kill'],
  ]);
  assert.deepEqual(parseProfilesFile(''), []);
});

test("the file's profiles on the target: not loaded, one mode, some loaded, mixed", () => {
  const loaded = parseProfilesFile('a (enforce)\nb (complain)\nc (enforce)\na//hat (enforce)\n');
  assert.deepEqual(describeFileState(['a'], loaded), { summary: 'enforce', details: ['a: enforce'] });
  assert.deepEqual(describeFileState(['a', 'c'], loaded).summary, 'enforce');
  assert.deepEqual(describeFileState(['b'], loaded).summary, 'complain');
  assert.deepEqual(describeFileState(['a', 'b'], loaded).summary, 'mixed modes');
  assert.deepEqual(describeFileState(['a', 'x', 'y'], loaded), { summary: '1 of 3 loaded', details: ['a: enforce', 'x: not loaded', 'y: not loaded'] });
  assert.deepEqual(describeFileState(['x'], loaded).summary, 'not loaded');
  assert.deepEqual(describeFileState([], loaded).summary, 'no profile');
});

test("the target's parser messages land on the document's lines; another file's on its first line, saying where", () => {
  // As apparmor_parser 3.0.8 and 4.1 print them when reading standard input (captured), and the forms naming stdin or -.
  const stderr = [
    'AppArmor parser error at line 3: Invalid capability net_admn.',
    'Warning from stdin (stdin line 7): profile foo network rules not enforced',
    'AppArmor parser error for - in profile - at line 5: Conflict \'a\' and \'w\' perms are mutually exclusive.',
    'AppArmor parser error for stdin in profile /etc/apparmor.d/abstractions/site at line 2: syntax error',
    'Found reference to variable NOPE, but is never declared',
  ].join('\n');
  // The parser's words only: parserExplanations.test.ts covers what follows ' — '.
  const words = <M extends { message: string }>(ms: M[]): M[] => ms.map((m) => ({ ...m, message: m.message.split(' — ')[0]! }));
  const placed = words(placeTargetMessages(parseParserOutput(stderr)));
  assert.deepEqual(placed, [
    { severity: 'error', line: 3, message: 'Invalid capability net_admn.' },
    { severity: 'warning', line: 7, message: 'profile foo network rules not enforced' },
    { severity: 'error', line: 5, message: 'Conflict \'a\' and \'w\' perms are mutually exclusive.' },
    { severity: 'error', message: '/etc/apparmor.d/abstractions/site line 2 on the target: syntax error' },
    { severity: 'error', line: undefined, message: 'Found reference to variable NOPE, but is never declared' },
  ]);
  assert.deepEqual(words(placeTargetMessages(parseParserOutput('AppArmor parser error at line 40: Conflict \'a\' and \'w\' perms are mutually exclusive.\n'), 12)),
    [{ severity: 'error', message: 'line 40 of a file it includes: Conflict \'a\' and \'w\' perms are mutually exclusive.' }], 'past the end: an include\'s line');
  const doc = ['profile foo {', '  /tmp/x r,', '  capability net_admn,', '}'];
  const byUri = parserDiagnostics(placed, '/home/me/profiles/usr.bin.foo', (_uri, line) => doc[line]);
  assert.deepEqual([...byUri.keys()], ['file:///home/me/profiles/usr.bin.foo'], 'every message on the document, none on a file of this machine');
  const first = byUri.get('file:///home/me/profiles/usr.bin.foo')![0]!;
  assert.deepEqual(first.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 22 } });
});

test('the command line as logged shows the file whose text goes on standard input', () => {
  assert.equal(describeInput('/home/me/usr.bin.foo'), '< /home/me/usr.bin.foo');
  assert.equal(describeInput("/home/me/my profiles/it's"), `< '/home/me/my profiles/it'\\''s'`);
});

test('log sources on a target: missing programs and files, root through the prefix, unreachable', () => {
  const audit = logSource('audit.log');
  const missingFile = explainTargetSource(audit, run({ stderr: "tail: cannot open '/var/log/audit/audit.log' for reading: No such file or directory\n" }), SSH);
  assert.deepEqual(missingFile, { message: 'root@web1: /var/log/audit/audit.log: not there (auditd is not installed, or logs elsewhere).', permission: false });
  const rootOnly = explainTargetSource(audit, run({ stderr: "tail: cannot open '/var/log/audit/audit.log' for reading: Permission denied\n" }), ['ssh', 'me@web1']);
  assert.equal(rootOnly?.permission, true);
  assert.match(rootOnly!.message, /^me@web1: \/var\/log\/audit\/audit\.log: readable by root only.*end it with "sudo"/);
  const dmesg = explainTargetSource(logSource('dmesg'), run({ stderr: 'dmesg: read kernel buffer failed: Operation not permitted\n' }), SSH);
  assert.match(dmesg!.message, /^root@web1: dmesg: the kernel lets only root read its log.*apparmor\.target/);
  assert.deepEqual(explainTargetSource(logSource('journalctl'), run({ exitCode: 127, stderr: 'sh: journalctl: not found' }), DOCKER),
    { message: 'journalctl -k on aa-host: journalctl is not installed there.', permission: false });
  assert.match(explainTargetSource(logSource('dmesg'), run({ exitCode: 255, stderr: 'ssh: connect to host web1 port 22: Connection refused' }), SSH)!.message,
    /^dmesg on root@web1: Could not reach the target/);
  assert.equal(explainTargetSource(logSource('dmesg'), run({ exitCode: 0, stdout: '[1.0] hello\n' }), SSH), undefined);
});

/** A refresh whose end the test decides. */
function deferredWork(): { work: () => Promise<void>; starts: number; finish: () => void } {
  const state = { starts: 0, finish: (): void => undefined, work: () => Promise.resolve() };
  state.work = () => {
    state.starts++;
    return new Promise<void>((resolve) => { state.finish = resolve; });
  };
  return state;
}

test('refreshes never pile up: requests during a run get one more run, together', async () => {
  const w = deferredWork();
  const gate = new RefreshGate(() => w.work());
  const first = gate.request();
  const waiting = [gate.request(), gate.request(), gate.request()];
  assert.equal(w.starts, 1);
  w.finish();
  await first;
  await new Promise((r) => setImmediate(r));
  assert.equal(w.starts, 2, 'three requests during the first run made one more');
  w.finish();
  await Promise.all(waiting);
  assert.equal(w.starts, 2);
});

test('bursts of focus ask again only after the gap, and never while a run is on', async () => {
  let now = 1_000;
  const w = deferredWork();
  const gate = new RefreshGate(() => w.work(), () => now);
  const run1 = gate.requestIfStale(10_000);
  assert.ok(run1);
  assert.equal(gate.requestIfStale(0), undefined, 'one is running');
  w.finish();
  await run1;
  now += 9_999;
  assert.equal(gate.requestIfStale(10_000), undefined, 'too soon');
  now += 1;
  const run2 = gate.requestIfStale(10_000);
  assert.ok(run2);
  assert.equal(w.starts, 2);
  w.finish();
  await run2;
});
