import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Analyzer, FileAnalysis } from '../../server/src/service/analyze';
import type { Problem } from '../../server/src/service/checks/problems';
import { parse } from '../../server/src/service/parser';
import { reparse, TextEdit } from '../../server/src/service/reparse';
import { SHAPES } from '../support/fuzzInputs';
import { memoryFs } from '../support/helpers';
import { rng } from '../support/random';

const ROOT = path.resolve(__dirname, '../../..');

/** Real profiles: the repository's examples and grammar fixtures, and the system's when present. */
function corpus(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const add = (dir: string, keep: (name: string) => boolean, limit: number): void => {
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir).filter(keep).sort().slice(0, limit)) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isFile()) out.push({ name: file, text: fs.readFileSync(file, 'utf8') });
    }
  };
  add(path.join(ROOT, 'examples'), (n) => !n.endsWith('.md'), 20);
  add(path.join(ROOT, 'test/fixtures/grammar'), (n) => n.endsWith('.apparmor'), 20);
  add('/etc/apparmor.d', (n) => !n.startsWith('.'), 12);
  return out.filter((f) => f.text.length < 60_000);
}

const COMMON = 'abcdefrwxmkilpu0123456789   \n\n,,//*.-_@';
const STRUCTURAL = '{}"#()=^\\<>';

function randomEdit(text: string, next: () => number): TextEdit {
  const offset = Math.floor(next() * (text.length + 1));
  const removed = next() < 0.5 ? 0 : Math.min(text.length - offset, 1 + Math.floor(next() * 5));
  const alphabet = next() < 0.1 ? STRUCTURAL : COMMON;
  const count = next() < 0.3 && removed > 0 ? 0 : 1 + Math.floor(next() * 5);
  let inserted = '';
  for (let i = 0; i < count; i++) inserted += alphabet[Math.floor(next() * alphabet.length)];
  return { offset, removed, inserted };
}

function apply(text: string, e: TextEdit): string {
  return text.slice(0, e.offset) + e.inserted + text.slice(e.offset + e.removed);
}

/** A value as plain data, for comparing trees and findings. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/** Fails when a finding is listed twice (the server would hide the second, the CLI print both). */
function assertNoDuplicates(problems: readonly Problem[], where: string): void {
  const seen = new Set<string>();
  for (const p of problems) {
    const key = JSON.stringify([p.code, p.start, p.end, p.args]);
    assert.ok(!seen.has(key), `${where}: ${p.code} at ${p.start}-${p.end} twice`);
    seen.add(key);
  }
}

interface Tally { edits: number; incremental: number; tail: number }

/** Checks one edit of `text` every way against a full check; gives the two incremental analyses. */
function checkEdit(analyzer: Analyzer, file: string, text: string, analysis: FileAnalysis, edit: TextEdit, tally: Tally, where: string): FileAnalysis[] {
  const after = apply(text, edit);
  const full = analyzer.analyze(file, after);
  const expected = plain(parse(after, { fragment: analysis.parse.ast.fragment }));
  tally.edits++;
  // Each way forced, so every edit the logic can take goes through both, wherever it lies.
  const quick = reparse(analysis.parse, text, after, edit, 'shift');
  if (quick) {
    tally.incremental++;
    assert.deepStrictEqual(plain(quick), expected, where);
  }
  const tail = reparse(analysis.parse, text, after, edit, 'tail');
  if (tail) {
    tally.tail++;
    assert.deepStrictEqual(plain(tail), expected, `${where} (tail)`);
  }
  // Findings are compared as listed, duplicates and all: nothing is merged before comparing.
  assertNoDuplicates(full.problems, where);
  const viaEdit = analyzer.analyzeEdit(file, after, { analysis, text }, edit);
  assert.deepStrictEqual(plain(viaEdit.parse), plain(full.parse), where);
  assert.deepStrictEqual(plain(viaEdit.problems), plain(full.problems), where);
  // Read to the end of the block wherever the edit is, carrying the kept items' findings over.
  const viaTail = analyzer.analyzeEdit(file, after, { analysis, text }, edit, 'tail');
  assert.deepStrictEqual(plain(viaTail.parse), plain(full.parse), `${where} (tail)`);
  assert.deepStrictEqual(plain(viaTail.problems), plain(full.problems), `${where} (tail)`);
  return [viaEdit, viaTail];
}

