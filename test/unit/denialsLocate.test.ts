import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { insertDenialRules } from '../../server/src/service/features/insertDenialRules';
import { locateProfile } from '../../server/src/service/features/locateProfile';
import { proposeDenials } from '../../server/src/service/features/proposeDenials';
import { parse } from '../../server/src/service/parser';
import { WorkspaceIndex } from '../../server/src/service/workspaceIndex';
import { applyEdits } from '../support/edits';
import { check, errorsOf, memoryFs } from '../support/helpers';

const WS = '/work/ws';
const ETC = '/etc/apparmor.d';
const TUNABLES = '@{HOMEDIRS}=/home/\n@{HOME}=@{HOMEDIRS}/*/ /root/\n@{PROC}=/proc/\n';
const NOTES = 'include <tunables/global>\n\nprofile notes /usr/bin/notes {\n  /etc/notes/ r,\n\n  ^sync {\n    /var/lib/notes/ r,\n  }\n}\n';
const FILES: Record<string, string> = {
  [`${ETC}/tunables/global`]: TUNABLES,
  [`${ETC}/usr.bin.notes`]: NOTES.replace('/etc/notes/ r,', '/etc/notes/** r,'),
  [`${WS}/usr.bin.notes`]: NOTES,
  [`${WS}/viewer`]: 'profile viewer /opt/viewer/bin/{view,edit} {\n  profile helper {\n  }\n}\n',
  [`${WS}/nested`]: 'profile outer {\n  profile sync {\n  }\n}\n',
};

function indexOf(files: Record<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex(memoryFs(files));
  for (const p of index.listFiles([WS, ETC])) index.update(p);
  return index;
}

const dmesg = (profile: string, rest: string, serial = 100): string =>
  `[  412.118204] audit: type=1400 audit(1718000012.${serial}:${serial}): apparmor="DENIED" profile="${profile}" ${rest} pid=2311 comm="x"`;

test('a logged profile is found by name, the workspace copy before the installed one', () => {
  const entries = [...indexOf(FILES).topLevelProfiles()];
  assert.deepEqual(locateProfile('notes', entries, [WS, ETC]), { path: `${WS}/usr.bin.notes`, profile: 'notes', matchedBy: 'name' });
  assert.deepEqual(locateProfile('notes', entries, [ETC, WS])?.path, `${ETC}/usr.bin.notes`, 'the earlier root wins');
  assert.deepEqual(locateProfile('notes//sync', entries, [WS])?.profile, 'notes//sync');
  assert.equal(locateProfile('sync', entries, [WS]), undefined, 'hats and child profiles are not top-level names');
  assert.equal(locateProfile('helper', entries, [WS]), undefined);
  assert.equal(locateProfile('absent', entries, [WS]), undefined);
});

test('a path-named logged profile is found by attachment, spelt out or as a glob, and renamed to the file\'s name', () => {
  const entries = [...indexOf(FILES).topLevelProfiles()];
  assert.deepEqual(locateProfile('/usr/bin/notes//sync', entries, [WS, ETC]), { path: `${WS}/usr.bin.notes`, profile: 'notes//sync', matchedBy: 'attachment' });
  assert.deepEqual(locateProfile('/opt/viewer/bin/edit', entries, [WS]), { path: `${WS}/viewer`, profile: 'viewer', matchedBy: 'attachment' });
  assert.equal(locateProfile('/opt/viewer/bin/other', entries, [WS]), undefined);
  const named = [...entries, { path: '/x/usr.bin.notes', name: '/usr/bin/notes' }];
  assert.equal(locateProfile('/usr/bin/notes', named, [WS])?.matchedBy, 'name', 'a profile named by the path wins over an attachment');
});

test('open documents are located from their unsaved text', () => {
  const index = indexOf(FILES);
  const open = new Map([[`${WS}/draft`, 'profile drafted /usr/bin/drafted {\n}\n'], [`${WS}/viewer`, '# emptied\n']]);
  const entries = [...index.topLevelProfiles(open)];
  assert.equal(locateProfile('drafted', entries, [WS])?.path, `${WS}/draft`);
  assert.equal(locateProfile('viewer', entries, [WS]), undefined, 'the editor\'s text wins over the indexed one');
});

