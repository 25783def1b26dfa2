import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { type DiagnosticCode, formatMessage, severityOf } from '../../server/src/service/diagnosticRules';
import { Analyzer } from '../../server/src/service/analyze';
import { check, describe, errorsOf, marked, memoryFs } from '../support/helpers';

/** Each snippet has exactly one problem, of this code, exactly at ⟦…⟧. */
const INVALID: [DiagnosticCode, string][] = [
  ['missing-comma', 'profile p {\n  /a ⟦r⟧\n  /b r,\n}'],
  ['missing-comma', 'profile p {\n  capability ⟦chown⟧\n}'],
  ['missing-comma', 'profile p {\n  owner /tmp/x ⟦rw⟧\n\n  include if exists <local/x>\n}'],
  ['missing-comma', 'profile p {\n  dbus send\n     bus=session\n     ⟦path=/a⟧\n  /b r,\n}'],
  ['missing-comma', 'profile p { /a ⟦r⟧ }'],
  ['stray-comma', 'profile p { /a r, ⟦,⟧ }'],
  ['unexpected-token', 'profile p { /a r ⟦w⟧, }'],
  ['unknown-keyword', 'profile p { ⟦capabilty⟧ chown, }'],
  ['unmatched-brace', 'profile p { }\n⟦}⟧'],
  ['unclosed-brace', 'profile p ⟦{⟧\n  /a r,\n'],
  ['brace-needs-space', 'profile ⟦p{⟧ }'],
  ['rule-outside-profile', 'profile p { }\n⟦/a r,⟧'],
  ['qualifier-order', 'profile p { deny ⟦audit⟧ /a w, }'],
  ['qualifier-order', 'profile p { owner ⟦deny⟧ /a w, }'],
  ['qualifier-repeated', 'profile p { deny ⟦allow⟧ /a w, }'],
  ['qualifier-on-profile', 'profile p { ⟦owner⟧ profile c { } }'],
  ['assignment-in-profile', 'profile p {\n ⟦@{V}=/a⟧\n}'],
  ['include-comma', 'profile p {\n include <abstractions/base>⟦,⟧\n}'],
  ['variable-trailing-comma', '@{V}=⟦/a,⟧\nprofile p { @{V} r, }'],
  ['variable-no-value', '⟦@{V}=⟧\nprofile p { }'],
  ['variable-redeclared', '@{V}=/a\n@{⟦V⟧}=/b\nprofile p { @{V} r, }'],
  ['variable-append-undeclared', '@{⟦V⟧}+=/b\nprofile p { @{V} r, }'],
  ['variable-undefined', 'profile p { ⟦@{NOPE}⟧ r, }'],
  ['bool-undefined', 'profile p { if ⟦${NOPE}⟧ { } }'],
  ['unknown-capability', 'profile p { capability ⟦net_admn⟧, }'],
  ['owner-not-allowed', 'profile p { ⟦owner⟧ capability chown, }'],
  ['unknown-network-word', 'profile p { network ⟦inet7⟧, }'],
  ['network-order', 'profile p { network stream ⟦inet⟧, }'],
  ['unknown-signal', 'profile p { signal set=(⟦hupp⟧), }'],
  ['unknown-signal', 'profile p { signal set=(⟦rtmin+33⟧), }'],
  ['unknown-flag', 'profile p flags=(⟦complian⟧) { }'],
  ['conflicting-flags', 'profile p flags=(complain,⟦enforce⟧) { }'],
  ['conflicting-flags', 'profile p flags=(⟦attach_disconnected⟧,no_attach_disconnected) { }'],
  ['flag-value', 'profile p flags=(⟦kill.signal=nosuch⟧) { }'],
  ['unknown-rlimit', 'profile p { set rlimit ⟦nofiles⟧ <= 10, }'],
  ['invalid-rlimit-value', 'profile p { set rlimit nice <= ⟦-21⟧, }'],
  ['invalid-rlimit-value', 'profile p { set rlimit data <= ⟦100X⟧, }'],
  ['rule-no-qualifiers', 'profile p { ⟦audit⟧ set rlimit nofile <= 10, }'],
  ['mount-bad-option', 'profile p { mount options=(⟦foo⟧) -> /m/, }'],
  ['invalid-permission', 'profile p { /a r⟦q⟧, }'],
  ['write-and-append', 'profile p { /a ⟦wa⟧, }'],
  ['multiple-exec-modes', 'profile p { /a ⟦ixpx⟧, }'],
  ['bare-x', 'profile p { /a ⟦x⟧, }'],
  ['deny-exec-mode', 'profile p { deny /a ⟦px⟧, }'],
  ['unsafe-without-exec', 'profile p { ⟦unsafe⟧ /a r, }'],
  ['dbus-perm-conflict', 'profile p { dbus ⟦send⟧ name=org.foo, }'],
  ['dbus-perm-conflict', 'profile p { dbus ⟦bind⟧ path=/a, }'],
  ['dbus-perm-conflict', 'profile p { dbus ⟦eavesdrop⟧ path=/a, }'],
  ['unknown-permission', 'profile p { dbus (⟦sned⟧), }'],
  ['unknown-conditional', 'profile p { dbus send ⟦bsu⟧=session, }'],
  ['unix-addr', 'profile p { unix (send) addr=⟦foo⟧, }'],
  ['priority-range', 'profile p { priority=⟦1001⟧ /a r, }'],
  ['change-profile-safe', 'profile p { change_profile ⟦safe⟧ -> foo, }'],
  ['profile-name-form', '⟦foo⟧ { }'],
  ['path-not-absolute', 'profile p { link ⟦a/b⟧ -> /c, }'],
  ['exec-conflict', 'profile p {\n /bin/a Px -> x,\n ⟦/bin/a Cx -> y,⟧\n}'],
  ['include-not-found', 'profile p {\n ⟦include <abstractions/nosuch>⟧\n}'],
  ['else-without-if', 'profile p { ⟦else⟧ { } }'],
  ['unclosed-paren', 'profile p { signal set=⟦(⟧hup, }'],
  ['unterminated-string', 'profile p { ⟦"/a r,⟧\n}'],
  // Found by holding our verdicts against apparmor_parser 4.1 (test/unit/abi4.test.ts).
  ['owner-not-allowed', 'profile p { ⟦owner⟧ network inet, }'],
  ['owner-not-allowed', 'profile p { audit ⟦user⟧ mount, }'],
  ['priority-not-allowed', 'profile p { ⟦priority=5⟧ network inet, }'],
  ['socket-peer-perm', 'profile p { network (connect, ⟦bind⟧) peer=(ip=::1), }'],
  ['socket-peer-perm', 'profile p { unix ⟦create⟧ peer=(label=foo), }'],
  ['network-bad-ip', 'profile p { network ip=⟦10.0.0.0/8⟧, }'],
  ['network-bad-port', 'profile p { network peer=(port=⟦80-70⟧), }'],
  ['network-conds-family', 'profile p { network ⟦unix⟧ stream ip=1.2.3.4, }'],
  ['mqueue-type', 'profile p { mqueue type=⟦bogus⟧ /q, }'],
  ['mqueue-name', '@{Q}=/q\nprofile p { mqueue ⟦@{Q}⟧, }'],
  ['userns-perm-list', 'profile p { userns (⟦create⟧), }'],
  ['mount-conflicting-options', 'profile p { mount options=(ro, ⟦rw⟧) /a -> /b, }'],
  // Issue 14: shapes where we once differed from apparmor_parser 3.0.8 and 4.1.
  ['child-profile-keyword', 'profile p {\n  ⟦/usr/bin/c⟧ flags=(complain, audit) {\n  }\n}'],
  ['header-order', 'profile p /x flags=(complain) ⟦xattrs⟧=(user.a=1) { }'],
  ['invalid-permission', 'profile p { /a ⟦foo⟧, }'],
  ['unexpected-token', 'profile p { /srv/my ⟦files/**⟧ rw, }'],
  ['unexpected-char', 'profile p { /var/⟦!⟧lib/x rw, }'],
  ['flags-empty', 'profile p ⟦flags=()⟧ { }'],
  ['namespace-form', 'profile ⟦::p⟧ { }'],
  ['namespace-form', 'profile ⟦:ns⟧ { }'],
  ['network-type-and-protocol', 'profile p { network inet stream ⟦tcp⟧, }'],
  ['conditional-repeated', 'profile p { dbus send bus=session ⟦bus⟧=system, }'],
  ['conditional-list', 'profile p { dbus send ⟦bus⟧=(session system), }'],
  // peer=( … ): one group, last, each conditional once and one value (3.0.8 and 4.1).
  ['peer-group-last', 'profile p { unix peer=(label=a) ⟦addr⟧=@x, }'],
  ['peer-group-last', 'profile p { network peer=(ip=::1) ⟦ip⟧=::2, }'],
  ['peer-group-needed', 'profile p { unix ⟦peer⟧=a, }'],
  ['conditional-repeated', 'profile p { unix peer=(label=a) ⟦peer⟧=(addr=@b), }'],
  ['conditional-repeated', 'profile p { unix peer=(label=a ⟦label⟧=b), }'],
  ['conditional-repeated', 'profile p { dbus send path=/a peer=(⟦path⟧=/b), }'],
  ['conditional-list', 'profile p { unix peer=(⟦addr⟧=(@a @b)), }'],
  ['conditional-list', 'profile p { dbus peer=(⟦name⟧=(a b)), }'],
  ['conditional-list', 'profile p { unix ⟦type⟧=(stream dgram), }'],
  ['unknown-conditional', 'profile p { unix ⟦label⟧=a, }'],
  ['unknown-conditional', 'profile p { unix ⟦protocol⟧=0, }'],
  ['bool-redeclared', '${B}=true\n${⟦B⟧}=false\nprofile p { }'],
  ['duplicate-profile', 'profile p { ^h { }\n ^⟦h⟧ { } }'],
];

