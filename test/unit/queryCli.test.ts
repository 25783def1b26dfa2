import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

const CLI = path.resolve(__dirname, '../../../bin/apparmor-lint.js');
const ROOT = path.resolve(__dirname, '../../../test/fixtures/query');
const PROFILE = path.join(ROOT, 'docker-default');

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Result {
  access: string; profile: string; verdict: string; audit: boolean; reason: string; message: string;
  rules: { path: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; effect: string }[];
}

function query(accesses: string[], extra: string[] = []): Result[] {
  const r = run(['--include-dir', ROOT, '--query', PROFILE, '--format', 'json', ...extra, ...accesses]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { results: Result[] };
  assert.deepEqual(Object.keys(out), ['results']);
  return out.results;
}

const ISSUE_FORMS = [
  'r /etc/shadow', 'owner w /home/alice/.config/app/x', 'x /usr/bin/ls', 'capability net_admin', 'network inet stream',
  'signal send set=term peer=unconfined', 'ptrace read peer=foo', 'unix connect type=stream addr=@sock',
  'dbus send bus=session path=/org/x interface=org.x member=Ping', 'mount fstype=ext4 /dev/sda1 -> /mnt/',
];

test('--query json: one result per ACCESS, in order, access echoed exactly, every key of the contract', () => {
  const given = ISSUE_FORMS.map((a, i) => (i === 4 ? `  ${a}  ` : a));
  const results = query(given);
  assert.deepEqual(results.map((r) => r.access), given);
  for (const r of results) {
    assert.deepEqual(Object.keys(r), ['access', 'profile', 'verdict', 'audit', 'reason', 'message', 'rules']);
    assert.equal(r.profile, 'docker-default');
    assert.ok(['allowed', 'denied', 'unknown'].includes(r.verdict));
    assert.equal(typeof r.audit, 'boolean');
    assert.ok(r.message.length > 0);
  }
  assert.deepEqual(results.map((r) => r.verdict), ['denied', 'allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'allowed']);
});

test('--query names the deciding rules with their file and 0-based range, through includes', () => {
  const [shadow, dash, raw, hostname, nothing] = query(['r /etc/shadow', 'x /bin/dash', 'network inet raw', 'r /etc/hostname', 'r /nowhere'], []);
  assert.deepEqual([shadow!.verdict, shadow!.reason, shadow!.audit], ['denied', 'deny-rule', false]);
  assert.deepEqual(shadow!.rules, [{ path: path.join(ROOT, 'abstractions/app'), range: { start: { line: 2, character: 2 }, end: { line: 2, character: 22 } }, effect: 'deny' }]);
  assert.deepEqual(dash!.rules.map((r) => [r.path, r.range.start.line, r.effect]), [[PROFILE, 10, 'deny']]);
  assert.deepEqual(raw!.rules.map((r) => [r.range.start.line, r.effect]), [[11, 'deny']]);
  assert.deepEqual([hostname!.verdict, hostname!.audit], ['allowed', true]);
  assert.ok(hostname!.rules.some((r) => r.range.start.line === 12));
  // `file,` allows every path: only the explicit deny rules stop anything.
  assert.equal(nothing!.verdict, 'allowed');
});

test('--query --profile asks a child profile or another profile of the file', () => {
  assert.deepEqual(query(['r /etc/helper.conf', 'r /etc/hostname'], ['--profile', 'docker-default//helper']).map((r) => [r.profile, r.verdict]),
    [['docker-default//helper', 'allowed'], ['docker-default//helper', 'denied']]);
  assert.deepEqual(query(['r /srv/a/b'], ['--profile', 'other']).map((r) => r.verdict), ['allowed']);
});

test('--query text: a line per verdict and a line per deciding rule', () => {
  const r = run(['-I', ROOT, '--query', PROFILE, 'x /bin/dash']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `docker-default: 'x /bin/dash': denied, quietly [deny-rule]: x on /bin/dash is denied by an explicit deny rule, which wins over any allow rule\n  ${PROFILE}:11:3: deny rule\n`);
});

test('--query bad usage exits 2 with one line: no ACCESS, a bad ACCESS, no such profile, gcc format, unreadable file', () => {
  const cases: string[][] = [
    ['--query', PROFILE],
    ['--query', PROFILE, 'r /etc/*'],
    ['--query', PROFILE, 'frobnicate the thing'],
    ['--query', PROFILE, '--profile', 'nope', 'r /x'],
    ['--query', PROFILE, '--format', 'gcc', 'r /x'],
    ['--query', path.join(ROOT, 'missing'), 'r /x'],
    ['--query', PROFILE, '--denials', 'r /x'],
  ];
  for (const args of cases) {
    const r = run(['-I', ROOT, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^apparmor-lint: /, args.join(' '));
  }
  assert.match(run(['-I', ROOT, '--query', PROFILE, '--profile', 'nope', 'r /x']).stderr, /no profile 'nope': it has 'docker-default', 'docker-default\/\/helper', 'other'/);
});

test('--test passes expectations that hold and exits 1 with the deciding rules on one that fails', () => {
  const ok = run(['-I', ROOT, '--test', path.join(ROOT, 'docker-default.apparmor-test')]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal(ok.stdout, '6 expectations, 0 failed.\n');
  const failing = path.join(ROOT, 'failing.apparmor-test');
  const bad = run(['-I', ROOT, '--test', failing]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.deepEqual(bad.stdout.split('\n'), [
    `${failing}:2: expected allow docker-default 'r /etc/shadow', got denied, quietly [deny-rule]: r on /etc/shadow is denied by an explicit deny rule, which wins over any allow rule`,
    `  ${path.join(ROOT, 'abstractions/app')}:3:3: deny rule`,
    `${failing}:3: expected deny docker-default 'r /etc/passwd', got allowed [allow-rule]: r on /etc/passwd is allowed`,
    `  ${PROFILE}:8:3: allow rule`,
    '2 expectations, 2 failed.',
    '',
  ]);
});

test('--denials --profiles classifies each denial: blocked by a deny rule (at its line), already allowed', () => {
  const log = path.join(ROOT, 'docker-default.log');
  const json = run(['-I', ROOT, '--denials', log, '--profiles', PROFILE, '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout) as { profiles: { profile: string; rules: string[]; verdicts: { rule: string; status: string; rules: { path: string; range: { start: { line: number } }; effect: string }[] }[] }[] };
  const verdicts = out.profiles[0]!.verdicts;
  assert.deepEqual(out.profiles[0]!.rules, verdicts.map((v) => v.rule));
  assert.deepEqual(verdicts.map((v) => [v.rule, v.status, v.rules.map((r) => `${r.effect}@${r.range.start.line}`).join()]), [
    ['network inet raw,', 'blocked', 'deny@11'], ['/bin/dash ix,', 'blocked', 'deny@10'], ['/etc/hosts r,', 'allowed', 'allow@7'],
  ]);
  const text = run(['-I', ROOT, '--denials', log, '--profiles', ROOT]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /\/bin\/dash ix, {2}# 1× exec; blocked by the deny rule at .*docker-default:11: an allow rule would change nothing/);
  assert.equal(run(['--profiles', ROOT, PROFILE]).code, 2, '--profiles goes with --denials only');
});
