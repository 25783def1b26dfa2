/**
 * What would break if the shared corpus's profiles met an older AppArmor: `apparmor-lint
 * --target-abi X` on every profile, counting the profiles with at least one
 * `target-abi-unknown` error, and of those the ones that break by a line of their own (the
 * others only through a file they include, reported at the include line).
 *   node out/bench/abiTargets.js [--corpus DIR] [--targets 3.0,4.0,4.1,5.0]
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/apparmor-lint.js');
const args = process.argv.slice(2);
const option = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const CORPUS = option('--corpus') ?? path.resolve(ROOT, '../shared/corpus/apparmor.d');
const TARGETS = (option('--targets') ?? '3.0,4.0,4.1,5.0').split(',');

interface Report { files: { path: string; diagnostics: { code?: string; message: string }[] }[] }

/** The message of a finding reached through an include names that file first, in quotes. */
const THROUGH_INCLUDE = /^'[^']+' holds /;

function breaking(target: string): { profiles: number; breaking: number; own: number } {
  const r = spawnSync(process.execPath, [CLI, '--no-config', '-I', CORPUS, '--target-abi', target, '-f', 'json', path.join(CORPUS, 'profiles')], { encoding: 'utf8', maxBuffer: 512 << 20 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`apparmor-lint exited ${r.status}: ${r.stderr}`);
  const files = (JSON.parse(r.stdout) as Report).files;
  const hits = files.map((f) => f.diagnostics.filter((d) => d.code === 'target-abi-unknown')).filter((d) => d.length > 0);
  return { profiles: files.length, breaking: hits.length, own: hits.filter((d) => d.some((x) => !THROUGH_INCLUDE.test(x.message))).length };
}

console.log('| target | profiles that break | in its own file |\n|---|---|---|');
for (const t of TARGETS) {
  const b = breaking(t);
  console.log(`| ${t} | ${b.breaking} of ${b.profiles} | ${b.own} |`);
}
