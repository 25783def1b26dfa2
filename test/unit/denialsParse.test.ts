import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AuditRecord, parseLog, proposeRules } from '../../server/src/service/logs';
import { assertGrowth } from '../support/cost';
import { pick, rng } from '../support/random';

const BODY = 'apparmor="DENIED" operation="open" class="file" profile="/usr/bin/foo" name="/etc/foo.conf" pid=42 comm="foo" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0';

function only(text: string): AuditRecord {
  const log = parseLog(text);
  assert.equal(log.unparsed, 0, JSON.stringify(log.unparsedLines));
  assert.equal(log.records.length, 1);
  return log.records[0]!;
}

const FORMS: readonly [string, string][] = [
  ['kernel', `audit: type=1400 audit(1700000000.123:77): ${BODY}`],
  ['kernel', BODY],
  ['dmesg', `[ 1234.567890] audit: type=1400 audit(1700000000.123:77): ${BODY}`],
  ['syslog', `Jan 12 13:59:10 host kernel: [ 1157.770000] audit: type=1400 audit(1700000000.123:77): ${BODY}`],
  ['syslog', `Jan  2 03:04:05 host kernel: audit: type=1400 audit(1700000000.123:77): ${BODY}`],
  ['syslog', `kern.notice: [ 1.2] audit: type=1400 audit(1700000000.123:77): ${BODY}`],
  ['iso-syslog', `2013-01-01T15:09:04.562575+01:00 host kernel: audit: type=1400 audit(1700000000.123:77): ${BODY}`],
  ['auditd', `type=AVC msg=audit(1700000000.123:77): ${BODY}`],
  ['auditd', `type=1400 msg=audit(1700000000.123:77): ${BODY}`],
  ['legacy-type', `type=1503 audit(1700000000.123:77): ${BODY.replace('apparmor="DENIED" ', '')}`],
  ['legacy-type', `type=APPARMOR_DENIED msg=audit(1700000000.123:77): ${BODY.replace('apparmor="DENIED" ', '')}`],
  ['dbus-syslog', `Jul 31 17:10:35 host dbus-daemon[1692]: ${BODY}`],
  ['dbus-syslog', `Jul 31 17:10:35 host dbus[1692]: ${BODY}`],
];

for (const [form, line] of FORMS) {
  test(`reads the ${form} form: ${line.slice(0, 40)}…`, () => {
    const r = only(line);
    assert.equal(r.form, form);
    assert.equal(r.mode, 'DENIED');
    assert.equal(r.operation, 'open');
    assert.equal(r.profile, '/usr/bin/foo');
    assert.equal(r.fields['name'], '/etc/foo.conf');
    if (line.includes('audit(')) assert.deepEqual([r.time, r.serial], [1700000000123, 77]);
  });
}

test('USER_AVC: the record inside msg=\'…\' is read, and its fields win over auditd\'s', () => {
  const r = only(`type=USER_AVC msg=audit(1700000000.5:9): pid=1 uid=102 auid=4294967295 ses=4294967295 subj=unconfined msg='apparmor="DENIED" operation="dbus_bind"  bus="system" name="org.example.Svc" mask="bind" pid=321 label="/usr/bin/svc" exe="/usr/bin/dbus-daemon" sauid=102 hostname=? addr=? terminal=?'\x1dUID="messagebus"`);
  assert.equal(r.form, 'user-avc');
  assert.equal(r.profile, '/usr/bin/svc');
  assert.deepEqual([r.fields['pid'], r.fields['uid'], r.fields['name'], r.fields['hostname']], ['321', '102', 'org.example.Svc', '?']);
  assert.equal(parseLog('type=USER_AVC msg=audit(1.2:3): pid=1 msg=\'avc:  denied  { send_msg } for scontext=x\'').records.length, 0);
});

