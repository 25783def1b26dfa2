import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { Analyzer } from '../../server/src/service/analyze';
import { LineIndex, toDiagnostics } from '../../server/src/service/diagnostics';
import { suppressActions } from '../../server/src/service/features/suppressAction';
import { applyLintPolicy } from '../../server/src/service/lintPolicy';
import { findSuppressions } from '../../server/src/service/suppressions';
import { LspSession } from '../support/lspSession';
import { applyEdits } from '../support/edits';
import { memoryFs } from '../support/helpers';

const CLI = path.resolve(__dirname, '../../../bin/apparmor-lint.js');

/** What the CLI and the server show: our findings with the policy applied. */
function lint(text: string, reportUnusedSuppressions = false): string[] {
  const analyzer = new Analyzer({ fs: ABI, includeDirs: ['/i'] });
  const ds = applyLintPolicy(text, toDiagnostics(text, analyzer.analyze('/p/prof', text).problems), { reportUnusedSuppressions });
  return ds.filter((d) => d.severity !== 4).map((d) => `${d.range.start.line + 1} ${d.code}`);
}

const RULES = 'abi <abi/3.0>,\nprofile p {\n';
const ABI = memoryFs({ '/i/abi/3.0': '' });

test('without suppressions every finding stays', () => {
  assert.deepEqual(lint(`${RULES}  /a wa,\n  capability nope,\n}\n`), ['3 write-and-append', '4 unknown-capability']);
});

test('a suppression at the end of a line covers that line only', () => {
  assert.deepEqual(lint(`${RULES}  /a wa, #aa:lint ignore=write-and-append\n  /b wa,\n}\n`), ['4 write-and-append']);
});

test('a suppression on its own line covers the rules after it up to a blank line (apparmor.d paragraphs)', () => {
  const text = `${RULES}  #aa:lint ignore=write-and-append, unknown-capability\n  # why\n  /a wa,\n  capability nope,\n\n  /b wa,\n}\n`;
  assert.deepEqual(lint(text), ['8 write-and-append']);
});

test('at the top of the file, before any rule and followed by a blank line, it covers the whole file', () => {
  const text = `# header\n#aa:lint ignore=write-and-append\n\n${RULES}  /a wa,\n\n  /b wa,\n  capability nope,\n}\n`;
  assert.deepEqual(lint(text), ['9 unknown-capability']);
  // The same comment after a rule is an ordinary paragraph suppression.
  const later = `${RULES}  /x r,\n}\n#aa:lint ignore=write-and-append\n\nprofile q {\n  /a wa,\n}\n`;
  assert.deepEqual(lint(later), ['8 write-and-append']);
});

test('an unknown code is a warning at its place; apparmor.d\'s own check names are not', () => {
  const text = `${RULES}  /a r, #aa:lint ignore=too-wide,sbin,no-such-check\n}\n`;
  assert.deepEqual(lint(text), ['3 suppression-unknown-code']);
  // In order of place, also when as many findings were hidden as were added.
  assert.deepEqual(lint(`${RULES}  /a wa, #aa:lint ignore=write-and-append,bogus\n  capability nope,\n}\n`), ['3 suppression-unknown-code', '4 unknown-capability']);
  const s = findSuppressions(text)[0]!;
  assert.deepEqual(s.codes.map((c) => [c.code, c.range.start.character]), [['too-wide', 24], ['sbin', 33], ['no-such-check', 38]]);
});

test('unused suppressions are listed only when asked', () => {
  const text = `${RULES}  /a r, #aa:lint ignore=write-and-append\n  /b wa, #aa:lint ignore=write-and-append\n}\n`;
  assert.deepEqual(lint(text), []);
  assert.deepEqual(lint(text, true), ['3 suppression-unused']);
});

