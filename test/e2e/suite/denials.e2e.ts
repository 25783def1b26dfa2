import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activeApi, commandRunner, describeDiagnostics, fixture, note, openEditor, waitFor, type AppArmorApi, type DenialItem } from './helpers';

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
    assert.equal(view.description, 'denials.log');
    assert.match(view.message, /^3 rules for 2 profiles from 4 AppArmor records\. 1 line could not be read/);
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
    assert.equal(api.denials().description, 'selection of denials.log');
  });

  it('Add Rule puts the rule into the hat, leaves the file unsaved without errors, and the view marks it allowed', async () => {
    const rule = item(api, 'denials-demo//worker').children[0]!;
    const result = await run('apparmor.addDenialRule', rule.node);
    assert.equal(result.kind, 'ok', result.message);
    assert.match(result.message, /^Added 1 rule to denials-demo\/\/worker in denials-demo\.apparmor \(not saved yet\); the profile has no errors\.$/);
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
    assert.match(doc.getText(), / {2}\}\n {2}deny capability net_bind_service,\n {2}deny \/etc\/denials-demo\/extra\.conf r,\n\}\n$/);
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
    assert.match(added.message, /^Added 1 rule to nowhere-app in nowhere-app\.apparmor \(not saved yet\); the profile has no errors\.$/);
    const doc = await vscode.workspace.openTextDocument(made);
    assert.equal(doc.getText(), 'include <tunables/global>\n\nprofile nowhere-app {\n  capability chown,\n}\n');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(made);
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
    assert.match(all.message, /^Added 1 rule to conflict-demo in conflict-demo\.apparmor \(not saved yet\); the profile has no errors\. This rule would keep/);
    assert.match(doc.getText(), /\/etc\/conflict-demo\.conf r,/);
    assert.doesNotMatch(doc.getText(), /conflict-helper ix/);

    const anyway = await all.actions!.find((a) => a.title === 'Add Anyway')!.run();
    assert.match(anyway?.message ?? '', /^Added 1 rule to conflict-demo .*the profile has \d+ errors?: see Problems\.$/);
    assert.match(doc.getText(), /\/usr\/bin\/conflict-helper ix,/);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Show Denials reads the kernel log, or says which source failed and why', async () => {
    const result = await run('apparmor.showDenials');
    note(`      Show Denials here: ${result.message}`);
    if (result.ok) assert.match(result.message, /^(No AppArmor records found\. dmesg: |(dmesg|journalctl -k|\/var\/log\/\S+): )/);
    else assert.match(result.message, /^No kernel log could be read\. .*(dmesg|journalctl)/);
  });
});
