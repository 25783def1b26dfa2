import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { insertIntoFragment, insertRules } from '../../server/src/service/logs';
import { kindOfRule } from '../../server/src/service/logs/placeRules';
import { parse } from '../../server/src/service/parser';
import { applyEdits } from '../support/edits';

function inserted(text: string, profile: string, rules: string[]): string {
  return applyEdits(text, insertRules(text, parse(text).ast, profile, rules));
}

const PROFILE = [
  'profile p /usr/bin/p {',
  '  include <abstractions/base>',
  '',
  '  capability chown,',
  '  capability setuid,',
  '',
  '  network inet stream,',
  '',
  '  /etc/p/ r,',
  '  /etc/p/** r,  # config',
  '  owner @{HOME}/.p/** rw,',
  '',
  '  ^hat {',
  '    /var/lib/p/ r,',
  '  }',
  '',
  '  include if exists <local/p>',
  '}',
  '',
].join('\n');

test('a rule\'s kind is read as the parser reads it, qualifiers aside', () => {
  assert.equal(kindOfRule('capability net_admin,'), 'capability');
  assert.equal(kindOfRule('deny /etc/shadow r,'), 'file');
  assert.equal(kindOfRule('audit deny owner /x w,'), 'file');
  assert.equal(kindOfRule('network inet dgram,'), 'network');
  assert.equal(kindOfRule('signal (send) peer=x,'), 'signal');
  assert.equal(kindOfRule('not a rule at all {'), undefined);
});

test('a capability goes after the capabilities, a file rule after the file rules, a network rule after the network rules', () => {
  const out = inserted(PROFILE, 'p', ['capability net_bind_service,', '/srv/p/** r,', 'network inet dgram,', 'deny /etc/shadow r,']);
  assert.equal(out, PROFILE
    .replace('  capability setuid,\n', '  capability setuid,\n  capability net_bind_service,\n')
    .replace('  network inet stream,\n', '  network inet stream,\n  network inet dgram,\n')
    .replace('  owner @{HOME}/.p/** rw,\n', '  owner @{HOME}/.p/** rw,\n  /srv/p/** r,\n  deny /etc/shadow r,\n'));
});

test('at the end only when the profile has no rule of that kind, and then before its local overrides', () => {
  const out = inserted(PROFILE, 'p', ['signal (receive) peer=unconfined,', '/srv/x r,']);
  assert.match(out, /\n\n {2}signal \(receive\) peer=unconfined,\n {2}include if exists <local\/p>\n\}\n$/);
  assert.equal(inserted('profile p {\n  /a r,\n}\n', 'p', ['signal,']), 'profile p {\n  /a r,\n  signal,\n}\n');
  assert.match(out, /owner @\{HOME\}\/\.p\/\*\* rw,\n {2}\/srv\/x r,\n\n {2}\^hat/);
});

test('a trailing comment stays with its rule; the hat gets its rule among its own', () => {
  const text = 'profile p {\n  /a r, # why\n  capability chown,\n}\n';
  assert.equal(inserted(text, 'p', ['/b r,']), 'profile p {\n  /a r, # why\n  /b r,\n  capability chown,\n}\n');
  assert.match(inserted(PROFILE, 'p//hat', ['/var/lib/p/db rw,']), /\^hat \{\n {4}\/var\/lib\/p\/ r,\n {4}\/var\/lib\/p\/db rw,\n {2}\}/);
});

test('a rule of the last kind and a rule of no kind there, both at the end, come in the order given', () => {
  assert.equal(inserted('profile p {\n  /a r,\n}\n', 'p', ['/b r,', 'capability chown,']), 'profile p {\n  /a r,\n  /b r,\n  capability chown,\n}\n');
  assert.equal(inserted('profile p { /a r, }\n', 'p', ['/b r,']), 'profile p { /a r,\n  /b r,\n}\n', 'the last file rule shares the brace\'s line: at the end');
});

test('into a local override: next to rules of its kind, else at the end; rules it holds are skipped', () => {
  const local = '# Site-specific additions\n/srv/data/ r,\ncapability chown,\n';
  const out = applyEdits(local, insertIntoFragment(local, parse(local).ast, ['/srv/data/** r,', 'capability chown,', 'network inet stream,']));
  assert.equal(out, '# Site-specific additions\n/srv/data/ r,\n/srv/data/** r,\ncapability chown,\nnetwork inet stream,\n');
  assert.equal(applyEdits('', insertIntoFragment('', parse('').ast, ['/a r,'])), '/a r,\n');
  assert.equal(applyEdits('/a r,', insertIntoFragment('/a r,', parse('/a r,').ast, ['/b r,'])), '/a r,\n/b r,\n');
  assert.deepEqual(insertIntoFragment(local, parse(local).ast, ['capability  chown ,']), []);
});
