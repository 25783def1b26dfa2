import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { IfNode, ProfileNode } from '../../server/src/service/ast';
import { parse } from '../../server/src/service/parser';
import { check, describe, errorsOf } from '../support/helpers';

const profile = (body: string): string => `\${B}=true\n@{X}=a\nprofile p {\n${body}\n}\n`;

// apparmor_parser 3.0.8 and 4.1 read a boolean variable up to its `}` and `else` as a keyword,
// so a `{` glued to either opens the block (test/conformance/probes/cond-glued-*).
for (const body of [
  'if ${B}{\n/a r,\n}',
  'if not ${B}{\n/a r,\n}',
  'if defined ${B}{\n/a r,\n}',
  'if ${B}{/a r,\n}',
  'if ${B} {\n/a r,\n}else{\n/b r,\n}',
  'if ${B} {\n/a r,\n} else{\n/b r,\n}',
  'if ${B} {\n/a r,\n}else if ${B}{\n/b r,\n}',
]) {
  test(`a brace glued to a condition or else opens its block: ${body.replace(/\n/g, '⏎')}`, () => {
    const text = profile(body);
    assert.equal(describe(errorsOf(check(text)), text), 'no problems');
    const p = parse(text).ast.items.find((i): i is ProfileNode => i.type === 'profile')!;
    const cond = p.body.items[0] as IfNode;
    assert.equal(cond.type, 'if');
    assert.equal(cond.then.items.length, 1);
    if (body.includes('else')) assert.ok(cond.else, 'the else arm is kept');
  });
}

test('a set variable glued to a brace is one word, which the parser refuses too', () => {
  const text = profile('if defined @{X}{\n/a r,\n}');
  assert.ok(errorsOf(check(text)).length > 0);
});

test('a boolean variable in a comparison is an error at the variable; words and set variables compare', () => {
  for (const [cond, at] of [['${B} == true', '${B}'], ['@{X} == ${B}', '${B}'], ['${B} in @{X}', '${B}']] as const) {
    const text = profile(`if ${cond} {\n/a r,\n}`);
    const found = errorsOf(check(text)).map((p) => `${p.code} '${text.slice(p.start, p.end)}'`);
    assert.deepEqual(found, [`bool-compared '${at}'`], cond);
  }
  // AppArmor 5.0 forms stay accepted (held to 5.0 by newer-than-abi and --target-abi).
  for (const cond of ['@{X} == a', '"gnome" in @{X}', '(${B} and not ${B}) or defined @{X}', 'true']) {
    const text = profile(`if ${cond} {\n/a r,\n}`);
    assert.equal(describe(errorsOf(check(text)), text), 'no problems', cond);
  }
});
