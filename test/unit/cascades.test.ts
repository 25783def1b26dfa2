import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatMessage } from '../../server/src/service/diagnosticRules';
import { check, errorsOf } from '../support/helpers';

/** Each text has one mistake, and gets exactly one error, of this code (issue 14, item 2). */
const ONE_MISTAKE: [string, string, string][] = [
  ['a permission word of several wrong letters', 'invalid-permission', 'profile p {\n  /a rwzq,\n}\n'],
  // A hat among the rules ends the run (see afterTopProfile): the rules after it are reported again.
  ['a header brace lost', 'expected-open-brace', 'profile p /usr/bin/p\n  /a r,\n  /b r,\n  include if exists <local/p>\n  /c r,\n}\n'],
  ['a stray closing brace', 'rule-outside-profile', 'profile p {\n  /a r,\n}\n  /b r,\n  /c r,\n  include if exists <local/p>\n}\n'],
  ['the profile keyword misspelt', 'unknown-keyword', 'proile p /usr/bin/p {\n  /a r,\n}\n'],
  ['path and permissions swapped', 'missing-path', 'profile p {\n  rix,   /usr/bin/foo\n  /a r,\n}\n'],
  ['a word then its keyword swapped', 'unknown-keyword', 'profile p {\n  fowner, capability\n  /a r,\n}\n'],
  ['a "!" inside a network word', 'unexpected-char', 'profile p {\n  network unix st!ream,\n}\n'],
  ['a blank inside a path', 'unexpected-token', 'profile p {\n  /run/dhc lient{6,}.pid rw,\n}\n'],
  ['an abi line cut short', 'include-unclosed', 'abi <abi/3.0\nprofile p {\n}\n'],
  ['an include misspelt', 'unknown-keyword', 'includde <tunables/global>\nprofile p {\n  @{HOME}/ r,\n  @{HOME}/a r,\n}\n'],
  ['permissions with no path', 'missing-path', 'profile p {\n  /a rw,x\n}\n'],
  // apparmor_parser's lexer refuses the inner '(' (3.0.8 and 4.1); before, one error per level, times three.
  ['a flags list in parentheses', 'unexpected-token', 'profile p flags=((complain)) {\n}\n'],
  ['a flags list nested 20,000 deep', 'unexpected-token', `profile p flags=${'('.repeat(20_000)}complain${')'.repeat(20_000)} {\n}\n`],
  ['a bare flags list nested', 'unexpected-token', 'profile p (((complain))) {\n}\n'],
  ['a flag followed by a nested list', 'unexpected-token', 'profile p flags=(complain (audit)) {\n}\n'],
];

for (const [what, code, text] of ONE_MISTAKE) {
  test(`one mistake, one error: ${what}`, () => {
    const errors = errorsOf(check(text, { files: { '/etc/apparmor.d/abstractions/base': '' } }));
    assert.deepEqual(errors.map((e) => e.code), [code], errors.map((e) => formatMessage(e.code, e.args)).join(' | '));
  });
}

test('a nested flags list is reported at its first inner parenthesis', () => {
  const text = 'profile p flags=(((complain))) {\n  /a r,\n}\n';
  const [e] = errorsOf(check(text));
  assert.equal(`${e!.start}-${e!.end}`, `${text.indexOf('((') + 1}-${text.indexOf('((') + 2}`);
});

test('an undefined variable is reported at its first use only', () => {
  const errors = errorsOf(check('profile p {\n  @{NOPE}/a r,\n  @{NOPE}/b r,\n}\n'));
  assert.deepEqual(errors.map((e) => `${e.code} ${e.args['name']}`), ['variable-undefined NOPE']);
});

test('the wrong letters of a permission word are named in one message', () => {
  const [e] = errorsOf(check('profile p {\n  /a foo,\n}\n'));
  assert.equal(formatMessage(e!.code, e!.args), "'foo' is not a permission: 'f' and 'o' are not among the file permission letters r w a l k m x (with exec modes such as ix px cx ux).");
});

test('a header without the profile keyword takes a flags list with blanks after its commas', () => {
  for (const header of ['/usr/bin/foo flags=(complain, attach_disconnected) {', '/usr/bin/foo flags = (complain, audit) {', '/usr/bin/foo (complain, audit) {', '/usr/bin/foo xattrs=(user.a=b) flags=(complain, audit) {', '/usr/bin/foo flags=(complain,\n    audit) {']) {
    assert.deepEqual(errorsOf(check(`${header}\n  /etc/hosts r,\n}\n`)).map((e) => e.code), [], header);
  }
});
