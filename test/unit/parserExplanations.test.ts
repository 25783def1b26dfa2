import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { explainParserMessage } from '../../server/src/service/parserExplanations';
import { parseParserOutput } from '../../server/src/service/parserMessages';

test('token names become words, with the usual cause for the common pairs', () => {
  assert.match(explainParserMessage('syntax error, unexpected TOK_ID, expecting TOK_MODE')!, /needs permissions after its path/);
  assert.match(explainParserMessage('syntax error, unexpected TOK_ID, expecting TOK_END_OF_RULE or TOK_ARROW')!, /trailing ',' is missing/);
  assert.equal(explainParserMessage('syntax error, unexpected TOK_SET_VAR, expecting TOK_BOOL_VAR or TOK_NOT or TOK_DEFINED'),
    "The parser found a variable @{…} where it expected a boolean variable ${…} or 'not' or 'defined'.");
  assert.equal(explainParserMessage('syntax error, unexpected TOK_FOO_BAR, expecting TOK_VALUE'), "The parser found 'foo_bar' where it expected a value.");
});

test('lexer states say where, and what usually went wrong there', () => {
  assert.equal(explainParserMessage("Lexer found unexpected character: '!' (0x21) in state: MOUNT_MODE"),
    "The character '!' cannot stand here, in a mount rule. Mount options go in options=(…) or after -o, and the mount point after '->'; often the ',' that ends this rule or the one before is missing.");
  assert.match(explainParserMessage("Lexer found unexpected character: ' ' (0x20) in state: SUB_ID")!, /^The character a space cannot stand here, in a profile or hat name\. Put a name with spaces/);
  assert.match(explainParserMessage("Lexer found unexpected character: '\u00c2' (0xc2) in state: INITIAL")!, /byte 0xc2 \(part of a non-ASCII character/);
  assert.match(explainParserMessage("Lexer found unexpected character: '%' (0x25) in state: SOME_NEW_MODE")!, /in lexer state SOME_NEW_MODE/);
});

test('messages that read well stay as they are; parsed output carries both', () => {
  assert.equal(explainParserMessage("deprecated use of '#include'"), undefined);
  const [m] = parseParserOutput('AppArmor parser error for f in profile f at line 2: Invalid capability CHOWN.\n');
  assert.equal(m!.message, "Invalid capability CHOWN. — 'CHOWN' is not a capability this apparmor_parser knows: names are lowercase, without CAP_ (net_admin, not CAP_NET_ADMIN), and newer ones need a newer parser.");
});

/** Broken profiles and a word each explanation must hold. */
const BROKEN: readonly [string, RegExp][] = [
  ['profile p {\n  /tmp/x foo,\n}\n', /needs permissions after its path/],
  ['profile p {\n  /a r\n  /b r,\n}\n', /missing its trailing ','/],
  ['profile p {\n  umount /a!,\n}\n', /in a mount rule/],
  ['profile p {\n  /a r,\n}\n}\n', /closes nothing/],
  ['profile p {\n  /a r,\n', /a '}' is missing/],
  ['profile p {\n  capability CHOWN,\n}\n', /without CAP_/],
  ['profile p {\n  include <nope/x>\n}\n', /not in any include folder/],
  ['profile p {\n  @{NOPE}/a r,\n}\n', /@\{NOPE\} is used but defined nowhere/],
  ['profile p flags=(bogus) {\n}\n', /not a profile flag/],
  ['profile p {\n  /a x,\n}\n', /needs a transition/],
  ['profile p {\n  network bogus,\n}\n', /not a family, socket type or protocol/],
  ['profile p {\n  /a ,\n}\n', /ends before its permissions/],
  ['profile p {\n  owner capability chown,\n}\n', /only file rules match an owner/],
  ['profile my p {\n}\n', /attachment/],
  ['profile p {\n  signal set=(bogus),\n}\n', /not a signal name/],
];

const PARSERS = [
  '/usr/sbin/apparmor_parser',
  path.resolve(__dirname, '../../../.tools/apparmor4/apparmor_parser'),
];

for (const parser of PARSERS) {
  const skip = fs.existsSync(parser) ? false : `${parser} is not installed`;
  test(`every error of the real ${parser} on common mistakes gets a plain sentence`, { skip }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-parsermsg-'));
    try {
      for (const [text, expected] of BROKEN) {
        const file = path.join(dir, 'p');
        fs.writeFileSync(file, text);
        const r = spawnSync(parser, ['-Q', '-K', '-I', dir, file], { encoding: 'utf8', timeout: 60_000 });
        const errors = parseParserOutput(r.stderr).filter((m) => m.severity === 'error');
        assert.ok(errors.length > 0, `${JSON.stringify(text)}: no error from the parser: ${r.stderr}`);
        const [original, plain] = errors[0]!.message.split(' — ');
        assert.ok(plain, `${JSON.stringify(text)}: no explanation for '${original}'`);
        assert.match(plain, expected, `${JSON.stringify(text)}: '${original}'`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
