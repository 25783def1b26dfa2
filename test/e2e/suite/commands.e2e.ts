import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activeApi, commandRunner, describeDiagnostics, openEditor, positionOf, waitFor } from './helpers';

const COMMANDS = [
  'apparmor.loadProfile', 'apparmor.unloadProfile', 'apparmor.checkProfile', 'apparmor.setComplainMode',
  'apparmor.setEnforceMode', 'apparmor.showLoadedProfiles', 'apparmor.copyDockerRunCommand', 'apparmor.restartServer',
];
const SECURITYFS = '/sys/kernel/security/apparmor';
const PARSER = ['/usr/sbin/apparmor_parser', '/sbin/apparmor_parser'].find((p) => fs.existsSync(p));

const run = commandRunner(15_000);

describe('commands', () => {
  before(() => activeApi());

  it('registers every command', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.filter((c) => !all.has(c));
    assert.deepEqual(missing, []);
  });

  it("Check with apparmor_parser puts the parser's error on its line", async function () {
    if (!PARSER) return this.skip(); // apt-get install apparmor
    const { document } = await openEditor('profiles/parser-error.apparmor');
    const result = await run('apparmor.checkProfile', document.uri);
    assert.equal(result.kind, 'failed', result.message);
    assert.match(result.commandLine ?? '', /apparmor_parser -Q -K /);
    const line = positionOf(document, 'capability net_admn').line;
    const fromParser = await waitFor("apparmor_parser's diagnostic", () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => d.source === 'apparmor_parser'));
    assert.match(fromParser.message, /Invalid capability net_admn/);
    assert.equal(fromParser.range.start.line, line, describeDiagnostics(vscode.languages.getDiagnostics(document.uri)));
  });

  it('Check with apparmor_parser accepts a good profile', async function () {
    if (!PARSER) return this.skip();
    const result = await run('apparmor.checkProfile', (await openEditor('profiles/commands.apparmor')).document.uri);
    assert.equal(result.kind, 'ok', result.message);
  });

  describe('on a kernel without AppArmor', () => {
    before(function () {
      if (fs.existsSync(SECURITYFS)) this.skip(); // this kernel has AppArmor: loading would really load
    });

    for (const command of ['apparmor.loadProfile', 'apparmor.unloadProfile', 'apparmor.showLoadedProfiles']) {
      it(`${command} says the kernel has no AppArmor`, async () => {
        const { document } = await openEditor('profiles/commands.apparmor');
        const result = await run(command, document.uri);
        assert.equal(result.kind, 'noKernel', result.message);
        assert.match(result.message, /kernel has no AppArmor.*\/sys\/kernel\/security\/apparmor/);
      });
    }

    it('Set Complain Mode and Set Enforce Mode edit the flags, then cannot reload', async () => {
      const { document } = await openEditor('profiles/commands.apparmor');
      const complain = await run('apparmor.setComplainMode', document.uri);
      assert.equal(complain.kind, 'noKernel', complain.message);
      assert.match(document.getText(), /profile commands-test \/usr\/bin\/commands-test flags=\(complain\) \{/);
      assert.equal(document.isDirty, false, 'saved, as aa-complain leaves the file');
      const enforce = await run('apparmor.setEnforceMode', document.uri);
      assert.equal(enforce.kind, 'noKernel', enforce.message);
      assert.doesNotMatch(document.getText(), /flags=/);
    });
  });

  it('Copy docker run Command names the profile under the cursor', async () => {
    const editor = await openEditor('profiles/commands.apparmor');
    const inside = positionOf(editor.document, '/etc/hosts r,');
    editor.selection = new vscode.Selection(inside, inside);
    const result = await run('apparmor.copyDockerRunCommand');
    assert.equal(result.kind, 'ok', result.message);
    assert.match(result.commandLine ?? '', /^docker run .*--security-opt '?apparmor=commands-test'? /);
    assert.equal(await vscode.env.clipboard.readText(), result.commandLine);
  });

  it('Restart Language Server restarts it, and it answers again', async () => {
    const result = await run('apparmor.restartServer');
    assert.equal(result.kind, 'ok', result.message);
    const { document } = await openEditor('profiles/features.apparmor');
    const hovers = await waitFor('a hover from the restarted server', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'Px,', 1));
      return h.length > 0 ? h : undefined;
    });
    assert.ok(hovers.length > 0);
  });
});
