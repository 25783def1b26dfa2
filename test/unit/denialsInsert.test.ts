import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { InsertOptions, insertRules, parseLog, proposeRules } from '../../server/src/service/logs';
import { parse } from '../../server/src/service/parser';
import { applyEdits } from '../support/edits';

function inserted(text: string, profile: string, rules: string[], options?: InsertOptions): string {
  return applyEdits(text, insertRules(text, parse(text).ast, profile, rules, options));
}

test('rules go before the closing brace, indented like the block', () => {
  assert.equal(
    inserted('profile p {\n    /a r,\n\n    /b r,\n}\n', 'p', ['/c r,', 'capability chown,']),
    'profile p {\n    /a r,\n\n    /b r,\n    /c r,\n    capability chown,\n}\n',
  );
  assert.equal(inserted('profile p {\n\t/a r,\n}\n', 'p', ['/c r,']), 'profile p {\n\t/a r,\n\t/c r,\n}\n');
});

test('a block on one line is opened up', () => {
  assert.equal(inserted('profile p { }\n', 'p', ['/c r,']), 'profile p {\n  /c r,\n}\n');
  assert.equal(inserted('  profile p {/a r,}\n', 'p', ['/c r,']), '  profile p {/a r,\n    /c r,\n  }\n');
});

test('rules the block already holds are skipped, however they are spaced', () => {
  const text = 'profile p {\n  /a   r ,\n  capability  chown,\n}\n';
  assert.deepEqual(insertRules(text, parse(text).ast, 'p', ['/a r,', 'capability chown,']), []);
  assert.equal(inserted(text, 'p', ['/a r,', '/b r,', '/b r,']), 'profile p {\n  /a   r ,\n  /b r,\n  capability  chown,\n}\n');
});

test('hats (^h and hat h) and child profiles are found by parent//name', () => {
  const text = 'profile p /usr/bin/p {\n  /a r,\n  ^h1 {\n    /x r,\n  }\n  hat h2 {\n  }\n  profile c {\n    profile d {\n    }\n  }\n}\n';
  assert.match(inserted(text, 'p//h1', ['/y r,']), /\^h1 \{\n {4}\/x r,\n {4}\/y r,\n {2}\}/);
  assert.match(inserted(text, 'p//h2', ['/y r,']), /hat h2 \{\n {4}\/y r,\n {2}\}/);
  assert.match(inserted(text, 'p//c//d', ['/y r,']), /profile d \{\n {6}\/y r,\n {4}\}/);
  assert.match(inserted('/usr/bin/p {\n}\n', '/usr/bin/p', ['/y r,']), /^\/usr\/bin\/p \{\n {2}\/y r,\n\}/);
});

test('missing blocks are created: a child profile or a hat inside its parent, a profile at the end', () => {
  const text = 'include <tunables/global>\n\nprofile p {\n  /a r,\n}\n';
  assert.equal(inserted(text, 'p//c', ['/y r,']), 'include <tunables/global>\n\nprofile p {\n  /a r,\n  profile c {\n    /y r,\n  }\n}\n');
  assert.equal(inserted(text, 'p//h', ['/y r,'], { hat: true }), 'include <tunables/global>\n\nprofile p {\n  /a r,\n  ^h {\n    /y r,\n  }\n}\n');
  assert.equal(inserted(text, 'q', ['/y r,']), `${text}\nprofile q {\n  /y r,\n}\n`);
  assert.equal(inserted('', '/opt/my app/run//h', [], { hat: true }), 'profile "/opt/my app/run" {\n  ^h {\n  }\n}\n');
});

test('an unclosed block is left alone', () => {
  const text = 'profile p {\n  /a r,\n';
  assert.deepEqual(insertRules(text, parse(text).ast, 'p', ['/b r,']), []);
});

test('proposed rules are accepted as they come from proposeRules', () => {
  const log = parseLog('apparmor="DENIED" operation="capable" profile="p" capname="chown"\napparmor="DENIED" operation="open" profile="p" name="/etc/x" requested_mask="r"\n');
  const [group] = proposeRules(log.records).profiles;
  const text = 'profile p {\n}\n';
  assert.equal(applyEdits(text, insertRules(text, parse(text).ast, 'p', group!.rules)), 'profile p {\n  capability chown,\n  /etc/x r,\n}\n');
});
