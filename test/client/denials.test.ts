import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatSeen, groupText, ruleText, suggestedFileName, summarize } from '../../client/src/core/denialItems';
import {
  AUTO_ORDER, explainFileError, explainRun, isSourceSetting, keepTail, logSource, mentionsAppArmor, programArgv, sourceLabel, sourcesFor,
} from '../../client/src/core/logSources';
import type { RunResult } from '../../client/src/core/outcome';
import { describeHeld, planRules } from '../../client/src/core/ruleConflicts';
import { endOfInsert } from '../../client/src/core/textEdits';
import { readSystemLog } from '../../client/src/readDenialLog';
import type { Runner } from '../../client/src/runner';
import type { DenialGroup, DenialRule, DenialsResult } from '../../server/src/protocol';

const ROOT = path.resolve(__dirname, '../../..');
const NOW = Date.UTC(2024, 5, 10, 12, 0, 0);

const run = (partial: Partial<RunResult>): RunResult => ({ exitCode: 0, stdout: '', stderr: '', ...partial });

test('log sources: auto tries dmesg, journalctl, audit.log, syslog; each read from an argument vector or a file', () => {
  assert.deepEqual(AUTO_ORDER, ['dmesg', 'journalctl', 'audit.log', 'syslog']);
  assert.deepEqual(sourcesFor('auto').map((s) => s.name), AUTO_ORDER);
  assert.deepEqual(sourcesFor('syslog').map(sourceLabel), ['/var/log/syslog']);
  assert.deepEqual(programArgv(logSource('dmesg')), ['dmesg']);
  assert.deepEqual(programArgv(logSource('journalctl')).slice(0, 7), ['journalctl', '-k', '-b', '-o', 'short-iso', '--no-pager', '-n']);
  assert.deepEqual(programArgv(logSource('audit.log')), ['tail', '-c', String(32 * 1024 * 1024), '--', '/var/log/audit/audit.log']);
  assert.ok(isSourceSetting('audit.log') && isSourceSetting('auto'));
  assert.ok(!isSourceSetting('journal') && !isSourceSetting(3) && !isSourceSetting('constructor'));
});