for (const [code, src] of INVALID) {
  test(`${code}: ${src.replace(/\n/g, '⏎').slice(0, 60)}`, () => {
    const { text, start, end } = marked(src);
    const problems = errorsOf(check(text, { files: { '/etc/apparmor.d/abstractions/base': '' } }));
    assert.equal(problems.length >= 1, true, 'expected a problem');
    const p = problems[0]!;
    assert.equal(`${p.code} ${p.start}-${p.end}`, `${code} ${start}-${end}`, describe(problems, text));
    // Every placeholder is filled; literal variables such as @{HOME} are upper case.
    assert.doesNotMatch(formatMessage(p.code, p.args), /\{[a-z]+\}/);
    if (!['unclosed-brace', 'unterminated-string'].includes(code)) assert.equal(problems.length, 1, describe(problems, text));
  });
}

test('messages read as sentences with the did-you-mean filled in', () => {
  const problems = check('profile p { capability net_admn, }');
  const p = problems[0]!;
  const msg = formatMessage(p.code, p.args);
  assert.equal(msg, "Unknown capability 'net_admn'. Did you mean 'net_admin'?");
  assert.equal(severityOf(p.code), 'error');
  assert.doesNotMatch(formatMessage('variable-undefined', { name: 'X', hint: '' }), /\{(name|hint)\}/);
  assert.equal(formatMessage('variable-undefined', { name: 'X', hint: '' }), '@{X} is never defined.');
});

