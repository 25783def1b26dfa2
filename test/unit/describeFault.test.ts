import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { describeFault } from '../../server/src/describeFault';

test('a fault is logged with its stack, or as the thrown value when it has none', () => {
  const e = new Error('boom');
  assert.equal(describeFault(e), e.stack);
  const bare = new TypeError('no stack');
  bare.stack = undefined;
  assert.equal(describeFault(bare), 'TypeError: no stack');
  assert.equal(describeFault('a string'), 'a string');
  // A handler that logs a thrown undefined or null must not throw itself.
  assert.equal(describeFault(undefined), 'undefined');
  assert.equal(describeFault(null), 'null');
});
