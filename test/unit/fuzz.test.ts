import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import type { Problem } from '../../server/src/service/checks/problems';
import { severityOf } from '../../server/src/service/diagnosticRules';
import { toDiagnostics } from '../../server/src/service/diagnostics';
import { assertGrowth } from '../support/cost';
import { checkInput, newTally } from '../support/fuzzCheck';
import { fuzzInputs as inputs, ODD_CHARS } from '../support/fuzzInputs';
import { check, memoryFs } from '../support/helpers';
import { rng } from '../support/random';
import { FILES } from '../support/snippets';
// Strict loop checks also when this file runs alone: a parser loop that stalls throws.
import '../support/strictLoops';

function checkAll(text: string, analyzer: Analyzer): Problem[] {
  const asProfile = analyzer.analyze('/etc/apparmor.d/fuzz', text).problems;
  const asFragment = analyzer.analyze('/etc/apparmor.d/abstractions/fuzz', text).problems;
  toDiagnostics(text, asProfile);
  toDiagnostics(text, asFragment);
  return [...asProfile, ...asFragment];
}

test('10,000 generated inputs never make the checker throw or a parser loop stall', () => {
  const analyzer = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'] });
  const codes = new Set<string>();
  let clean = 0;
  let n = 0;
  for (const text of inputs(20261122, 10_000)) {
    try {
      const problems = checkAll(text, analyzer);
      for (const p of problems) codes.add(p.code);
      if (!problems.some((p) => severityOf(p.code) === 'error')) clean++;
    } catch (e) {
      assert.fail(`input #${n} threw ${(e as Error).stack}\n${JSON.stringify(text.slice(0, 500))}`);
    }
    n++;
  }
  // The inputs reach deep into the checker, not only its first error: with this seed 96
  // codes, and 684 inputs with no error at all.
  assert.ok(codes.size >= 60, `only ${codes.size} codes reported: ${[...codes].join(', ')}`);
  assert.ok(clean >= 200 && clean <= n - 2_000, `${clean} of ${n} inputs without an error`);
});

test('2,000 generated inputs: every incremental re-check equals a full check, and every editor feature answers', () => {
  // The long run of the same (bench/fuzz.ts) takes 200,000 inputs through these steps.
  const analyzer = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'] });
  const random = rng(11);
  const tally = newTally();
  let n = 0;
  for (const text of inputs(20261201, 2_000)) {
    try {
      checkInput(analyzer, text, random, tally);
    } catch (e) {
      assert.fail(`input #${n}: ${(e as Error).stack}\n${JSON.stringify(text.slice(0, 500))}`);
    }
    n++;
  }
  assert.ok(tally.incremental > 500, `only ${tally.incremental} of ${tally.edits} edits re-checked incrementally`);
});

test('inputs the long fuzz run found: a glued := after a boolean or a long variable name', () => {
  // `${x}:=a` threw (a second reading of the assignment knew only '@'), so did a name longer
  // than the 200 characters that reading looked at.
  for (const text of ['${x}:=a\n', '@{x}:=a\n', `@{${'a'.repeat(300)}}:=b\n`]) {
    const analyzer = new Analyzer({ fs: memoryFs({}), includeDirs: [] });
    const codes = analyzer.analyze('/etc/apparmor.d/p', text).problems.map((p) => p.code);
    assert.ok(codes.includes('colon-assign-space'), `${text.slice(0, 12)}: ${codes.join(', ')}`);
  }
});

test('inputs the long fuzz run found: an empty network permission list under an abi', () => {
  // `network (),` threw when the abi check pointed at the list's first permission.
  const problems = check('abi <abi/3.0>,\nprofile p { network (), }\n');
  assert.deepEqual(problems.filter((p) => p.code === 'newer-than-abi').map((p) => p.args['what']), ['Network permissions']);
});

