import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { SECURITY_CODES } from '../../server/src/service/checks/checkSecurity';
import { SECURITY_DOCS } from '../../server/src/service/data/docs';
import { DIAGNOSTIC_RULES, type DiagnosticCode } from '../../server/src/service/diagnosticRules';
import { LineIndex } from '../../server/src/service/diagnostics';
import { doHover } from '../../server/src/service/features/doHover';
import { parse } from '../../server/src/service/parser';
import { WorkspaceIndex } from '../../server/src/service/workspaceIndex';
import { memoryFs } from '../support/helpers';

const FILES = { '/etc/apparmor.d/tunables/global': '@{HOME}=/home/*/ /root/\n' };

function codes(body: string, profiles?: WorkspaceIndex): string[] {
  const analyzer = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'], ...(profiles ? { profiles: { has: (p: string) => profiles.hasProfileFor(p) } } : {}) });
  const text = `abi <abi/4.0>,\ninclude <tunables/global>\nprofile p /usr/bin/p {\n${body}\n}\n`;
  return analyzer.analyze('/etc/apparmor.d/p', text).problems.map((p) => p.code).filter((c) => c !== 'abi-not-found');
}

test('security lints: each risky rule gets its code, and the deny form none', () => {
  const cases: [string, DiagnosticCode][] = [
    ['/usr/bin/t ux,', 'unconfined-exec'], ['/usr/bin/t Ux,', 'unconfined-exec'], ['/usr/bin/t pux,', 'unconfined-exec'], ['/usr/bin/t cux,', 'unconfined-exec'],
    ['/srv/x rwix,', 'writable-executable'], ['/srv/x.so wm,', 'writable-executable'],
    ['/** w,', 'wide-write'], ['owner @{HOME}/** rw,', 'wide-write'],
    ['capability sys_admin,', 'risky-capability'], ['capability sys_module,', 'risky-capability'], ['capability mac_admin,', 'risky-capability'],
    ['capability mac_override,', 'risky-capability'], ['capability sys_rawio,', 'risky-capability'], ['capability bpf,', 'risky-capability'],
    ['file,', 'bare-file-rule'], ['network raw,', 'raw-network'], ['network packet,', 'raw-network'], ['network inet raw,', 'raw-network'],
    ['/var/log/p.log w,', 'log-write'],
  ];
  for (const [rule, code] of cases) {
    assert.deepEqual(codes(`  ${rule}`), [code], rule);
    // A deny rule takes a plain x (an exec mode is an error of its own), so those forms are not written here.
    if (!/x,/.test(rule)) assert.deepEqual(codes(`  deny ${rule}`), [], `deny ${rule}`);
  }
  assert.deepEqual(codes('  deny { capability sys_admin, network raw, }'), [], 'a deny block');
  for (const safe of ['/usr/bin/t ix,', '/srv/x rw,', '/srv/** w,', '@{HOME}/.p/** rw,', 'capability chown,', 'network inet stream,', 'network netlink raw,', '/var/log/p.log a,', '/var/log/ r,', 'file /x r,']) {
    assert.deepEqual(codes(`  ${safe}`), [], safe);
  }
});

test('security lints: writable in one rule, executed in another of the same profile', () => {
  assert.deepEqual(codes('  /srv/tool w,\n  /srv/tool ix,'), ['writable-executable']);
  assert.deepEqual(codes('  /srv/tool r,\n  /srv/tool ix,'), []);
});

test('security lints are warnings or information, never errors', () => {
  for (const code of SECURITY_CODES) assert.notEqual(DIAGNOSTIC_RULES[code].severity, 'error', code);
  for (const code of SECURITY_CODES) assert.ok(SECURITY_DOCS[code], `${code} has a hover`);
});

test('Px to a program that no profile of the workspace attaches to', () => {
  const index = new WorkspaceIndex(memoryFs({}));
  index.update('/ws/helper', 'profile helper /usr/bin/helper { }\n');
  index.update('/ws/tools', 'profile tools /opt/tools/bin/* { }\n');
  index.update('/ws/named', 'profile named @{exec_path} { }\n');
  assert.deepEqual(codes('  /usr/bin/nowhere Px,', index), ['exec-no-profile']);
  assert.deepEqual(codes('  /usr/bin/x Px -> nothing,', index), ['exec-no-profile']);
  for (const ok of ['/usr/bin/helper Px,', '/opt/tools/bin/a Px,', '/usr/bin/named Px,', '/usr/bin/x Px -> helper,', '/usr/bin/* Px,', '/usr/bin/nowhere Pix,', '/usr/bin/x Px -> other//hat,', '/usr/bin/x Px -> :ns:name,', '/usr/bin/x Px -> @{HOME},']) {
    assert.deepEqual(codes(`  ${ok}`, index), [], ok);
  }
  assert.deepEqual(codes('  /usr/bin/x Px -> kid,\n  profile kid { }', index), [], 'a child profile of this one');
  assert.deepEqual(codes('  /usr/bin/nowhere Px,'), [], 'without an index nothing is said');
  index.update('/ws/nowhere', 'profile nowhere /usr/bin/nowhere { }\n');
  assert.deepEqual(codes('  /usr/bin/nowhere Px,', index), [], 'a profile added to the index is known at once');
});

function hover(src: string): string | undefined {
  const offset = src.indexOf('|');
  const text = src.slice(0, offset) + src.slice(offset + 1);
  const h = doHover(parse(text).ast, new LineIndex(text), offset);
  return h ? (h.contents as { value: string }).value : undefined;
}

test('the hover on a risky rule explains the risk', () => {
  assert.match(hover('profile p { /usr/bin/t r|ux, }')!, /Unconfined exec: the new program runs with no AppArmor policy/);
  assert.match(hover('profile p { capability sys_ad|min, }')!, /CAP_SYS_ADMIN[\s\S]*escape its confinement/);
  assert.match(hover('profile p { fi|le, }')!, /bare `file,` allows every path/);
  assert.match(hover('profile p { network r|aw, }')!, /spoof addresses/);
  assert.match(hover('profile p { /var/log/x.log |w, }')!, /erase its traces/);
  assert.doesNotMatch(hover('profile p { deny network r|aw, }')!, /spoof/);
  assert.doesNotMatch(hover('profile p { /usr/bin/t r|ix, }')!, /⚠️/);
});
