import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { describeAbi, findAbiInText } from '../../client/src/core/abi';
import {
  buildCheckArgs, buildDockerRunArgs, buildLoadArgs, buildStatusArgs, buildUnloadArgs, elevate, isSudoAskingForPassword,
} from '../../client/src/core/commandLines';
import { classifyRun, RunResult } from '../../client/src/core/outcome';
import { profileNameAt } from '../../client/src/core/profiles';
import { findProgram, resolveFolderSetting, settingsForServer } from '../../client/src/core/settings';

const SETTINGS = { parser: '/usr/sbin/apparmor_parser', includeDirs: ['/etc/apparmor.d', '/work/x y'], base: '/etc/apparmor.d' };
const HOSTILE = '/tmp/a;rm -rf ~ $(x)';

test('argument vectors of apparmor_parser and aa-status', () => {
  assert.deepEqual(buildLoadArgs(SETTINGS, HOSTILE), ['/usr/sbin/apparmor_parser', '-r', '-W', '-I', '/etc/apparmor.d', '-I', '/work/x y', '-b', '/etc/apparmor.d', HOSTILE]);
  assert.deepEqual(buildUnloadArgs({ parser: 'apparmor_parser', includeDirs: [] }, HOSTILE), ['apparmor_parser', '-R', HOSTILE]);
  assert.deepEqual(buildCheckArgs({ ...SETTINGS, includeDirs: [], base: undefined }, HOSTILE), ['/usr/sbin/apparmor_parser', '-Q', '-K', HOSTILE]);
  assert.deepEqual(buildStatusArgs('/usr/sbin/aa-status'), ['/usr/sbin/aa-status', '--json']);
});

test('privilege: root runs directly; sudo tries without a password first; pkexec wraps', () => {
  const argv = ['apparmor_parser', '-R', HOSTILE];
  assert.deepEqual(elevate(argv, 'sudo', true), { how: 'direct', argv });
  assert.deepEqual(elevate(argv, 'none', false), { how: 'direct', argv });
  assert.deepEqual(elevate(argv, 'pkexec', false), { how: 'pkexec', argv: ['pkexec', ...argv] });
  // pkexec 122 takes "--" for the program ("Cannot run program --"), so a program named like
  // one of its options (--user, --help …) is refused rather than handed over.
  for (const program of ['--user', '--help', '-u', '-x']) {
    const plan = elevate([program, 'root', '/bin/sh'], 'pkexec', false);
    assert.equal(plan.how, 'refused', program);
    assert.match((plan as { reason: string }).reason, /read the program name/);
  }
  assert.equal(classifyRun(run({ exitCode: null, spawnError: 'REFUSED', detail: 'why' }), { name: 'apparmor_parser', program: 'pkexec' }).message, 'why');
  assert.deepEqual(elevate(argv, 'sudo', false), { how: 'sudo', argv: ['sudo', '-n', '--', ...argv], terminalArgv: ['sudo', '--', ...argv] });
  assert.ok(isSudoAskingForPassword('sudo: a password is required\n'));
  assert.ok(!isSudoAskingForPassword('AppArmor parser error at line 3: a password is required'));
});

test('docker run for the profile under the cursor', () => {
  assert.deepEqual(buildDockerRunArgs('docker-nginx', 'nginx'), ['docker', 'run', '--rm', '-it', '--security-opt', 'apparmor=docker-nginx', 'nginx']);
  const text = 'include <tunables/global>\n\nprofile first {\n  /a r,\n}\n\nprofile second flags=(complain) {\n  ^hat {\n    /b r,\n  }\n}\n';
  assert.equal(profileNameAt(text, text.indexOf('/b r')), 'second', 'a hat belongs to its top-level profile');
  assert.equal(profileNameAt(text, text.indexOf('/a r')), 'first');
  assert.equal(profileNameAt(text, 0), 'first', 'outside every profile: the first one');
  assert.equal(profileNameAt('@{X}=/x\n', 0), undefined);
});

test('the ABI comes from the abi line, else the setting', () => {
  assert.equal(findAbiInText('# abi <abi/2.0>,\nabi <abi/4.0>,\n'), '4.0');
  assert.equal(findAbiInText('  abi "/etc/apparmor.d/abi/3.0" ,\n'), '3.0');
  assert.equal(findAbiInText('profile p {}\n'), undefined);
  assert.deepEqual(describeAbi('abi <abi/3.0>,', '4.0'), { version: '3.0', source: 'file' });
  assert.deepEqual(describeAbi('profile p {}', '4.0'), { version: '4.0', source: 'setting' });
  assert.deepEqual(describeAbi('profile p {}', undefined), { source: 'none' });
});

