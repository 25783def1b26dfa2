import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { SECURITY_CODES } from '../../server/src/service/checks/checkSecurity';
import { check, describe } from '../support/helpers';
import { FILES, VALID } from '../support/snippets';

for (const [name, text] of VALID) {
  test(`valid: ${name}`, () => {
    // Valid syntax, not advice: the security lints speak of what the constructs allow.
    const problems = check(text, { files: FILES }).filter((p) => p.code !== 'newer-than-abi' && !SECURITY_CODES.includes(p.code));
    assert.equal(describe(problems, text), 'no problems');
  });
}

test('fragments hold bare rules and are checked without false errors', () => {
  const text = '  /etc/x r,\n  include <abstractions/base>\n  capability chown,\n  @{UNDECLARED_HERE}/x r,\n';
  assert.equal(describe(check(text, { files: FILES, path: '/etc/apparmor.d/abstractions/x' }), text), 'no problems');
  assert.equal(describe(check(text, { files: FILES, fragment: true }), text), 'no problems');
  // Elsewhere a file of rules and no profile is one error: apparmor_parser refuses it as a profile.
  assert.deepEqual(check(text, { files: FILES, path: '/srv/policy/snippet' }).map((p) => p.code), ['rules-without-profile']);
});

test('tunables fragments may append to variables declared elsewhere', () => {
  const text = '@{HOMEDIRS}+=/srv/home/\n';
  assert.equal(describe(check(text, { files: FILES, path: '/etc/apparmor.d/tunables/home.d/site' }), text), 'no problems');
});
