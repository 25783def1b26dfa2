import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { evaluate, loadPolicy, parseAccess, Policy } from '../../server/src/service/evaluate';
import type { FileSystem } from '../../server/src/service/includes';
import { copyGuestFeatures } from './compile4';
import { combinedText, generatePairs, GenProfile, UNIVERSE_SETUP } from './differentialCases';
import { ROOT } from './env';
import { kernelSuite } from './kernelSuite';
import type { Vm } from './vm';

/**
 * The evaluator against the kernel: generated profiles loaded all at once, each access made
 * by the probe confined by its profile, the kernel's verdict (the call succeeds, or fails
 * with EACCES/EPERM) against evaluate()'s. The kernel's verdicts are kept as a fixture, so
 * the comparison also runs where no VM can boot; AAK_RECORD=1 rewrites it from a live run.
 */

const SEED = 13;
const PROFILES = 220;
const PER_PROFILE = 10;
const LOAD_CHUNK = 10;
const FIXTURE = path.join(ROOT, 'test/fixtures/kernel/differential.json');
const HOST_PARSER = '/usr/sbin/apparmor_parser';

type KernelVerdict = 'allowed' | 'denied';

/**
 * Disagreements found and not yet explained, each written down with what is known (none now).
 * The kernel taught the evaluator three things, each seen here first: a file rule's `-> NAME`
 * is an exec target, never a link target; `l` without a link target links only to files with
 * at least the link's permissions (the subset test); and that test held only for links to
 * one's own files: all six links to another user's file that failed it were allowed.
 */
const KNOWN: ReadonlyMap<string, string> = new Map();

interface Recorded {
  readonly seed: number;
  readonly kernel: string;
  readonly profiles: readonly { readonly name: string; readonly text: string }[];
  /** [profile index, access, the kernel's verdict] */
  readonly pairs: readonly (readonly [number, string, KernelVerdict])[];
}

const noFiles: FileSystem = { readFile: () => undefined, stat: () => undefined, readDirectory: () => [] };

function policyOf(p: { name: string; text: string }): Policy {
  return loadPolicy(new Analyzer({ fs: noFiles, includeDirs: [] }), { path: `/differential/${p.name}`, text: p.text }, p.name);
}

/** Each pair where the evaluator does not say what the kernel did, with the profile's rules that decided. */
function disagreements(recorded: Recorded): string[] {
  const policies = recorded.profiles.map(policyOf);
  const out: string[] = [];
  for (const [i, access, kernel] of recorded.pairs) {
    const v = evaluate(policies[i]!, parseAccess(access).access);
    if (v.verdict !== kernel && !KNOWN.has(`${recorded.profiles[i]!.name}: '${access}'`)) {
      const rules = v.rules.map((r) => recorded.profiles[i]!.text.slice(r.rule.start, r.rule.end)).join(' | ');
      out.push(`${recorded.profiles[i]!.name}: '${access}': kernel ${kernel}, evaluator ${v.verdict} [${v.reason}] ${v.message}${rules ? ` (${rules})` : ''}`);
    }
  }
  return out;
}

function tally(recorded: Recorded): string {
  const byClass = new Map<string, number>();
  for (const [, access] of recorded.pairs) {
    const cls = parseAccess(access).access.class;
    byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
  }
  const allowed = recorded.pairs.filter((p) => p[2] === 'allowed').length;
  return `${recorded.pairs.length} pairs over ${recorded.profiles.length} profiles (${allowed} allowed, ${recorded.pairs.length - allowed} denied by the kernel); ` +
    [...byClass].map(([c, n]) => `${c} ${n}`).join(', ');
}

test('the evaluator agrees with the kernel\'s recorded verdicts on every generated pair', { skip: fs.existsSync(FIXTURE) ? false : `no ${FIXTURE} (record it with AAK_RECORD=1 npm run test:kernel)` }, (t) => {
  const recorded = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Recorded;
  t.diagnostic(tally(recorded));
  assert.ok(recorded.pairs.length >= 2000, `${recorded.pairs.length} pairs`);
  assert.deepEqual(disagreements(recorded), []);
});

/** The kernel's verdict, or what went wrong in the guest instead. */
type KernelAnswer = KernelVerdict | `error: ${string}`;

