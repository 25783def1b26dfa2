/**
 * Speed of the access evaluator.
 *   node out/bench/evaluate.js [--corpus DIR]
 * 1. A query against the corpus's largest profile with its includes: the first (cold: the
 *    includes read and parsed), then warm (the analyzer holds them): policy load + evaluate,
 *    and evaluate alone on a loaded policy.
 * 2. Every record of a 10,000-record log classified against its profile, one by one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { collectFiles } from '../server/src/node/lintFiles';
import { nodeFileSystem } from '../server/src/node/nodeFileSystem';
import { Analyzer } from '../server/src/service/analyze';
import { evaluate, loadPolicy, parseAccess, Policy, profileNames } from '../server/src/service/evaluate';
import { classifyDenial } from '../server/src/service/evaluate/classifyDenial';
import { parseLog } from '../server/src/service/logs/parseLog';
import { parse } from '../server/src/service/parser';
import { LOG_PROFILES, logLine } from '../test/support/bigLog';
import { stats } from './run';

const ACCESSES = ['r /etc/shadow', 'owner w /home/alice/.config/app/x', 'x /usr/bin/ls', 'capability net_admin', 'network inet stream', 'r /proc/1/maps'];

function ms(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** The profile file with the most rules once its includes are resolved. */
export function largestProfile(corpus: string): { file: string; name: string; rules: number } {
  const analyzer = new Analyzer({ fs: nodeFileSystem, includeDirs: [corpus] });
  let best = { file: '', name: '', rules: -1 };
  for (const file of collectFiles([path.join(corpus, 'profiles')]).files) {
    const text = fs.readFileSync(file, 'utf8');
    const name = profileNames(parse(text).ast)[0];
    if (!name) continue;
    try {
      const rules = loadPolicy(analyzer, { path: file, text }, name).set.rules.length;
      if (rules > best.rules) best = { file, name, rules };
    } catch {
      continue;
    }
  }
  return best;
}

function queryBench(corpus: string): void {
  const { file, name, rules } = largestProfile(corpus);
  const text = fs.readFileSync(file, 'utf8');
  const queries = ACCESSES.map((a) => parseAccess(a).access);
  const analyzer = new Analyzer({ fs: nodeFileSystem, includeDirs: [corpus] });
  let policy: Policy | undefined;
  const cold = ms(() => { policy = loadPolicy(analyzer, { path: file, text }, name); evaluate(policy, queries[0]!); });
  const warmLoad: number[] = [];
  const warmEval: number[] = [];
  const repeated: number[] = [];
  // Paths never asked before: no verdict is reused, only the compiled globs.
  const fresh = (i: number): string => [`r /etc/shadow-${i}`, `owner w /home/alice/.config/app${i}/x`, `x /usr/bin/tool${i}`, `r /proc/${i}/maps`, `m /usr/lib/x86_64-linux-gnu/lib${i}.so`][i % 5]!;
  for (let i = 0; i < 200; i++) {
    const q = queries[i % queries.length]!;
    warmLoad.push(ms(() => evaluate(loadPolicy(analyzer, { path: file, text }, name), q)));
    const f = parseAccess(fresh(i)).access;
    warmEval.push(ms(() => evaluate(policy!, f)));
    repeated.push(ms(() => evaluate(policy!, q)));
  }
  const l = stats(warmLoad);
  const e = stats(warmEval);
  const r = stats(repeated);
  console.log(`query: ${path.relative(corpus, file)} (${name}, ${rules} rules with includes)`);
  console.log(`  first query (includes read and parsed): ${cold.toFixed(1)} ms`);
  console.log(`  warm, policy loaded again + evaluate: median ${l.median.toFixed(2)} ms, p95 ${l.p95.toFixed(2)} ms`);
  console.log(`  warm, evaluate alone, a path never asked before: median ${e.median.toFixed(3)} ms, p95 ${e.p95.toFixed(3)} ms (${e.runs} runs)`);
  console.log(`  warm, evaluate alone, an access asked before: median ${r.median.toFixed(4)} ms, p95 ${r.p95.toFixed(4)} ms`);
}

function logBench(corpus: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-evalbench-'));
  try {
    const profileText = Array.from({ length: LOG_PROFILES }, (_, i) =>
      `profile /usr/bin/app${i} {\n  include <abstractions/base>\n  /srv/data/d${i}*/** r,\n  deny /srv/data/d1*/settings.conf r,\n  owner /srv/data/** w,\n}\n`).join('\n');
    const file = path.join(dir, 'apps');
    fs.writeFileSync(file, `abi <abi/3.0>,\ninclude <tunables/global>\n${profileText}`);
    const text = fs.readFileSync(file, 'utf8');
    const log = Array.from({ length: 10_000 }, (_, i) => logLine(i, 1000)).join('\n');
    const analyzer = new Analyzer({ fs: nodeFileSystem, includeDirs: [corpus] });
    const tally = new Map<string, number>();
    let records: ReturnType<typeof parseLog>['records'] = [];
    const policies = new Map<string, Policy>();
    const parsing = ms(() => { records = parseLog(log).records; });
    const loading = ms(() => {
      for (const r of records) {
        const name = r.profile ?? '';
        if (!policies.has(name)) policies.set(name, loadPolicy(analyzer, { path: file, text }, name));
      }
    });
    const classifying = ms(() => {
      for (const r of records) {
        const status = classifyDenial(policies.get(r.profile ?? '')!, [r]).status;
        tally.set(status, (tally.get(status) ?? 0) + 1);
      }
    });
    console.log(`log: 10,000 records classified, each against its profile (${LOG_PROFILES} profiles with abstractions/base): ` +
      `${classifying.toFixed(0)} ms (log parsed in ${parsing.toFixed(0)} ms, profiles loaded in ${loading.toFixed(0)} ms)`);
    console.log(`  ${[...tally].map(([s, n]) => `${s} ${n}`).join(', ')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--corpus');
const corpus = path.resolve(at > 0 ? process.argv[at + 1]! : '/work/shared/corpus/apparmor.d');
if (require.main !== module) {
  // Imported for largestProfile.
} else if (!fs.existsSync(corpus)) {
  console.log(`no corpus at ${corpus} (give --corpus DIR)`);
} else {
  if (!process.env.ONLY_LOG) queryBench(corpus);
  logBench(corpus);
}
