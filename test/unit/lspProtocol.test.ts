import { strict as assert } from 'node:assert';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, test } from 'node:test';
import { SERVER_BIN } from '../support/lspSession';

const built = fs.existsSync(SERVER_BIN) ? false : 'no built server (npm run build)';

interface Reply { id?: number | string | null; method?: string; result?: unknown; error?: { code: number; message: string }; params?: { message?: string; version?: number; diagnostics?: unknown[] } }

/** The server over raw stdio: bytes in exactly as given, whole frames out. */
class RawServer {
  readonly messages: Reply[] = [];
  private readonly proc: ChildProcess;
  private pending = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  constructor() {
    this.proc = spawn(process.execPath, [SERVER_BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, APPARMOR_LSP_CACHE_DIR: '' } });
    this.proc.stdout!.on('data', (b: Buffer) => this.receive(b));
  }

  send(bytes: string): void {
    this.proc.stdin!.write(bytes);
  }

  /** Waits (a deadline fails a server gone deaf) for a message matching `match`. */
  async waitFor(match: (m: Reply) => boolean, what: string): Promise<Reply> {
    const end = Date.now() + 20_000;
    for (;;) {
      const hit = this.messages.find(match);
      if (hit) return hit;
      if (Date.now() > end || this.proc.exitCode !== null) throw new Error(`no ${what}; got ${JSON.stringify(this.messages.map((m) => m.id ?? m.method))}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
  }

  reply(id: number): Promise<Reply> {
    return this.waitFor((m) => m.id === id && m.method === undefined, `answer to request ${id}`);
  }

  kill(): void {
    this.proc.kill();
  }

  private receive(b: Buffer): void {
    this.pending = Buffer.concat([this.pending, b]);
    for (;;) {
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) break;
      const length = Number(/Content-Length: (\d+)/.exec(this.pending.subarray(0, end).toString('ascii'))![1]);
      if (this.pending.length < end + 4 + length) break;
      this.messages.push(JSON.parse(this.pending.subarray(end + 4, end + 4 + length).toString('utf8')) as Reply);
      this.pending = this.pending.subarray(end + 4 + length);
    }
    this.waiters.splice(0).forEach((w) => w());
  }
}

const frame = (message: object, eol = '\r\n'): string => {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}${eol}${eol}${body}`;
};
const INIT = (id = 1) => frame({ id, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {}, initializationOptions: { includeDirs: [] } } });
const HOVER = (id: number, uri = 'file:///tmp/lsp-protocol/p') => frame({ id, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 1, character: 16 } } });
const OPEN = (uri: string, text: string) => frame({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'apparmor', version: 1, text } } });

let servers: RawServer[] = [];
const start = (): RawServer => {
  const s = new RawServer();
  servers.push(s);
  return s;
};
before(() => { servers = []; });
after(() => servers.forEach((s) => s.kill()));

test('a request before initialize gets -32002, and initialize still works', { skip: built }, async () => {
  const s = start();
  s.send(HOVER(7) + INIT());
  assert.equal((await s.reply(7)).error?.code, -32002);
  assert.ok((await s.reply(1)).result);
});

test('requests after shutdown get InvalidRequest', { skip: built }, async () => {
  const s = start();
  s.send(INIT() + frame({ id: 2, method: 'shutdown' }) + HOVER(3));
  assert.equal((await s.reply(2)).result, null);
  const after = await s.reply(3);
  assert.equal(after.error?.code, -32600);
  assert.match(after.error!.message, /shutdown/);
});

test('headers ending in a bare LF are read', { skip: built }, async () => {
  const s = start();
  s.send(INIT(1).replace(/\r\n/g, '\n') + HOVER(2).replace(/\r\n/g, '\n'));
  assert.ok((await s.reply(1)).result);
  assert.equal((await s.reply(2)).result, null, 'an unknown document: no hover, but an answer');
});

for (const [name, bad] of [
  ['an unreadable Content-Length', 'Content-Length: abc\r\n\r\n{}'],
  ['no Content-Length', 'Content-Type: application/json\r\n\r\n{"jsonrpc":"2.0","id":9,"method":"x"}'],
  ['a Content-Length too short', 'Content-Length: 10\r\n\r\n{"jsonrpc":"2.0","id":9,"method":"shutdown"}'],
  ['a Content-Length too long', 'Content-Length: 70\r\n\r\n{"jsonrpc":"2.0","method":"x"}'],
  ['garbage', 'hello\r\n\r\n\u0000\u0001 not a frame at all'],
] as const) {
  test(`a frame with ${name} is logged and skipped; the next frame is answered`, { skip: built }, async () => {
    const s = start();
    s.send(bad + INIT());
    assert.ok((await s.reply(1)).result, 'initialize answered after the bad frame');
    const logged = await s.waitFor((m) => m.method === 'window/logMessage' && /Bad message from the editor/.test(m.params?.message ?? ''), 'log of the bad frame');
    assert.match(logged.params!.message!, /Content-Length|not JSON|not a header/);
    s.send(HOVER(5));
    assert.ok(await s.reply(5), 'still answering');
  });
}

