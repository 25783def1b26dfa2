import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseParserOutput } from '../../server/src/service/parserMessages';

test('apparmor_parser messages are read with their file and line; noise is dropped', () => {
  const stderr = [
    'Cache read/write disabled: interface file missing. (Kernel needs AppArmor 2.4 compatibility patch.)',
    'AppArmor parser error for /etc/apparmor.d/usr.bin.x in profile /etc/apparmor.d/abstractions/foo at line 12: syntax error, unexpected TOK_ID, expecting TOK_MODE',
    'Warning from /etc/apparmor.d/usr.bin.x (/etc/apparmor.d/usr.bin.x line 3): deprecated use of \'#include\'',
    'AppArmor parser error at line 2: Invalid capability net_admn.',
    'Found reference to variable NOPE, but is never declared',
    '',
  ].join('\n');
  // Each message is the parser's words, then ours after ' — ' (parserExplanations.test.ts).
  assert.deepEqual(parseParserOutput(stderr).map((m) => ({ ...m, message: m.message.split(' — ')[0] })), [
    { severity: 'error', file: '/etc/apparmor.d/abstractions/foo', line: 12, message: 'syntax error, unexpected TOK_ID, expecting TOK_MODE' },
    { severity: 'warning', file: '/etc/apparmor.d/usr.bin.x', line: 3, message: "deprecated use of '#include'" },
    { severity: 'error', file: undefined, line: 2, message: 'Invalid capability net_admn.' },
    { severity: 'error', message: 'Found reference to variable NOPE, but is never declared' },
  ]);
});