/** Applies `steps` random edits in a chain, checking every incremental result against a full one. */
function chain(name: string, text: string, seed: number, steps: number, tally: Tally): void {
  const analyzer = new Analyzer({ fs: memoryFs({}), includeDirs: [] });
  const file = '/etc/apparmor.d/' + path.basename(name);
  const next = rng(seed);
  let analysis: FileAnalysis = analyzer.analyze(file, text);
  for (let i = 0; i < steps; i++) {
    const edit = randomEdit(text, next);
    const [viaEdit, viaTail] = checkEdit(analyzer, file, text, analysis, edit, tally, `${name} seed ${seed} step ${i} ${JSON.stringify(edit)}`);
    analysis = i % 2 === 0 ? viaTail! : viaEdit!;
    text = apply(text, edit);
  }
}

test('re-parsing around an edit gives what a full parse gives (random single edits)', () => {
  const tally: Tally = { edits: 0, incremental: 0, tail: 0 };
  const files = corpus();
  assert.ok(files.length >= 5);
  let seed = 1;
  // Single edits: each chain is one step long, from the original text.
  while (tally.edits < 6000) {
    for (const f of files) chain(f.name, f.text, seed++, 1, tally);
  }
  console.log(`single edits: ${tally.incremental} of ${tally.edits} re-read around the edit, ${tally.tail} to the end of the block`);
  assert.ok(tally.incremental > tally.edits / 3);
  assert.ok(tally.tail > tally.edits / 3);
});

test('re-parsing around an edit stays exact along chains of edits', () => {
  const tally: Tally = { edits: 0, incremental: 0, tail: 0 };
  let seed = 1000;
  for (const f of corpus()) for (let k = 0; k < 4; k++) chain(f.name, f.text, seed++, 60, tally);
  console.log(`chained edits: ${tally.incremental} of ${tally.edits} re-read around the edit, ${tally.tail} to the end of the block`);
  assert.ok(tally.incremental > tally.edits / 4);
  assert.ok(tally.tail > tally.edits / 4);
});

test('a finding the re-read stretch makes at its block\'s closing brace is not kept twice', () => {
  // Deleting the 'c': the nameless hat then reports "expected '{', found '}'" at the profile's
  // closing brace, which the re-read to the end of the block once kept from before as well.
  const text = '{\nc, r, include if exists <>hat\n}';
  const analyzer = new Analyzer({ fs: memoryFs({}), includeDirs: [] });
  const file = '/etc/apparmor.d/p';
  const before = analyzer.analyze(file, text);
  const edit = { offset: 2, removed: 1, inserted: '' };
  const after = apply(text, edit);
  const full = analyzer.analyze(file, after);
  assert.equal(full.problems.filter((p) => p.code === 'expected-open-brace').length, 1);
  for (const mode of ['auto', 'shift', 'tail'] as const) {
    const incremental = analyzer.analyzeEdit(file, after, { analysis: before, text }, edit, mode);
    assert.deepStrictEqual(plain(incremental.problems), plain(full.problems), mode);
  }
});

/** Both ways of re-reading an edit, each against a full parse, and the re-checks against a full check. */
function assertReparses(text: string, edit: TextEdit, where: string): void {
  const after = apply(text, edit);
  const expected = plain(parse(after));
  let reread = 0;
  for (const mode of ['shift', 'tail'] as const) {
    const quick = reparse(parse(text), text, after, edit, mode);
    if (quick) reread++;
    if (quick) assert.deepStrictEqual(plain(quick), expected, `${where} (${mode})`);
  }
  const analyzer = new Analyzer({ fs: memoryFs({}), includeDirs: [] });
  const file = '/etc/apparmor.d/p';
  const full = analyzer.analyze(file, after);
  for (const mode of ['auto', 'shift', 'tail'] as const) {
    const incremental = analyzer.analyzeEdit(file, after, { analysis: analyzer.analyze(file, text), text }, edit, mode);
    assert.deepStrictEqual(plain(incremental.problems), plain(full.problems), `${where} (${mode} re-check)`);
  }
  assert.ok(reread > 0, `${where}: the edit is re-read in part, so this test checks the stretch`);
}

