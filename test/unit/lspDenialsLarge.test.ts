/** apparmor/denials on a large log, over a real stdio connection to a server with a small heap. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc/node';
import type { DenialsResult } from '../../server/src/protocol';
import { DENIALS_REQUEST } from '../../server/src/protocol';
import { LOG_PROFILES, writeBigLog } from '../support/bigLog';
import { LspSession } from '../support/lspSession';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-biglog-'));
const LOG = path.join(TMP, 'big.log');
before(() => writeBigLog(LOG, 130_000, 1000));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

function assertWhole(result: DenialsResult): void {
  assert.equal(result.records, 130_000);
  assert.equal(result.groups.length, LOG_PROFILES);
  assert.equal(result.groups.reduce((n, g) => n + g.rules.length, 0), 1000);
  for (const g of result.groups) {
    assert.equal(g.count, 13_000);
    for (const r of g.rules) assert.ok(r.samples.length <= 3 && r.count === 130);
  }
}

test('apparmor/denials on 130,000 records in a 96 MB heap: the log is merged a line at a time', { timeout: 660_000 }, async () => {
  const text = fs.readFileSync(LOG, 'utf8');
  // The request's text is held twice (the message and its parse); every record as an
  // object besides (about 1 KB each) would not fit.
  const env = { ...process.env, NODE_OPTIONS: '--max-old-space-size=96' };
  const { session } = await LspSession.start({ workspaceFolders: null, initializationOptions: { includeDirs: [] } }, env);
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer to apparmor/denials within 600 s')), 600_000);
    });
    assertWhole(await Promise.race([session.conn.sendRequest<DenialsResult>(DENIALS_REQUEST, { text }), deadline]));
  } finally {
    clearTimeout(timer);
    await session.close();
  }
});

test('apparmor/denials {path}: the server streams the file itself, in a 32 MB heap; what it cannot read is an error in words', { timeout: 660_000 }, async () => {
  const env = { ...process.env, NODE_OPTIONS: '--max-old-space-size=32' };
  const { session } = await LspSession.start({ workspaceFolders: null, initializationOptions: { includeDirs: [] } }, env);
  const rejection = async (params: object): Promise<ResponseError<unknown>> => {
    try {
      await session.conn.sendRequest(DENIALS_REQUEST, params);
    } catch (e) {
      return e as ResponseError<unknown>;
    }
    throw new Error(`${JSON.stringify(params)} was answered`);
  };
  try {
    assertWhole(await session.conn.sendRequest<DenialsResult>(DENIALS_REQUEST, { path: LOG }));
    const missing = await rejection({ path: path.join(TMP, 'missing.log') });
    assert.match(missing.message, /cannot read .*missing\.log: no such file or directory$/);
    assert.equal(missing.code, -32602);
    const fifo = path.join(TMP, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status === 0) assert.match((await rejection({ path: fifo })).message, /is a named pipe \(FIFO\)/);
    assert.match((await rejection({ path: LOG, text: 'x' })).message, /needs \{"text": string.*\} or \{"path": string/);
    assert.deepEqual(session.serverErrors, []);
  } finally {
    await session.close();
  }
});
