import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { withIncludeDir } from '../../client/src/core/includePath';

test('the picked include folder goes first, once, without a trailing slash', () => {
  assert.deepEqual(withIncludeDir([], '/src/apparmor.d/'), ['/src/apparmor.d']);
  assert.deepEqual(withIncludeDir(['/etc/apparmor.d', '/src/apparmor.d'], '/src/apparmor.d'), ['/src/apparmor.d', '/etc/apparmor.d']);
  assert.deepEqual(withIncludeDir(['/etc/apparmor.d'], '/'), ['/', '/etc/apparmor.d']);
});
