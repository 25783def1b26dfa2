import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { evaluate, loadPolicy, parseAccess, Policy, Verdict } from '../../server/src/service/evaluate';
import { memoryFs } from '../support/helpers';

const ROOT = '/pol';
const TUNABLES = '@{HOMEDIRS}=/home/\n@{HOME}=@{HOMEDIRS}/*/ /root/\n@{PROC}=/proc/\n';

function policyOf(body: string, options: { abi?: string; extra?: Record<string, string>; profile?: string; head?: string } = {}): Policy {
  const files = { [`${ROOT}/tunables/global`]: TUNABLES, ...(options.extra ?? {}) };
  const analyzer = new Analyzer({ fs: memoryFs(files), includeDirs: [ROOT] });
  const abi = options.abi === undefined ? 'abi <abi/3.0>,\n' : options.abi === '' ? '' : `abi <abi/${options.abi}>,\n`;
  const text = `${abi}include <tunables/global>\n${options.head ?? ''}profile p /usr/bin/p {\n${body}\n}\n`;
  return loadPolicy(analyzer, { path: `${ROOT}/p`, text }, options.profile);
}

function ask(policy: Policy, access: string): Verdict {
  return evaluate(policy, parseAccess(access).access);
}

function verdicts(policy: Policy, accesses: readonly string[]): string[] {
  return accesses.map((a) => `${a} => ${ask(policy, a).verdict}`);
}

function expectAll(policy: Policy, want: Record<string, Verdict['verdict']>): void {
  const accesses = Object.keys(want);
  assert.deepEqual(verdicts(policy, accesses), accesses.map((a) => `${a} => ${want[a]}`));
}

test('every glob form decides file access as apparmor_parser compiles it', () => {
  const p = policyOf([
    '/a/* r,', '/b/** r,', '/c/? r,', '/d/[ab] r,', '/e/[^ab] r,', '/f/{x,y{1,2}} r,', '@{HOME}.cfg r,', '/g/\\* r,',
  ].join('\n'));
  expectAll(p, {
    'r /a/x': 'allowed', 'r /a/x/y': 'denied', 'r /b/x/y/z': 'allowed', 'r /c/1': 'allowed', 'r /c/12': 'denied',
    'r /d/a': 'allowed', 'r /d/c': 'denied', 'r /e/c': 'allowed', 'r /e/a': 'denied',
    'r /f/x': 'allowed', 'r /f/y2': 'allowed', 'r /f/y3': 'denied', 'r /home/alice/.cfg': 'allowed', 'r /root/.cfg': 'allowed',
    'r /g/\\*': 'allowed', 'r /g/z': 'denied',
  });
});

test('deny wins whatever the order; w holds append, deny w takes append too', () => {
  const p = policyOf('deny /etc/shadow w,\n/etc/** rw,\n/var/log/x w,\n/var/log/y a,');
  expectAll(p, { 'r /etc/shadow': 'allowed', 'w /etc/shadow': 'denied', 'a /etc/shadow': 'denied', 'a /var/log/x': 'allowed', 'w /var/log/y': 'denied' });
  const v = ask(p, 'w /etc/shadow');
  assert.equal(v.reason, 'deny-rule');
  assert.equal(v.audit, false, 'a plain deny rule denies quietly');
  assert.deepEqual(v.rules.map((r) => [r.deny, p.rangeOf(r).start.line]), [[true, 3]]);
});

test('audit marks allowed and denied accesses the kernel logs', () => {
  const p = policyOf('audit /etc/a r,\naudit deny /etc/b r,\n/etc/c r,');
  assert.deepEqual([ask(p, 'r /etc/a'), ask(p, 'r /etc/b'), ask(p, 'r /etc/c'), ask(p, 'r /etc/d')].map((v) => [v.verdict, v.audit]),
    [['allowed', true], ['denied', true], ['allowed', false], ['denied', true]]);
});

