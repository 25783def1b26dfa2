import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ParseCache } from '../../server/src/node/parseCache';
import { nodeFileSystem } from '../../server/src/node/nodeFileSystem';
import { Analyzer } from '../../server/src/service/analyze';
import type { ParseStore } from '../../server/src/service/includeGraph';
import { LspSession, SERVER_BIN } from '../support/lspSession';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-parses-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A policy tree: a profile including an abstraction that includes another with an error. */
function writeTree(dir: string): string {
  fs.mkdirSync(path.join(dir, 'abstractions'));
  fs.mkdirSync(path.join(dir, 'tunables'));
  fs.writeFileSync(path.join(dir, 'tunables/global'), '@{HOME}=/home/*/\n');
  fs.writeFileSync(path.join(dir, 'abstractions/a'), '/usr/lib/** mr,\ninclude <abstractions/b>\nowner @{HOME}.x rw,\n');
  fs.writeFileSync(path.join(dir, 'abstractions/b'), '/etc/b r,\ncapability bogus,\n');
  const profile = path.join(dir, 'p');
  fs.writeFileSync(profile, 'include <tunables/global>\nprofile p /usr/bin/p {\n  include <abstractions/a>\n  /x ix,\n}\n');
  return profile;
}

/** An analysis of the profile by a new analyzer, as in a fresh process, with `parses` as its store. */
function analyzeWith(dir: string, profile: string, parses?: ParseStore): string {
  const analyzer = new Analyzer({ fs: nodeFileSystem, includeDirs: [dir], ...(parses ? { parses } : {}) });
  return JSON.stringify(analyzer.analyze(profile, fs.readFileSync(profile, 'utf8')).problems);
}

/** Counts of a store's answers and entries, by kind of entry (facts, parse, errors). */
type Counts = Record<string, number>;

/** A store that counts what it answered and what it was given. */
function counted(cache: ParseCache): ParseStore & { hits: Counts; puts: Counts } {
  const kind = (key: string): string => key.slice(0, key.indexOf(' '));
  const c = {
    hits: {} as Counts,
    puts: {} as Counts,
    digest: (text: string): string => cache.digest(text),
    get: (key: string): unknown => {
      const r = cache.get(key);
      if (r !== undefined) c.hits[kind(key)] = (c.hits[kind(key)] ?? 0) + 1;
      return r;
    },
    put: (key: string, value: unknown): void => {
      c.puts[kind(key)] = (c.puts[kind(key)] ?? 0) + 1;
      cache.put(key, value);
    },
  };
  return c;
}

test('a second process takes the included files\' facts and results from the file the first saved, with the same findings', (t) => {
  const dir = tempDir(t);
  const profile = writeTree(dir);
  const file = path.join(dir, 'cache', 'x-00000000-00000000.v8parses');
  const plain = analyzeWith(dir, profile);
  assert.match(plain, /include-errors/, 'the tree has an error below an include');
  const first = counted(new ParseCache(file));
  assert.equal(analyzeWith(dir, profile, first), plain);
  assert.deepEqual([first.hits, first.puts], [{}, { facts: 3, parse: 3, errors: 3 }]);
  const saving = new ParseCache(file);
  assert.equal(analyzeWith(dir, profile, saving), plain);
  saving.save();
  const second = counted(new ParseCache(file));
  assert.equal(analyzeWith(dir, profile, second), plain);
  // The tunables' and the abstraction's results are kept (the latter stands for the one it
  // includes): none of the three is parsed or checked.
  assert.deepEqual([second.hits, second.puts], [{ facts: 3, errors: 2 }, {}]);
});

test('a second save keeps what the first wrote', (t) => {
  const dir = tempDir(t);
  const profile = writeTree(dir);
  const file = path.join(dir, 'x-00000000-00000000.v8parses');
  const cache = new ParseCache(file);
  analyzeWith(dir, profile, cache);
  cache.save();
  // One more file parsed later in the session, as the server meets it.
  new Analyzer({ fs: nodeFileSystem, includeDirs: [dir], parses: cache }).graph.fragmentParse('/other', '/x r,\n');
  cache.save();
  const again = counted(new ParseCache(file));
  analyzeWith(dir, profile, again);
  assert.deepEqual([again.hits, again.puts], [{ facts: 3, errors: 2 }, {}]);
  assert.ok(again.get(`facts ${again.digest('/x r,\n')}`));
});

test('within a run, what was kept is served before it is saved', (t) => {
  const dir = tempDir(t);
  const profile = writeTree(dir);
  const cache = counted(new ParseCache(path.join(dir, 'x-00000000-00000000.v8parses')));
  const first = analyzeWith(dir, profile, cache);
  // A new analyzer, as the server makes when its settings change.
  assert.equal(analyzeWith(dir, profile, cache), first);
  assert.deepEqual([cache.hits, cache.puts], [{ facts: 3, errors: 2 }, { facts: 3, parse: 3, errors: 3 }]);
});

test('an entry serves only the exact text it was made from', (t) => {
  const dir = tempDir(t);
  const profile = writeTree(dir);
  const file = path.join(dir, 'x-00000000-00000000.v8parses');
  const saving = new ParseCache(file);
  analyzeWith(dir, profile, saving);
  saving.save();
  // The same size, the same time: only the text tells the edit.
  const b = path.join(dir, 'abstractions/b');
  const { atime, mtime } = fs.statSync(b);
  fs.writeFileSync(b, '/etc/b r,\ncapability chown,\n');
  fs.utimesSync(b, atime, mtime);
  const again = counted(new ParseCache(file));
  const found = analyzeWith(dir, profile, again);
  assert.equal(found, analyzeWith(dir, profile));
  assert.doesNotMatch(found, /include-errors/);
  // The edited file is parsed and checked again, and so is the one that includes it (its
  // parse read); the tunables' result is kept.
  assert.deepEqual([again.hits, again.puts], [{ facts: 2, parse: 1, errors: 1 }, { facts: 1, parse: 1, errors: 2 }]);
});