/** The verdict the probe's output shows: `fail OP: Permission denied` is AppArmor's; an exec that ran its child was allowed. */
function kernelVerdict(access: string, status: number, output: string): KernelAnswer {
  if (status === 0) return 'allowed';
  if (access.startsWith('x ')) return /^fail exec: /m.test(output) ? (/(Permission denied|Operation not permitted)/.test(output) ? 'denied' : `error: ${output.trim()}`) : 'allowed';
  return /^fail [^:]+: (Permission denied|Operation not permitted)$/m.test(output) ? 'denied' : `error: ${output.trim()}`;
}

/** Runs one group of profiles' accesses in one guest script, each confined by its profile; the verdicts in order. */
async function runGroup(vm: Vm, profiles: readonly GenProfile[]): Promise<KernelAnswer[]> {
  const all = profiles.flatMap((p) => p.accesses.map((a) => ({ profile: p.name, ...a })));
  // One line per access (the output's first line is enough): few forks, under TCG each one counts.
  const script = all.map((a, i) =>
    `r=$( ( X="aa-exec -p ${a.profile} -- /opt/t/probe"; ${a.run} ) 2>&1 ); echo "@@R ${i} $? $(echo $r | head -c 160)"`).join('\n');
  const out = await vm.must(script, { timeoutMs: 900_000 });
  const got = new Map([...out.matchAll(/^@@R (\d+) (\d+) ?(.*)$/gm)].map((m) => [Number(m[1]), { status: Number(m[2]), output: m[3]! }]));
  return all.map((a, i) => {
    const r = got.get(i);
    return r ? kernelVerdict(a.access, r.status, r.output) : 'error: no result';
  });
}

kernelSuite('the access evaluator against the kernel', (kernelTest, vm) => {
  kernelTest(`${PROFILES * PER_PROFILE} generated (profile, access) pairs: the kernel and evaluate() agree`, async (t) => {
    const profiles = generatePairs(SEED, PROFILES, PER_PROFILE);
    const features = await copyGuestFeatures(vm());
    const kernel = (await vm().must('uname -r')).trim();
    await vm().must(UNIVERSE_SETUP);
    const started = Date.now();
    const errors: string[] = [];
    // AAK_DIFF_FROM=N goes on from profile N of a record a slower run left unfinished.
    const resume = Number(process.env['AAK_DIFF_FROM'] ?? 0);
    const earlier = resume > 0 && fs.existsSync(FIXTURE) ? (JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Recorded).pairs.filter((p) => p[0] < resume) : [];
    const pairs: [number, string, KernelVerdict][] = earlier.map((p) => [p[0], p[1], p[2]]);
    let recorded: Recorded = { seed: SEED, kernel, profiles: [], pairs };
    try {
      // A group at a time: compiled on the host against the guest's features, loaded, its accesses
      // run, and the verdicts so far kept, so a slow machine still leaves a usable record.
      for (let from = resume; from < profiles.length; from += LOAD_CHUNK) {
        const group = profiles.slice(from, from + LOAD_CHUNK);
        const binary = execFileSync(HOST_PARSER, ['-M', features, '-Q', '-S', '-I', '/etc/apparmor.d'], { input: combinedText(group), stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 256 << 20 });
        await vm().must('cat > /tmp/aak-policy.bin && apparmor_parser -r -B /tmp/aak-policy.bin', { stdin: binary, timeoutMs: 600_000 });
        const verdicts = await runGroup(vm(), group);
        let k = 0;
        group.forEach((p, j) => {
          for (const a of p.accesses) {
            const v = verdicts[k++]!;
            if (v === 'allowed' || v === 'denied') pairs.push([from + j, a.access, v]);
            else errors.push(`${p.name}: '${a.access}': ${v}`);
          }
        });
        recorded = { seed: SEED, kernel, profiles: profiles.slice(0, from + group.length).map((p) => ({ name: p.name, text: p.text })), pairs };
        if (process.env['AAK_RECORD'] === '1') {
          fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
          fs.writeFileSync(FIXTURE, `${JSON.stringify(recorded)}\n`);
        }
        process.stdout.write(`# differential: ${from + group.length}/${profiles.length} profiles, ${pairs.length} pairs, ${errors.length} errors, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      }
    } finally {
      fs.rmSync(features, { recursive: true, force: true });
    }
    t.diagnostic(tally(recorded));
    assert.deepEqual(errors.slice(0, 20), [], `${errors.length} accesses failed for a reason not AppArmor's`);
    const differ = disagreements(recorded);
    for (const d of differ.slice(0, 40)) t.diagnostic(d);
    assert.deepEqual(differ, []);
  });
});
