import { strict as assert } from 'node:assert';
import { spawn, ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { CompletionList, Diagnostic, DocumentSymbol, FoldingRange, Hover } from 'vscode-languageserver-types';

interface PublishDiagnosticsParams { uri: string; version?: number; diagnostics: Diagnostic[] }

const SERVER = path.resolve(__dirname, '../../../bin/apparmor-language-server.js');

let proc: ChildProcess;
let conn: MessageConnection;
const published = new Map<string, PublishDiagnosticsParams[]>();
const waiters: (() => void)[] = [];

before(async () => {
  proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.set(p.uri, [...(published.get(p.uri) ?? []), p]);
    waiters.splice(0).forEach((w) => w());
  });
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  const init = await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { includeDirs: [] } });
  assert.ok((init as { capabilities: { hoverProvider: boolean } }).capabilities.hoverProvider);
  await conn.sendNotification('initialized', {});
});

after(async () => {
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  proc.kill();
});

async function diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]> {
  for (;;) {
    const hit = published.get(uri)?.find((p) => p.version === version);
    if (hit) return hit.diagnostics;
    await new Promise<void>((resolve) => waiters.push(resolve));
  }
}

function open(uri: string, text: string): Promise<void> {
  return conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text } });
}

const BROKEN = 'profile p {\n  /etc/a r\n  capability net_admn,\n  /usr/bin/x Px -> x,\n}\n';

test('diagnostics arrive on open and follow edits, versioned', async () => {
  const uri = 'file:///tmp/lsp-test/broken';
  await open(uri, BROKEN);
  const first = await diagnosticsFor(uri, 1);
  assert.deepEqual(first.map((d) => [d.code, d.range.start.line]), [['missing-comma', 1], ['unknown-capability', 2]]);
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 1, character: 10 }, end: { line: 1, character: 10 } }, text: ',' }],
  });
  const second = await diagnosticsFor(uri, 2);
  assert.deepEqual(second.map((d) => d.code), ['unknown-capability']);
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await new Promise<void>((resolve) => waiters.push(resolve));
  assert.deepEqual(published.get(uri)!.at(-1)!.diagnostics, []);
});

test('hover explains an exec transition and a capability', async () => {
  const uri = 'file:///tmp/lsp-test/hover';
  await open(uri, BROKEN.replace('net_admn', 'sys_admin'));
  const px = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 14 } })) as Hover;
  const text = (px.contents as { value: string }).value;
  assert.match(text, /\*\*Px\*\*/);
  assert.match(text, /scrubbed/);
  assert.match(text, /Target profile: `x`/);
  const cap = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 16 } })) as Hover;
  assert.match((cap.contents as { value: string }).value, /CAP_SYS_ADMIN[\s\S]*Powerful/);
});

test('completion after "capability " lists all 41 capabilities', async () => {
  const uri = 'file:///tmp/lsp-test/complete';
  await open(uri, 'profile p {\n  capability \n}\n');
  const list = (await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 13 } })) as CompletionList;
  assert.equal(list.items.length, 41);
  assert.ok(list.items.some((i) => i.label === 'net_admin'));
});

test('document symbols nest hats and child profiles; blocks fold', async () => {
  const uri = 'file:///tmp/lsp-test/symbols';
  await open(uri, '@{V}=/v\nprofile outer /usr/bin/outer {\n  ^hat {\n    /a r,\n  }\n  profile child {\n    /b r,\n  }\n}\n');
  const symbols = (await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
  assert.deepEqual(symbols.map((s) => s.name), ['@{V}', 'outer']);
  assert.deepEqual(symbols[1]!.children!.map((s) => s.name), ['^hat', 'child']);
  const folds = (await conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } })) as FoldingRange[];
  assert.deepEqual(folds.map((f) => [f.startLine, f.endLine]).sort(), [[1, 7], [2, 3], [5, 6]]);
});

test('a quick fix arrives for a diagnostic the server published', async () => {
  const uri = 'file:///tmp/lsp-test/fix';
  await open(uri, 'profile p {\n  capability net_admn,\n}\n');
  const [diag] = await diagnosticsFor(uri, 1);
  const actions = (await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: diag!.range, context: { diagnostics: [diag] },
  })) as { title: string; edit: { changes: Record<string, { newText: string }[]> } }[];
  assert.equal(actions[0]!.title, "Change to 'net_admin'");
  assert.equal(actions[0]!.edit.changes[uri]![0]!.newText, 'net_admin');
});

test('formatting returns the whole formatted document', async () => {
  const uri = 'file:///tmp/lsp-test/format';
  await open(uri, 'profile p {  /a   wr,\n    capability chown,\n}\n');
  const edits = (await conn.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as { newText: string }[];
  assert.equal(edits[0]!.newText, 'profile p {\n  /a rw,\n  capability chown,\n}\n');
});