test('a source that failed says which, why and what to do', () => {
  const dmesg = explainRun(logSource('dmesg'), run({ exitCode: 1, stderr: 'dmesg: read kernel buffer failed: Operation not permitted\n' }));
  assert.equal(dmesg?.permission, true);
  assert.match(dmesg!.message, /^dmesg: .*only root.*kernel\.dmesg_restrict=1.*as root.*sysctl kernel\.dmesg_restrict=0/);
  const journal = explainRun(logSource('journalctl'), run({ stdout: '-- No entries --\n', stderr: 'Hint: You are currently not seeing messages from other users and the system.\n' }));
  assert.equal(journal?.permission, true);
  assert.match(journal!.message, /^journalctl -k: only your own journal.*systemd-journal/);
  assert.match(explainRun(logSource('journalctl'), run({ exitCode: null, spawnError: 'ENOENT' }))!.message, /journalctl is not installed/);
  assert.match(explainRun(logSource('dmesg'), run({ exitCode: 2, stderr: 'dmesg: unknown\nmore' }))!.message, /^dmesg: failed \(exit status 2\): dmesg: unknown$/);
  assert.equal(explainRun(logSource('dmesg'), run({ stdout: '[ 1.0] hello\n' })), undefined);
  const audit = logSource('audit.log') as ReturnType<typeof logSource> & { kind: 'file' };
  assert.deepEqual(explainFileError(audit, 'EACCES'), { message: '/var/log/audit/audit.log: readable by root only. Read it as root.', permission: true });
  assert.match(explainFileError(audit, 'ENOENT').message, /not there \(auditd is not installed/);
  assert.match(explainFileError(logSource('syslog') as typeof audit, 'ENOENT').message, /journal holds the kernel log/);
});

test('AppArmor records are told from other log lines; long logs keep their newest whole lines', () => {
  assert.ok(mentionsAppArmor('[ 4.1] audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open"'));
  assert.ok(mentionsAppArmor('type=1503 audit(1.2:3): operation="exec"'));
  assert.ok(!mentionsAppArmor('[ 0.0] Kernel command line: apparmor 1 security=selinux\n[ 1.0] usb 1-1: new device'));
  assert.deepEqual(keepTail('first line\nsecond\nthird\n', 12), { text: 'third\n', cut: true });
  assert.deepEqual(keepTail('short\n', 12), { text: 'short\n', cut: false });
});

const RULE: DenialRule = {
  text: 'owner @{HOME}/.config/notes/ rw,', deny: 'deny owner @{HOME}/.config/notes/ rw,', literals: ['owner /home/al/.config/notes/ rw,'],
  class: 'file', count: 3, lastSeen: NOW - 5 * 60_000, operation: 'open', operations: ['open', 'mknod'],
  samples: [{ line: 12, fields: { apparmor: 'DENIED', operation: 'open', name: '/home/al/.config/notes/', comm: 'my notes', requested_mask: 'rw' } }],
  allowed: false,
};
const GROUP: DenialGroup = {
  profile: 'notes//sync', hat: true, count: 4, lastSeen: NOW - 5 * 60_000, operations: ['open', 'mknod', 'capable', 'exec', 'link'], rules: [RULE],
  target: { uri: 'file:///work/ws/usr.bin.notes', profile: 'notes//sync', matchedBy: 'name', position: { line: 7, character: 0 }, blockExists: false },
};

test('a profile item: the count, when last seen, the operations; the file in its tooltip', () => {
  const text = groupText(GROUP, NOW);
  assert.equal(text.label, 'notes//sync');
  assert.equal(text.description, '4 denials · 5 min ago · open, mknod, capable, …');
  assert.match(text.tooltip, /^\*\*notes\/\/sync\*\* \(hat\)\n\nIn `usr\.bin\.notes` \(the hat is created when a rule is added\)\./);
  const lost = groupText({ ...GROUP, target: undefined, lastSeen: undefined, operations: ['capable'] }, NOW);
  assert.equal(lost.description, '4 denials · capable · no profile file found');
  assert.match(lost.tooltip, /No file in the workspace or the include folders defines this profile/);
  assert.match(groupText({ ...GROUP, target: { ...GROUP.target!, matchedBy: 'attachment', profile: 'n`x' } }, NOW).tooltip, /found by attachment as `` n`x ``/);
});

test('a rule item: the rule, count and operation; deny form, literal form and log lines in its tooltip', () => {
  const text = ruleText(RULE, NOW);
  assert.equal(text.label, RULE.text);
  assert.equal(text.description, '3× open · 5 min ago');
  assert.match(text.tooltip, /^`owner @\{HOME\}\/\.config\/notes\/ rw,`\n\nDeny instead: `deny owner/);
  assert.match(text.tooltip, /As logged: `owner \/home\/al\/\.config\/notes\/ rw,`/);
  assert.match(text.tooltip, /Log line 12: `operation=open name=\/home\/al\/\.config\/notes\/ comm="my notes" requested_mask=rw`/);
  assert.match(ruleText({ ...RULE, allowed: true }, NOW).description, /allowed by the file: reload the profile$/);
  const conflicting = ruleText({ ...RULE, conflict: "'/x' has conflicting exec modes: ix here and px at line 2." }, NOW);
  assert.match(conflicting.description, /conflicts with the file$/);
  assert.match(conflicting.tooltip, /Added as it is, the profile would not load: '\/x' has conflicting exec modes: ix here and px at line 2/);
});

test('Add Rule holds back a rule that would keep the profile from loading, and says why; deny rules and other files are not held', () => {
  const ix: DenialRule = { ...RULE, text: '/usr/bin/helper ix,', deny: 'deny /usr/bin/helper x,', conflict: "'/usr/bin/helper' has conflicting exec modes: ix here and px at line 2." };
  const plan = planRules([RULE, ix], false);
  assert.deepEqual(plan.add, [RULE.text]);
  assert.deepEqual(plan.held.map((h) => h.text), ['/usr/bin/helper ix,']);
  assert.equal(describeHeld(plan.held, 'runner in runner.apparmor'),
    "This rule would keep runner in runner.apparmor from loading, so it was not added: /usr/bin/helper ix, ('/usr/bin/helper' has conflicting exec modes: ix here and px at line 2). " +
    'Change the rule the file has, or add anyway and fix the profile before loading it.');
  assert.match(describeHeld([...plan.held, { text: 'b w,', why: 'why.' }], 'p in f'), /^2 rules would keep p in f from loading, so they were not added: \/usr\/bin\/helper ix, \(.*\); b w, \(why\)\. /);
  assert.deepEqual(planRules([RULE, ix], true), { add: [RULE.deny, 'deny /usr/bin/helper x,'], held: [] });
  assert.deepEqual(planRules([RULE, ix], false, true), { add: [RULE.text, ix.text], held: [] });
  assert.deepEqual(planRules([ix], false), { add: [], held: [{ text: ix.text, why: ix.conflict }] });
});

test('the view\'s message counts rules, unreadable lines and denials no rule fixes; the badge counts rules still to add', () => {
  const result: DenialsResult = {
    groups: [GROUP, { ...GROUP, profile: 'other', rules: [RULE, { ...RULE, allowed: true }] }], records: 9, unparsed: 2,
    unparsedLines: [{ line: 4, text: 'x' }], skipped: [{ line: 5, operation: 'capable', reason: 'unconfined' }],
  };
  assert.deepEqual(summarize(result, 'dmesg'), {
    description: 'dmesg',
    message: '3 rules for 2 profiles from 9 AppArmor records. 2 lines could not be read (see Output › AppArmor). 1 denial no rule can fix (see Output › AppArmor).',
    badge: 2,
  });
  assert.equal(summarize({ groups: [], records: 1, unparsed: 0, unparsedLines: [], skipped: [] }, 'x').message, 'No denials in 1 AppArmor record.');
});

test('times: relative while recent, else the local date and time', () => {
  assert.equal(formatSeen(undefined, NOW), '');
  assert.equal(formatSeen(NOW - 10_000, NOW), 'just now');
  assert.equal(formatSeen(NOW + 10_000, NOW), 'just now', 'a clock ahead of ours is not the future');
  assert.equal(formatSeen(NOW - 3 * 3_600_000, NOW), '3 h ago');
  const old = new Date(2023, 0, 2, 3, 4);
  assert.equal(formatSeen(old.getTime(), NOW), '2023-01-02 03:04');
});

test('new profile files are named as packages name them', () => {
  assert.equal(suggestedFileName('/usr/bin/notes//sync'), 'usr.bin.notes');
  assert.equal(suggestedFileName('docker-nginx'), 'docker-nginx');
  assert.equal(suggestedFileName('/opt/my tool/run'), 'opt.my_tool.run');
  assert.equal(suggestedFileName('/'), 'profile');
});

test('the end of an insertion, to select what was added', () => {
  assert.deepEqual(endOfInsert({ line: 7, character: 0 }, '  /a r,\n  /b r,\n'), { line: 9, character: 0 });
  assert.deepEqual(endOfInsert({ line: 3, character: 14 }, '\n  /a r,\n'), { line: 5, character: 0 });
  assert.deepEqual(endOfInsert({ line: 3, character: 2 }, 'abc'), { line: 3, character: 5 });
});

test('the manifest: the denials view in a panel of its own, its actions inline on every item, the selection command in the editor menu', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const [container] = manifest.contributes.viewsContainers.panel as { id: string; title: string; icon: string }[];
  assert.deepEqual([container!.id, container!.title], ['apparmor', 'AppArmor Denials']);
  assert.ok(fs.existsSync(path.join(ROOT, container!.icon)), container!.icon);
  const [view] = manifest.contributes.views[container!.id] as { id: string; when: string }[];
  assert.equal(view!.id, 'apparmorDenials');
  const source = fs.readFileSync(path.join(ROOT, 'client/src/denialsView.ts'), 'utf8');
  assert.ok(source.includes(`DENIALS_VIEW = '${view!.id}'`) && source.includes(`'${view!.when}'`), 'the view id and its context key match the code');
  const inline = (manifest.contributes.menus['view/item/context'] as { command: string; group: string; when: string }[]).filter((m) => m.group.startsWith('inline'));
  const shownOn = (context: string): string[] => inline.filter((m) => {
    const [, regex] = m.when.split('=~ /');
    return regex !== undefined ? new RegExp(regex.replace(/\/$/, '')).test(context) : m.when.endsWith(`viewItem == ${context}`);
  }).map((m) => m.command);
  for (const context of ['apparmorDenialGroup', 'apparmorDenialRule']) {
    assert.deepEqual(shownOn(context), ['apparmor.addDenialRule', 'apparmor.addDenyRule', 'apparmor.copyDenialRule'], context);
  }
  // A deny rule blocks it: no Add Rule, the deny rule to open instead.
  assert.deepEqual(shownOn('apparmorDenialBlocked'), ['apparmor.addDenyRule', 'apparmor.copyDenialRule', 'apparmor.openDenyRule']);
  assert.deepEqual((manifest.contributes.menus['view/title'] as { command: string }[]).map((m) => m.command), ['apparmor.refreshDenials', 'apparmor.showDenials', 'apparmor.showDenialsFromFile', 'apparmor.clearDenials']);
  assert.ok((manifest.contributes.menus['editor/context'] as { command: string; when: string }[]).some((m) => m.command === 'apparmor.showDenialsFromSelection' && m.when === 'editorHasSelection'));
  assert.deepEqual(Object.assign({}, ...manifest.contributes.configuration.map((c: { properties: object }) => c.properties))['apparmor.denials.source'].enum, ['auto', ...AUTO_ORDER]);
});

