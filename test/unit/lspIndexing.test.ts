import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { LspSession, SERVER_BIN } from '../support/lspSession';

const built = fs.existsSync(SERVER_BIN) ? false : 'no built server (npm run build)';
const INIT = { capabilities: { window: { workDoneProgress: true } } };
const folder = (dir: string) => ({ workspaceFolders: [{ uri: `file://${dir}`, name: path.basename(dir) }] });

/** 30,000 one-profile files in 300 folders: indexing them spans many slices. */
const BIG = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-big-'));
const BIG_FILES = 30_000;

before(() => {
  for (let d = 0; d < 300; d++) {
    const dir = path.join(BIG, `d${String(d).padStart(3, '0')}`);
    fs.mkdirSync(dir);
    for (let f = 0; f < BIG_FILES / 300; f++) fs.writeFileSync(path.join(dir, `p${f}`), `profile big-${d}-${f} {\n  /f r,\n}\n`);
  }
});

after(() => fs.rmSync(BIG, { recursive: true, force: true }));

test('symbolic link loops: each real file is indexed once', { skip: built }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-loop-'));
  try {
    for (const name of ['a', 'b', 'c']) fs.writeFileSync(path.join(dir, name), `profile loop-${name} {\n}\n`);
    for (const name of ['x', 'y', 'z']) fs.symlinkSync('.', path.join(dir, name));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.symlinkSync('..', path.join(dir, 'sub', 'up'));
    fs.symlinkSync(path.join(dir, 'a'), path.join(dir, 'sub', 'same-as-a'));
    const { session } = await LspSession.start({ ...INIT, ...folder(dir), initializationOptions: { includeDirs: [] } });
    try {
      const at = await session.waitFor(/^log: Indexed \d+ policy files/);
      assert.equal(session.timeline[at], 'log: Indexed 3 policy files.');
      const symbols = (await session.conn.sendRequest('workspace/symbol', { query: 'loop' })) as { name: string }[];
      assert.deepEqual(symbols.map((s) => s.name).sort(), ['loop-a', 'loop-b', 'loop-c']);
    } finally {
      await session.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a big tree: progress from the start, requests answered while indexing, a cancelled wait answered as cancelled', { skip: built }, async () => {
  const { session } = await LspSession.start({ ...INIT, ...folder(BIG), initializationOptions: { includeDirs: [], indexMaxFiles: 40_000 } });
  try {
    const began = await session.waitFor(/^progress: begin/);
    assert.match(session.timeline[began]!, /listing folders/, 'progress begins before the first folder is read');
    await session.waitFor(/^progress: report/);
    const uri = 'file:///tmp/lsp-index/open';
    await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text: 'profile p {\n  capability sys_admin,\n}\n' } });
    const hover = (await session.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 16 } })) as { contents: { value: string } };
    session.timeline.push('mark: hover answered');
    assert.match(hover.contents.value, /CAP_SYS_ADMIN/);
    // The denials request waits for the index; its cancel ends the wait.
    // The client library sends $/cancelRequest for it when the token is cancelled.
    const cancel = new CancellationTokenSource();
    const denials = session.conn.sendRequest('apparmor/denials', { text: '' }, cancel.token).then(() => 'answered', (e: unknown) => `error ${e instanceof ResponseError ? e.code : String(e)}`);
    await session.conn.sendRequest('workspace/symbol', { query: '' });
    cancel.cancel();
    assert.equal(await denials, 'error -32800');
    session.timeline.push('mark: denials cancelled');
    const ended = await session.waitFor(/^progress: end/, 300);
    await session.waitFor(/^log: Indexed/);
    const t = session.timeline;
    assert.ok(t.indexOf('mark: hover answered') < ended, `the hover was answered before indexing ended: ${t.join(' | ')}`);
    assert.ok(t.indexOf('mark: denials cancelled') < ended, 'the cancel did not wait for indexing');
    assert.ok(t.includes(`log: Indexed ${BIG_FILES} policy files.`), t.filter((e) => e.startsWith('log')).join(' | '));
    assert.equal(t.filter((e) => e.startsWith('show:')).length, 0, 'under the limit: no message');
  } finally {
    await session.close();
  }
});

test('the limit: indexing stops at indexMaxFiles with one message', { skip: built }, async () => {
  const { session } = await LspSession.start({ ...INIT, ...folder(BIG), initializationOptions: { includeDirs: [], indexMaxFiles: 1000 } });
  try {
    const at = await session.waitFor(/^log: Indexed \d+ policy files/);
    const indexed = Number(/Indexed (\d+)/.exec(session.timeline[at]!)![1]);
    assert.ok(indexed > 0 && indexed < 1000, `${indexed} files`);
    await session.waitFor(/^show: /);
    // A round trip, so any second message would have arrived.
    await session.conn.sendRequest('workspace/symbol', { query: 'big' });
    const shown = session.timeline.filter((e) => e.startsWith('show:'));
    assert.equal(shown.length, 1);
    assert.match(shown[0]!, /more than 1000 files and folders; indexing stopped there .*apparmor\.indexMaxFiles/);
  } finally {
    await session.close();
  }
});

test('cancelling the progress stops indexing', { skip: built }, async () => {
  const { session } = await LspSession.start({ ...INIT, ...folder(BIG), initializationOptions: { includeDirs: [], indexMaxFiles: 40_000 } });
  try {
    await session.waitFor(/^progress: report/);
    await session.conn.sendNotification('window/workDoneProgress/cancel', { token: session.progressTokens[0] });
    const at = await session.waitFor(/^log: Index(ed|ing cancelled)/);
    const indexed = Number(/(\d+) policy files/.exec(session.timeline[at]!)![1]);
    assert.match(session.timeline[at]!, /^log: Indexing cancelled after \d+ policy files/);
    assert.ok(indexed < BIG_FILES, `${indexed} files`);
  } finally {
    await session.close();
  }
});

test('system trees, tool folders, binaries and oversized files are skipped', { skip: built }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-skip-'));
  try {
    fs.writeFileSync(path.join(dir, 'kept'), 'profile kept {\n}\n');
    for (const sub of ['node_modules', '.git']) {
      fs.mkdirSync(path.join(dir, sub));
      fs.writeFileSync(path.join(dir, sub, 'p'), `profile in-${sub} {\n}\n`);
    }
    fs.writeFileSync(path.join(dir, 'binary'), Buffer.concat([Buffer.from('profile binary {\n}\n'), Buffer.from([0, 1, 2])]));
    fs.writeFileSync(path.join(dir, 'huge'), `profile huge {\n}\n${'#'.repeat(9 * 1024 * 1024)}\n`);
    fs.symlinkSync('/proc', path.join(dir, 'proc-link'));
    // Links into the trees, not only to their roots.
    fs.symlinkSync('/proc/self', path.join(dir, 'self-link'));
    fs.symlinkSync('/sys/kernel', path.join(dir, 'sys-link'));
    const { session } = await LspSession.start({ ...INIT, ...folder(dir), initializationOptions: { includeDirs: [] } });
    try {
      const at = await session.waitFor(/^log: Indexed \d+ policy files/);
      assert.equal(session.timeline[at], 'log: Indexed 1 policy files.');
    } finally {
      await session.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
