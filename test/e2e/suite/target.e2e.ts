/**
 * apparmor.target inside the real VS Code, against a fake target: a prefix that runs fake
 * tools from a folder of its own. The fake apparmor_parser keeps a fake kernel list
 * (/sys/kernel/security/apparmor/profiles under a fake root) from the profiles it is sent on
 * standard input, so Load, Set Complain Mode, Unload, Show Loaded Profiles, Show Denials and
 * the status item go through the whole extension as they would through ssh.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeApi, commandRunner, describeDiagnostics, fixture, note, openEditor, positionOf, waitFor, type AppArmorApi } from './helpers';

const PROFILE = 'profiles/target.apparmor';
const run = commandRunner(20_000);

interface FakeTarget {
  readonly prefix: string[];
  readonly root: string;
  readonly dir: string;
}

function makeFakeTarget(): FakeTarget {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-e2e-target-'));
  const bin = path.join(dir, 'bin');
  const root = path.join(dir, 'root');
  const sec = path.join(root, 'sys/kernel/security/apparmor');
  fs.mkdirSync(bin);
  fs.mkdirSync(sec, { recursive: true });
  fs.mkdirSync(path.join(root, 'sys/module/apparmor/parameters'), { recursive: true });
  fs.writeFileSync(path.join(root, 'sys/module/apparmor/parameters/enabled'), 'Y\n');
  fs.writeFileSync(path.join(sec, 'profiles'), 'docker-default (enforce)\n');
  const script = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\nPATH=/usr/bin:/bin\n${body}\n`, { mode: 0o755 });
  script('apparmor_parser', [
    'text=$(cat)',
    `printf '%s\\n' "$@" > ${dir}/argv`,
    'line=$(printf "%s\\n" "$text" | grep -n net_admn | cut -d: -f1)',
    'if [ -n "$line" ]; then echo "AppArmor parser error at line $line: Invalid capability net_admn." >&2; exit 1; fi',
    'name=$(printf "%s\\n" "$text" | sed -n "s/^profile \\([^ ]*\\) .*/\\1/p" | head -n 1)',
    'mode=enforce',
    'printf "%s\\n" "$text" | grep -q "flags=(complain)" && mode=complain',
    `P=${sec}/profiles`,
    'grep -v "^$name (" "$P" > "$P.new"',
    'if [ "$1" = -r ]; then echo "$name ($mode)" >> "$P.new"; fi',
    'mv "$P.new" "$P"',
  ].join('\n'));
  script('cat', `for f in "$@"; do cat "${root}$f" || exit 1; done`);
  script('dmesg', 'echo \'[    5.000000] audit: type=1400 audit(1796161915.887:3): apparmor="DENIED" operation="open" profile="target-test" name="/etc/shadow" pid=154 comm="target-test" requested_mask="r" denied_mask="r" fsuid=0 ouid=0\'');
  return { prefix: ['sh', '-c', 'export PATH="$0"; exec "$@"', bin], root, dir };
}

async function setTarget(value: string[] | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('apparmor').update('target', value, vscode.ConfigurationTarget.Global);
}

describe('target', () => {
  let api: AppArmorApi;
  let fake: FakeTarget;
  /** Queries before this suite: another suite's target (the kernel VM's) may have been asked too. */
  let queriesBefore = 0;
  before(async () => {
    api = await activeApi();
    queriesBefore = api.target().queries;
    fake = makeFakeTarget();
    await setTarget(fake.prefix);
  });
  after(async () => {
    await setTarget(undefined);
    await vscode.window.showTextDocument(fixture(PROFILE));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    fs.rmSync(fake.dir, { recursive: true, force: true });
  });

  const summary = (want: string) => waitFor(`the status item to say "${want}"`, () => (api.target().summary === want ? api.target() : undefined));

  it('the status item names the target and says the profile is not loaded there', async () => {
    await openEditor(PROFILE);
    const shown = await summary('not loaded');
    assert.ok(shown.visible);
    assert.equal(shown.text, '$(remote) sh: not loaded');
    assert.match(shown.tooltip, /AppArmor target: sh -c .*\n.*target\.apparmor there:\n {2}target-test: not loaded/);
  });

  it('Load sends the text to apparmor_parser -r -W on the target; the status item follows', async () => {
    const { document } = await openEditor(PROFILE);
    const result = await run('apparmor.loadProfile', document.uri);
    assert.equal(result.kind, 'ok', result.message);
    assert.match(result.message, /^Loaded the profiles of target\.apparmor on sh\.$/);
    assert.match(result.commandLine ?? '', / apparmor_parser -r -W < \/.*\/target\.apparmor$/);
    assert.equal(fs.readFileSync(path.join(fake.dir, 'argv'), 'utf8'), '-r\n-W\n');
    await summary('enforce');
  });

  it('Set Complain Mode edits the flags, reloads through the target, and the status item says complain', async () => {
    const { document } = await openEditor(PROFILE);
    const result = await run('apparmor.setComplainMode', document.uri);
    assert.equal(result.kind, 'ok', result.message);
    assert.match(document.getText(), /profile target-test \/usr\/bin\/target-test flags=\(complain\) \{/);
    await summary('complain');
  });

  it("Show Loaded Profiles lists the target's profiles (the kernel's list, aa-status being absent there)", async () => {
    await openEditor(PROFILE);
    const result = await run('apparmor.showLoadedProfiles') as unknown as { kind: string; message: string; profiles?: { name: string; mode: string }[] };
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(result.kind, 'ok', result.message);
    assert.match(result.message, /^2 profiles are loaded on sh\. aa-status is not installed on the target/);
    assert.deepEqual(result.profiles?.map((p) => [p.name, p.mode]), [['docker-default', 'enforce'], ['target-test', 'complain']]);
  });

  it("Show Denials reads the target's kernel log", async () => {
    await run('apparmor.clearDenials');
    const result = await run('apparmor.showDenials');
    assert.equal(result.kind, 'ok', result.message);
    const view = api.denials();
    assert.equal(view.description, 'kernel of sh (dmesg)');
    assert.deepEqual(view.items.map((i) => i.label), ['target-test']);
    assert.deepEqual(view.items[0]!.children.map((c) => c.label), ['/etc/shadow r,']);
  });

  it('Unload removes it there; the status item says not loaded', async () => {
    const { document } = await openEditor(PROFILE);
    const result = await run('apparmor.unloadProfile', document.uri);
    assert.equal(result.kind, 'ok', result.message);
    assert.equal(fs.readFileSync(path.join(fake.dir, 'argv'), 'utf8'), '-R\n');
    await summary('not loaded');
  });

  it("the target's parser errors land on the file's lines", async () => {
    const { document } = await openEditor('profiles/parser-error.apparmor');
    const result = await run('apparmor.loadProfile', document.uri);
    assert.equal(result.kind, 'failed', result.message);
    assert.match(result.message, /^apparmor_parser on sh could not load parser-error\.apparmor: 1 problem in Problems\.$/);
    const line = positionOf(document, 'capability net_admn').line;
    const fromParser = await waitFor("the target parser's diagnostic", () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => d.source === 'apparmor_parser' && /Invalid capability/.test(d.message)));
    assert.equal(fromParser.range.start.line, line, describeDiagnostics(vscode.languages.getDiagnostics(document.uri)));
  });

  it('asks the target only when something happened: a handful of times for all of the above', () => {
    // First show, Load, Set Complain, Unload, perhaps a focus change: not per file switch, not after the failed load.
    const queries = api.target().queries - queriesBefore;
    note(`the target was asked ${queries} times`);
    assert.ok(queries >= 4 && queries <= 7, `${queries} queries`);
  });
});