function propose(log: string, files = FILES, literal = false): ReturnType<typeof proposeDenials> {
  const entries = [...indexOf(files).topLevelProfiles()];
  const fs = memoryFs(files);
  return proposeDenials(log, { literal }, {
    locate: (p) => locateProfile(p, entries, [WS, ETC]),
    read: (p) => fs.readFile(p),
    analyzer: new Analyzer({ fs, includeDirs: [ETC] }),
  });
}

test('proposals carry the file and the place their rules go, in the profile, its hat, or a child to create', () => {
  const log = [
    dmesg('notes', 'operation="open" class="file" name="/etc/notes/notes.conf" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0', 101),
    dmesg('notes//sync', 'operation="open" class="file" name="/var/lib/notes/db" requested_mask="rw" denied_mask="rw" fsuid=0 ouid=0', 102),
    dmesg('/usr/bin/notes//thumbs', 'operation="capable" class="cap" capname="sys_nice"', 103),
    dmesg('stranger', 'operation="capable" class="cap" capname="chown"', 104),
  ].join('\n');
  const result = propose(log);
  assert.deepEqual(result.groups.map((g) => [g.profile, g.target?.profile, g.target?.blockExists]), [
    ['/usr/bin/notes//thumbs', 'notes//thumbs', false], ['notes', 'notes', true], ['notes//sync', 'notes//sync', true], ['stranger', undefined, undefined],
  ]);
  const [thumbs, notes, sync] = result.groups;
  assert.equal(notes!.target!.uri, `file://${WS}/usr.bin.notes`);
  assert.deepEqual(notes!.target!.position, { line: 4, character: 0 }, 'after the profile\'s file rules');
  assert.deepEqual(sync!.target!.position, { line: 7, character: 0 }, 'before the hat\'s closing brace');
  assert.deepEqual(thumbs!.target!.position, { line: 8, character: 0 }, 'a missing child is created at the end of its parent');
  assert.deepEqual(notes!.rules.map((r) => [r.text, r.deny, r.count, r.operation, r.allowed]), [['/etc/notes/notes.conf r,', 'deny /etc/notes/notes.conf r,', 1, 'open', false]]);
  assert.deepEqual(notes!.rules[0]!.samples.map((s) => [s.line, s.fields['name']]), [[1, '/etc/notes/notes.conf']]);
  assert.equal(notes!.lastSeen, 1718000012101);
  assert.deepEqual(result.groups[3]!.operations, ['capable']);
});

test('a rule the file already allows is marked, through its globs and includes', () => {
  const files = { ...FILES, [`${WS}/usr.bin.notes`]: NOTES.replace('/etc/notes/ r,', '/etc/notes/** r,\n  owner @{HOME}/.notes rw,') };
  const log = [
    dmesg('notes', 'operation="open" class="file" name="/etc/notes/a/b" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'),
    dmesg('notes', 'operation="open" class="file" name="/home/al/.notes" requested_mask="w" denied_mask="w" fsuid=1000 ouid=1000'),
    dmesg('notes', 'operation="open" class="file" name="/etc/other" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'),
  ].join('\n');
  const rules = propose(log, files).groups[0]!.rules;
  assert.deepEqual(rules.map((r) => [r.text, r.allowed]), [['/etc/notes/a/b r,', true], ['/etc/other r,', false], ['owner @{HOME}/.notes w,', true]]);
});

test('literal paths, unreadable lines and unfixable denials are reported', () => {
  const log = [
    dmesg('stranger', 'operation="open" class="file" name="/home/al/x" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000'),
    'audit: apparmor="DENIED" profile="p"',
    dmesg('unconfined', 'operation="capable" capname="chown"'),
    'an ordinary line',
  ].join('\n');
  const result = propose(log, FILES, true);
  assert.deepEqual(result.groups[0]!.rules.map((r) => r.text), ['owner /home/al/x r,']);
  assert.equal(result.records, 2);
  assert.equal(result.unparsed, 1);
  assert.deepEqual(result.unparsedLines, [{ line: 2, text: 'audit: apparmor="DENIED" profile="p"' }]);
  assert.deepEqual(result.skipped.map((s) => [s.line, s.operation]), [[3, 'capable']]);
  assert.match(result.skipped[0]!.reason, /unconfined/);
});

