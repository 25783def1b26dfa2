import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../support/denials';

const CLI = path.resolve(__dirname, '../../../bin/apparmor-lint.js');
const fixture = (name: string): string => path.join(FIXTURES, name);

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface DenialsJson { profiles: { profile: string; rules: string[] }[]; unparsed: number }

test('--denials --format json prints exactly {"profiles":[{"profile","rules"}],"unparsed"}', () => {
  const r = run(['--denials', '--format', 'json', fixture('modes-and-noise.log')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '{"profiles":[{"profile":"/usr/bin/editor","rules":["/etc/shadow r,","/usr/share/editor/syntax/c.vim r,","owner @{HOME}/.editorrc r,"]}],"unparsed":2}\n');
});

test('--denials json lists each profile once and every rule once, hats as parent//hat', () => {
  const r = run(['--denials', '--format=json', fixture('domain-legacy.log'), fixture('capability-syslog.log')]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as DenialsJson;
  assert.deepEqual(Object.keys(out), ['profiles', 'unparsed']);
  const names = out.profiles.map((p) => p.profile);
  assert.deepEqual(names, [...new Set(names)].sort((a, b) => a.localeCompare(b)));
  assert.ok(names.includes('/usr/sbin/apache2//example.org'));
  for (const p of out.profiles) {
    assert.deepEqual(Object.keys(p), ['profile', 'rules']);
    assert.equal(new Set(p.rules).size, p.rules.length);
    for (const rule of p.rules) assert.match(rule, /,$/);
  }
  assert.deepEqual(out.profiles.find((p) => p.profile === '/usr/sbin/chronyd')!.rules,
    ['capability net_bind_service,', 'capability setgid,', 'capability sys_resource,', 'capability sys_time,']);
});

test('--denials text groups the rules under their profile, with counts and a summary', () => {
  const r = run(['--denials', fixture('capability-syslog.log')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, [
    '/usr/sbin/chronyd:',
    '  capability net_bind_service,  # 1× capable',
    '  capability setgid,  # 1× capable',
    '  capability sys_resource,  # 1× capable',
    '  capability sys_time,  # 2× capable',
    '/usr/sbin/chronyd//chronyc:',
    '  capability net_admin,  # 1× capable',
    '5 rules for 2 profiles from 6 records; 0 lines could not be read.',
    '',
  ].join('\n'));
});

test('--denials reads standard input, and --literal keeps paths as logged', () => {
  const text = fs.readFileSync(fixture('file-dmesg.log'), 'utf8');
  const general = JSON.parse(run(['--denials', '--format', 'json', '-'], text).stdout) as DenialsJson;
  const literal = JSON.parse(run(['--denials', '--literal', '--format', 'json', '-'], text).stdout) as DenialsJson;
  assert.ok(general.profiles[0]!.rules.includes('owner @{PROC}/@{pid}/mountinfo r,'));
  assert.ok(literal.profiles[0]!.rules.includes('owner /proc/2311/mountinfo r,'));
  assert.ok(literal.profiles[0]!.rules.every((rule) => !rule.includes('@{')));
});

test('--denials=FILE works too; text notes what no rule can fix', () => {
  const r = run([`--denials=${fixture('modes-and-noise.log')}`]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /# no rule for line 17 \(open\): "dev\/pts\/0" is not an absolute path/);
  assert.match(r.stdout, /3 rules for 1 profile from 10 records; 2 lines could not be read\.\n$/);
});

test('--denials: exit 2 for unreadable input or bad usage', () => {
  const missing = run(['--denials', '/no/such/log']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read \/no\/such\/log: no such file or directory$/m);
  assert.equal(run(['--denials', FIXTURES]).code, 2);
  assert.equal(run(['--denials']).code, 2);
  assert.match(run(['--denials', '--format', 'gcc', fixture('dbus.log')]).stderr, /--denials prints text or json/);
});

test('--help shows every synopsis', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /apparmor-lint --denials \[--literal\] \[--profiles PATH\]\.\.\. \[--format text\|json\] LOG\.\.\./);
  assert.match(r.stdout, /--query FILE \[--profile NAME\] \[--format text\|json\] ACCESS\.\.\./);
  assert.match(r.stdout, /--test FILE\.\.\./);
});
