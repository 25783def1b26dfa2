/**
 * Completion latency as a person sees it: in the packaged extension inside a real VS Code
 * (code-server and chromium, set up by .ci/install-e2e), from the keystroke that triggers
 * completion to the list shown, on a large profile of the shared corpus read in place.
 *   node out/bench/completionLatency.js [--corpus DIR] [--profile NAME] [--rounds N]
 * At the top of the profile's first body, `@{` and `include <` are typed N times each.
 */
import * as path from 'path';
import { extensionProblem, locateE2e } from '../test/e2e/install';
import { measureLargeProfile, withTypingWorkbench } from '../test/e2e/typing';

const ROOT = path.resolve(__dirname, '../..');
const args = process.argv.slice(2);
const option = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const CORPUS = option('--corpus') ?? path.resolve(ROOT, '../shared/corpus/apparmor.d');
const PROFILE = option('--profile') ?? 'gnome-shell';
const ROUNDS = Number(option('--rounds') ?? 5);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  const located = locateE2e();
  const problem = 'skip' in located ? located.skip : extensionProblem();
  if (problem !== undefined || !('install' in located)) {
    console.log(`completion latency not measured: ${problem}`);
    return;
  }
  const rounds = await withTypingWorkbench(located.install, measureLargeProfile(CORPUS, PROFILE, ROUNDS));
  console.log(`## Completion latency in the real VS Code: profiles/${PROFILE}, ${ROUNDS} rounds\n`);
  console.log('| typed | median ms | min–max ms |\n|---|---|---|');
  for (const [trigger, ms] of Object.entries(rounds)) {
    const typed = trigger === '{' ? '`@{`' : '`include <`';
    console.log(`| ${typed} | ${median(ms)} | ${Math.min(...ms)}–${Math.max(...ms)} |`);
  }
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