test('a stretch at top level starts after a profile, not after a qualifier block outside one', () => {
  // Fuzz input (bench/fuzz.ts): `audit deny { … }` at top level is a rule outside a profile
  // and starts a run of them (ParseState.outsideRun); the stray '}' that ends the run was
  // reported by a stretch that began after the block as if no run were going on.
  const fuzzed = 'include if exists <abstractions/base>\n@{x}=hat \u0003@{x}=hat profile p {\n owner { /a r, /b w, }\n audit { /c r, }\n audit deny { /d w, }\n deny { /e w, }\n}}profile p { link subset /a -> /b, link /c -> /d, /e l -> /f, l /g -> /h, }\\\n';
  assertReparses(fuzzed, { offset: 138, removed: 3, inserted: '.7' }, 'fuzz input 0');
  // The family: any rule outside a profile closed by a brace (deny, audit, owner blocks; if blocks).
  for (const block of ['deny { /d w, }', 'owner { /d r, }', 'audit { /d r, }']) {
    const text = `profile a {\n}\n${block}\nb {\n /e r,\n}\n}\nprofile c { }\n`;
    assertReparses(text, { offset: text.indexOf('/e r') + 1, removed: 2, inserted: '.7' }, block);
  }
});

test('the debris after a broken rule stops at a closing brace glued to the next word', () => {
  // Fuzz input (bench/fuzz.ts): `y /b rwx, }ptrace …` — with no rule comma on the rest of the
  // line, the whole line was skipped as debris, the profile's '}' with it, so an edit after
  // the profile (adding a line break) changed where the profile ended.
  const fuzzed = 'profile p { ptrace, ptrace (read, tracedby) peer=foo, y /b rwx, }ptrace (trace) peer=/usr/bin/foo, ptrace read, }';
  assertReparses(fuzzed, { offset: 93, removed: 0, inserted: '*\n,' }, 'fuzz input 1');
  const text = 'profile p {\n  y /b rwx, }ptrace (trace) peer=/usr/bin/foo\n}\n';
  const r = parse(text);
  assert.equal(r.ast.items[0]!.end, text.indexOf('}ptrace') + 1, 'the profile ends at its own brace');
  assert.deepEqual(r.errors.map((e) => e.code), ['unknown-keyword', 'missing-comma']);
});

test('an edit on the line of a broken rule reads again the rules that end on that line', () => {
  // Fuzz inputs (bench/fuzz.ts): after a broken rule's comma the parser takes the rest of the
  // line as debris when it holds no rule comma; a line break or a word inserted further on the
  // line changes what that rest is, so the rules between are read again.
  const inputs: [string, TextEdit][] = [
    ['profile p { /a\u200fr, /b r,\u0081capability\u2066chown, /c\u0091r,/d\u2006r, capability chown,capability fowner, }', { offset: 79, removed: 0, inserted: '\n ka6' }],
    ['profile p { /a r, /b r, capability chown, /c r,/\u0091d\u0094r, capability chown,c\u0005apability fowner, }', { offset: 87, removed: 0, inserted: '\n' }],
    ['profile p {\n  /c\u0091r, capability chown,capability fowner,\n}\n', { offset: 40, removed: 0, inserted: '\n' }],
  ];
  for (const [text, edit] of inputs) assertReparses(text, edit, JSON.stringify(edit));
});

test('a profile told from a rule by looking past its glued brace is read again with what follows', () => {
  // Fuzz input (bench/fuzz.ts): `{` then an invisible character is no lone brace, so whether
  // `:ns:name` heads a profile was decided by the `{` of the next header.
  const text = ':ns:name {\u200e}\u00adprofile\u2007:ns2:name2 { }\n:ns3://name3 {\u2001}';
  assertReparses(text, { offset: 17, removed: 0, inserted: '. ' }, 'fuzz input');
  // Over lines: a comma added to the next header ends the look before its '{', and `/p` is a rule.
  const lines = '/p {\u200e}\n/q {\n}\nprofile r {\n}\n';
  assertReparses(lines, { offset: lines.indexOf('/q') + 2, removed: 0, inserted: ',' }, 'over lines');
});

