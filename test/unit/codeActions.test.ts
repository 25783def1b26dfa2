import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-types';
import { Analyzer } from '../../server/src/service/analyze';
import type { DiagnosticCode } from '../../server/src/service/diagnosticRules';
import { LineIndex, toDiagnostics } from '../../server/src/service/diagnostics';
import { getCodeActions } from '../../server/src/service/features/getCodeActions';
import { applyEdits } from '../support/edits';
import { memoryFs } from '../support/helpers';

const URI = 'file:///etc/apparmor.d/p';
const FILES = { '/etc/apparmor.d/abstractions/base': '', '/etc/apparmor.d/tunables/global': '@{HOME}=/home/*/\n', '/etc/apparmor.d/abi/3.0': '' };

function diagnose(text: string): Diagnostic[] {
  const analyzer = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'] });
  return toDiagnostics(text, analyzer.analyze('/etc/apparmor.d/p', text).problems);
}

/** Applies the one fix offered for `code`: that diagnostic goes, every other one stays, the text is as expected. */
function fixes(before: string, code: DiagnosticCode, after: string, which = 0, offered = 1): void {
  const diags = diagnose(before);
  const target = diags.find((d) => d.code === code);
  assert.ok(target, `no ${code} in ${JSON.stringify(diags.map((d) => d.code))}`);
  const { ast } = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'] }).analyze('/etc/apparmor.d/p', before).parse;
  const actions = getCodeActions(URI, before, ast, new LineIndex(before), [target]);
  assert.equal(actions.length, offered);
  const fixed = applyEdits(before, actions[which]!.edit!.changes![URI]!);
  assert.equal(fixed, after);
  const others = (ds: Diagnostic[]): string[] => ds.filter((d) => d !== target && d.code !== code).map((d) => String(d.code));
  assert.deepEqual(diagnose(fixed).map((d) => String(d.code)), others(diags));
}

test('add the missing comma', () => fixes('profile p {\n  /a r\n  /b r,\n}\n', 'missing-comma', 'profile p {\n  /a r,\n  /b r,\n}\n'));
test('did-you-mean for capabilities', () => fixes('profile p { capability net_admn, }\n', 'unknown-capability', 'profile p { capability net_admin, }\n'));
test('CAP_ spelling', () => fixes('profile p { capability CAP_CHOWN, }\n', 'unknown-capability', 'profile p { capability chown, }\n'));
test('did-you-mean for keywords', () => fixes('profile p {\n  capabilty chown,\n}\n', 'unknown-keyword', 'profile p {\n  capability chown,\n}\n'));
test('did-you-mean for flags', () => fixes('profile p flags=(complian) { }\n', 'unknown-flag', 'profile p flags=(complain) { }\n'));
test('did-you-mean for families', () => fixes('profile p { network inte stream, }\n', 'unknown-network-word', 'profile p { network inet stream, }\n'));
test('did-you-mean for signals', () => fixes('profile p { signal set=(SIGHUP), }\n', 'unknown-signal', 'profile p { signal set=(hup), }\n'));
test('w with a keeps w', () => fixes('profile p { /a rwa, }\n', 'write-and-append', 'profile p { /a rw, }\n', 0, 2));
test('w with a can keep a, the safer one', () => fixes('profile p { /a rwa, }\n', 'write-and-append', 'profile p { /a ra, }\n', 1, 2));

test('security: ux becomes px, or ix', () => {
  fixes('profile p { /usr/bin/t rux, }\n', 'unconfined-exec', 'profile p { /usr/bin/t rpx, }\n', 0, 2);
  fixes('profile p { /usr/bin/t rux, }\n', 'unconfined-exec', 'profile p { /usr/bin/t rix, }\n', 1, 2);
  fixes('profile p { /usr/bin/t CUx, }\n', 'unconfined-exec', 'profile p { /usr/bin/t Cx, }\n', 0, 2);
});
test('security: a log file opened for writing becomes append only', () => fixes('profile p { /var/log/p.log rw, }\n', 'log-write', 'profile p { /var/log/p.log ra, }\n'));
test('security: network raw gets deny', () => fixes('profile p {\n  audit network inet raw,\n}\n', 'raw-network', 'profile p {\n  audit deny network inet raw,\n}\n'));
test('include takes no comma', () => fixes('profile p {\n  include <abstractions/base>,\n}\n', 'include-comma', 'profile p {\n  include <abstractions/base>\n}\n'));
test('a missing local include becomes optional', () => fixes('profile p {\n  include <local/p>\n}\n', 'include-not-found', 'profile p {\n  include if exists <local/p>\n}\n'));
test('declare an undefined variable', () => fixes('profile p {\n  @{DATA}/x r,\n}\n', 'variable-undefined', '@{DATA} = ""\nprofile p {\n  @{DATA}/x r,\n}\n'));
test('reorder qualifiers', () => fixes('profile p {\n  owner deny audit /a w,\n}\n', 'qualifier-order', 'profile p {\n  audit deny owner /a w,\n}\n'));
test('variable values take no trailing comma', () => fixes('@{V}=/a,\nprofile p { @{V} r, }\n', 'variable-trailing-comma', '@{V}=/a\nprofile p { @{V} r, }\n'));

test('advice: a repeated rule goes', () => fixes('abi <abi/3.0>,\nprofile p {\n  /a r,\n  /b r,\n  /a  r,\n}\n', 'duplicate-rule', 'abi <abi/3.0>,\nprofile p {\n  /a r,\n  /b r,\n}\n'));
test('advice: #include becomes include', () => fixes('abi <abi/3.0>,\n#include <tunables/global>\nprofile p { }\n', 'legacy-include', 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile p { }\n'));
test('advice: add an abi line', () => fixes('profile p { }\n', 'missing-abi', 'abi <abi/3.0>,\n\nprofile p { }\n'));

test('a code that is not ours gets no fix, even one named like an Object property', () => {
  const text = 'profile p { }\n';
  const { ast } = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'] }).analyze('/etc/apparmor.d/p', text).parse;
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } };
  const foreign = ['constructor', 'toString', '__proto__', 'missing_comma', 42].map((code) => ({ range, message: 'x', code }));
  assert.deepEqual(getCodeActions(URI, text, ast, new LineIndex(text), foreign), []);
});