test('an included file\'s parse is read only when something asks for it', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'x-00000000-00000000.v8parses');
  const text = 'include <abstractions/b>\n/x r,\n';
  const saving = new ParseCache(file);
  new Analyzer({ fs: nodeFileSystem, includeDirs: [dir], parses: saving }).graph.fragmentParse('/f', text);
  saving.save();
  const again = counted(new ParseCache(file));
  const f = new Analyzer({ fs: nodeFileSystem, includeDirs: [dir], parses: again }).graph.fragmentParse('/f', text);
  assert.equal(f.ast.items.length, 2);
  assert.deepEqual(again.hits, { facts: 1, parse: 1 });
  const loaded = new Analyzer({ fs: nodeFileSystem, includeDirs: [dir], parses: again });
  fs.writeFileSync(path.join(dir, 'f'), text);
  const g = loaded.load(path.join(dir, 'f'))!;
  assert.equal(g.includes.length, 1);
  assert.deepEqual(again.hits, { facts: 2, parse: 1 });
  assert.equal(g.ast.items.length, 2);
  assert.deepEqual(again.hits, { facts: 2, parse: 2 });
});

test('a damaged or foreign file is ignored and replaced; an unwritable folder costs only the cache', (t) => {
  const dir = tempDir(t);
  const profile = writeTree(dir);
  const file = path.join(dir, 'x-00000000-00000000.v8parses');
  const plain = analyzeWith(dir, profile);
  for (const junk of [Buffer.from('not a cache'), Buffer.concat([Buffer.from('aa-parses-2\n'), Buffer.from([255, 255, 255, 127])]), Buffer.alloc(0)]) {
    fs.writeFileSync(file, junk);
    const cache = counted(new ParseCache(file));
    assert.equal(analyzeWith(dir, profile, cache), plain);
    assert.deepEqual(cache.hits, {});
  }
  const saving = new ParseCache(file);
  analyzeWith(dir, profile, saving);
  saving.save();
  const kept = new ParseCache(file);
  assert.notEqual(kept.get(`facts ${kept.digest(fs.readFileSync(path.join(dir, 'abstractions/b'), 'utf8'))}`), undefined);
  const blocked = path.join(dir, 'p', 'sub', 'x-00000000-00000000.v8parses');
  const unwritable = new ParseCache(blocked);
  assert.equal(analyzeWith(dir, profile, unwritable), plain);
  assert.doesNotThrow(() => unwritable.save());
});

test('saving removes the files of earlier builds', (t) => {
  const dir = tempDir(t);
  const profile = writeTree(dir);
  fs.writeFileSync(path.join(dir, 'x-11111111-00000000.v8parses'), 'old build');
  fs.writeFileSync(path.join(dir, 'y-11111111-00000000.v8parses'), 'another bundle');
  const saving = new ParseCache(path.join(dir, 'x-22222222-00000000.v8parses'));
  analyzeWith(dir, profile, saving);
  saving.save();
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.v8parses')).sort(), ['x-22222222-00000000.v8parses', 'y-11111111-00000000.v8parses']);
});

test('the built server gives the same first diagnostics from a cold and from a warm cache', { skip: fs.existsSync(SERVER_BIN) ? false : 'no built server (npm run build)' }, async (t) => {
  const dir = tempDir(t);
  const profile = writeTree(dir);
  const cache = path.join(dir, 'cache');
  const uri = `file://${profile}`;
  const firstDiagnostics = async (): Promise<string> => {
    const { session } = await LspSession.start({ initializationOptions: { includeDirs: [dir] } }, { ...process.env, APPARMOR_LSP_CACHE_DIR: cache });
    await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text: fs.readFileSync(profile, 'utf8') } });
    const found = JSON.stringify(await session.diagnosticsFor(uri, 1));
    // The server writes what it kept a few seconds after it kept the first of it.
    const saved = (): boolean => fs.existsSync(cache) && fs.readdirSync(cache).some((n) => n.endsWith('.v8parses'));
    for (const end = Date.now() + 15_000; !saved() && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
    await session.close();
    return found;
  };
  const cold = await firstDiagnostics();
  assert.match(cold, /include-errors/);
  assert.ok(fs.readdirSync(cache).some((n) => n.endsWith('.v8parses')), 'the server kept its parses');
  assert.equal(await firstDiagnostics(), cold);
});

test('an included file nested as deep as apparmor_parser allows is checked, and parsed again rather than kept', (t) => {
  const dir = tempDir(t);
  const profile = writeTree(dir);
  // v8.serialize recurses and gives up near a thousand levels; apparmor_parser takes 3,327 of these.
  fs.writeFileSync(path.join(dir, 'abstractions/a'), `${'owner {\n'.repeat(3000)}/a r,\n${'}\n'.repeat(3000)}`);
  const file = path.join(dir, 'x-00000000-00000000.v8parses');
  const first = new ParseCache(file);
  const fresh = analyzeWith(dir, profile);
  assert.equal(analyzeWith(dir, profile, first), fresh);
  first.save();
  assert.equal(analyzeWith(dir, profile, new ParseCache(file)), fresh);
});
