import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { severityOf } from '../../server/src/service/diagnosticRules';
import { generalisePath, parseLog, ProposeOptions, proposeRules } from '../../server/src/service/logs';
import { analyzerFor } from '../support/denials';

const line = (fields: string): string => `audit: type=1400 audit(1700000000.1:1): apparmor="DENIED" ${fields}`;

function rulesFor(lines: string[], options?: ProposeOptions): Record<string, string[]> {
  const { profiles } = proposeRules(parseLog(lines.join('\n')).records, options);
  return Object.fromEntries(profiles.map((p) => [p.profile, p.rules.map((r) => r.text)]));
}

function accepted(rules: string[], abi = '3.0'): string[] {
  const text = `include <tunables/global>\nprofile other { }\nprofile p {\n  ${rules.join('\n  ')}\n  profile child { }\n}\n`;
  return analyzerFor(abi).analyze('/work/p', text, false).problems.filter((p) => severityOf(p.code) === 'error').map((p) => p.code);
}

const EXEC = line('operation="exec" class="file" profile="p" name="/usr/bin/helper" requested_mask="x" denied_mask="x" fsuid=0 ouid=0');

test('exec: ix by default; Px and Cx name the target the log gives', () => {
  assert.deepEqual(rulesFor([EXEC]), { p: ['/usr/bin/helper ix,'] });
  const toOther = EXEC.replace('fsuid=0', 'target="other" fsuid=0');
  assert.deepEqual(rulesFor([toOther], { execMode: 'Px' }), { p: ['/usr/bin/helper Px -> other,'] });
  assert.deepEqual(rulesFor([EXEC.replace('fsuid=0', 'target="p//child" fsuid=0')], { execMode: 'Cx' }), { p: ['/usr/bin/helper Cx -> child,'] });
  assert.deepEqual(rulesFor([EXEC.replace('fsuid=0', 'target="p//null-/usr/bin/helper" fsuid=0')], { execMode: 'Px' }), { p: ['/usr/bin/helper Px,'] });
  for (const mode of ['ix', 'Px', 'Cx', 'pix', 'Cux']) assert.deepEqual(accepted(rulesFor([toOther], { execMode: mode })['p']!), [], mode);
});

test('each rule comes with its deny form; exec is refused with a bare x', () => {
  const { profiles } = proposeRules(parseLog([EXEC, line('operation="capable" profile="p" capname="chown"')].join('\n')).records);
  assert.deepEqual(profiles[0]!.rules.map((r) => r.deny), ['deny capability chown,', 'deny /usr/bin/helper x,']);
  assert.deepEqual(accepted(profiles[0]!.rules.map((r) => r.deny)), []);
});

test('owner only when the user owns the file, and only while every merged access had it', () => {
  const open = (uid: string, owner: string, mask: string): string =>
    line(`operation="open" profile="p" name="/home/bob/notes.txt" requested_mask="${mask}" denied_mask="${mask}" fsuid=${uid} ouid=${owner}`);
  assert.deepEqual(rulesFor([open('1000', '1000', 'r')]), { p: ['owner @{HOME}/notes.txt r,'] });
  assert.deepEqual(rulesFor([open('1000', '1000', 'r'), open('1000', '0', 'w')]), { p: ['@{HOME}/notes.txt rw,'] });
  assert.deepEqual(rulesFor([open('0', '0', 'r')]), { p: ['@{HOME}/notes.txt r,'] });
});

test('generalised rules merge accesses whose literal forms stay listed', () => {
  const status = (pid: string): string => line(`operation="open" profile="p" name="/proc/${pid}/status" requested_mask="r" denied_mask="r" fsuid=0 ouid=1`);
  const [rule] = proposeRules(parseLog([status('12'), status('345')].join('\n')).records).profiles[0]!.rules;
  assert.equal(rule!.text, '@{PROC}/@{pid}/status r,');
  assert.deepEqual(rule!.literals, ['/proc/12/status r,', '/proc/345/status r,']);
  assert.deepEqual(rule!.variables, ['PROC', 'pid']);
  assert.equal(rule!.count, 2);
});

test('paths are generalised only where a tunable clearly applies', () => {
  const cases: [string, string][] = [
    ['/home/alice/.config/x', '@{HOME}/.config/x'],
    ['/root/.bashrc', '@{HOME}/.bashrc'],
    ['/home/alice', '/home/alice'],
    ['/proc/1234/fd/', '@{PROC}/@{pid}/fd/'],
    ['/proc/1/task/77/stat', '@{PROC}/@{pid}/task/@{tid}/stat'],
    ['/proc/0/x', '@{PROC}/0/x'],
    ['/proc/self/maps', '@{PROC}/self/maps'],
    ['/run/user/1000/bus', '@{run}/user/@{uid}/bus'],
    ['/var/run/user/0', '@{run}/user/@{uid}'],
    ['/run/lock/x', '/run/lock/x'],
    ['/srv/a*b', '/srv/a\\*b'],
  ];
  assert.deepEqual(cases.map(([p]) => generalisePath(p).glob), cases.map(([, g]) => g));
});