test('owner rules allow only one\'s own files, and say so', () => {
  const p = policyOf('owner @{HOME}.config/** rw,');
  assert.equal(ask(p, 'owner w /home/alice/.config/app/x').verdict, 'allowed');
  const v = ask(p, 'w /home/alice/.config/app/x');
  assert.deepEqual([v.verdict, v.reason], ['denied', 'owner-needed']);
});

test('exec: ix and ux run, cx needs a child, px a profile, fallbacks rescue', () => {
  const p = policyOf([
    '/bin/i ix,', '/bin/u ux,', '/bin/c cx,', '/bin/nochild cx,', '/bin/named cx -> kid,', '/bin/px px,', '/bin/pix pix,',
    '/bin/peer Px,', '/bin/* ix,', '/bin/lit ux,', '/bin/lit2 r,', 'profile /bin/c { }', 'profile kid { }',
  ].join('\n'), { head: 'profile peer /bin/peer { }\n', profile: 'p' });
  expectAll(p, {
    'x /bin/i': 'allowed', 'x /bin/u': 'allowed', 'x /bin/c': 'allowed', 'x /bin/nochild': 'denied', 'x /bin/named': 'allowed',
    'x /bin/px': 'unknown', 'x /bin/pix': 'allowed', 'x /bin/peer': 'allowed', 'x /bin/lit': 'allowed', 'x /bin/lit2': 'allowed', 'x /usr/bin/q': 'denied',
  });
  assert.equal(ask(p, 'x /bin/nochild').reason, 'exec-no-transition');
  assert.equal(ask(p, 'x /bin/px').reason, 'exec-target-unknown');
  assert.match(ask(p, 'x /bin/lit').message, /unconfined/, 'a literal rule overrides the glob');
});

test('hats and child profiles are evaluated on their own rules', () => {
  const p = policyOf('/etc/a r,\n^h {\n  /etc/b r,\n}\nprofile c {\n /etc/c r,\n}', { profile: 'p//h' });
  expectAll(p, { 'r /etc/a': 'denied', 'r /etc/b': 'allowed' });
});

test('rules in includes are reported at their own file and line', () => {
  const p = policyOf('include <abstractions/x>\n', { extra: { [`${ROOT}/abstractions/x`]: '# x\n  deny /etc/secret r,\n' } });
  const v = ask(p, 'r /etc/secret');
  assert.equal(v.verdict, 'denied');
  assert.equal(v.rules[0]!.file, `${ROOT}/abstractions/x`);
  assert.deepEqual(p.rangeOf(v.rules[0]!).start, { line: 1, character: 2 });
});

test('variables expand to every value, += across includes', () => {
  const p = policyOf('@{DIRS}/x r,', {
    head: '', extra: { [`${ROOT}/tunables/global`]: `${TUNABLES}@{DIRS}=/a\ninclude <tunables/more>\n`, [`${ROOT}/tunables/more`]: '@{DIRS}+=/b\n' },
  });
  expectAll(p, { 'r /a/x': 'allowed', 'r /b/x': 'allowed', 'r /c/x': 'denied' });
  const q = policyOf('@{NOPE}/x r,');
  assert.equal(ask(q, 'r /c/x').verdict, 'unknown', 'a rule with an unknown variable may or may not match');
});

test('links: l on the new name, the pair with the target, and a target with at least the link\'s permissions', () => {
  const p = policyOf('/tmp/l* l,\n/srv/a rl,\n/srv/b r,\nlink /srv/x -> /srv/y,\n/tmp/m* l -> /tmp/t*,\ndeny /tmp/ld l,');
  expectAll(p, {
    'link /tmp/l1 -> /etc/shadow': 'allowed', 'link /srv/a -> /srv/b': 'allowed', 'owner link /srv/a -> /srv/c': 'denied',
    // The kernel applies the subset test to one's own files only.
    'link /srv/a -> /srv/c': 'allowed',
    'link /srv/x -> /srv/y': 'allowed', 'link /srv/x -> /srv/z': 'denied', 'link /tmp/ld -> /tmp/t1': 'denied',
    // A file rule's `->` names an exec target, not a link target: the kernel lets it link anywhere.
    'link /tmp/m1 -> /etc/shadow': 'allowed',
  });
  assert.match(ask(p, 'owner link /srv/a -> /srv/c').message, /would have r, which \/srv\/c does not/);
  assert.equal(ask(p, 'link /tmp/ld -> /tmp/t1').reason, 'deny-rule');
});

