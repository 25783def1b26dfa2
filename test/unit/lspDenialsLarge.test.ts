/** apparmor/denials on a large log, over a real stdio connection to a server with a small heap. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { DenialsResult } from '../../server/src/protocol';
import { DENIALS_REQUEST } from '../../server/src/protocol';
import { LOG_PROFILES, writeBigLog } from '../support/bigLog';
import { LspSession } from '../support/lspSession';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-biglog-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

test('apparmor/denials on 130,000 records in a 96 MB heap: the log is merged a line at a time', { timeout: 660_000 }, async () => {
  const file = path.join(TMP, 'big.log');
  writeBigLog(file, 130_000, 1000);
  const text = fs.readFileSync(file, 'utf8');
  // The request's text is held twice (the message and its parse); every record as an
  // object besides (about 1 KB each) would not fit.
  const env = { ...process.env, NODE_OPTIONS: '--max-old-space-size=96' };
  const { session } = await LspSession.start({ workspaceFolders: null, initializationOptions: { includeDirs: [] } }, env);
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer to apparmor/denials within 600 s')), 600_000);
    });
    const result = await Promise.race([session.conn.sendRequest<DenialsResult>(DENIALS_REQUEST, { text }), deadline]);
    assert.equal(result.records, 130_000);
    assert.equal(result.groups.length, LOG_PROFILES);
    assert.equal(result.groups.reduce((n, g) => n + g.rules.length, 0), 1000);
    for (const g of result.groups) {
      assert.equal(g.count, 13_000);
      for (const r of g.rules) assert.ok(r.samples.length <= 3 && r.count === 130);
    }
  } finally {
    clearTimeout(timer);
    await session.close();
  }
});
