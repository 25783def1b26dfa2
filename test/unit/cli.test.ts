import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { SERVER_BIN } from '../support/lspSession';
import { tempTree } from '../support/tempTree';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'bin/apparmor-lint.js');

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tree = (files: Record<string, string>): string => tempTree('aa-lint-', files);

const GOOD = 'profile good {\n  /etc/good r,\n}\n';
const BAD = 'profile bad {\n  capability net_admn,\n  /a r\n}\n';

test('json output lists every file once, with LSP ranges', () => {
  const dir = tree({ 'good': GOOD, 'bad': BAD, 'sub/other': GOOD, '.hidden': BAD, 'bad.dpkg-old': BAD, 'x~': BAD });
  const r = run(['--format', 'json', '-I', dir, dir]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { files: { path: string; diagnostics: { severity: string; code: string; message: string; range: { start: { line: number; character: number } } }[] }[] };
  assert.deepEqual(out.files.map((f) => path.relative(dir, f.path)).sort(), ['bad', 'good', 'sub/other']);
  const bad = out.files.find((f) => f.path.endsWith('bad'))!;
  assert.deepEqual(bad.diagnostics.map((d) => [d.severity, d.code, d.range.start.line, d.range.start.character]), [
    ['error', 'unknown-capability', 1, 13],
    ['error', 'missing-comma', 2, 5],
  ]);
  assert.match(bad.diagnostics[0]!.message, /Did you mean 'net_admin'\?/);
  assert.deepEqual(out.files.find((f) => f.path.endsWith('good'))!.diagnostics, []);
});

test('a file named twice, or inside a folder also given, is listed once', () => {
  const dir = tree({ 'good': GOOD });
  const r = run(['--format', 'json', dir, path.join(dir, 'good'), path.join(dir, 'good')]);
  assert.equal(JSON.parse(r.stdout).files.length, 1);
});

test('gcc format is file:line:col: severity: message [code]', () => {
  const dir = tree({ 'bad': BAD });
  const r = run(['--format=gcc', '-I', dir, path.join(dir, 'bad')]);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^.*\/bad:2:14: error: Unknown capability 'net_admn'\. Did you mean 'net_admin'\? \[unknown-capability\]$/);
});

test('text format shows the line and a caret, and a summary', () => {
  const r = run(['-'], BAD);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /-:2:14: error: Unknown capability/);
  assert.match(r.stdout, /\n {4} {2}capability net_admn,\n {4} {13}\^{8}\n/);
  assert.match(r.stdout, /1 file checked: 2 errors, \d+ warnings?\./);
});

test('exit 0 for a clean file read from stdin', () => {
  const r = run(['--format', 'json', '-'], GOOD);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { files: [{ path: '-', diagnostics: [] }] });
});

test('exit 2 with a clear message for bad usage or unreadable input', () => {
  assert.equal(run([]).code, 2);
  const unknown = run(['--bogus', 'x']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option '--bogus'/);
  assert.match(run(['--format', 'xml', 'x']).stderr, /--format must be one of text, json, gcc/);
  assert.match(run(['--abi', 'four', 'x']).stderr, /--abi takes a version/);
  const missing = run(['/no/such/file']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^apparmor-lint: cannot read \/no\/such\/file: no such file or directory$/m);
  if (process.getuid?.() !== 0) {
    const dir = tree({ 'locked': GOOD });
    fs.chmodSync(path.join(dir, 'locked'), 0);
    assert.equal(run([path.join(dir, 'locked')]).code, 2);
  }
});

test('--help exits 0 and shows the synopsis', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /apparmor-lint \[--include-dir DIR\]\.\.\. \[--base DIR\] \[--abi X\.Y\] \[--target-abi X\.Y,\.\.\.\] \[--fragment\] \[--format text\|json\|gcc\|sarif\] PATH\.\.\./);
});

test('includes resolve through -I and relative ones through --base', () => {
  const dir = tree({
    'inc/abstractions/ok': '  /ok r,\n',
    'base/rel/frag': '  /rel r,\n',
    'p': 'profile p {\n  include <abstractions/ok>\n  include "rel/frag"\n  include <abstractions/missing>\n}\n',
  });
  const r = run(['--format', 'json', '-I', path.join(dir, 'inc'), '--base', path.join(dir, 'base'), path.join(dir, 'p')]);
  const diags = JSON.parse(r.stdout).files[0].diagnostics as { code: string; range: { start: { line: number } } }[];
  assert.deepEqual(diags.map((d) => [d.code, d.range.start.line]), [['include-not-found', 3]]);
});

test('--fragment checks bare rules without complaint; --abi holds syntax to a version', () => {
  assert.equal(run(['--fragment', '-'], '/a r,\ncapability chown,\n').code, 0);
  const r = run(['--format', 'json', '--abi', '3.0', '-'], 'profile p { userns, }\n');
  assert.equal(r.code, 0);
  const d = JSON.parse(r.stdout).files[0].diagnostics[0];
  assert.equal(d.code, 'newer-than-abi');
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /4\.0/);
});

test('a file of bare rules named on its own is refused as a profile; under abstractions/ or with --fragment it is an include', () => {
  const rules = 'capability chown,\nnetwork inet stream,\n';
  const dir = tree({ 'rules': rules, 'abstractions/rules': rules });
  const codes = (args: string[]): string[][] => (JSON.parse(run(['--format', 'json', '-I', dir, ...args]).stdout) as { files: { path: string; diagnostics: { code: string }[] }[] })
    .files.map((f) => [path.relative(dir, f.path), ...f.diagnostics.map((d) => d.code)]).sort();
  assert.deepEqual(codes([dir]), [['abstractions/rules'], ['rules', 'rules-without-profile']]);
  assert.deepEqual(codes(['--fragment', path.join(dir, 'rules')]), [['rules']]);
  assert.equal(run(['-'], rules).code, 1);
  assert.equal(run(['--fragment', '-'], rules).code, 0);
});

test('a file of bare rules that a file checked after it includes is an include, whatever the order', () => {
  const dir = tree({ 'a-rules': 'capability chown,\n', 'z-profile': 'profile z {\n  include "a-rules"\n}\n' });
  const r = run(['--format', 'json', '-I', dir, dir]);
  const files = (JSON.parse(r.stdout) as { files: { path: string; diagnostics: { code: string }[] }[] }).files;
  assert.deepEqual(files.map((f) => [path.basename(f.path), ...f.diagnostics.map((d) => d.code)]), [['z-profile'], ['a-rules']]);
  assert.equal(r.code, 0);
});

test('both bins run through their own #! line, and Node never sees NODE_EXTRA_CA_CERTS', () => {
  // A certificate file that does not exist: Node would warn about it on stderr at start-up.
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: path.join(os.tmpdir(), 'no-such-bundle.pem') };
  const lint = spawnSync(CLI, ['-'], { input: GOOD, encoding: 'utf8', env });
  assert.equal(lint.status, 0, lint.stderr);
  assert.match(lint.stdout, /1 file checked: 0 errors/);
  assert.doesNotMatch(lint.stderr, /extra certs|NODE_EXTRA_CA_CERTS/i);
  const server = spawnSync(SERVER_BIN, ['--stdio'], { input: '', encoding: 'utf8', env, timeout: 10_000 });
  assert.doesNotMatch(server.stderr, /extra certs|NODE_EXTRA_CA_CERTS/i);
});