test('a frame over the size limit is skipped unread, and the next one answered', { skip: built }, async () => {
  const s = start();
  const size = 65 * 1024 * 1024;
  s.send(`Content-Length: ${size}\r\n\r\n`);
  for (let sent = 0; sent < size; sent += 1 << 20) s.send('x'.repeat(Math.min(1 << 20, size - sent)));
  s.send(INIT());
  assert.ok((await s.reply(1)).result);
  const logged = await s.waitFor((m) => m.method === 'window/logMessage' && /over the limit/.test(m.params?.message ?? ''), 'log of the skipped frame');
  assert.match(logged.params!.message!, /68157440 bytes/);
});

test('a body that is not JSON gets -32700, one that is not an object -32600, both with a null id', { skip: built }, async () => {
  const s = start();
  s.send('Content-Length: 5\r\n\r\n{abc}' + 'Content-Length: 2\r\n\r\n[]' + INIT());
  assert.ok((await s.reply(1)).result);
  const errors = s.messages.filter((m) => m.id === null).map((m) => m.error?.code);
  assert.deepEqual(errors, [-32700, -32600]);
});

test('a request cancelled before it runs is answered RequestCancelled', { skip: built }, async () => {
  const s = start();
  const uri = 'file:///tmp/lsp-protocol/cancel';
  s.send(INIT() + frame({ method: 'initialized', params: {} }) + OPEN(uri, 'profile p {\n  capability sys_admin,\n}\n'));
  await s.reply(1);
  s.send(HOVER(4, uri) + frame({ method: '$/cancelRequest', params: { id: 4 } }) + HOVER(5, uri));
  assert.equal((await s.reply(4)).error?.code, -32800);
  assert.match(JSON.stringify((await s.reply(5)).result), /CAP_SYS_ADMIN/, 'the next one runs');
});

test('a handler that throws is logged with its stack and the server keeps serving', { skip: built }, async () => {
  const s = start();
  const uri = 'file:///tmp/lsp-protocol/throw';
  s.send(INIT() + frame({ method: 'initialized', params: {} }) + OPEN(uri, 'profile p {\n  capability sys_admin,\n}\n'));
  await s.reply(1);
  // A position that is not one: the feature throws inside its guard.
  s.send(frame({ id: 6, method: 'textDocument/hover', params: { textDocument: { uri }, position: null } }) + HOVER(7, uri));
  assert.equal((await s.reply(6)).result, null);
  const logged = await s.waitFor((m) => m.method === 'window/logMessage' && /^hover failed/.test(m.params?.message ?? ''), 'the failure logged');
  assert.match(logged.params!.message!, /\n\s+at /, 'with its stack');
  assert.match(JSON.stringify((await s.reply(7)).result), /CAP_SYS_ADMIN/);
});

test('a didChange that sends a version again with other text is checked again', { skip: built }, async () => {
  const s = start();
  const uri = 'file:///tmp/lsp-protocol/version';
  const published = () => s.messages.filter((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri?: string }).uri === uri);
  const codes = (m: Reply) => (m.params!.diagnostics as { code: string; severity: number }[]).filter((d) => d.severity === 1).map((d) => d.code);
  s.send(INIT() + frame({ method: 'initialized', params: {} }) + OPEN(uri, 'profile p {\n  capability net_admn,\n}\n'));
  await s.waitFor(() => published().length === 1, 'diagnostics of version 1');
  assert.deepEqual(codes(published()[0]!), ['unknown-capability']);
  s.send(frame({ method: 'textDocument/didChange', params: { textDocument: { uri, version: 1 }, contentChanges: [{ range: { start: { line: 1, character: 20 }, end: { line: 1, character: 20 } }, text: 'i' }] } }));
  await s.waitFor(() => published().length === 2, 'diagnostics of the same version again');
  assert.deepEqual(codes(published()[1]!), [], 'net_admin is known');
  // And an incremental edit after it starts from the new text, not the first one.
  s.send(frame({ method: 'textDocument/didChange', params: { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 13 }, end: { line: 1, character: 13 } }, text: 'x' }] } }));
  await s.waitFor(() => published().length === 3, 'diagnostics of version 2');
  assert.deepEqual(codes(published()[2]!), ['unknown-capability'], 'xnet_admin is not');
});
