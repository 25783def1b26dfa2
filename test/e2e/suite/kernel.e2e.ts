/**
 * The AppArmor loop inside the real VS Code against a real AppArmor kernel: apparmor.target
 * set to the kernel VM that run.ts boots for the run (Debian bookworm's kernel under QEMU),
 * reached through guestExec.js. Load → Show Loaded Profiles (enforce) → Set Complain Mode →
 * listed as complain → the test program runs in the guest → Show Denials reads the guest's
 * kernel log → Add Rule → Load → the same accesses succeed and log nothing → Unload → gone.
 * Where the VM cannot be had, the tests skip and the reason is printed.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activeApi, commandRunner, fixture, note, openEditor, screenshot, waitFor, type AppArmorApi } from './helpers';

const PROFILE = 'profiles/kernel-probe.apparmor';
const NAME = 'aak-e2e';
/** TCG is slow, and guestExec waits its turn on the VM's one serial line. */
const run = commandRunner(120_000);

const SOCKET = process.env.E2E_VM_SOCKET ?? '';
const STATUS = process.env.E2E_VM_STATUS ?? '';
const GUEST_EXEC = process.env.E2E_VM_GUEST_EXEC ?? '';

/** The accesses the confined program makes, one class each, and the rule each should need. */
const ACCESSES: readonly [string, string][] = [
  ['read /srv/e2e/conf', '/srv/e2e/conf r,'],
  ['write /srv/e2e/out', '/srv/e2e/out w,'],
  ['nice', 'capability sys_nice,'],
  ['socket inet stream', 'network inet stream,'],
];

/** Profile whose denial marks the end of the accesses in the kernel log, which is written asynchronously. */
const MARKER = 'profile aak-e2e-marker {\n}\n';