function run(partial: Partial<RunResult>): RunResult {
  return { exitCode: 1, stdout: '', stderr: '', ...partial };
}

test('errors are told apart: missing tools, no AppArmor, permission, cancelled, failures', () => {
  const parser = { name: 'apparmor_parser', program: '/usr/sbin/apparmor_parser' };
  assert.equal(classifyRun(run({ exitCode: 0 }), parser).kind, 'ok');
  assert.match(classifyRun(run({ exitCode: null, spawnError: 'ENOENT' }), parser).message, /apparmor_parser was not found.*apt-get install apparmor/);
  assert.match(classifyRun(run({ exitCode: null, spawnError: 'ENOENT' }), { name: 'aa-status', program: 'aa-status' }).message, /aa-status was not found/);
  assert.match(classifyRun(run({ exitCode: null, spawnError: 'ENOENT' }), { name: 'apparmor_parser', program: 'sudo' }).message, /^sudo was not found/);
  assert.equal(classifyRun(run({ stderr: 'sudo: apparmor_parser: command not found\n' }), { name: 'apparmor_parser', program: 'sudo' }).kind, 'missing');
  assert.equal(classifyRun(run({ stderr: 'Warning: unable to find a suitable fs in /proc/mounts, is it mounted?\n' }), parser).kind, 'noKernel');
  assert.equal(classifyRun(run({ stderr: 'apparmor_parser: Unable to replace "foo".  Permission denied; attempted to load a profile while confined?\n' }), parser).kind, 'permission');
  assert.equal(classifyRun(run({ stderr: 'Access denied. You need policy admin privileges to manage profiles.\n' }), parser).kind, 'permission');
  assert.equal(classifyRun(run({ exitCode: 126 }), { name: 'apparmor_parser', program: 'pkexec' }).kind, 'cancelled');
  assert.equal(classifyRun(run({ exitCode: null, spawnError: 'CANCELLED', detail: 'closed' }), parser).message, 'closed');
  const failed = classifyRun(run({ stderr: 'AppArmor parser error for /x in profile /x at line 2: syntax error\n' }), parser);
  assert.equal(failed.kind, 'failed');
  assert.match(failed.message, /exit status 1.*line 2: syntax error/);
});

test('aa-status exit statuses', () => {
  const status = { name: 'aa-status', program: 'aa-status' };
  assert.equal(classifyRun(run({ exitCode: 1 }), status).kind, 'noKernel');
  assert.equal(classifyRun(run({ exitCode: 3 }), status).kind, 'noKernel');
  assert.equal(classifyRun(run({ exitCode: 4, stderr: 'You do not have enough privilege to read the profile set.' }), status).kind, 'permission');
  assert.equal(classifyRun(run({ exitCode: 2 }), status).kind, 'ok');
});

test('settings for the server: empty values dropped, no apparmor_parser on save when untrusted', () => {
  const section = { includeDirs: [], base: '', abi: '4.0', parserPath: '/sbin/apparmor_parser', checkOnSave: true, privilege: 'sudo' };
  assert.deepEqual(settingsForServer(section, true), { abi: '4.0', parserPath: '/sbin/apparmor_parser', checkOnSave: true });
  assert.deepEqual(settingsForServer(section, false), { abi: '4.0', parserPath: '/sbin/apparmor_parser', checkOnSave: false });
});

test('programs named without a folder are looked up in PATH, then the sbin folders', () => {
  const files = new Set(['/usr/sbin/aa-status', '/opt/bin/apparmor_parser']);
  const isFile = (p: string): boolean => files.has(p);
  assert.equal(findProgram('aa-status', '/usr/bin:/bin', isFile), '/usr/sbin/aa-status');
  assert.equal(findProgram('apparmor_parser', '/opt/bin/:/usr/bin', isFile), '/opt/bin/apparmor_parser');
  assert.equal(findProgram('docker', '/usr/bin', isFile), 'docker');
  assert.equal(findProgram('./bin/x', '/usr/bin', isFile), './bin/x');
});

test('folder settings: ${workspaceFolder} and relative paths are taken from the workspace folder', () => {
  assert.equal(resolveFolderSetting('${workspaceFolder}/policy', '/home/me/repo'), '/home/me/repo/policy');
  assert.equal(resolveFolderSetting('policy/apparmor.d', '/home/me/repo/'), '/home/me/repo/policy/apparmor.d');
  assert.equal(resolveFolderSetting('./x', '/r'), '/r/x');
  assert.equal(resolveFolderSetting('/etc/apparmor.d', '/r'), '/etc/apparmor.d');
  assert.equal(resolveFolderSetting('rel', undefined), 'rel');
});
