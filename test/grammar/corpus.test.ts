import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadGrammar, ROOT, tokenizeFile } from './engine';

/** The shared corpus of real profiles, read in place beside this checkout. */
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const TREE = path.join(CORPUS, 'apparmor.d');

/** Profiles the real parser accepts, plus every abstraction and tunable (valid as fragments). */
function validFiles(): string[] {
  const valid: string[] = [];
  for (const line of fs.readFileSync(path.join(CORPUS, 'EXPECTED.tsv'), 'utf8').split('\n').slice(1)) {
    const [file, verdict] = line.split('\t');
    if (file && verdict === 'valid') valid.push(path.join(CORPUS, file));
  }
  for (const dir of ['abstractions', 'tunables']) for (const f of filesUnder(path.join(TREE, dir))) valid.push(f);
  return valid;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

test('no line of a valid corpus file gets an invalid scope, and every region it opens closes', async (t) => {
  if (!fs.existsSync(path.join(CORPUS, 'EXPECTED.tsv'))) {
    t.skip(`no shared corpus at ${CORPUS}`);
    return;
  }
  const grammar = await loadGrammar();
  const files = validFiles();
  const failures: string[] = [];
  for (const file of files) {
    const { lines, depth } = tokenizeFile(grammar, fs.readFileSync(file, 'utf8'));
    if (depth !== 1) failures.push(`${path.relative(CORPUS, file)}: ${depth - 1} regions still open at the end`);
    lines.forEach((tokens, i) => {
      const bad = tokens.find((tok) => tok.scopes.some((s) => s.startsWith('invalid.')));
      if (bad) failures.push(`${path.relative(CORPUS, file)}:${i + 1}: ${JSON.stringify(bad.text)} ${bad.scopes.at(-1)}`);
    });
  }
  const failed = new Set(failures.map((f) => f.split(':')[0])).size;
  t.diagnostic(`${files.length} corpus files tokenised (valid profiles, abstractions, tunables): ${files.length - failed} without an invalid scope`);
  assert.deepEqual(failures.slice(0, 30), [], `${failures.length} lines with an invalid scope`);
  assert.ok(files.length >= 1679, `only ${files.length} files`);
});

/** The reference's probe snippets, with the verdicts of apparmor_parser 3.0.8 and 6.0~alpha1. */
const PROBES = path.resolve(ROOT, '../shared/reference/data/probe_results_3.0.8_vs_master.tsv');

/** The input column writes newlines, tabs, carriage returns and backslashes as escapes. */
function unescapeProbe(input: string): string {
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };
  return input.replace(/\\([nrt\\])/g, (_, c: string) => escapes[c]!);
}

test('no probe snippet that a real parser accepts gets an invalid scope', async (t) => {
  if (!fs.existsSync(PROBES)) {
    t.skip(`no probe results at ${PROBES}`);
    return;
  }
  const grammar = await loadGrammar();
  const failures: string[] = [];
  let accepted = 0;
  for (const row of fs.readFileSync(PROBES, 'utf8').split('\n').slice(1)) {
    const [name, v308, master, , input] = row.split('\t');
    if (!input || (v308 !== 'ACCEPT' && master !== 'ACCEPT')) continue;
    accepted++;
    const { lines, depth } = tokenizeFile(grammar, unescapeProbe(input));
    const bad = lines.flat().filter((tok) => tok.scopes.some((s) => s.startsWith('invalid.')));
    if (bad.length > 0 || depth !== 1) failures.push(`${name}: ${bad.map((tok) => tok.text).join(' ')} (depth ${depth})`);
  }
  t.diagnostic(`${accepted} accepted probe snippets tokenised`);
  assert.deepEqual(failures, []);
  assert.ok(accepted >= 100, `only ${accepted} accepted probes`);
});
