import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { check, describe } from '../support/helpers';
import { FILES, VALID } from '../support/snippets';

for (const [name, text] of VALID) {
  test(`valid: ${name}`, () => {
    const problems = check(text, { files: FILES }).filter((p) => p.code !== 'newer-than-abi');
    assert.equal(describe(problems, text), 'no problems');
  });
}

test('fragments hold bare rules and are checked without false errors', () => {
  const text = '  /etc/x r,\n  include <abstractions/base>\n  capability chown,\n  @{UNDECLARED_HERE}/x r,\n';
  assert.equal(describe(check(text, { files: FILES, path: '/etc/apparmor.d/abstractions/x' }), text), 'no problems');
  assert.equal(describe(check(text, { files: FILES, fragment: true }), text), 'no problems');
  // Detected by content too: no profile, only rules.
  assert.equal(describe(check(text, { files: FILES, path: '/srv/policy/snippet' }), text), 'no problems');
});

test('tunables fragments may append to variables declared elsewhere', () => {
  const text = '@{HOMEDIRS}+=/srv/home/\n';
  assert.equal(describe(check(text, { files: FILES, path: '/etc/apparmor.d/tunables/home.d/site' }), text), 'no problems');
});
