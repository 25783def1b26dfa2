import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { Analyzer } from '../../server/src/service/analyze';
import { sameData } from '../../server/src/service/deep';
import { ParseState } from '../../server/src/service/parseBase';
import { parse } from '../../server/src/service/parser';
import { reparse } from '../../server/src/service/reparse';
import { formatText } from '../../server/src/service/features/format';
import { assertGrowth } from '../support/cost';
import type { DeepRun } from '../support/deepFeatures';
import { memoryFs } from '../support/helpers';

const WORKER = path.join(__dirname, '../support/deepFeatures.js');

/**
 * Each way to nest, `depth` levels deep counting the profile around (a rule in the innermost
 * level), an offset inside the innermost level, and the deepest apparmor_parser 3.0.8 and 4.1
 * take (ParseState.depth says how it was measured); parentheses, which they refuse, have our
 * own bound.
 */
const SHAPES: Record<string, { make: (depth: number) => DeepRun; deepest: number }> = {
  'if': { deepest: 2496, make: (d) => around('${B}=true\nprofile p {\n' + 'if ${B} {\n'.repeat(d - 1), '/a r,\n', '}\n'.repeat(d)) },
  'qualifier blocks': { deepest: 3327, make: (d) => around('profile p {\n' + 'owner {\n'.repeat(d - 1), '/a r,\n', '}\n'.repeat(d)) },
  'child profiles': { deepest: 1248, make: (d) => around('profile p {\n' + 'profile c {\n'.repeat(d - 1), '/a r,\n', '}\n'.repeat(d)) },
  'else blocks': { deepest: 1664, make: (d) => around('${B}=true\nprofile p {\n' + 'if ${B} { /a r, } else {\n'.repeat(d - 1), '/b r,\n', '}\n'.repeat(d)) },
  'else if chains': { deepest: 2495, make: (d) => around('${B}=true\nprofile p {\n' + 'if ${B} { /a r, } else '.repeat(d - 1) + '{ ', '/b r,', ' }\n}\n') },
  'not': { deepest: 9987, make: (d) => around('${B}=true\nprofile p {\nif ' + 'not '.repeat(d - 2), '${B}', ' { /a r, }\n}\n') },
  'parentheses': { deepest: ParseState.MAX_PARENS + 2, make: (d) => around('${B}=true\nprofile p {\nif ' + '('.repeat(d - 2), '${B}', ')'.repeat(d - 2) + ' { /a r, }\n}\n') },
};

function around(before: string, inner: string, after: string): DeepRun {
  return { text: before + inner + after, inner: before.length + 1 };
}

function tooDeep(text: string): number {
  return new Analyzer({ fs: memoryFs({}), includeDirs: ['/etc/apparmor.d'] }).analyze('/work/p', text).problems.filter((p) => p.code === 'too-deep').length;
}

/** The features that fail on `run` in a thread with a stack of `stackMb`. */
function failures(run: DeepRun, stackMb: number): Promise<[string, string][]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: run, resourceLimits: { stackSizeMb: stackMb } });
    w.once('message', (m: [string, string][]) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  });
}

test('nesting is read whole as deep as apparmor_parser takes it, past that is one too-deep error', () => {
  for (const [shape, { make, deepest }] of Object.entries(SHAPES)) {
    assert.equal(tooDeep(make(deepest).text), 0, `${shape} at ${deepest}`);
    assert.equal(tooDeep(make(deepest + 1).text), 1, `${shape} at ${deepest + 1}`);
  }
});

test('conditionals in parentheses nested past our bound are one too-deep error, however deep', () => {
  // apparmor_parser refuses even `peer=(peer=(…))`; the bound only keeps the parser from recursing.
  const nested = (n: number): string => `profile p {\n  dbus peer=${'(peer='.repeat(n)}x${')'.repeat(n)},\n}\n`;
  assert.equal(tooDeep(nested(ParseState.MAX_COND_LISTS)), 0);
  assert.equal(tooDeep(nested(ParseState.MAX_COND_LISTS + 1)), 1);
  assert.equal(tooDeep(nested(100_000)), 1);
});

test('every feature takes the deepest nesting with half of Node\'s default stack', { timeout: 300_000 }, async () => {
  for (const [shape, { make, deepest }] of Object.entries(SHAPES)) {
    assert.deepEqual(await failures(make(deepest), 0.5), [], shape);
  }
});

test('an edit in or beside deep nesting is read again as a full parse reads it, at the limit and past it', () => {
  let reread = 0;
  for (const [shape, { make, deepest }] of Object.entries(SHAPES)) {
    for (const depth of [deepest, deepest + 1]) {
      const { text, inner } = make(depth);
      const beside = text.indexOf('profile p {\n') + 'profile p {\n'.length;
      for (const [offset, inserted] of [[inner, 'x'], [beside, '/z r,\n']] as const) {
        const edited = text.slice(0, offset) + inserted + text.slice(offset);
        const again = reparse(parse(text), text, edited, { offset, removed: 0, inserted });
        // assert.deepEqual recurses: sameData does not.
        if (again) assert.ok(sameData(again, parse(edited)), `${shape} at ${depth}, edit at ${offset}`);
        if (again) reread++;
      }
    }
  }
  assert.ok(reread > 0, 'no edit was read again in part');
});

test('deep nesting costs in proportion to its depth', () => {
  for (const [shape, { make, deepest }] of Object.entries(SHAPES)) {
    const small = make(Math.floor(deepest / 4)).text;
    const large = make(deepest).text;
    const work = (text: string) => (): void => {
      new Analyzer({ fs: memoryFs({}), includeDirs: ['/etc/apparmor.d'] }).analyze('/work/p', text);
      formatText(text, { tabSize: 2, insertSpaces: true });
    };
    assertGrowth(`${shape} nesting`, work(small), work(large), 10, 30);
  }
});
