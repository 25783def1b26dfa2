import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

/** The layer rules of ARCHITECTURE.md, checked over the sources' import lines. */
const ROOT = path.resolve(__dirname, '../../..');
const SERVICE = path.join(ROOT, 'server/src/service');

/** The packages the language core may import: LSP's data types, nothing that talks or runs. */
const CORE_PACKAGES = new Set(['vscode-languageserver-types', 'vscode-languageserver-textdocument']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every module a file imports or re-exports, as written. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  return out;
}

function resolved(file: string, spec: string): string {
  return path.resolve(path.dirname(file), spec);
}

const inside = (dir: string, p: string): boolean => p === dir || p.startsWith(dir + path.sep);
const rel = (p: string): string => path.relative(ROOT, p);

test('the layer check finds import lines, type-only and re-exports included', () => {
  const files = sources(SERVICE);
  assert.ok(files.length > 50, `only ${files.length} sources under ${rel(SERVICE)}`);
  const all = files.flatMap(importsOf);
  assert.ok(all.includes('vscode-languageserver-types'));
  assert.ok(all.some((s) => s.startsWith('./')));
});

test('the language core imports only itself and the LSP type packages', () => {
  const bad: string[] = [];
  for (const file of sources(SERVICE)) {
    for (const spec of importsOf(file)) {
      const ok = spec.startsWith('.') ? inside(SERVICE, resolved(file, spec)) : CORE_PACKAGES.has(spec);
      if (!ok) bad.push(`${rel(file)} imports ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('features are the top of the core: only the LanguageService facade and index.ts import them', () => {
  const features = path.join(SERVICE, 'features');
  const facade = [path.join(SERVICE, 'index.ts'), path.join(SERVICE, 'languageService.ts')];
  const bad: string[] = [];
  for (const file of sources(SERVICE)) {
    if (inside(features, file) || facade.includes(file)) continue;
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.') && inside(features, resolved(file, spec))) bad.push(`${rel(file)} imports ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the extension takes from the server only the core (a library) and protocol.ts, and publishes no parser output itself', () => {
  const client = path.join(ROOT, 'client/src');
  const server = path.join(ROOT, 'server/src');
  const allowed = (p: string): boolean => inside(SERVICE, p) || p === path.join(server, 'protocol');
  const bad: string[] = [];
  for (const file of sources(client)) {
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolved(file, spec);
      if (inside(server, target) && !allowed(target)) bad.push(`${rel(file)} imports ${spec}`);
      if (target === path.join(SERVICE, 'mergeParserDiagnostics') || target === path.join(SERVICE, 'placeParserRun')) bad.push(`${rel(file)} places parser output (${spec}): the server does`);
    }
  }
  assert.deepEqual(bad, []);
});

test('server.ts reaches the core through its index alone, never a feature file', () => {
  const server = path.join(ROOT, 'server/src/server.ts');
  const core = importsOf(server).filter((spec) => spec.startsWith('.') && inside(SERVICE, resolved(server, spec)));
  assert.deepEqual(core, ['./service']);
});
