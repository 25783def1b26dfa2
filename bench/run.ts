/**
 * Speed of the language core, written to bench/RESULTS.md.
 *   node out/bench/run.js [--corpus DIR] [--runs N] [--write]
 * 1. The whole shared corpus, read, parsed and checked with includes resolved, in one process.
 * 2. Generated 5,000-line profiles (bench/profiles.ts), parsed and checked.
 * 3. Time against input size, to show the cost stays linear.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance, PerformanceObserver } from 'perf_hooks';
import { collectFiles, Linter } from '../server/src/node/lintFiles';
import { Analyzer } from '../server/src/service/analyze';
import { nodeFileSystem } from '../server/src/node/nodeFileSystem';
import { corpusShapedProfile, denseProfile } from './profiles';

export interface Stats { median: number; p95: number; min: number; runs: number }

/** Median and p95 (the sample at that rank), shared by both benchmarks. */
export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p95: at(0.95), min: s[0]!, runs: s.length };
}

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function lintCorpus(dir: string): number {
  const { files } = collectFiles([dir]);
  const linter = new Linter({ includeDirs: [path.resolve(dir)], base: path.resolve(dir) });
  let errors = 0;
  for (const f of files) {
    const { diagnostics } = linter.lintText(f, fs.readFileSync(f, 'utf8'));
    errors += diagnostics.filter((d) => d.severity === 1).length;
  }
  // eslint-disable-next-line @typescript-eslint/no-meaningless-void-operator -- the count is the work measured, not a result
  void errors;
  return files.length;
}

/** One corpus pass in a new Node process, timed inside it. */
function coldRun(corpus: string): number {
  const out = execFileSync(process.execPath, [__filename, '--cold-once', corpus], { encoding: 'utf8' });
  return Number(out.trim());
}

/**
 * Times `runs` calls of `fn` and how much of each went to garbage collection, so the table
 * can tell the parser's own cost (linear) from the collector's (which grows with the heap).
 */
async function timeWithGc(fn: () => void, runs: number): Promise<{ total: Stats; gc: Stats; own: Stats }> {
  const pauses: { start: number; duration: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const windows: [number, number][] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    windows.push([t, performance.now()]);
  }
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  const gc = windows.map(([a, b]) => pauses.filter((p) => p.start >= a && p.start < b).reduce((sum, p) => sum + p.duration, 0));
  const total = windows.map(([a, b]) => b - a);
  return { total: stats(total), gc: stats(gc), own: stats(total.map((t, i) => t - gc[i]!)) };
}

function checkText(text: string): void {
  new Analyzer({ fs: nodeFileSystem, includeDirs: [] }).analyze('/bench/profile', text);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--cold-once') {
    process.stdout.write(`${time(() => lintCorpus(args[1]!))}\n`);
    return;
  }
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
  };
  const corpus = path.resolve(opt('--corpus', path.join(__dirname, '../../../shared/corpus/apparmor.d')));
  const runs = Number(opt('--runs', '15'));
  const lines: string[] = [];
  const log = (s: string): void => { lines.push(s); console.log(s); };
  log('# Benchmark results');
  log('');
  log(`Machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}.`);
  log(`Produced by \`npm run bench -- --write\` (bench/run.ts). Times in milliseconds.`);
  // The language server runs with the same young-generation size (bin/apparmor-language-server.js).
  log(`Node flags: ${process.execArgv.join(' ') || 'none'}.`);
  log('');
  if (fs.existsSync(corpus)) {
    let fileCount = 0;
    time(() => { fileCount = lintCorpus(corpus); });
    const warm = stats(Array.from({ length: runs }, () => time(() => lintCorpus(corpus))));
    const cold = stats(Array.from({ length: 7 }, () => coldRun(corpus)));
    log(`## 1. Whole corpus (${fileCount} files read, parsed and checked, includes resolved)`);
    log('');
    log('Each run builds a fresh checker (no cache carried over) and reads every file from disk.');
    log('');
    log(`| run | median ms | p95 ms | runs |`);
    log(`|---|---|---|---|`);
    log(`| in one warmed-up process | ${warm.median.toFixed(0)} | ${warm.p95.toFixed(0)} | ${warm.runs} |`);
    log(`| first run of a fresh process (includes JIT warm-up; Node start-up excluded) | ${cold.median.toFixed(0)} | ${cold.p95.toFixed(0)} | ${cold.runs} |`);
    log('');
  } else {
    log(`## 1. Whole corpus: skipped (no corpus at ${corpus})`);
    log('');
  }
  log(`## 2. A 5,000-line profile, parsed and checked`);
  log('');
  log('Each run checks the text afresh (a new checker, nothing cached). Two profiles: one with the');
  log("corpus's mix of lines (blank lines, comments, includes, child profiles and each rule kind in");
  log("the proportions of the corpus's 85,993 profile lines), and a stress case where every line is");
  log('a rule and a third of the rules are long dbus, unix, signal and ptrace rules.');
  log('');
  log('| profile | median ms | p95 ms | GC median ms | runs |');
  log('|---|---|---|---|---|');
  for (const [name, text] of [["in the corpus's mix", corpusShapedProfile(5000)], ['every line a rule (stress case)', denseProfile(5000)]] as const) {
    for (let i = 0; i < 5; i++) checkText(text);
    const st = await timeWithGc(() => checkText(text), runs * 4);
    log(`| ${name} | ${st.total.median.toFixed(2)} | ${st.total.p95.toFixed(2)} | ${st.gc.median.toFixed(2)} | ${st.total.runs} |`);
  }
  log('');
  log(`## 3. Time against input size (the stress-case profile, median of ${runs} runs)`);
  log('');
  log('"own" is the time minus the garbage collections that fell inside the run: the parser\'s and');
  log("checker's own work, which stays linear; the collector's share grows with the live heap.");
  log('');
  log('| lines | bytes | ms | GC ms | own ms | own µs per line |');
  log('|---|---|---|---|---|---|');
  for (const n of [1000, 2000, 5000, 10000, 20000, 50000]) {
    const text = denseProfile(n);
    checkText(text);
    const st = await timeWithGc(() => checkText(text), runs);
    log(`| ${n} | ${text.length} | ${st.total.median.toFixed(2)} | ${st.gc.median.toFixed(2)} | ${st.own.median.toFixed(2)} | ${((st.own.median * 1000) / n).toFixed(2)} |`);
  }
  if (args.includes('--write')) {
    // The language server's section (bench/lsp.ts) is kept.
    const file = path.join(__dirname, '../../bench/RESULTS.md');
    const lsp = fs.existsSync(file) ? /\n## Language server over stdio[\s\S]*$/.exec(fs.readFileSync(file, 'utf8'))?.[0] ?? '' : '';
    fs.writeFileSync(file, lines.join('\n') + '\n' + lsp);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
