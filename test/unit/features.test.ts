import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { EXEC_DOCS, PERMISSION_DOCS } from '../../server/src/service/data/docs';
import { CAPABILITIES } from '../../server/src/service/data/facts';
import { LineIndex } from '../../server/src/service/diagnostics';
import { doComplete } from '../../server/src/service/features/doComplete';
import { doHover } from '../../server/src/service/features/doHover';
import { parse } from '../../server/src/service/parser';

/** Splits a snippet at its `|` cursor. */
function cursor(src: string): { text: string; offset: number } {
  const offset = src.indexOf('|');
  return { text: src.slice(0, offset) + src.slice(offset + 1), offset };
}

function hover(src: string): string | undefined {
  const { text, offset } = cursor(src);
  const h = doHover(parse(text).ast, new LineIndex(text), offset);
  return h ? (h.contents as { value: string }).value : undefined;
}

function labels(src: string, includeNames: string[] = []): string[] {
  const { text, offset } = cursor(src);
  return doComplete(text, offset, { includeNames, variables: ['HOME', 'APP'] }).items.map((i) => String(i.label));
}

test('hover explains every permission letter', () => {
  for (const letter of Object.keys(PERMISSION_DOCS)) {
    const perms = letter === 'x' ? 'x' : letter;
    const text = hover(`profile p { ${letter === 'x' ? 'deny ' : ''}/a |${perms}, }`);
    assert.ok(text?.includes(PERMISSION_DOCS[letter]!), `${letter}: ${text}`);
  }
});

test('hover explains every exec transition, with its target', () => {
  for (const mode of Object.keys(EXEC_DOCS)) {
    const text = hover(`profile p { /usr/bin/x r|${mode} -> tgt, }`);
    assert.ok(text?.includes(`**${mode}** — ${EXEC_DOCS[mode]!}`), `${mode}: ${text}`);
    assert.match(text!, /Target profile: `tgt`/);
    assert.ok(text!.includes(PERMISSION_DOCS['r']!));
  }
  assert.match(hover('profile p { /a p|Ix, }')!, /Discrete profile, else inherit/);
});

test('hover on capabilities marks the powerful ones; keywords and flags have docs', () => {
  assert.match(hover('profile p { capability sys_|module, }')!, /CAP_SYS_MODULE[\s\S]*Powerful/);
  assert.doesNotMatch(hover('profile p { capability ch|own, }')!, /Powerful/);
  assert.match(hover('profile p { net|work inet, }')!, /Network access/);
  assert.match(hover('profile p flags=(compl|ain) { }')!, /profile mode/);
  assert.equal(hover('profile p { /a r, }|'), undefined);
});

test('completion depends on where the cursor is', () => {
  assert.equal(labels('profile p {\n  capability |\n}').length, CAPABILITIES.size);
  assert.ok(labels('profile p {\n  capability chown |\n}').includes('fowner'));
  assert.ok(labels('profile p {\n  network |\n}').includes('inet6'));
  assert.ok(labels('profile p {\n  network inet |\n}').includes('stream'));
  assert.deepEqual(labels('profile p {\n  include <abs|\n}', ['abstractions/base', 'tunables/global']), ['abstractions/base', 'tunables/global']);
  assert.ok(labels('profile p {\n  #include if exists <|\n}', ['abstractions/base']).includes('abstractions/base'));
  assert.ok(labels('profile p {\n  @{|\n}').includes('HOME'));
  assert.ok(labels('profile p {\n  /etc/x |\n}').includes('Px'));
  assert.ok(labels('profile p flags=(|) {\n}').includes('complain'));
  assert.ok(labels('profile p {\n  |\n}').includes('capability'));
  assert.deepEqual(labels('profile p {\n  /etc/x r, # a comment |\n}'), []);
});