test('the odd characters include every \\s, every control, the separators, zero-width ones, the BOM and lone surrogates', () => {
  const has = (c: string): boolean => ODD_CHARS.includes(c);
  for (const c of ['\u00a0', '\ufeff', '\v', '\f', '\u2028', '\u2029', '\u3000', '\0', '\x85', '\u200b', '\u200c', '\u200d', '\ud800', '\udc00', '\x7f']) {
    assert.ok(has(c), `U+${c.charCodeAt(0).toString(16)} missing`);
  }
  for (let c = 0; c < 0x20; c++) assert.ok(has(String.fromCharCode(c)));
  assert.equal(ODD_CHARS.filter((c) => /\s/.test(c)).length, 25);
});


/**
 * Cost must follow size, not its square: four times the input may cost at most ten times
 * as much (linear work gives about 4, quadratic 16). Inputs that stay under FLOOR_MS at the
 * larger size pass whatever the ratio: timer noise dominates there. No absolute limit: the
 * 10 KB figure of the fuzz run is measured in bench/fuzz.ts.
 */
const GROWTH = 10;
const FLOOR_MS = 15;

function assertLinear(label: string, at: (n: number) => string, n: number, analyzer: Analyzer): void {
  const small = at(n);
  const large = at(4 * n);
  assertGrowth(`${label} at ${n} and ${4 * n} characters`, () => checkAll(small, analyzer), () => checkAll(large, analyzer), GROWTH, FLOOR_MS);
}

test('mixed inputs and repeated tokens cost in proportion to their size', () => {
  const analyzer = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'] });
  const random = rng(7);
  const sources = [...inputs(99, 200)];
  // One token over and over: each of these once took 40-200 ms for 10 KB, by rescanning the
  // rest of a word at every piece of it, or by the cost of each of thousands of findings.
  const repeated = [
    ['profile p flags=(', '},'], ['profile p { audit deny ', 'all,'], ['profile p { signal set=(', 'set '],
    ['profile p { network ', '\0)'], ['profile p { mount options=(', 'capability,'], ['profile p { link ', '},'],
  ];
  for (const [head, unit] of repeated) {
    assertLinear(JSON.stringify(head + unit!), (n) => (head + unit!.repeat(n / unit!.length)).slice(0, n), 2_560, analyzer);
  }
  for (let i = 0; i < 20; i++) {
    const pieces: string[] = [];
    for (let len = 0; len < 4 * 2_560;) {
      const piece = sources[Math.floor(random() * sources.length)]! + (i % 2 ? '\n' : '');
      pieces.push(piece);
      len += piece.length;
    }
    // The same pieces at both sizes: the larger input is the smaller one's pieces, and more.
    const at = (n: number): string => {
      let text = '';
      for (const piece of pieces) {
        if (text.length >= n) break;
        text += piece;
      }
      return text.slice(0, n);
    };
    assertLinear(`mixed input #${i} ${JSON.stringify(at(40))}…`, at, 2_560, analyzer);
  }
});

test('pathological shapes cost in proportion to their size: deep nesting, long words, many braces', () => {
  const analyzer = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'] });
  // Each shape at a quarter of its size and whole; the quadratic recovery once fixed took
  // 0.4 s on 20,000 quotes.
  const shapes: [string, (k: number) => string][] = [
    ['{…', (k) => '{'.repeat(k)],
    ['}…', (k) => '}'.repeat(k)],
    ['owner {…', (k) => 'profile p {' + ' owner {'.repeat(k)],
    ['long word', (k) => '/a' + 'b'.repeat(2 * k) + ' r,'],
    ['(…', (k) => '('.repeat(k)],
    ['if if…', (k) => 'if '.repeat(k)],
    ['signal set', (k) => 'profile p { signal set=(' + 'hup '.repeat(k)],
    ['quotes', (k) => '"'.repeat(4 * k)],
    ['broken rule', (k) => '/a r ' + 'x '.repeat(2 * k)],
    ['continued value', (k) => '@{V}=' + '\\\n'.repeat(k)],
    ['if not…', (k) => 'profile p { if ' + 'not '.repeat(k) + '${B} { } }'],
    ['if ((…', (k) => 'profile p { if ' + '('.repeat(k) + '${B}' + ')'.repeat(k) + ' { } }'],
  ];
  for (const [label, make] of shapes) assertLinear(label, make, 1_250, analyzer);
});