/** A stand-in for the Runner: canned results by program, and a record of what ran and how. */
function fakeRunner(results: Record<string, Partial<RunResult>>): { runner: Runner; ran: string[] } {
  const ran: string[] = [];
  const exec = (argv: readonly string[], how: string) => {
    ran.push(`${how} ${argv.join(' ')}`);
    return Promise.resolve({ commandLine: argv.join(' '), program: argv[0]!, result: run(results[argv[0]!] ?? { exitCode: null, spawnError: 'ENOENT' }) });
  };
  return { runner: { run: (argv: readonly string[]) => exec(argv, 'user'), runAsRoot: (argv: readonly string[], p: string) => exec(argv, p) } as unknown as Runner, ran };
}

const RECORD = '2024-06-10T06:15:00+0000 host kernel: audit: type=1400 audit(1718000100.001:301): apparmor="DENIED" operation="capable" profile="p" capname="chown"\n';
const RESTRICTED = { exitCode: 1, stderr: 'dmesg: read kernel buffer failed: Operation not permitted\n' };

test('auto: the first source with AppArmor records wins; what the others said comes along', async () => {
  const { runner, ran } = fakeRunner({ dmesg: RESTRICTED, journalctl: { stdout: RECORD } });
  const outcome = await readSystemLog(runner, 'auto', { trusted: true });
  assert.ok(outcome.ok);
  assert.equal(outcome.log.label, 'journalctl -k');
  assert.equal(outcome.log.text, RECORD);
  assert.match(outcome.notes.join('\n'), /^dmesg: the kernel lets only root read its log/);
  assert.deepEqual(ran.map((r) => r.split(' ').slice(0, 2).join(' ')), ['user dmesg', 'user journalctl']);
});

