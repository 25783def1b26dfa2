import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { describeProcesses, parseAaStatus, parseProfilesFile, repairJson, topLevelName } from '../../client/src/core/aaStatus';

/**
 * What aa-status --json prints (format version 2): one line, profiles by mode, processes
 * grouped by executable, pids as strings. A machine running Docker with a complain-mode
 * nginx profile and a program that has a profile but runs unconfined.
 */
const SAMPLE =
  '{"version": "2", "profiles": {"/usr/bin/man": "enforce", "/usr/sbin/cupsd": "enforce", "/usr/sbin/cupsd//third_party": "enforce", ' +
  '"docker-default": "enforce", "lsb_release": "enforce", "nvidia_modprobe": "enforce", "nvidia_modprobe//kmod": "enforce", ' +
  '"docker-nginx": "complain", "unconfined-app": "unconfined"}, ' +
  '"processes": {"/opt/app/bin/app": [{"profile": "/opt/app/bin/app", "pid": "1234", "status": "unconfined"}], ' +
  '"/usr/bin/containerd-shim-runc-v2": [{"profile": "docker-default", "pid": "39990", "status": "enforce"}], ' +
  '"/usr/sbin/cupsd": [{"profile": "/usr/sbin/cupsd", "pid": "812", "status": "enforce"}], ' +
  '"/usr/sbin/nginx": [{"profile": "docker-nginx", "pid": "40211", "status": "complain"}, {"profile": "docker-nginx", "pid": "40187", "status": "complain"}]}}\n';

test('aa-status --json: every profile with its mode, sorted by name', () => {
  const profiles = parseAaStatus(SAMPLE);
  assert.deepEqual(profiles.map((p) => [p.name, p.mode]).slice(0, 4), [
    ['/opt/app/bin/app', 'unconfined'],
    ['/usr/bin/man', 'enforce'],
    ['/usr/sbin/cupsd', 'enforce'],
    ['/usr/sbin/cupsd//third_party', 'enforce'],
  ]);
  assert.equal(profiles.length, 10);
});

test('aa-status --json: processes end up under their profile, by pid', () => {
  const byName = new Map(parseAaStatus(SAMPLE).map((p) => [p.name, p]));
  assert.deepEqual(byName.get('docker-nginx')!.processes, [
    { pid: 40187, exe: '/usr/sbin/nginx', mode: 'complain' },
    { pid: 40211, exe: '/usr/sbin/nginx', mode: 'complain' },
  ]);
  assert.deepEqual(byName.get('/usr/bin/man')!.processes, []);
  // A process that has a profile defined but runs unconfined is listed under that profile.
  assert.deepEqual(byName.get('/opt/app/bin/app'), { name: '/opt/app/bin/app', mode: 'unconfined', processes: [{ pid: 1234, exe: '/opt/app/bin/app', mode: 'unconfined' }] });
});

test('aa-status --json: empty policy, noise around the JSON, and bad output', () => {
  assert.deepEqual(parseAaStatus('{"version": "2", "profiles": {}, "processes": {}}'), []);
  assert.equal(parseAaStatus(`[sudo] password for me:\n${SAMPLE}\n`).length, 10);
  assert.throws(() => parseAaStatus(''), /printed no JSON/);
  assert.throws(() => parseAaStatus('{"version": "2"}'), /no "profiles"/);
});

test('children and hats are found in their parent\'s file; processes are summed up', () => {
  assert.equal(topLevelName('/usr/sbin/cupsd//third_party'), '/usr/sbin/cupsd');
  assert.equal(topLevelName('docker-nginx'), 'docker-nginx');
  assert.equal(describeProcesses([]), 'no confined processes');
  const many = [1, 2, 3, 4, 5].map((pid) => ({ pid, exe: '/usr/sbin/nginx', mode: 'enforce' }));
  assert.equal(describeProcesses(many), '5 processes: /usr/sbin/nginx (1), /usr/sbin/nginx (2), /usr/sbin/nginx (3), and 2 more');
});

/**
 * Captured from Debian bookworm's aa-status 3.0.8 in the kernel tests' VM (test/kernel/):
 * with no profile in enforce mode it writes a comma before the first profile.
 */
const BOOKWORM_NO_ENFORCE = '{"version": "2", "profiles": {, "aak-zero": "complain", "aak-k": "kill"}, "processes": {}}\n';

test('aa-status --json of bookworm with no enforce-mode profile: read despite its leading comma', () => {
  assert.throws(() => JSON.parse(BOOKWORM_NO_ENFORCE));
  assert.deepEqual(parseAaStatus(BOOKWORM_NO_ENFORCE).map((p) => [p.name, p.mode]), [['aak-k', 'kill'], ['aak-zero', 'complain']]);
});

test('repairJson: drops only commas a list cannot hold, never inside strings', () => {
  assert.equal(repairJson('{ , "a": [ ,1, 2 , ], "b,": "{,", "c": "\\",["}'), '{  "a": [ 1, 2  ], "b,": "{,", "c": "\\",["}');
  assert.equal(repairJson(SAMPLE), SAMPLE);
});

test('the kernel\'s profiles file, for where aa-status is missing: names with spaces and children kept', () => {
  const text = 'aak-two (complain)\naak-two//kid (enforce)\n/usr/bin/my app (kill)\nnot a profile line\n';
  assert.deepEqual(parseProfilesFile(text).map((p) => [p.name, p.mode]), [
    ['/usr/bin/my app', 'kill'], ['aak-two', 'complain'], ['aak-two//kid', 'enforce'],
  ]);
});
