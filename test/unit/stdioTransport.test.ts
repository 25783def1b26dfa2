import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { OneWriteMessageWriter } from '../../server/src/node/stdioWriter';
import { SERVER_BIN } from '../support/lspSession';

const built = fs.existsSync(SERVER_BIN) ? false : 'no built server (npm run build)';

test('each message is one write: header and body together, the length in bytes', async () => {
  const out = new PassThrough();
  const writes: Buffer[] = [];
  out.on('data', (b: Buffer) => writes.push(b));
  const writer = new OneWriteMessageWriter(out);
  await writer.write({ jsonrpc: '2.0', id: 1, result: { contents: 'capabilité ✓' } } as never);
  await writer.write({ jsonrpc: '2.0', method: 'x' } as never);
  assert.equal(writes.length, 2);
  const [head, body] = writes[0]!.toString('utf8').split('\r\n\r\n');
  const length = Number(/^Content-Length: (\d+)$/.exec(head!)?.[1]);
  assert.equal(length, Buffer.byteLength(body!, 'utf8'));
  assert.ok(length > body!.length, 'the multi-byte characters are counted as bytes');
  assert.deepEqual(JSON.parse(body!), { jsonrpc: '2.0', id: 1, result: { contents: 'capabilité ✓' } });
});

test('a write to a closed stream is an error the connection hears of, not a crash', async () => {
  const out = new PassThrough();
  const writer = new OneWriteMessageWriter(out);
  const heard: Error[] = [];
  writer.onError(([e]) => heard.push(e));
  out.destroy();
  await assert.rejects(writer.write({ jsonrpc: '2.0', method: 'x' } as never));
  assert.equal(heard.length >= 1, true);
});

/** Spawns the server over stdio, sends raw frames, ends stdin, and gives the exit status and what came back. */
function runRaw(frames: object[]): Promise<{ code: number | null; out: string; err: string }> {
  const proc = spawn(process.execPath, [SERVER_BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, APPARMOR_LSP_CACHE_DIR: '' } });
  let out = '';
  let err = '';
  proc.stdout.on('data', (b: Buffer) => { out += b.toString('utf8'); });
  proc.stderr.on('data', (b: Buffer) => { err += b.toString('utf8'); });
  for (const f of frames) {
    const body = JSON.stringify(f);
    proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  // Time for the answers before the editor "goes away".
  setTimeout(() => proc.stdin.end(), 1500);
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, out, err })));
}

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } };

test('the server exits when the editor closes stdin: status 1 without shutdown, 0 after it', { skip: built }, async () => {
  const abrupt = await runRaw([INIT]);
  assert.match(abrupt.out, /"id":1,"result":\{"capabilities"/);
  assert.equal(abrupt.code, 1);
  const orderly = await runRaw([INIT, { jsonrpc: '2.0', id: 2, method: 'shutdown' }]);
  assert.match(orderly.out, /"id":2,"result":null/);
  assert.equal(orderly.code, 0);
});

test('every frame the server sends over stdout is whole and well formed', { skip: built }, async () => {
  const { out } = await runRaw([INIT, { jsonrpc: '2.0', method: 'initialized', params: {} },
    { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///t/p', languageId: 'apparmor', version: 1, text: 'profile é {\n  capability net_admn\n}\n' } } },
    { jsonrpc: '2.0', id: 3, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///t/p' }, position: { line: 1, character: 4 } } }]);
  const bytes = Buffer.from(out, 'utf8');
  const messages: { id?: number; method?: string }[] = [];
  for (let at = 0; at < bytes.length;) {
    const headEnd = bytes.indexOf('\r\n\r\n', at);
    assert.ok(headEnd > at, `a header at byte ${at}`);
    const length = Number(/Content-Length: (\d+)/.exec(bytes.subarray(at, headEnd).toString('ascii'))?.[1]);
    const body = bytes.subarray(headEnd + 4, headEnd + 4 + length);
    assert.equal(body.length, length, 'the body is as long as its header says');
    messages.push(JSON.parse(body.toString('utf8')) as { id?: number; method?: string });
    at = headEnd + 4 + length;
  }
  assert.ok(messages.some((m) => m.id === 3), 'the hover answered');
  assert.ok(messages.some((m) => m.method === 'textDocument/publishDiagnostics'), 'diagnostics published');
});