test('a chosen source that needs root fails with the reason; read as root, it runs the way apparmor.privilege says', async () => {
  const { runner, ran } = fakeRunner({ dmesg: RESTRICTED });
  const failed = await readSystemLog(runner, 'dmesg', { trusted: true });
  assert.ok(!failed.ok);
  assert.deepEqual(failed.failures.map((f) => f.permission), [true]);
  const { runner: root } = fakeRunner({ dmesg: { stdout: RECORD } });
  const read = await readSystemLog(root, 'dmesg', { trusted: true, asRoot: 'pkexec' });
  assert.ok(read.ok);
  assert.equal(read.log.label, 'dmesg (as root)');
  assert.deepEqual(ran, ['user dmesg']);
});

test('an untrusted workspace runs no program, not even as root', async () => {
  const { runner, ran } = fakeRunner({ dmesg: { stdout: RECORD } });
  for (const how of [{ trusted: false }, { trusted: false, asRoot: 'sudo' as const }]) {
    const outcome = await readSystemLog(runner, 'dmesg', how);
    assert.ok(!outcome.ok);
    assert.match(outcome.failures[0]!.message, /^dmesg: not run, as this workspace is not trusted\./);
  }
  assert.deepEqual(ran, []);
});

test('a source read without AppArmor records is used when no other has any, and says so', async () => {
  const { runner } = fakeRunner({ dmesg: { stdout: '[ 1.0] usb 1-1: new device\n[ 2.0] eth0: link up\n' }, journalctl: { stdout: '-- No entries --\n' } });
  const outcome = await readSystemLog(runner, 'journalctl', { trusted: true });
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.notes, ['journalctl -k: no AppArmor records in 1 line.']);
});