test('hex-encoded values are decoded; numbers and other bare values are not', () => {
  const hex = (s: string): string => [...new TextEncoder().encode(s)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
  const r = only(`apparmor="DENIED" operation="open" profile=${hex('my app')} name=${hex('/tmp/a b')} comm=${hex('é ü')} requested_mask="r" signal=term addr=none pid=1234 capability=12`);
  assert.deepEqual([r.profile, r.fields['name'], r.fields['comm']], ['my app', '/tmp/a b', 'é ü']);
  assert.deepEqual([r.fields['signal'], r.fields['addr'], r.fields['pid'], r.fields['capability']], ['term', 'none', '1234', '12']);
  assert.equal(only('apparmor="DENIED" operation="sysv_mqueue" profile="p" name=1234').fields['name'], '1234');
});

test('every apparmor= mode is read; legacy record types give the mode', () => {
  for (const mode of ['DENIED', 'ALLOWED', 'AUDIT', 'STATUS', 'HINT', 'ERROR', 'KILLED', 'AUTO']) {
    assert.equal(only(`audit: type=1400 audit(1.2:3): apparmor="${mode}" operation="open" profile="p"`).mode, mode);
  }
  const legacy: [string, string][] = [['1501', 'AUDIT'], ['1502', 'ALLOWED'], ['1503', 'DENIED'], ['1504', 'HINT'], ['1505', 'STATUS'], ['1506', 'ERROR'], ['APPARMOR_DENIED', 'DENIED']];
  for (const [type, mode] of legacy) assert.equal(only(`type=${type} msg=audit(1.2:3): operation="open" profile="p"`).mode, mode);
});

test('lines without AppArmor records are ignored; damaged ones are counted with their line', () => {
  const text = [
    '[    0.000000] Command line: BOOT_IMAGE=/vmlinuz ro apparmor=1 security=apparmor',
    'type=AVC msg=audit(1.2:3): avc:  denied  { read } for pid=1 comm="cat" tclass=file',
    '',
    `audit: type=1400 audit(1.2:3): ${BODY}`,
    'audit: type=1400 audit(1.2:4): apparmor="DENIED" operation="open" profile="/usr/bin/foo" name="/etc/fo',
    'audit: type=1400 audit(1.2:5): apparmor="DENIED" profile="/usr/bin/foo" name="/etc/x"',
    'random words = and "quotes',
  ].join('\r\n');
  const log = parseLog(text);
  assert.equal(log.records.length, 1);
  assert.equal(log.records[0]!.line, 3);
  assert.equal(log.unparsed, 2);
  assert.deepEqual(log.unparsedLines.map((u) => u.line), [4, 5]);
  assert.ok(!log.unparsedLines[0]!.text.endsWith('\r'));
  assert.deepEqual(parseLog(''), { records: [], unparsed: 0, unparsedLines: [] });
});

test('an ISO timestamp gives the time of a record that has no audit stamp', () => {
  const r = only(`2024-06-10T11:00:02.120044+02:00 host dbus-daemon[1043]: ${BODY}`);
  assert.equal(r.time, Date.parse('2024-06-10T11:00:02.120044+02:00'));
});

test('one event read from both the kernel log and audit.log counts once', () => {
  const log = parseLog(`[ 1.0] audit: type=1400 audit(1700000000.123:77): ${BODY}\ntype=AVC msg=audit(1700000000.123:77): ${BODY}\n`);
  assert.equal(log.records.length, 2);
  assert.equal(proposeRules(log.records).profiles[0]!.rules[0]!.count, 1);
});

const FRAGMENTS = [
  'apparmor=', 'apparmor="DENIED"', 'apparmor="', 'type=USER_AVC', "msg='", "'", 'type=1503', 'type=APPARMOR_DENIED', 'audit(',
  'audit(1.2:3):', '"', '=', ' ', '  ', 'operation="open"', 'profile="/p"', 'name=2F746D70', 'name=', 'requested_mask="rw"',
  'denied="send receive"', 'family="unix"', 'class="net"', 'class="file"', 'capability=99', 'signal=99', '[ 1.2]', 'kernel:',
  'dbus-daemon[1]:', '\t', '\r', '\n', 'ÿ', '\u0000', 'flags="rw, bind"', 'peer=(', 'target=', 'operation="exec"', 'x',
];

test('fuzz: parseLog never throws on 4,000 seeded inputs, and what it reads proposes without throwing', () => {
  const random = rng(20240610);
  let records = 0;
  for (let i = 0; i < 4000; i++) {
    let text = '';
    const n = Math.floor(random() * 30);
    for (let j = 0; j < n; j++) text += random() < 0.85 ? pick(random, FRAGMENTS) : String.fromCharCode(Math.floor(random() * 0x2fff));
    const log = parseLog(text);
    assert.equal(log.unparsed, log.unparsedLines.length);
    for (const r of log.records) assert.ok(r.mode && r.operation, text);
    records += log.records.length;
    proposeRules(log.records, { fineNetwork: random() < 0.5, generalise: random() < 0.5 });
  }
  // The inputs are read as records often enough to reach the proposer (141 with this seed).
  assert.ok(records >= 50, `only ${records} records read`);
});

test('fuzz: time stays linear in the length of hostile lines', () => {
  const hostile = [
    (n: number) => 'apparmor="DENIED" ' + 'a'.repeat(n),
    (n: number) => 'apparmor="DENIED" operation="open" ' + 'x= '.repeat(n / 3),
    (n: number) => 'apparmor="DENIED" ' + 'audit('.repeat(n / 6),
    (n: number) => 'type=USER_AVC ' + "msg='apparmor=\"x\" ".repeat(n / 18),
    (n: number) => 'apparmor="DENIED" operation="o" name=' + 'F'.repeat(n),
    (n: number) => 'audit(' + '1'.repeat(n) + ' apparmor="DENIED"',
  ];
  for (const make of hostile) {
    parseLog(make(20_000));
    const small = make(100_000);
    const large = make(400_000);
    assertGrowth(`${make(30)}… at 100k and 400k`, () => parseLog(small), () => parseLog(large), 12, 20);
  }
});