test('fine-grained network (4.0): a client names its peer, a server its own address', () => {
  const net = (op: string, perm: string): string => line(`operation="${op}" class="net" profile="p" family="inet" sock_type="stream" protocol=6 requested="${perm}" denied="${perm}" saddr=10.0.0.2 src=8080 daddr=10.0.0.9 dest=5432`);
  const rules = rulesFor([net('connect', 'connect'), net('bind', 'bind')], { fineNetwork: true })['p']!;
  assert.deepEqual(rules, ['network bind inet stream ip=10.0.0.2 port=8080,', 'network connect inet stream peer=(ip=10.0.0.9 port=5432),']);
  assert.deepEqual(accepted(rules, '4.0'), []);
  assert.deepEqual(rulesFor([net('connect', 'connect')]), { p: ['network inet stream,'] });
});

test('a capability the kernel checked only as optional is not proposed', () => {
  // io_uring's set-up asks for ipc_lock so; in enforce mode the check fails silently and
  // io_uring works without it (seen on Debian's 6.12 kernel).
  const optional = 'operation="capable" profile="p" capability=14 capname="ipc_lock" info="optional: no audit"';
  const { profiles, skipped } = proposeRules(parseLog([line(optional).replace('DENIED', 'ALLOWED')].join('\n')).records);
  assert.deepEqual(profiles, []);
  assert.deepEqual(skipped.map((s) => s.reason), [
    'the kernel asked for capability ipc_lock only as an optional check ("optional: no audit"): enforce mode refuses it silently and the program carries on without it, so no rule is proposed',
  ]);
  assert.deepEqual(rulesFor([line('operation="capable" profile="p" capability=14 capname="ipc_lock"')]), { p: ['capability ipc_lock,'] });
});

test('denials no rule can fix are reported with a reason; other modes are not proposed', () => {
  const { profiles, skipped } = proposeRules(parseLog([
    line('operation="open" profile="p//&q" name="/x" requested_mask="r"'),
    line('operation="open" profile="unconfined" name="/x" requested_mask="r"'),
    line('operation="create" class="net" profile="p" family="martian" sock_type="stream"'),
    line('operation="signal" profile="p" requested_mask="frobnicate" signal=term peer="q"'),
    line('operation="capable" profile="p" capability=99'),
    line('operation="teleport" profile="p"'),
    line('operation="open" profile="p" name="/x"'),
    line('operation="open" profile="p" name="/x" requested_mask="r"').replace('DENIED', 'AUDIT'),
  ].join('\n')).records);
  assert.deepEqual(profiles, []);
  assert.deepEqual(skipped.map((s) => s.reason), [
    '"p//&q" is a stack of profiles: add the rule to the profile that denied it',
    'the process was unconfined: there is no profile to add a rule to',
    'unknown network family "martian"',
    'unknown permission "frobnicate"',
    'unknown capability 99',
    'no rule class known for operation "teleport"',
    'the record asks for no file permission',
  ]);
});

test('a null profile\'s denials go to its parent; a change_hat asks for the hat', () => {
  const { profiles } = proposeRules(parseLog([
    line('operation="open" profile="p//null-/usr/bin/curl" name="/etc/hosts" requested_mask="r"'),
    line('operation="change_hat" info="hat not found" error=-2 profile="p" name="^admin"'),
  ].join('\n')).records);
  assert.deepEqual(profiles.map((p) => [p.profile, p.hat, p.rules.map((r) => r.text), p.count]), [
    ['p', false, ['/etc/hosts r,'], 1],
    ['p//admin', true, [], 1],
  ]);
});

/** Logged by Debian bookworm's 6.1 kernel in the kernel tests' VM (test/kernel/). */
const KERNEL_WRITE = line('operation="open" profile="aak-probe" name="/srv/f/both" pid=206 comm="probe" requested_mask="w" denied_mask="w" fsuid=0 ouid=0');
const KERNEL_APPEND = line('operation="open" profile="aak-probe" name="/srv/f/both" pid=208 comm="probe" requested_mask="a" denied_mask="a" fsuid=0 ouid=0');
const KERNEL_PX_MISSING = line('operation="exec" info="profile transition not found" error=-13 profile="aak-probe" name="/opt/t/child" pid=252 comm="probe" requested_mask="x" denied_mask="x" fsuid=0 ouid=0 target="/opt/t/child"');

test('a denied write and a denied append to one file give w, which apparmor_parser accepts (not wa)', () => {
  assert.deepEqual(rulesFor([KERNEL_WRITE, KERNEL_APPEND]), { 'aak-probe': ['/srv/f/both w,'] });
  assert.deepEqual(rulesFor([KERNEL_APPEND, KERNEL_WRITE], { generalise: false }), { 'aak-probe': ['/srv/f/both w,'] });
  const { profiles } = proposeRules(parseLog([KERNEL_WRITE, KERNEL_APPEND].join('\n')).records);
  assert.deepEqual(profiles[0]!.rules.map((r) => [r.deny, r.literals]), [['deny /srv/f/both w,', ['/srv/f/both w,']]]);
  assert.deepEqual(accepted(rulesFor([KERNEL_WRITE, KERNEL_APPEND])['aak-probe']!), []);
});

test('an exec denied for want of the target profile (px to a profile not loaded) proposes no conflicting ix', () => {
  const { profiles, skipped } = proposeRules(parseLog(KERNEL_PX_MISSING).records);
  assert.deepEqual(profiles, []);
  assert.match(skipped[0]!.reason, /already runs \/opt\/t\/child with a transition to a profile that is not loaded/);
});
