import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import { describeFileMode } from '../../client/src/core/fileMode';
import { checkNewProfileInput, planNewProfile, proposeProfileFolder, Snippets } from '../../client/src/core/newProfile';
import { expandSnippet, fillSnippet } from '../../client/src/core/snippetText';
import { Linter } from '../../server/src/node/lintFiles';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const snippets = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets/apparmor.json'), 'utf8')) as Snippets;
const INCLUDES = '/etc/apparmor.d';
const PARSER = '/usr/sbin/apparmor_parser';
const havePolicy = fs.existsSync(path.join(INCLUDES, 'abstractions/base')) && fs.existsSync(path.join(INCLUDES, 'tunables/global'));

function errorsOf(file: string, text: string): string[] {
  const linter = new Linter({ includeDirs: [INCLUDES] });
  return linter.lintText(file, text).diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Information && d.severity !== DiagnosticSeverity.Hint).map((d) => `${d.range.start.line + 1}: ${Diagnostic.getMessageString(d)}`);
}

test('a snippet expands with its defaults, mirrors and escapes; $0 is the cursor', () => {
  const { text, cursor } = expandSnippet(['a ${1:x} ${2|r,rw|} ${1:x} @{HOME\\}/$0!']);
  assert.equal(text, 'a x r x @{HOME}/!');
  assert.equal(text.slice(cursor), '!');
  assert.equal(expandSnippet(['${1:x}-${1}'], { 1: 'y' }).text, 'y-y');
  assert.equal(expandSnippet(['${1:@{HOME\\}/.config}']).text, '@{HOME}/.config');
});

test('fillSnippet puts values in as plain text and keeps the other tab stops', () => {
  assert.equal(fillSnippet(['profile ${2:name} ${3:/usr/bin/name} flags=(${4:complain}) {'], { 2: 'my$app', 3: '/opt/x}' }), 'profile my\\$app /opt/x\\} flags=(${4:complain}) {');
  assert.equal(fillSnippet(['owner @{HOME\\}/x'], {}), 'owner @{HOME\\}/x');
});

test('New Profile for a program: the snippet filled with its name and path, in a file named after the path', () => {
  const plan = planNewProfile(snippets, { kind: 'program', program: '/usr/bin/hello' });
  assert.equal(plan.fileName, 'usr.bin.hello');
  assert.equal(plan.profile, 'hello');
  assert.match(plan.text, /^abi <abi\/3\.0>,\n\ninclude <tunables\/global>\n\nprofile hello \/usr\/bin\/hello flags=\(complain\) \{\n {2}include <abstractions\/base>\n\n {2}\/usr\/bin\/hello mr,\n/);
  assert.match(plan.text, /include if exists <local\/hello>\n\}\n$/);
  assert.match(plan.snippet, /\$\{1:3\.0\}/, 'the abi stays a tab stop');
  assert.ok(!plan.snippet.includes('${2'), 'the name is filled in everywhere');
  assert.equal(planNewProfile(snippets, { kind: 'program', program: '/usr/bin/hello' }, '4.0').text.split('\n')[0], 'abi <abi/4.0>,');
});

