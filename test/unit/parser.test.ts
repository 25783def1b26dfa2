import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parse } from '../../server/src/service/parser';

test('parses a simple profile', () => {
  const r = parse('profile p { /a r, }');
  assert.deepEqual(r.errors, []);
  assert.equal(r.ast.items.length, 1);
});
