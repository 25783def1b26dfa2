/**
 * Speed of the hovers that evaluate: on every rule of the corpus's largest profile (with its
 * includes), each hover says what the rule adds (its accesses evaluated against the profile
 * without it) and, on a path, what the path matches.
 *   node out/bench/hover.js [--corpus DIR]
 * Cold: the first hover of an analysis, which loads the profile's policy. Warm: every other
 * hover of that analysis, on a rule's path and on its first token.
 */
import * as fs from 'fs';
import * as path from 'path';
import { nodeFileSystem } from '../server/src/node/nodeFileSystem';
import { Analyzer } from '../server/src/service/analyze';
import type { RuleNode } from '../server/src/service/ast';
import { LineIndex } from '../server/src/service/diagnostics';
import { doHover } from '../server/src/service/features/doHover';
import { walkItems } from '../server/src/service/walk';
import { largestProfile } from './evaluate';
import { stats } from './run';

function ms(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function hoverBench(corpus: string): void {
  const { file, name, rules } = largestProfile(corpus);
  const text = fs.readFileSync(file, 'utf8');
  const analyzer = new Analyzer({ fs: nodeFileSystem, includeDirs: [corpus] });
  const lines = new LineIndex(text);
  const analyze = () => analyzer.analyze(file, text);
  let analysis = analyze();
  const own: RuleNode[] = [];
  walkItems(analysis.parse.ast.items, (item) => { if (item.type === 'rule') own.push(item); });
  const at = (r: RuleNode): number => (r.kind === 'file' && r.path ? r.path.start + 1 : r.start + 1);
  const hover = (offset: number) => doHover(analysis.parse.ast, lines, offset, { analyzer, path: file, text, analysis });
  const process1 = ms(() => hover(at(own[0]!)));
  // The first hovers of each rule in the process: the evaluator's globs compiled, the code warmed.
  for (const r of own) hover(r.start + 1);
  const colds: number[] = [];
  for (let i = 0; i < 20; i++) {
    analysis = analyze();
    colds.push(ms(() => hover(own[i % own.length]!.start + 1)));
  }
  const warmPath: number[] = [];
  const warmFirst: number[] = [];
  const again: number[] = [];
  let answered = 0;
  for (let round = 0; round < 20; round++) {
    analysis = analyze();
    hover(own[0]!.start + 1);
    for (const r of own) {
      warmPath.push(ms(() => { if (hover(at(r))) answered++; }));
      warmFirst.push(ms(() => hover(r.start + 1)));
      again.push(ms(() => hover(at(r))));
    }
  }
  const c = stats(colds);
  const p = stats(warmPath);
  const f = stats(warmFirst);
  const max = Math.max(...warmPath, ...warmFirst, ...again);
  console.log(`hover: ${path.relative(corpus, file)} (${name}, ${rules} rules with includes, ${own.length} rules in the file; ${answered} of ${warmPath.length} hovers answered)`);
  console.log(`  the first hover (includes read; the corpus scan before it compiled the globs): ${process1.toFixed(1)} ms`);
  console.log(`  first hover after an edit (a new analysis: the policy loaded again): median ${c.median.toFixed(2)} ms, p95 ${c.p95.toFixed(2)} ms`);
  const a = stats(again);
  console.log(`  warm, a rule's first hover (its path: words, examples, what it adds): median ${p.median.toFixed(3)} ms, p95 ${p.p95.toFixed(3)} ms`);
  console.log(`  warm, on the same rule's first token (what it adds): median ${f.median.toFixed(3)} ms, p95 ${f.p95.toFixed(3)} ms`);
  console.log(`  warm, the path hovered again: median ${a.median.toFixed(3)} ms, p95 ${a.p95.toFixed(3)} ms; slowest warm hover ${max.toFixed(2)} ms`);
}

const argAt = process.argv.indexOf('--corpus');
const corpus = path.resolve(argAt > 0 ? process.argv[argAt + 1]! : '/work/shared/corpus/apparmor.d');
if (!fs.existsSync(corpus)) console.log(`no corpus at ${corpus} (give --corpus DIR)`);
else hoverBench(corpus);
