import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { applyTextEdits, buildModeEdits, Mode } from '../../client/src/core/profileFlags';
import { parse } from '../../server/src/service/parser';

function setMode(text: string, mode: Mode): string {
  return applyTextEdits(text, buildModeEdits(text, mode).edits);
}

test('complain adds flags to a profile that has none', () => {
  assert.equal(setMode('profile foo /usr/bin/foo {\n  /a r,\n}\n', 'complain'), 'profile foo /usr/bin/foo flags=(complain) {\n  /a r,\n}\n');
  assert.equal(setMode('/usr/bin/foo\t{\n}\n', 'complain'), '/usr/bin/foo\tflags=(complain) {\n}\n');
});

test('complain joins existing flags, written as they were', () => {
  assert.equal(setMode('profile foo flags=(attach_disconnected) {\n}\n', 'complain'), 'profile foo flags=(attach_disconnected,complain) {\n}\n');
  assert.equal(setMode('profile foo flags=(attach_disconnected, mediate_deleted) {\n}\n', 'complain'), 'profile foo flags=(attach_disconnected, mediate_deleted, complain) {\n}\n');
  assert.equal(setMode('profile foo flags=(attach_disconnected,mediate_deleted) {\n}\n', 'complain'), 'profile foo flags=(attach_disconnected,mediate_deleted,complain) {\n}\n');
  assert.equal(setMode('profile foo (audit) {\n}\n', 'complain'), 'profile foo (audit,complain) {\n}\n');
});

test('complain already there: nothing changes; other modes are replaced', () => {
  const text = 'profile foo flags=(complain, audit) {\n}\n';
  assert.deepEqual(buildModeEdits(text, 'complain').edits, []);
  assert.equal(setMode('profile foo flags=(kill, audit) {\n}\n', 'complain'), 'profile foo flags=(audit, complain) {\n}\n');
  assert.equal(setMode('profile foo flags=(prompt) {\n}\n', 'complain'), 'profile foo flags=(complain) {\n}\n');
  assert.equal(setMode('profile foo flags=(unconfined) {\n}\n', 'complain'), 'profile foo flags=(complain) {\n}\n');
});

test('enforce removes complain and drops flags=() when nothing is left', () => {
  assert.equal(setMode('profile foo flags=(complain) {\n}\n', 'enforce'), 'profile foo {\n}\n');
  assert.equal(setMode('profile foo (complain) {\n}\n', 'enforce'), 'profile foo {\n}\n');
  assert.equal(setMode('profile foo flags=(attach_disconnected, complain) {\n}\n', 'enforce'), 'profile foo flags=(attach_disconnected) {\n}\n');
  assert.equal(setMode('profile foo flags = ( complain kill.signal=hup ) {\n}\n', 'enforce'), 'profile foo flags = ( kill.signal=hup ) {\n}\n');
  assert.deepEqual(buildModeEdits('profile foo flags=(audit) {\n}\n', 'enforce').edits, []);
});

test('every top-level profile of the file changes; hats and child profiles keep their flags', () => {
  const text = [
    'include <tunables/global>',
    'profile one {',
    '  ^hat { }',
    '  profile child flags=(complain) { }',
    '}',
    '/usr/bin/two flags=(attach_disconnected) {',
    '  hat other flags=(audit) { }',
    '}',
    '',
  ].join('\n');
  const change = buildModeEdits(text, 'complain');
  assert.deepEqual(change.profiles, ['one', '/usr/bin/two']);
  assert.equal(applyTextEdits(text, change.edits), [
    'include <tunables/global>',
    'profile one flags=(complain) {',
    '  ^hat { }',
    '  profile child flags=(complain) { }',
    '}',
    '/usr/bin/two flags=(attach_disconnected,complain) {',
    '  hat other flags=(audit) { }',
    '}',
    '',
  ].join('\n'));
  const complained = applyTextEdits(text, change.edits);
  assert.deepEqual(parse(complained).errors, [], 'the edited file still parses');
  assert.equal(applyTextEdits(complained, buildModeEdits(complained, 'enforce').edits), text, 'enforce undoes complain');
});

test('comments and strings that look like flags are left alone', () => {
  const text = '# profile old flags=(complain) {\nprofile "with space" /usr/bin/x { # flags=(complain)\n  /a r,\n}\n';
  assert.equal(setMode(text, 'complain'), '# profile old flags=(complain) {\nprofile "with space" /usr/bin/x flags=(complain) { # flags=(complain)\n  /a r,\n}\n');
});

test('a file without profiles has nothing to change', () => {
  const change = buildModeEdits('  /etc/ld.so.cache r,\n', 'complain');
  assert.deepEqual(change, { edits: [], profiles: [] });
});