function suppressOnce(text: string, code: string): string {
  const analyzer = new Analyzer({ fs: ABI, includeDirs: ['/i'] });
  const diags = toDiagnostics(text, analyzer.analyze('/p/prof', text).problems);
  const d = diags.find((x) => x.code === code);
  assert.ok(d, `no ${code}`);
  const actions = suppressActions('file:///p/prof', text, new LineIndex(text), [d]);
  assert.deepEqual(actions.map((a) => [a.title, a.isPreferred]), [[`Suppress ${code} on this line`, false]]);
  return applyEdits(text, actions[0]!.edit!.changes!['file:///p/prof']!);
}

test('quick fix "Suppress CODE on this line": the finding goes, the others stay', () => {
  const text = `${RULES}  /a wa,\n  capability nope,\n}\n`;
  const fixed = suppressOnce(text, 'write-and-append');
  assert.equal(fixed, `${RULES}  /a wa, #aa:lint ignore=write-and-append\n  capability nope,\n}\n`);
  assert.deepEqual(lint(fixed), ['4 unknown-capability']);
  // A second code on the same line joins the list already there.
  const both = suppressOnce(`${RULES}  /a wa, capability nope, #aa:lint ignore=write-and-append\n}\n`, 'unknown-capability');
  assert.equal(both, `${RULES}  /a wa, capability nope, #aa:lint ignore=write-and-append,unknown-capability\n}\n`);
  assert.deepEqual(lint(both), []);
});

test('no suppression is offered for the suppression warnings themselves, nor for foreign codes', () => {
  const d = (code: string): Diagnostic => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: '', code });
  const text = '/a r, #aa:lint ignore=nope\n';
  assert.deepEqual(suppressActions('file:///x', text, new LineIndex(text), [d('suppression-unknown-code'), d('some-parser-message')]), []);
});

test('over LSP: the quick fix is offered for our diagnostics', async () => {
  const { session } = await LspSession.start({ workspaceFolders: null, initializationOptions: { includeDirs: [] } });
  try {
    const uri = 'file:///nonexistent-dir/p';
    const text = 'profile p {\n  /a wa,\n}\n';
    await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text } });
    const diag = (await session.diagnosticsFor(uri, 1)).find((x) => x.code === 'write-and-append')!;
    const actions = await session.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } }) as { title: string; edit?: { changes: Record<string, TextEdit[]> } }[];
    const fix = actions.find((a) => a.title === 'Suppress write-and-append on this line');
    assert.ok(fix, actions.map((a) => a.title).join(', '));
    assert.equal(applyEdits(text, fix.edit!.changes[uri]!), 'profile p {\n  /a wa, #aa:lint ignore=write-and-append\n}\n');
  } finally {
    await session.close();
  }
});

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

test('CLI: suppressions apply, --report-unused-suppressions lists idle ones as warnings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-suppress-'));
  made.push(dir);
  fs.mkdirSync(path.join(dir, 'abi'));
  fs.writeFileSync(path.join(dir, 'abi/3.0'), '');
  fs.writeFileSync(path.join(dir, 'p'), `${RULES}  /a wa, #aa:lint ignore=write-and-append\n  /b r, #aa:lint ignore=unknown-capability\n}\n`);
  const plain = spawnSync(process.execPath, [CLI, '--no-config', '-I', dir, '-f', 'gcc', path.join(dir, 'p')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(plain.status, 0, plain.stdout + plain.stderr);
  assert.equal(plain.stdout, '');
  const unused = spawnSync(process.execPath, [CLI, '--no-config', '-I', dir, '--report-unused-suppressions', '-f', 'gcc', path.join(dir, 'p')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(unused.status, 0);
  assert.match(unused.stdout, /p:4:25: warning: This suppression of 'unknown-capability' hides nothing.* \[suppression-unused\]/);
  const strict = spawnSync(process.execPath, [CLI, '--no-config', '-I', dir, '--report-unused-suppressions', '--max-warnings', '0', path.join(dir, 'p')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /1 warning, more than --max-warnings 0/);
});