test('a rule looking past its end leaves the invisible characters there to the rule they are in', () => {
  // Fuzz input (bench/fuzz.ts): the recovery of `/b … -> :ns:p,` looked whether the next line
  // starts a rule and reported the U+009B inside `px\u009b->` on the way; a stretch read again
  // from that next rule did not, so the tail re-read lost the finding.
  const text = 'prof\u0089le p {\n /\u0003a px -> f\u202ao,\n \u202a/b Cx -> \u0086hild,\u0013 /c Px \u0097-> :ns:p,\u200e\n /d px\u009b-> &stacked,\n /e Px -> \u000f//child,\ufffd\n /f px -> "quote\u0083",\n profile \u001dh\u200dild { }\n}';
  assertReparses(text, { offset: 99, removed: 0, inserted: 'f@k ' }, 'fuzz input');
  assert.deepEqual(parse(text).errors.filter((e) => e.start === text.indexOf('\u009b')), [], 'reported by nothing but the rule it is in');
});

test('an edit inside a top-level body opened by a glued or glob brace reads the whole profile again', () => {
  // Whether `foo` heads a profile is decided by looking ahead for a lone '{', here found
  // inside the body that `{a,b}` opens: the words inserted before it push it out of reach.
  const text = 'foo {a,b}\n  ^h {\n  }\n}\n';
  const edit = { offset: 12, removed: 0, inserted: 'a b c d e f g h i j k l ' };
  const after = apply(text, edit);
  for (const mode of ['shift', 'tail'] as const) {
    const quick = reparse(parse(text), text, after, edit, mode);
    if (quick) assert.deepStrictEqual(plain(quick), plain(parse(after)), mode);
  }
  const glued = '/p{\n  ^h {\n  }\n}\n';
  const gluedEdit = { offset: 6, removed: 0, inserted: '/a r, ' };
  const gluedAfter = apply(glued, gluedEdit);
  for (const mode of ['shift', 'tail'] as const) {
    const quick = reparse(parse(glued), glued, gluedAfter, gluedEdit, mode);
    if (quick) assert.deepStrictEqual(plain(quick), plain(parse(gluedAfter)), `glued ${mode}`);
  }
});

test('every one-character deletion and insertion in hostile shapes re-checks as a full check does', () => {
  const tally: Tally = { edits: 0, incremental: 0, tail: 0 };
  const analyzer = new Analyzer({ fs: memoryFs({}), includeDirs: [] });
  const file = '/etc/apparmor.d/shape';
  for (const shape of SHAPES) {
    // Twice, so that an edit in the first copy has items after it.
    const text = `${shape}\n${shape}`;
    const before = analyzer.analyze(file, text);
    for (let offset = 0; offset <= text.length; offset++) {
      for (const edit of [{ offset, removed: 1, inserted: '' }, { offset, removed: 0, inserted: ',' }, { offset, removed: 0, inserted: 'a' }]) {
        if (offset + edit.removed > text.length) continue;
        checkEdit(analyzer, file, text, before, edit, tally, `${JSON.stringify(text)} ${JSON.stringify(edit)}`);
      }
    }
  }
  console.log(`hostile shapes: ${tally.incremental} of ${tally.edits} re-read around the edit, ${tally.tail} to the end of the block`);
  assert.ok(tally.tail > tally.edits / 4);
});

test('a syntax tree holds no object twice, except the tokens qualifiers list twice', () => {
  for (const f of corpus()) {
    const seen = new Set<object>();
    const walk = (v: unknown, key: string): void => {
      if (typeof v !== 'object' || v === null) return;
      if (seen.has(v) && !['audit', 'mode', 'owner', 'token', 'all'].includes(key) && !(Array.isArray(v) && v.length === 0)) {
        // The parser's shared empty qualifiers are the one other allowed repeat.
        const q = v as { all?: unknown[] };
        assert.ok(Array.isArray(q.all) && q.all.length === 0, `${f.name}: ${key} reached twice`);
      }
      seen.add(v);
      for (const [k, child] of Object.entries(v)) walk(child, Array.isArray(v) ? key : k);
    };
    walk(parse(f.text).ast, 'ast');
  }
});
