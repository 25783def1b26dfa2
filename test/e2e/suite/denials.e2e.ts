import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activeApi, commandRunner, describeDiagnostics, fixture, note, openEditor, screenshot, waitFor, type AppArmorApi, type DenialItem } from './helpers';

const PROFILE = 'profiles/denials-demo.apparmor';
const LOG = 'logs/denials.log';

const run = commandRunner(20_000);

function item(api: AppArmorApi, label: string): DenialItem {
  const found = api.denials().items.find((i) => i.label === label);
  assert.ok(found, `"${label}" among ${api.denials().items.map((i) => i.label).join(', ')}`);
  return found;
}

async function errorsOn(uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
  // The server checks after a short debounce; give it time to publish for the edited text.
  await new Promise((r) => setTimeout(r, 1000));
  return vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
}

describe('denials', () => {
  let api: AppArmorApi;
  before(async () => {
    api = await activeApi();
  });
  after(async () => {
    // Leave the profile as the other suites found it.
    await vscode.window.showTextDocument(fixture(PROFILE));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('Show Denials from a log file fills the view: profiles, their rules, the unreadable line', async () => {
    const result = await run('apparmor.showDenialsFromFile', fixture(LOG));
    assert.equal(result.kind, 'ok', result.message);
    const view = api.denials();
    assert.equal(view.description, 'log denials.log');
    assert.match(view.message, /^Log denials\.log: 3 rules for 2 profiles from 4 AppArmor records\. 1 line could not be read/);
    assert.deepEqual(view.items.map((i) => [i.label, i.contextValue]), [['denials-demo', 'apparmorDenialGroup'], ['denials-demo//worker', 'apparmorDenialGroup']]);
    const demo = item(api, 'denials-demo');
    assert.match(demo.description, /^2 denials · \d{4}-\d\d-\d\d \d\d:\d\d · (capable, open|open, capable)$/);
    assert.deepEqual(demo.children.map((c) => c.label), ['capability net_bind_service,', '/etc/denials-demo/extra.conf r,']);
    const worker = item(api, 'denials-demo//worker');
    assert.deepEqual(worker.children.map((c) => [c.label, c.contextValue]), [['/var/lib/denials-demo/queue.db rw,', 'apparmorDenialRule']]);
    assert.match(worker.children[0]!.description, /^2× open/);
    assert.match(worker.children[0]!.tooltip, /Deny instead: `deny \/var\/lib\/denials-demo\/queue\.db rw,`/);
    assert.match(worker.tooltip, /In `denials-demo\.apparmor`/);
  });

  it('a click on a profile opens its file where the rules would go', async () => {
    const worker = item(api, 'denials-demo//worker');
    assert.ok(worker.command, 'located groups open their file');
    await vscode.commands.executeCommand(worker.command.command, ...(worker.command.arguments ?? []));
    const editor = await waitFor('the profile in front', () =>
      vscode.window.activeTextEditor?.document.uri.path.endsWith(PROFILE) ? vscode.window.activeTextEditor : undefined);
    assert.equal(editor.selection.active.line, 10, 'before the closing brace of ^worker');
  });

  it('Show Denials in Selection reads only the selected lines', async () => {
    const editor = await openEditor(LOG);
    editor.selection = new vscode.Selection(3, 0, 5, 0);
    const result = await run('apparmor.showDenialsFromSelection');
    assert.equal(result.kind, 'ok', result.message);
    assert.deepEqual(api.denials().items.map((i) => i.label), ['denials-demo//worker']);
    assert.equal(api.denials().description, 'log selection of denials.log');
    assert.deepEqual(api.denials().sources, ['log selection of denials.log'], 'another log replaces the log');
  });

  it('Add Rule puts the rule into the hat, leaves the file unsaved without errors, and the view marks it allowed', async () => {
    const rule = item(api, 'denials-demo//worker').children[0]!;
    const result = await run('apparmor.addDenialRule', rule.node);
    assert.equal(result.kind, 'ok', result.message);
    assert.match(result.message, /^Added 1 rule to denials-demo\/\/worker in denials-demo\.apparmor \(not saved yet\); the profile has no errors\. It now allows open \(\/var\/lib\/denials-demo\/queue\.db rw\)\.$/);
    const doc = await vscode.workspace.openTextDocument(fixture(PROFILE));
    assert.match(doc.getText(), /\^worker \{\n {4}\/var\/lib\/denials-demo\/ r,\n {4}\/var\/lib\/denials-demo\/queue\.db rw,\n {2}\}\n\}\n$/);
    assert.equal(doc.isDirty, true, 'left for the user to read and save');
    const errors = await errorsOn(doc.uri);
    assert.deepEqual(errors, [], describeDiagnostics(errors));
    await waitFor('the rule marked allowed', () => (/allowed by the file/.test(item(api, 'denials-demo//worker').children[0]!.description) ? true : undefined));
    const again = await run('apparmor.addDenialRule', item(api, 'denials-demo//worker').children[0]!.node);
    assert.match(again.message, /already has this rule/);
  });

  it('Add Deny Rule on a profile adds the deny form of each of its rules to the profile block', async () => {
    await run('apparmor.showDenialsFromFile', fixture(LOG));
    const result = await run('apparmor.addDenyRule', item(api, 'denials-demo').node);
    assert.equal(result.kind, 'ok', result.message);
    assert.match(result.message, /^Added 2 deny rules to denials-demo in denials-demo\.apparmor/);
    const doc = await vscode.workspace.openTextDocument(fixture(PROFILE));
    // Each next to rules of its kind: the file rule after the file rules; the capability, of a kind the profile has none of, at its end.
    assert.match(doc.getText(), / {2}\/etc\/denials-demo\/ r,\n {2}deny \/etc\/denials-demo\/extra\.conf r,\n/);
    assert.match(doc.getText(), / {2}\}\n {2}deny capability net_bind_service,\n\}\n$/);
    const errors = await errorsOn(doc.uri);
    assert.deepEqual(errors, [], describeDiagnostics(errors));
  });

  it('Copy Rule puts the rule on the clipboard', async () => {
    const rule = item(api, 'denials-demo').children[1]!;
    const result = await run('apparmor.copyDenialRule', rule.node);
    assert.equal(result.ok, true, result.message);
    if (/No clipboard here/.test(result.message)) return;
    assert.equal(await vscode.env.clipboard.readText(), '/etc/denials-demo/extra.conf r,');
  });

  it('Add Rule for a profile no file defines offers to create one, and does not wait for the answer; given a new file, makes it', async () => {
    const log = await vscode.workspace.openTextDocument({ content: 'apparmor="DENIED" operation="capable" profile="nowhere-app" capname="chown"\n' });
    await vscode.window.showTextDocument(log);
    await run('apparmor.showDenialsFromSelection');
    const result = await run('apparmor.addDenialRule', item(api, 'nowhere-app').node);
    assert.equal(result.kind, 'noProfile');
    assert.match(result.message, /No file in the workspace or the include folders defines the profile nowhere-app/);
    assert.deepEqual(result.actions?.map((a) => a.title), ['Create Profile File…', 'Copy Rules']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    const made = fixture('profiles/nowhere-app.apparmor');
    const added = await run('apparmor.addDenialRule', item(api, 'nowhere-app').node, made);
    assert.match(added.message, /^Added 1 rule to nowhere-app in nowhere-app\.apparmor \(not saved yet\); the profile has no errors\.( It now allows capable \(capability chown\)\.)?$/);
    const doc = await vscode.workspace.openTextDocument(made);
    // A whole profile, from the New profile snippet, its program guessed from the name; the rule before the local override.
    assert.equal(doc.getText(), [
      'abi <abi/3.0>,', '', 'include <tunables/global>', '', 'profile nowhere-app /usr/bin/nowhere-app flags=(complain) {',
      '  include <abstractions/base>', '', '  /usr/bin/nowhere-app mr,', '', '  capability chown,', '  include if exists <local/nowhere-app>', '}', '',
    ].join('\n'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(made);
  });

  it('with apparmor.addRule.destination = local, Add Rule writes into the profile\'s local override, next to rules of its kind', async () => {
    const profile = fixture('profiles/with-local.apparmor');
    const override = fixture('profiles/local/with-local');
    await vscode.workspace.fs.writeFile(profile, Buffer.from('profile with-local {\n  /etc/with-local/ r,\n  include if exists <local/with-local>\n}\n'));
    await vscode.workspace.fs.writeFile(override, Buffer.from('# site additions\n/srv/with-local/ r,\ncapability chown,\n'));
    await vscode.workspace.getConfiguration('apparmor').update('addRule.destination', 'local', vscode.ConfigurationTarget.Global);
    try {
      const log = await vscode.workspace.openTextDocument({ content: 'apparmor="DENIED" operation="open" profile="with-local" name="/srv/with-local/data" requested_mask="r" denied_mask="r" fsuid=0 ouid=0\n' });
      await vscode.window.showTextDocument(log);
      await run('apparmor.showDenialsFromSelection');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      const added = await run('apparmor.addDenialRule', item(api, 'with-local').children[0]!.node, profile);
      assert.match(added.message, /^Added 1 rule to local\/with-local, the local override of with-local \(not saved yet\); it has no errors\.$/);
      const doc = await vscode.workspace.openTextDocument(override);
      assert.equal(doc.getText(), '# site additions\n/srv/with-local/ r,\n/srv/with-local/data r,\ncapability chown,\n');
      assert.doesNotMatch((await vscode.workspace.openTextDocument(profile)).getText(), /data/, 'the profile itself is left as it was');
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      await vscode.workspace.getConfiguration('apparmor').update('addRule.destination', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.fs.delete(fixture('profiles/local'), { recursive: true });
      await vscode.workspace.fs.delete(profile);
    }
  });

  it('Add Rule holds back a rule that would keep the profile from loading, says why, and adds it only when asked', async () => {
    const lines = [
      'audit: type=1400 audit(1718000200.001:401): apparmor="DENIED" operation="exec" class="file" profile="conflict-demo" name="/usr/bin/conflict-helper" pid=4200 comm="conflict-demo" requested_mask="x" denied_mask="x" fsuid=0 ouid=0',
      'audit: type=1400 audit(1718000200.002:402): apparmor="DENIED" operation="open" class="file" profile="conflict-demo" name="/etc/conflict-demo.conf" pid=4200 comm="conflict-demo" requested_mask="r" denied_mask="r" fsuid=0 ouid=0',
    ];
    const log = await vscode.workspace.openTextDocument({ content: lines.join('\n') + '\n' });
    await vscode.window.showTextDocument(log);
    await run('apparmor.showDenialsFromSelection');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    const group = item(api, 'conflict-demo');
    const ix = group.children.find((c) => c.label === '/usr/bin/conflict-helper ix,');
    assert.ok(ix, group.children.map((c) => c.label).join(', '));
    assert.match(ix.description, /conflicts with the file/);

    const alone = await run('apparmor.addDenialRule', ix.node);
    assert.equal(alone.kind, 'conflict', alone.message);
    assert.match(alone.message, /^This rule would keep conflict-demo in conflict-demo\.apparmor from loading, so it was not added: \/usr\/bin\/conflict-helper ix, \('\/usr\/bin\/conflict-helper' has conflicting exec modes: ix here and px at line 7\)\./);
    assert.deepEqual(alone.actions?.map((a) => a.title), ['Add Anyway', 'Copy Rule']);
    const doc = await vscode.workspace.openTextDocument(fixture('profiles/conflict-demo.apparmor'));
    assert.equal(doc.isDirty, false, 'nothing was inserted');

    const all = await run('apparmor.addDenialRule', item(api, 'conflict-demo').node);
    assert.equal(all.kind, 'ok', all.message);
    assert.match(all.message, /^Added 1 rule to conflict-demo in conflict-demo\.apparmor \(not saved yet\); the profile has no errors\. It now allows open \(\/etc\/conflict-demo\.conf r\)\. This rule would keep/);
    assert.match(doc.getText(), /\/etc\/conflict-demo\.conf r,/);
    assert.doesNotMatch(doc.getText(), /conflict-helper ix/);

    const anyway = await all.actions!.find((a) => a.title === 'Add Anyway')!.run();
    assert.match(anyway?.message ?? '', /^Added 1 rule to conflict-demo .*the profile has \d+ errors?: see Problems\. It does not allow \/usr\/bin\/conflict-helper ix: rules give \/usr\/bin\/conflict-helper different exec transitions: apparmor_parser refuses such a profile\.$/);
    assert.match(doc.getText(), /\/usr\/bin\/conflict-helper ix,/);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Show Denials adds the kernel as a source beside the log: the header names both and counts each', async () => {
    await run('apparmor.showDenialsFromFile', fixture(LOG));
    // A target whose every command prints a kernel log: the kernel's source, whatever the machine.
    const kernelLog = fixture('logs/kernel.log').fsPath;
    fs.writeFileSync(kernelLog, 'audit: type=1400 audit(1796161915.887:3): apparmor="DENIED" operation="open" profile="kernel-side" name="/etc/shadow" pid=154 comm="k" requested_mask="r" denied_mask="r" fsuid=0 ouid=0\n');
    await vscode.workspace.getConfiguration('apparmor').update('target', ['sh', '-c', `cat '${kernelLog}'`], vscode.ConfigurationTarget.Global);
    try {
      const result = await run('apparmor.showDenials');
      assert.equal(result.kind, 'ok', result.message);
      const view = api.denials();
      assert.deepEqual(view.sources, ['log denials.log', 'kernel of sh (dmesg)']);
      assert.equal(view.description, 'log denials.log + kernel of sh (dmesg)');
      assert.match(view.message, /^Log denials\.log: 3 rules for 2 profiles from 4 AppArmor records\..* Kernel of sh \(dmesg\): 1 rule for 1 profile from 1 AppArmor record\.$/);
      assert.deepEqual(view.items.map((i) => [i.label, i.contextValue]), [['log denials.log', 'apparmorSource'], ['kernel of sh (dmesg)', 'apparmorSource']]);
      assert.deepEqual(view.items[1]!.children.map((g) => g.label), ['kernel-side']);
      assert.deepEqual(view.items[0]!.children.map((g) => g.label), ['denials-demo', 'denials-demo//worker'], 'the log\'s denials are still there');
      const shot = await screenshot('denials-sources.png');
      note(`      screenshot of the denials panel with two sources: ${shot ?? '(none)'}`);
    } finally {
      await vscode.workspace.getConfiguration('apparmor').update('target', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(kernelLog, { force: true });
    }
    await run('apparmor.clearDenials');
    assert.deepEqual(api.denials().sources, []);
    assert.equal(api.denials().items.length, 0);
  });

  it('a Docker-style profile: no Add Rule for denials its deny rules block; the deny rule opens; the open one is added and now allowed', async () => {
    await run('apparmor.showDenialsFromFile', fixture('logs/docker-demo.log'));
    const group = item(api, 'docker-demo');
    const rows = group.children.map((c) => [c.label, c.contextValue]);
    assert.deepEqual(rows, [
      ['network inet raw,', 'apparmorDenialBlocked'], ['/bin/dash ix,', 'apparmorDenialBlocked'],
      ['mount fstype=tmpfs options=(rw) tmpfs -> /mnt/,', 'apparmorDenialRule'],
    ]);
    const dash = group.children[1]!;
    assert.match(dash.description, /blocked by a deny rule at line 13/);
    assert.match(dash.tooltip, /a deny rule always wins/);

    const refused = await run('apparmor.addDenialRule', dash.node);
    assert.equal(refused.kind, 'conflict', refused.message);
    assert.match(refused.message, /^Not added: \/bin\/dash ix, would change nothing, because the deny rule at docker-demo\.apparmor:13 blocks this access/);
    assert.deepEqual(refused.actions?.map((a) => a.title), ['Open the Deny Rule', 'Remove the Deny Rule…']);
    const doc = await vscode.workspace.openTextDocument(fixture('profiles/docker-demo.apparmor'));
    assert.equal(doc.isDirty, false, 'nothing was inserted');

    const opened = await run('apparmor.openDenyRule', dash.node);
    assert.equal(opened.ok, true, opened.message);
    const editor = await waitFor('the deny rule selected', () =>
      vscode.window.activeTextEditor?.document.uri.path.endsWith('docker-demo.apparmor') ? vscode.window.activeTextEditor : undefined);
    assert.equal(editor.document.getText(editor.selection), 'deny /bin/dash mrwklx,');

    // Add Rule on the whole profile adds only what a deny rule does not block, and checks it.
    const added = await run('apparmor.addDenialRule', item(api, 'docker-demo').node);
    assert.equal(added.kind, 'ok', added.message);
    assert.match(added.message, /^Added 1 rule to docker-demo in docker-demo\.apparmor \(not saved yet\); the profile has no errors\. It now allows mount/);
    assert.match(added.message, /2 denials not added: a deny rule blocks them/);
    assert.doesNotMatch(doc.getText(), /\/bin\/dash ix|network inet raw/);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Test Access answers for the profile at the cursor and peeks at the deciding rule', async () => {
    const editor = await openEditor('profiles/docker-demo.apparmor');
    editor.selection = new vscode.Selection(8, 2, 8, 2);
    const denied = await run('apparmor.testAccess', 'x /bin/dash');
    assert.equal(denied.ok, true, denied.message);
    assert.equal(denied.message, "docker-demo: 'x /bin/dash': Denied quietly: x on /bin/dash is denied by an explicit deny rule, which wins over any allow rule.");
    const allowed = await run('apparmor.testAccess', 'r /etc/hostname');
    assert.match(allowed.message, /^docker-demo: 'r \/etc\/hostname': Allowed: r on \/etc\/hostname is allowed\.$/);
    const bad = await run('apparmor.testAccess', 'r /etc/*');
    assert.equal(bad.ok, false);
    assert.match(bad.message, /an access names one path, without globs or variables/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Show Denials reads the kernel log, or says which source failed and why', async () => {
    const result = await run('apparmor.showDenials');
    note(`      Show Denials here: ${result.message}`);
    if (result.ok) assert.match(result.message, /^(No AppArmor records found\. dmesg: |(dmesg|journalctl -k|\/var\/log\/\S+): )/);
    else assert.match(result.message, /^No kernel log could be read\. .*(dmesg|journalctl)/);
  });
});