test('a hat asked for by change_hat is proposed as a hat, created as ^name', () => {
  const log = dmesg('notes', 'operation="change_hat" info="hat not found" error=-2 name="preview"');
  const [group] = propose(log).groups;
  assert.deepEqual([group!.profile, group!.hat, group!.rules.length, group!.operations], ['notes//preview', true, 0, ['change_hat']]);
  const { edits } = insertDenialRules(NOTES, { profile: group!.target!.profile, rules: [], hat: true });
  assert.match(applyEdits(NOTES, edits), /\n {2}\^preview \{\n {2}\}\n\}\n$/);
});

test('inserting: into a hat, a nested child, a missing child; the result passes the checker', () => {
  const into = (text: string, profile: string, rules: string[], hat = false): string => applyEdits(text, insertDenialRules(text, { profile, rules, hat }).edits);
  const hat = into(NOTES, 'notes//sync', ['/var/lib/notes/db rw,', 'deny /etc/shadow r,']);
  assert.match(hat, /\^sync \{\n {4}\/var\/lib\/notes\/ r,\n {4}\/var\/lib\/notes\/db rw,\n {4}deny \/etc\/shadow r,\n {2}\}/);
  const nested = into(FILES[`${WS}/nested`]!, 'outer//sync', ['capability chown,']);
  assert.equal(nested, 'profile outer {\n  profile sync {\n    capability chown,\n  }\n}\n');
  const child = into(NOTES, 'notes//thumbs', ['owner @{HOME}/.cache/thumbs/** rw,']);
  assert.match(child, / {2}profile thumbs \{\n {4}owner @\{HOME\}\/.cache\/thumbs\/\*\* rw,\n {2}\}\n\}\n$/);
  for (const text of [hat, nested, child]) assert.deepEqual(errorsOf(check(text, { files: { [`${ETC}/tunables/global`]: TUNABLES } })), []);
  assert.deepEqual(insertDenialRules(hat, { profile: 'notes//sync', rules: ['/var/lib/notes/db  rw ,'] }).edits, [], 'present rules are not added twice');
});

test('inserting into a file that does not exist makes one with the tunables and the block', () => {
  const made = insertDenialRules(undefined, { profile: '/usr/bin/notes//sync', rules: ['owner @{HOME}/.notes r,'], hat: true });
  assert.equal(made.newFile, true);
  assert.deepEqual(made.edits.map((e) => e.range.start), [{ line: 0, character: 0 }]);
  const text = made.edits[0]!.newText;
  assert.equal(text, 'include <tunables/global>\n\nprofile /usr/bin/notes {\n  ^sync {\n    owner @{HOME}/.notes r,\n  }\n}\n');
  assert.deepEqual(errorsOf(check(text, { files: { [`${ETC}/tunables/global`]: TUNABLES } })), []);
  assert.ok(parse(text).errors.length === 0);
});

test('a proposal that would conflict with the file it goes into says so (ix where the file runs the path with px)', () => {
  const files = { ...FILES, [`${WS}/runner`]: 'profile runner /usr/bin/runner {\n  /usr/bin/helper px,\n}\n' };
  const log = [
    dmesg('runner', 'operation="exec" class="file" name="/usr/bin/helper" requested_mask="x" denied_mask="x" fsuid=0 ouid=0', 101),
    dmesg('runner', 'operation="open" class="file" name="/etc/runner.conf" requested_mask="r" denied_mask="r" fsuid=0 ouid=0', 102),
  ].join('\n');
  const rules = propose(log, files).groups[0]!.rules;
  assert.deepEqual(rules.map((r) => [r.text, r.conflict]), [
    ['/etc/runner.conf r,', undefined],
    ['/usr/bin/helper ix,', "'/usr/bin/helper' has conflicting exec modes: ix here and px at line 2."],
  ]);
  // Without the px rule nothing conflicts.
  assert.ok(propose(log, { ...files, [`${WS}/runner`]: 'profile runner /usr/bin/runner {\n}\n' }).groups[0]!.rules.every((r) => r.conflict === undefined));
});
