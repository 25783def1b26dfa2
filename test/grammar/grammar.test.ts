import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { GRAMMAR_PATH, loadGrammar, ROOT, type Token, tokenize, tokenizeFile } from './engine';
import { render } from './golden';

/**
 * Golden token files: each fixture's tokens and scopes, as render() prints
 * them. Run with UPDATE_GOLDEN=1 to rewrite the .tokens files, then review
 * their diff by eye before committing.
 */
const FIXTURES = path.join(ROOT, 'test/fixtures/grammar');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.apparmor')).sort();

async function tokensOf(file: string): Promise<{ lines: string[]; tokens: Token[][] }> {
  const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
  return { lines: text.split(/\r?\n/), tokens: tokenize(await loadGrammar(), text) };
}

for (const fixture of fixtures) {
  test(`golden tokens: ${fixture}`, async () => {
    const { lines, tokens } = await tokensOf(fixture);
    const actual = render(lines, tokens);
    const golden = path.join(FIXTURES, fixture.replace(/\.apparmor$/, '.tokens'));
    if (UPDATE) fs.writeFileSync(golden, actual);
    assert.ok(fs.existsSync(golden), `${golden} is missing: run the tests with UPDATE_GOLDEN=1`);
    assert.equal(actual, fs.readFileSync(golden, 'utf8'), `${fixture} tokenises differently from its golden file`);
  });
}

test('only the invalid fixture has invalid scopes, and it has them', async () => {
  for (const fixture of fixtures) {
    const { tokens } = await tokensOf(fixture);
    const invalid = tokens.flat().filter((t) => t.scopes.some((s) => s.startsWith('invalid.')));
    if (fixture === 'invalid.apparmor') assert.ok(invalid.length >= 3, `${fixture}: ${invalid.length} invalid tokens`);
    else assert.deepEqual(invalid.map((t) => t.text), [], fixture);
  }
});

test('every fixture closes every block and rule region it opens', async () => {
  for (const fixture of fixtures) {
    const { depth } = tokenizeFile(await loadGrammar(), fs.readFileSync(path.join(FIXTURES, fixture), 'utf8'));
    assert.equal(depth, 1, fixture);
  }
});

/** Every scope name and regex of the generated grammar, wherever it is nested. */
function collect(node: unknown, names: Set<string>, regexes: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, names, regexes);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'name' || key === 'contentName') && typeof value === 'string') names.add(value);
      else if (['match', 'begin', 'end'].includes(key) && typeof value === 'string') regexes.push(value);
      else collect(value, names, regexes);
    }
  }
}

function grammarParts(): { names: Set<string>; regexes: string[] } {
  const { repository, patterns } = JSON.parse(fs.readFileSync(GRAMMAR_PATH, 'utf8')) as { repository: unknown; patterns: unknown };
  const names = new Set<string>();
  const regexes: string[] = [];
  collect([repository, patterns], names, regexes);
  return { names, regexes };
}

test('every scope of the grammar ends in .apparmor and none is invalid.deprecated', () => {
  const { names } = grammarParts();
  assert.ok(names.size > 50);
  for (const name of names) {
    assert.match(name, /^[a-z][a-z0-9.-]*\.apparmor$/, name);
    assert.ok(!name.startsWith('invalid.deprecated'), name);
  }
});

test('every regex of the grammar compiles with Oniguruma', async () => {
  await loadGrammar(); // loads the WASM
  for (const regex of grammarParts().regexes) {
    assert.doesNotThrow(() => new oniguruma.OnigScanner([regex]).dispose(), regex);
  }
});

test('the fixtures together use every scope the grammar defines', async () => {
  const used = new Set<string>();
  for (const fixture of fixtures) for (const t of (await tokensOf(fixture)).tokens.flat()) for (const s of t.scopes) used.add(s);
  const unused = [...grammarParts().names].filter((n) => !used.has(n)).sort();
  assert.deepEqual(unused, [], 'scopes no fixture exercises');
});