test('kernel spellings get a pointed hint', () => {
  const msgs = check('profile p { capability CAP_NET_ADMIN, signal set=(SIGTERM), }').map((p) => formatMessage(p.code, p.args));
  assert.deepEqual(msgs, [
    "Unknown capability 'CAP_NET_ADMIN'. Write 'net_admin': lower case, without CAP_.",
    "Unknown signal 'SIGTERM'. Write 'term': lower case, without SIG.",
  ]);
});

test('newer-than-abi names the version that introduced the construct', () => {
  const problems = check('abi <abi/3.0>,\nprofile p { userns, priority=1 /a r, network inet interface=eth0, }');
  const got = problems.filter((p) => p.code === 'newer-than-abi').map((p) => p.args['since']);
  assert.deepEqual(got, ['4.0', '4.1', '5.0']);
  assert.deepEqual(check('abi <abi/4.0>,\nprofile p { userns, }').filter((p) => p.code === 'newer-than-abi'), []);
  assert.equal(check('profile p { userns, }', { abi: '3.0' }).filter((p) => p.code === 'newer-than-abi').length, 1);
  // apparmor_parser 4.1 knows neither peer=(label=…) nor the attachment built-ins.
  const later = check('profile p /usr/bin/p { network send peer=(label=foo), @{exec_path} r, }', { abi: '4.1' });
  assert.deepEqual(later.filter((p) => p.code === 'newer-than-abi').map((p) => p.args['what']), ['network label=', 'The built-in variable @{exec_path}']);
});

test('a rule repeated with other blanks is the same rule; one with other words is not', () => {
  const dupes = (body: string): number => {
    const analyzer = new Analyzer({ fs: memoryFs({}), includeDirs: [] });
    return analyzer.analyze('/work/profile', `abi <abi/3.0>,\nprofile p {\n${body}\n}\n`).problems.filter((p) => p.code === 'duplicate-rule').length;
  };
  assert.equal(dupes('  /a r,\n  /a\tr,\n  /a  r,\n  /a\n    r,'), 3);
  assert.equal(dupes('  /a r,\n  /a w,\n  /a\u00a0r,'), 0);
  assert.equal(dupes('  dbus send bus=session,\n  dbus  send\tbus=session ,'), 0);
  assert.equal(dupes('  dbus send bus=session,\n  dbus  send\tbus=session,'), 1);
});

test('repeated rules and exec conflicts name the line of the first one, also in a large file', () => {
  const rules = Array.from({ length: 3000 }, (_, i) => `  /srv/f${i % 1000} r,`);
  const text = `abi <abi/3.0>,\nprofile p {\n${rules.join('\n')}\n  /bin/a Px,\n  /bin/a Cx,\n}\n`;
  const problems = new Analyzer({ fs: memoryFs({}), includeDirs: [] }).analyze('/work/profile', text).problems;
  const dupes = problems.filter((p) => p.code === 'duplicate-rule');
  assert.equal(dupes.length, 2000);
  // Rule i sits on line i + 3; its first copy is rule i % 1000.
  assert.equal(dupes[0]!.args['line'], '3');
  assert.equal(dupes[dupes.length - 1]!.args['line'], String((2999 % 1000) + 3));
  assert.deepEqual(problems.filter((p) => p.code === 'exec-conflict').map((p) => p.args['where']), ['at line 3003']);
});