/** A program in the guest, straight through guestExec (not through the extension). */
function guest(argv: readonly string[], stdin = ''): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [GUEST_EXEC, '--socket', SOCKET, '--', ...argv], { timeout: 180_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

async function mustGuest(script: string, stdin = ''): Promise<string> {
  const r = await guest(['sh', '-c', script], stdin);
  assert.equal(r.status, 0, `guest: ${script}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Every profile removed, the kernel log emptied, the test files in place. */
const RESET = `
A=/sys/kernel/security/apparmor
sed 's/ ([a-z_]*)$//' $A/profiles | grep -v // | while IFS= read -r n; do printf '%s' "$n" > $A/.remove; done
dmesg -c > /dev/null
mkdir -p /srv/e2e /aak-marker; echo x > /srv/e2e/conf; echo x > /srv/e2e/out
`;

/** What shows in the kernel log for each access (its ALLOWED or DENIED line): to wait for while no marker is wanted. */
const LOGGED = ['name="/srv/e2e/conf"', 'name="/srv/e2e/out"', 'capname="sys_nice"', 'operation="create"'];

/**
 * Runs the accesses and returns each one's exit status and the program's AppArmor lines.
 * The kernel writes its log asynchronously: with `marker`, a denial under the marker profile
 * (loaded once, before the tests) after the accesses says that all their lines are in (to see
 * that none came), and the log is emptied; without, the lines each access logs are waited
 * for, and left in the log.
 */
async function runAccesses(marker: boolean): Promise<{ statuses: Map<string, number>; lines: string[] }> {
  const wait = (grep: string) => `n=0; while ! (${grep}) && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done`;
  const script = [
    'dmesg -c > /dev/null',
    ...ACCESSES.map(([a]) => `/opt/t/probe ${a} > /dev/null 2>&1; echo "@@ $? ${a}"`),
    ...(marker
      ? ['aa-exec -p aak-e2e-marker -- /opt/t/probe create /aak-marker/m > /dev/null 2>&1', wait(`dmesg | grep -qF 'name="/aak-marker/m"'`)]
      : [wait(LOGGED.map((l) => `dmesg | grep -qF '${l}'`).join(' && '))]),
    'echo @@DMESG; dmesg | grep -F \'profile="aak-e2e"\'',
    ...(marker ? ['dmesg -c > /dev/null'] : []),
  ].join('\n');
  const out = await mustGuest(`${script}\ntrue`);
  const [head, log = ''] = out.split('@@DMESG\n');
  const statuses = new Map([...head!.matchAll(/^@@ (\d+) (.+)$/gm)].map((m) => [m[2]!, Number(m[1])]));
  return { statuses, lines: log.split('\n').filter((l) => /apparmor="/.test(l)) };
}

async function setTarget(value: string[] | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('apparmor').update('target', value, vscode.ConfigurationTarget.Global);
}

/** Waits for run.ts to say the VM is up; undefined then, else why it is not. */
async function whyNoVm(): Promise<string | undefined> {
  if (!STATUS || !SOCKET || !GUEST_EXEC) return 'no kernel VM was booted for this run (only run.ts boots one)';
  const status = await waitFor('the kernel VM to boot', () => (fs.existsSync(STATUS) ? fs.readFileSync(STATUS, 'utf8') : undefined), 240_000);
  note(`      kernel VM: ${status}`);
  return status.startsWith('ready') ? undefined : status.replace(/^failed: /, '');
}

async function loadedProfiles(): Promise<Map<string, string>> {
  const result = await run('apparmor.showLoadedProfiles') as unknown as { kind: string; message: string; profiles?: { name: string; mode: string }[] };
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  assert.equal(result.kind, 'ok', result.message);
  return new Map(result.profiles!.map((p) => [p.name, p.mode]));
}

describe('kernel: the real VS Code against a real AppArmor kernel (apparmor.target = the VM)', function () {
  this.timeout(300_000);
  let api: AppArmorApi;
  let started = 0;

  before(async function () {
    const why = await whyNoVm();
    if (why) {
      note(`      skipped: ${why}`);
      this.skip();
    }
    started = Date.now();
    api = await activeApi();
    await mustGuest(RESET);
    await mustGuest('apparmor_parser -r -W', MARKER);
    await setTarget([process.execPath, GUEST_EXEC, '--socket', SOCKET, '--']);
  });

  after(async () => {
    if (!started) return;
    await setTarget(undefined);
    await vscode.window.showTextDocument(fixture(PROFILE));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    note(`      the kernel tests took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('Load Profile loads it into the guest\'s kernel; Show Loaded Profiles lists it in enforce mode', async () => {
    const { document } = await openEditor(PROFILE);
    const result = await run('apparmor.loadProfile', document.uri);
    assert.equal(result.kind, 'ok', result.message);
    assert.match(result.message, /^Loaded the profiles of kernel-probe\.apparmor on guestExec\.js\.$/);
    assert.match(result.commandLine ?? '', /guestExec\.js --socket \S+ -- apparmor_parser -r -W < \S+kernel-probe\.apparmor$/);
    assert.equal((await loadedProfiles()).get(NAME), 'enforce');
    await waitFor('the status item to say enforce', () => (api.target().summary === 'enforce' ? true : undefined), 60_000);
  });

  it('Set Complain Mode edits the flags and reloads; Show Loaded Profiles lists it as complain (bookworm\'s aa-status JSON included)', async () => {
    const { document } = await openEditor(PROFILE);
    const result = await run('apparmor.setComplainMode', document.uri);
    assert.equal(result.kind, 'ok', result.message);
    assert.match(document.getText(), /profile aak-e2e \/opt\/t\/probe flags=\(complain\) \{/);
    assert.equal((await loadedProfiles()).get(NAME), 'complain');
  });

  it('the program runs in the guest; Show Denials reads the guest\'s kernel log and the view holds its records', async () => {
    const { statuses, lines } = await runAccesses(false);
    // Complain mode lets every access through and logs it.
    assert.deepEqual([...statuses.values()], ACCESSES.map(() => 0), JSON.stringify([...statuses]));
    for (const l of LOGGED) assert.ok(lines.some((line) => line.includes(l) && line.includes('apparmor="ALLOWED"')), `${l} in\n${lines.join('\n')}`);
    // Show Denials empties nothing: the lines are still in the guest's log. The view shows
    // only them: the logs other suites read are cleared first.
    await run('apparmor.clearDenials');
    const result = await run('apparmor.showDenials');
    assert.equal(result.kind, 'ok', result.message);
    const view = api.denials();
    assert.equal(view.description, 'kernel of guestExec.js (dmesg)');
    assert.match(view.message, /^Kernel of guestExec\.js \(dmesg\): 4 rules for 1 profile from \d+ AppArmor records\.$/);
    const group = view.items.find((i) => i.label === NAME);
    assert.ok(group, view.items.map((i) => i.label).join(', '));
    assert.deepEqual(group.children.map((c) => c.label).sort(), ACCESSES.map(([, rule]) => rule).sort());
    assert.match(group.children[0]!.tooltip, /Log line \d+: `operation=/);
    assert.deepEqual(view.items.map((i) => i.label), [NAME], 'only the program\'s profile');
    // A calm picture: the chat bar that opens with the workbench closed; a rule's tooltip shows its kernel record.
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar').then(undefined, () => undefined);
    const shot = await screenshot('denials-kernel.png', '/srv/e2e/conf r,');
    note(`      screenshot of the denials view: ${shot ?? '(none: no runner takes screenshots here)'}`);
  });

  it('Add Rule, then Load: the same accesses succeed, in complain and in enforce mode, and the kernel logs nothing', async () => {
    const group = api.denials().items.find((i) => i.label === NAME)!;
    const added = await run('apparmor.addDenialRule', group.node);
    assert.equal(added.kind, 'ok', added.message);
    // The evaluator then says what the file allows: each of the four accesses.
    assert.match(added.message, /^Added 4 rules to aak-e2e in kernel-probe\.apparmor \(not saved yet\); the profile has no errors\. It now allows /);
    for (const access of ['capability sys_nice', 'network inet stream', '/srv/e2e/conf r', '/srv/e2e/out w']) assert.ok(added.message.includes(`(${access})`), `${access}: ${added.message}`);
    const { document } = await openEditor(PROFILE);
    for (const [, rule] of ACCESSES) assert.ok(document.getText().includes(`  ${rule}\n`), document.getText());

    const loaded = await run('apparmor.loadProfile', document.uri);
    assert.equal(loaded.kind, 'ok', loaded.message);
    const complain = await runAccesses(true);
    assert.deepEqual([...complain.statuses.values()], ACCESSES.map(() => 0));
    assert.deepEqual(complain.lines, [], 'complain mode logs only what the profile does not allow');

    const enforced = await run('apparmor.setEnforceMode', document.uri);
    assert.equal(enforced.kind, 'ok', enforced.message);
    assert.equal((await loadedProfiles()).get(NAME), 'enforce');
    const enforce = await runAccesses(true);
    assert.deepEqual([...enforce.statuses], ACCESSES.map(([a]) => [a, 0]), 'the kernel allows them all');
    assert.deepEqual(enforce.lines, []);
  });

  it('Unload removes it from the guest\'s kernel; Show Loaded Profiles no longer lists it', async () => {
    const { document } = await openEditor(PROFILE);
    const result = await run('apparmor.unloadProfile', document.uri);
    assert.equal(result.kind, 'ok', result.message);
    assert.equal((await loadedProfiles()).has(NAME), false);
    await waitFor('the status item to say not loaded', () => (api.target().summary === 'not loaded' ? true : undefined), 60_000);
  });
});
