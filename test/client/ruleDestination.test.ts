import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Snippets } from '../../client/src/core/newProfile';
import { defaultProgramFor, localIncludeOf, newProfileFile, resolveLocalFile } from '../../client/src/core/ruleDestination';
import { insertRules } from '../../server/src/service/logs';
import { parse } from '../../server/src/service/parser';
import { Linter } from '../../server/src/node/lintFiles';
import { LineIndex } from '../../server/src/service/diagnostics';
import type { TextEdit } from 'vscode-languageserver-types';

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  return edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start)
    .reduce((out, e) => out.slice(0, e.start) + e.text + out.slice(e.end), text);
}

const ROOT = path.resolve(__dirname, '../../..');
const snippets = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets/apparmor.json'), 'utf8')) as Snippets;
const INCLUDES = '/etc/apparmor.d';
const PARSER = '/usr/sbin/apparmor_parser';
const havePolicy = fs.existsSync(path.join(INCLUDES, 'abstractions/base')) && fs.existsSync(path.join(INCLUDES, 'tunables/global'));

test('the block\'s own local override is found; a hat without one has none', () => {
  const text = 'profile foo /usr/bin/foo {\n  /a r,\n  ^h {\n  }\n  include if exists <local/usr.bin.foo>\n}\n';
  assert.equal(localIncludeOf(text, 'foo'), 'local/usr.bin.foo');
  assert.equal(localIncludeOf(text, 'foo//h'), undefined);
  assert.equal(localIncludeOf('profile foo {\n  #include <local/foo>\n}\n', 'foo'), 'local/foo');
  assert.equal(localIncludeOf('profile foo {\n  include <abstractions/base>\n}\n', 'foo'), undefined);
  assert.equal(localIncludeOf(text, 'bar'), undefined);
});

test('the override file: where it exists, beside the profile first, else made beside the profile', () => {
  const have = new Set(['/etc/apparmor.d/local/foo']);
  assert.equal(resolveLocalFile('local/foo', '/w/profiles', ['/etc/apparmor.d'], (p) => have.has(p)), '/etc/apparmor.d/local/foo');
  assert.equal(resolveLocalFile('local/foo', '/etc/apparmor.d', ['/x'], (p) => have.has(p)), '/etc/apparmor.d/local/foo');
  assert.equal(resolveLocalFile('local/bar', '/w/profiles/', ['/etc/apparmor.d'], (p) => have.has(p)), '/w/profiles/local/bar');
});

test('a new profile file for a path-named profile: named after the program, abi, tunables, base, mr, local override', () => {
  const made = newProfileFile(snippets, '/usr/bin/notes//sync', '/usr/bin/notes');
  assert.equal(made.profile, 'notes//sync');
  assert.equal(made.fileName, 'usr.bin.notes');
  assert.equal(made.text, [
    'abi <abi/3.0>,', '', 'include <tunables/global>', '',
    'profile notes /usr/bin/notes flags=(complain) {', '  include <abstractions/base>', '', '  /usr/bin/notes mr,', '',
    '  include if exists <local/notes>', '}', '',
  ].join('\n'));
  assert.equal(defaultProgramFor('/usr/bin/notes//sync'), '/usr/bin/notes');
  assert.equal(defaultProgramFor('docker-web'), '/usr/bin/docker-web');
  assert.equal(newProfileFile(snippets, 'web', '/opt/web/run', '4.0').text.split('\n')[0], 'abi <abi/4.0>,');
});

test('rules added to the new file sit next to their kinds, before the local override', () => {
  const made = newProfileFile(snippets, 'web', '/opt/web/run');
  const out = applyEdits(made.text, insertRules(made.text, parse(made.text).ast, made.profile, ['/srv/web/** r,', 'capability net_bind_service,']));
  assert.match(out, / {2}\/opt\/web\/run mr,\n {2}\/srv\/web\/\*\* r,\n\n {2}capability net_bind_service,\n {2}include if exists <local\/web>\n\}\n$/);
});

for (const [what, logged, program] of [['named', 'web', '/opt/web/run'], ['path-named, with a hat', '/usr/bin/notes//sync', '/usr/bin/notes']] as const) {
  test(`a new ${what} profile file with its rules passes our own checks and apparmor_parser`, { skip: havePolicy ? false : `needs ${INCLUDES} with tunables and abstractions (apt-get install apparmor)` }, () => {
    const made = newProfileFile(snippets, logged, program);
    const text = applyEdits(made.text, insertRules(made.text, parse(made.text).ast, made.profile, ['owner @{HOME}/.web/** rw,', 'capability chown,'], { hat: true }));
    const linter = new Linter({ includeDirs: [INCLUDES] });
    const problems = linter.lintText(`/tmp/${made.fileName}`, text).diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
    assert.deepEqual(problems.map((d) => d.message), [], text);
    if (!fs.existsSync(PARSER)) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-made-'));
    try {
      fs.writeFileSync(path.join(dir, made.fileName), text);
      execFileSync(PARSER, ['-Q', '-K', '-I', INCLUDES, path.join(dir, made.fileName)], { stdio: 'pipe' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
