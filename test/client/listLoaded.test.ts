/**
 * Show Loaded Profiles on this machine takes the path the target takes: aa-status --json,
 * else the kernel's list, both run the way apparmor.privilege says. A stand-in Runner
 * answers for the programs (the kernels here have no AppArmor to ask).
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Privilege } from '../../client/src/core/commandLines';
import type { RunResult } from '../../client/src/core/outcome';
import { herePlace, listLoaded } from '../../client/src/listLoaded';
import type { Runner } from '../../client/src/runner';

const AA_STATUS = '/usr/sbin/aa-status';
const PROFILES = 'docker-default (enforce)\nnginx (complain)\nnginx//php (complain)\n';

/** Each program's answer by its name; `program` is what started first, as the real Runner reports it. */
function fakeRunner(answers: Record<string, Partial<RunResult>>): { runner: Runner; ran: string[] } {
  const ran: string[] = [];
  const runAsRoot = (argv: readonly string[], privilege: Privilege) => {
    ran.push(`${privilege} ${argv.join(' ')}`);
    const elevator = privilege === 'none' ? undefined : privilege;
    const answer = (elevator && answers[elevator]) || answers[argv[0]!] || { exitCode: null, spawnError: 'ENOENT' };
    const result: RunResult = { exitCode: 0, stdout: '', stderr: '', ...answer };
    return Promise.resolve({ commandLine: argv.join(' '), program: elevator ?? argv[0]!, result });
  };
  return { runner: { runAsRoot } as unknown as Runner, ran };
}

const here = (runner: Runner, privilege: Privilege = 'none') => listLoaded(herePlace(runner, AA_STATUS, privilege));

test('here: aa-status --json answers, and nothing else runs', async () => {
  const { runner, ran } = fakeRunner({ [AA_STATUS]: { stdout: '{"version": "2", "profiles": {"nginx": "enforce"}, "processes": {}}' } });
  const list = await here(runner, 'sudo');
  assert.ok(list.ok);
  assert.deepEqual(list.profiles.map((p) => [p.name, p.mode]), [['nginx', 'enforce']]);
  assert.deepEqual(ran, [`sudo ${AA_STATUS} --json`]);
  assert.deepEqual(list.notes, []);
});

test('here: aa-status missing, failing or unreadable gives the kernel\'s list, read as root too, and says why', async () => {
  const cases: [string, Partial<RunResult> | undefined, RegExp][] = [
    ['not installed', undefined, /^aa-status is not installed; reading the kernel's list instead\.$/],
    ['sudo finds no aa-status', { exitCode: 1, stderr: `sudo: ${AA_STATUS}: command not found\n` }, /^aa-status is not installed;/],
    ['a failure', { exitCode: 42, stderr: 'aa-status: something broke\n' }, /^aa-status failed \(exit status 42\); reading the kernel's list instead\.$/],
    ['printed no JSON', { stdout: 'apparmor module is loaded.\n' }, /^aa-status --json printed what is not its JSON \(aa-status printed no JSON/],
    ['exit 2, no policy and no JSON', { exitCode: 2, stdout: '' }, /^aa-status --json printed what is not its JSON/],
  ];
  for (const [what, answer, note] of cases) {
    const { runner, ran } = fakeRunner({ ...(answer ? { [AA_STATUS]: answer } : {}), cat: { stdout: PROFILES } });
    const list = await here(runner);
    assert.ok(list.ok, what);
    assert.deepEqual(list.profiles.map((p) => [p.name, p.mode]), [['docker-default', 'enforce'], ['nginx', 'complain'], ['nginx//php', 'complain']], what);
    assert.match(list.notes.join(' '), note, what);
    assert.deepEqual(ran, [`none ${AA_STATUS} --json`, 'none cat /sys/kernel/security/apparmor/profiles'], what);
  }
});

test('here: a dismissed pkexec, a missing sudo or too little privilege ends it; the kernel\'s list is not asked for', async () => {
  const cases: [Privilege, Record<string, Partial<RunResult>>, string, RegExp][] = [
    ['pkexec', { pkexec: { exitCode: 126 } }, 'cancelled', /dismissed/],
    ['sudo', { sudo: { exitCode: null, spawnError: 'ENOENT' } }, 'missing', /^sudo was not found/],
    ['none', { [AA_STATUS]: { exitCode: 4, stderr: 'You do not have enough privilege to read the profile set.\n' } }, 'permission', /needs root/],
  ];
  for (const [privilege, answers, kind, message] of cases) {
    const { runner, ran } = fakeRunner({ ...answers, cat: { stdout: PROFILES } });
    const list = await here(runner, privilege);
    assert.ok(!list.ok, privilege);
    assert.equal(list.outcome.kind, kind, list.outcome.message);
    assert.match(list.outcome.message, message);
    assert.equal(ran.length, 1, ran.join('\n'));
  }
});

test('here: when the kernel\'s list cannot be read either, the reason is that of reading it', async () => {
  const { runner } = fakeRunner({ cat: { exitCode: 1, stderr: 'cat: /sys/kernel/security/apparmor/profiles: Permission denied\n' } });
  const list = await here(runner);
  assert.ok(!list.ok);
  assert.equal(list.outcome.kind, 'permission');
  assert.match(list.outcome.message, /^Permission denied: cat \/sys\/kernel\/security\/apparmor\/profiles needs root for this\. Set apparmor\.privilege/);
  assert.match(list.notes.join(' '), /^aa-status is not installed;/);
});