test('capability, network coarse and fine, signal, ptrace, dbus, mount, change_profile', () => {
  const p = policyOf([
    'capability net_admin,', 'deny capability sys_admin,', 'network inet stream,', 'deny network raw,',
    'signal (send) set=(term, hup) peer=unconfined,', 'ptrace read peer=foo,', 'dbus send bus=session path=/org/x interface=org.x member=Ping,',
    'mount fstype=ext4 /dev/sda1 -> /mnt/,', 'change_profile -> other,',
  ].join('\n'));
  expectAll(p, {
    'capability net_admin': 'allowed', 'capability sys_admin': 'denied', 'capability chown': 'denied',
    'network inet stream': 'allowed', 'network inet dgram': 'denied', 'network inet raw': 'denied',
    'signal send set=term peer=unconfined': 'allowed', 'signal send set=kill peer=unconfined': 'denied', 'signal receive set=term peer=unconfined': 'denied',
    'ptrace read peer=foo': 'allowed', 'ptrace trace peer=foo': 'denied',
    'dbus send bus=session path=/org/x interface=org.x member=Ping': 'allowed', 'dbus send bus=system path=/org/x interface=org.x member=Ping': 'denied',
    'mount fstype=ext4 /dev/sda1 -> /mnt/': 'allowed', 'mount fstype=xfs /dev/sda1 -> /mnt/': 'denied',
    'change_profile -> other': 'allowed', 'change_profile -> else': 'denied',
  });
  const fine = policyOf('network inet stream ip=10.0.0.1 port=80,', { abi: '4.0' });
  expectAll(fine, { 'network connect inet stream ip=10.0.0.1 port=80': 'allowed', 'network connect inet stream ip=10.0.0.2 port=80': 'denied' });
});

test('unix sockets: network unix rules under abi 3.0, unix rules under 4.0, unknown without an abi', () => {
  const body = 'unix (connect) type=stream addr=@sock,';
  expectAll(policyOf(body, { abi: '4.0' }), { 'unix connect type=stream addr=@sock': 'allowed', 'unix connect type=stream addr=@other': 'denied' });
  // apparmor_parser downgrades the rule to `network unix stream` under 3.0: the address no longer counts.
  expectAll(policyOf(body, { abi: '3.0' }), { 'unix connect type=stream addr=@other': 'allowed', 'unix connect type=dgram addr=@other': 'denied' });
  expectAll(policyOf('network unix,', { abi: '3.0' }), { 'unix connect type=stream addr=@x': 'allowed' });
  const v = ask(policyOf(body, { abi: '' }), 'unix connect type=stream addr=@other');
  assert.deepEqual([v.verdict, v.reason], ['unknown', 'abi-unknown']);
});

test('classes an ABI does not mediate are allowed with that reason', () => {
  const v = ask(policyOf('', { abi: '3.0' }), 'userns create');
  assert.deepEqual([v.verdict, v.reason], ['allowed', 'not-mediated']);
  assert.equal(ask(policyOf('', { abi: '4.0' }), 'userns create').verdict, 'denied');
});

test('an access that is not one is refused with what is wrong', () => {
  for (const bad of ['', 'r /etc/*', 'bogus words here', 'rlimit nofile <= 10', 'deny r /etc/x', 'r /a, r /b']) {
    assert.throws(() => parseAccess(bad), /access|rlimit|allow|one/, bad);
  }
});
