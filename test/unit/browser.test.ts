import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as vm from 'node:vm';

const BUNDLE = path.resolve(__dirname, '../../../dist/browser/apparmor-language-server.js');

interface Message { method?: string; id?: number; result?: { capabilities?: object }; params?: { diagnostics?: { code: string; severity: number }[] } }

/** Runs the browser bundle in a sandbox shaped like a web worker: `self` with messages, nothing of Node. */
test('the browser build of the server answers over worker messages', { skip: fs.existsSync(BUNDLE) ? false : `no browser bundle at ${BUNDLE} (npm run build)` }, async () => {
  const sent: Message[] = [];
  const port: { postMessage: (m: Message) => void; onmessage: ((e: { data: unknown }) => void) | null; listener?: (e: { data: unknown }) => void; addEventListener: (t: string, fn: (e: { data: unknown }) => void) => void; removeEventListener: () => void } = {
    postMessage: (m) => sent.push(m),
    onmessage: null,
    addEventListener: (_t, fn) => { port.listener = fn; },
    removeEventListener: () => undefined,
  };
  const context = vm.createContext({ self: port, console, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, TextEncoder, TextDecoder });
  vm.runInContext(fs.readFileSync(BUNDLE, 'utf8'), context);
  const send = (data: object): void => (port.onmessage ?? port.listener)!({ data });
  const until = async (pred: () => boolean): Promise<void> => {
    for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
  };
  send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
  await until(() => sent.some((m) => m.id === 1));
  assert.ok(sent.find((m) => m.id === 1)!.result!.capabilities);
  send({ jsonrpc: '2.0', method: 'initialized', params: {} });
  send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///x', languageId: 'apparmor', version: 1, text: 'profile p {\n  capability net_admn,\n}\n' } } });
  await until(() => sent.some((m) => m.method === 'textDocument/publishDiagnostics'));
  const published = sent.find((m) => m.method === 'textDocument/publishDiagnostics')!;
  assert.equal(JSON.stringify(published.params!.diagnostics!.filter((d) => d.severity !== 4).map((d) => d.code)), '["unknown-capability"]');
});