test('New Profile for a Docker container: the Docker snippet under the given name', () => {
  const plan = planNewProfile(snippets, { kind: 'docker', name: 'docker-web' });
  assert.equal(plan.fileName, 'docker-web');
  assert.match(plan.text, /^include <tunables\/global>\n\nprofile docker-web flags=\(attach_disconnected,mediate_deleted\) \{/);
});

for (const [what, request] of [['program', { kind: 'program', program: '/usr/local/bin/my-tool' }], ['Docker container', { kind: 'docker', name: 'docker-web' }]] as const) {
  test(`the new ${what} profile passes our own checks`, { skip: havePolicy ? false : `needs ${INCLUDES} with tunables and abstractions (apt-get install apparmor)` }, () => {
    const plan = planNewProfile(snippets, request);
    assert.deepEqual(errorsOf(`/tmp/${plan.fileName}`, plan.text), []);
  });
  test(`the new ${what} profile is accepted by apparmor_parser`, { skip: havePolicy && fs.existsSync(PARSER) ? false : `apparmor_parser is not installed at ${PARSER}` }, () => {
    const plan = planNewProfile(snippets, request);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-new-'));
    try {
      fs.writeFileSync(path.join(dir, plan.fileName), plan.text);
      execFileSync(PARSER, ['-Q', '-K', '-I', INCLUDES, path.join(dir, plan.fileName)], { stdio: 'pipe' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('New Profile refuses relative paths, folders, blanks and a container name with a slash', () => {
  assert.match(checkNewProfileInput('program', 'bin/x') ?? '', /absolute/);
  assert.match(checkNewProfileInput('program', '/usr/bin/') ?? '', /folder/);
  assert.match(checkNewProfileInput('program', '/usr/bin/a b') ?? '', /blanks/);
  assert.match(checkNewProfileInput('docker', 'a/b') ?? '', /no \//);
  assert.equal(checkNewProfileInput('program', '/usr/bin/x'), undefined);
  assert.equal(checkNewProfileInput('docker', 'docker-x'), undefined);
});

test('a new profile goes where most of the workspace\'s profiles are, not among abstractions or local overrides', () => {
  assert.equal(proposeProfileFolder(['/w/profiles/a.apparmor', '/w/profiles/b', '/w/other/c', '/w/abstractions/x', '/w/abstractions/y', '/w/abstractions/z']), '/w/profiles');
  assert.equal(proposeProfileFolder(['/w/apparmor.d/usr.bin.a', '/w/apparmor.d/local/usr.bin.a', '/w/apparmor.d/local/b', '/w/apparmor.d/tunables/home.d/x']), '/w/apparmor.d');
  assert.equal(proposeProfileFolder(['/w/a/b/p1', '/w/q1']), '/w', 'a tie goes to the shallower folder');
  assert.equal(proposeProfileFolder([]), undefined);
});

test('the status bar\'s mode: the profiles\' flags, enforce without a mode flag', () => {
  assert.equal(describeFileMode('profile a flags=(complain) { }').summary, 'complain');
  assert.equal(describeFileMode('profile a flags=(attach_disconnected) { }\nprofile b { }').summary, 'enforce');
  assert.deepEqual(describeFileMode('profile a flags=(complain) { }\nprofile b { ^h flags=(complain) { } }'), { summary: 'mixed modes', details: ['a: complain', 'b: enforce'] });
  assert.equal(describeFileMode('/x r,').summary, '');
});

test('manifest: a walkthrough whose steps run the extension\'s commands and whose media are in the package', () => {
  const [walkthrough] = manifest.contributes.walkthroughs;
  assert.deepEqual(walkthrough.steps.map((s: { id: string }) => s.id), ['includePath', 'newProfile', 'check', 'load', 'denials']);
  const commands = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
  const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
  for (const step of walkthrough.steps) {
    const linked = [...(step.description as string).matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
    assert.equal(linked.length, 1, step.id);
    assert.ok(commands.has(linked[0]), `${step.id} runs ${linked[0]}`);
    assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown)), step.media.markdown);
  }
  assert.match(ignore, /^!media\/walkthrough\/\*\.md$/m);
});

test('manifest: New Profile…, a file icon of our own, settings under "AppArmor", Load not a Run triangle', () => {
  const command = (id: string) => manifest.contributes.commands.find((c: { command: string }) => c.command === id);
  assert.equal(command('apparmor.newProfile').title, 'New Profile…');
  assert.notEqual(command('apparmor.loadProfile').icon, '$(debug-start)');
  const language = manifest.contributes.languages.find((l: { id: string }) => l.id === 'apparmor');
  for (const icon of [language.icon.light, language.icon.dark]) {
    assert.match(fs.readFileSync(path.join(ROOT, icon), 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), new RegExp(`^!${icon.replace(/^\.\//, '').replace(/\./g, '\\.')}$`, 'm'));
  }
  // The settings editor shows a setting's category from its key ("Apparmor: Include Dirs")
  // unless the key starts with the id of its group. An extension's only group, and a group
  // titled as the extension, get the extension's id instead of their own: so two groups,
  // neither titled "AppArmor", under the extension's display name "AppArmor".
  const groups = manifest.contributes.configuration as { id: string; title: string; properties: object }[];
  assert.deepEqual(groups.map((g) => [g.id, g.title]), [['apparmor', 'General'], ['apparmor.addRule', 'Add Rule']]);
  for (const g of groups) for (const key of Object.keys(g.properties)) assert.ok(key.startsWith(`${g.id}.`), key);
  assert.equal(manifest.displayName, 'AppArmor');
  assert.equal(manifest.scripts.start, 'node scripts/start.mjs');
});

test('the Deny rule snippet says a deny rule is not logged, as the hover does', () => {
  assert.match(snippets['Deny rule']!.description, /not logged/);
});

test('README: the first command runs the product, the second the tests', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
  assert.deepEqual(blocks[0]?.split('\n'), ['npm install && npm start', 'npm test']);
});
