import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cacheDir } from '../../server/src/node/codeCache';
import { LspSession, SERVER_BIN } from '../support/lspSession';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-cache-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A bundle that uses require, module and __dirname, as esbuild's output does. */
function writeBundle(dir: string, answer: number): string {
  const file = path.join(dir, 'bundle.js');
  fs.writeFileSync(file, `const p = require('path'); function f(n) { return n * 2; } module.exports = { answer: f(${answer}), dir: p.basename(__dirname), self: module.filename };`);
  return file;
}

const CODE_CACHE = path.resolve(__dirname, '../../server/src/node/codeCache.js');

/**
 * Loads the bundle in a fresh Node, as a server start does: within one process V8 keeps
 * compiled scripts in memory and would never look at the file.
 */
function load(bundle: string, cache: string | null, save = true): { outcome: string; exports: { answer: number; dir: string; self: string } } {
  const script = `const r = require(${JSON.stringify(CODE_CACHE)}).runCached(${JSON.stringify(bundle)}, undefined, ${JSON.stringify(cache)});
    ${save ? 'r.save();' : ''} process.stdout.write(JSON.stringify({ outcome: r.outcome, exports: r.exports }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as ReturnType<typeof load>;
}

const cacheFiles = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.endsWith('.v8cache'));

test('a bundle runs with its exports; the next start reads the cache the first one saved', (t) => {
  const dir = tempDir(t);
  const cache = path.join(dir, 'cache');
  const bundle = writeBundle(dir, 21);
  const first = load(bundle, cache);
  assert.equal(first.outcome, 'absent');
  assert.deepEqual(first.exports, { answer: 42, dir: path.basename(dir), self: bundle });
  assert.equal(cacheFiles(cache).length, 1);
  const second = load(bundle, cache);
  assert.equal(second.outcome, 'used');
  assert.deepEqual(second.exports, first.exports);
});

test('a damaged cache is rejected by V8 and rewritten; the bundle still runs', (t) => {
  const dir = tempDir(t);
  const cache = path.join(dir, 'cache');
  const bundle = writeBundle(dir, 1);
  load(bundle, cache);
  const [name] = cacheFiles(cache);
  fs.writeFileSync(path.join(cache, name!), 'not a code cache');
  const damaged = load(bundle, cache);
  assert.equal(damaged.outcome, 'rejected');
  assert.equal(damaged.exports.answer, 2);
  assert.equal(load(bundle, cache).outcome, 'used');
});

test('a rebuilt bundle gets a new cache and the old one is removed', (t) => {
  const dir = tempDir(t);
  const cache = path.join(dir, 'cache');
  const bundle = writeBundle(dir, 1);
  load(bundle, cache);
  const before = cacheFiles(cache);
  // Same length, other content: only the cache's name keeps V8 from trusting the old one.
  writeBundle(dir, 2);
  fs.utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
  const rebuilt = load(bundle, cache);
  assert.equal(rebuilt.outcome, 'absent');
  assert.equal(rebuilt.exports.answer, 4);
  const after = cacheFiles(cache);
  assert.equal(after.length, 1);
  assert.notDeepEqual(after, before);
});

test('an unwritable cache folder costs nothing but the cache', (t) => {
  const dir = tempDir(t);
  const bundle = writeBundle(dir, 1);
  const blocker = path.join(dir, 'a-file');
  fs.writeFileSync(blocker, '');
  const run = load(bundle, path.join(blocker, 'cache'));
  assert.equal(run.outcome, 'absent');
  assert.equal(run.exports.answer, 2);
});

test('the cache folder: the variable, empty for none, else the user cache', (t) => {
  assert.equal(cacheDir({ APPARMOR_LSP_CACHE_DIR: '/x' }), '/x');
  assert.equal(cacheDir({ APPARMOR_LSP_CACHE_DIR: '' }), null);
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/c' }), '/c/apparmor-lsp');
  const dir = tempDir(t);
  assert.equal(load(writeBundle(dir, 1), null).outcome, 'off');
  assert.deepEqual(fs.readdirSync(dir), ['bundle.js']);
});

/** Starts the built server with this cache folder and initializes it; closes it once `until` holds. */
async function startServer(cache: string, until: () => boolean): Promise<void> {
  const { session, init } = await LspSession.start({}, { ...process.env, APPARMOR_LSP_CACHE_DIR: cache });
  assert.equal((init as { serverInfo?: { name: string } }).serverInfo?.name, 'apparmor-language-server');
  for (const end = Date.now() + 15_000; !until() && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
  await session.close();
}

test('the built server saves its code cache a few seconds after starting, and starts from it', { skip: fs.existsSync(SERVER_BIN) ? false : 'no built server (npm run build)' }, async (t) => {
  const cache = tempDir(t);
  await startServer(cache, () => fs.existsSync(cache) && cacheFiles(cache).length > 0);
  const [name] = cacheFiles(cache);
  assert.ok(name, 'no code cache written within 15 s');
  const stat = fs.statSync(path.join(cache, name));
  // Past the moment a start without a usable cache would have rewritten it.
  const until = Date.now() + 4500;
  await startServer(cache, () => Date.now() > until);
  assert.deepEqual(cacheFiles(cache), [name], 'a start from the cache leaves it alone');
  assert.equal(fs.statSync(path.join(cache, name)).mtimeMs, stat.mtimeMs);
});
