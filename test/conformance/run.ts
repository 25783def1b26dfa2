/**
 * Differential harness: apparmor_parser and our checker judge the same profiles
 * (and seeded mutations of them); every disagreement is listed.
 *   npm run conformance -- [--per-file N] [--seed S] [--include-dir DIR] [--base DIR]
 *                          [--parser PATH] [--min-agreement P] [--json OUT] [--probes DIR] DIR...
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import { collectFiles, Linter } from '../../server/src/node/lintFiles';
import { isFragmentPath } from '../../server/src/service/analyze';
import { mutate } from './mutations';

export interface ConformanceOptions {
  readonly dirs: readonly string[];
  readonly includeDirs: readonly string[];
  readonly base: string;
  readonly parser: string;
  readonly perFile: number;
  readonly seed: number;
  readonly concurrency?: number;
  /**
   * Folders of our own small probe files, each one case as it is (no mutations). A probe whose
   * first line is `# apparmor_parser 4…` holds a construct 3.x refuses, and is judged only by a 4.x parser.
   */
  readonly probes?: readonly string[];
  /** The major version of `parser`, for those probes. */
  readonly parserMajor?: number;
}

export interface CaseResult {
  readonly file: string;
  readonly kind: string;
  readonly parserAccepts: boolean;
  readonly parserMessage: string;
  readonly weAccept: boolean;
  readonly ourMessage: string;
  /** The first line the mutation changed, to see what was done. */
  readonly change: string;
}

export interface Report {
  readonly cases: number;
  readonly mutated: number;
  readonly probes: number;
  readonly agreements: number;
  readonly byKind: Record<string, { cases: number; agreements: number }>;
  readonly disagreements: CaseResult[];
  readonly seconds: number;
}

/** Profiles only: fragments are judged in context, and READMEs are not policy. */
export function profileFiles(dirs: readonly string[]): string[] {
  return collectFiles(dirs).files.filter((f) => !isFragmentPath(f) && !/(^|\/)README[^/]*$/i.test(f));
}

/** The major version apparmor_parser -V names (3 when it names none). */
export function parserMajor(parser: string): number {
  try {
    const m = /version (\d+)\./.exec(execFileSync(parser, ['-V'], { encoding: 'utf8', timeout: 20_000 }));
    return m ? Number(m[1]) : 3;
  } catch {
    return 3;
  }
}

/** The probe files of `dirs` that a parser of this major version judges. */
export function probeFiles(dirs: readonly string[], major: number): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      const first = fs.readFileSync(file, 'utf8').split('\n', 1)[0]!;
      const needs = /^# apparmor_parser (\d+)/.exec(first);
      if (!needs || Number(needs[1]) <= major) out.push(file);
    }
  }
  return out;
}

function runParser(parser: string, args: string[], file: string): Promise<{ ok: boolean; message: string }> {
  return new Promise((resolve) => {
    execFile(parser, [...args, file], { timeout: 20_000 }, (err, _stdout, stderr) => {
      const message = stderr.split('\n').filter((l) => l && !l.startsWith('Cache read/write disabled') && !l.startsWith('Warning')).join(' ').trim();
      resolve({ ok: !err, message });
    });
  });
}

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}

export async function runConformance(options: ConformanceOptions): Promise<Report> {
  const started = Date.now();
  const linter = new Linter({ includeDirs: options.includeDirs, base: options.base, fragment: false });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-conformance-'));
  const parserArgs = ['-Q', '-K', ...options.includeDirs.flatMap((d) => ['-I', d]), '-b', options.base];
  const cases: { file: string; kind: string; text: string; change: string }[] = [];
  profileFiles(options.dirs).forEach((file, i) => {
    const text = fs.readFileSync(file, 'utf8');
    cases.push({ file, kind: 'original', text, change: '' });
    for (const m of mutate(text, options.seed + i, options.perFile)) cases.push({ file, kind: m.kind, text: m.text, change: firstChange(text, m.text) });
  });
  for (const file of probeFiles(options.probes ?? [], options.parserMajor ?? 3)) {
    cases.push({ file, kind: 'probe', text: fs.readFileSync(file, 'utf8'), change: '' });
  }
  const results: CaseResult[] = [];
  try {
    let n = 0;
    await pool(cases, options.concurrency ?? 2, async (c) => {
      // Keep the profile's own name: apparmor_parser names profiles after attachments, not files.
      const dir = path.join(tmp, String(n++));
      fs.mkdirSync(dir);
      const copy = path.join(dir, path.basename(c.file));
      fs.writeFileSync(copy, c.text);
      const real = await runParser(options.parser, parserArgs, copy);
      const ours = linter.lintText(c.file, c.text).diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
      const first = ours[0];
      results.push({
        file: c.file, kind: c.kind, parserAccepts: real.ok, parserMessage: real.message,
        change: c.change, weAccept: ours.length === 0, ourMessage: first ? `line ${first.range.start.line + 1}: ${Diagnostic.getMessageString(first)} [${first.code}]` : 'accepted',
      });
      fs.rmSync(dir, { recursive: true, force: true });
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const byKind: Report['byKind'] = {};
  for (const r of results) {
    const k = (byKind[r.kind] ??= { cases: 0, agreements: 0 });
    k.cases++;
    if (r.parserAccepts === r.weAccept) k.agreements++;
  }
  const disagreements = results.filter((r) => r.parserAccepts !== r.weAccept).sort((a, b) => a.kind.localeCompare(b.kind) || a.file.localeCompare(b.file));
  return {
    cases: results.length,
    mutated: results.filter((r) => r.kind !== 'original' && r.kind !== 'probe').length,
    probes: results.filter((r) => r.kind === 'probe').length,
    agreements: results.length - disagreements.length,
    byKind,
    disagreements,
    seconds: (Date.now() - started) / 1000,
  };
}

function firstChange(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const i = b.findIndex((l, k) => l !== a[k]);
  return i < 0 ? `(cut after line ${b.length})` : `line ${i + 1}: ${JSON.stringify(b[i])}`;
}

export function formatReport(r: Report): string {
  const pct = (a: number, b: number): string => (b === 0 ? '-' : ((100 * a) / b).toFixed(1) + '%');
  const out = [
    `${r.cases} cases (${r.cases - r.mutated - r.probes} original profiles, ${r.mutated} mutations, ${r.probes} probes) in ${r.seconds.toFixed(0)} s`,
    `agreement with apparmor_parser: ${r.agreements}/${r.cases} = ${pct(r.agreements, r.cases)}`,
    '',
    '| kind | cases | agree |',
    '|---|---|---|',
    ...Object.entries(r.byKind).sort().map(([k, v]) => `| ${k} | ${v.cases} | ${pct(v.agreements, v.cases)} |`),
    '',
    `${r.disagreements.length} disagreements:`,
    ...r.disagreements.map((d) => `- ${d.kind} ${d.file} ${d.change}: apparmor_parser ${d.parserAccepts ? 'accepts' : `rejects (${d.parserMessage.replace(/AppArmor parser error for \S+ in profile \S+ /, '').slice(0, 160)})`}; we ${d.weAccept ? 'accept' : `reject (${d.ourMessage.slice(0, 160)})`}`),
  ];
  return out.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const dirs: string[] = [];
  const includeDirs: string[] = [];
  let base: string | undefined;
  let parser = '/usr/sbin/apparmor_parser';
  let perFile = 8;
  let seed = 1;
  let min: number | undefined;
  let json: string | undefined;
  const probes: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--per-file') perFile = Number(v());
    else if (a === '--seed') seed = Number(v());
    else if (a === '-I' || a === '--include-dir') includeDirs.push(v());
    else if (a === '-b' || a === '--base') base = v();
    else if (a === '--parser') parser = v();
    else if (a === '--min-agreement') min = Number(v());
    else if (a === '--json') json = v();
    else if (a === '--probes') probes.push(v());
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else dirs.push(a);
  }
  if (dirs.length === 0) throw new Error('give at least one DIR of profiles');
  if (!fs.existsSync(parser)) throw new Error(`apparmor_parser not found at ${parser} (apt-get install apparmor)`);
  const inc = includeDirs.length ? includeDirs : ['/etc/apparmor.d'];
  const report = await runConformance({ dirs, includeDirs: inc, base: base ?? inc[0]!, parser, perFile, seed, probes, parserMajor: parserMajor(parser) });
  console.log(formatReport(report));
  if (json) fs.writeFileSync(json, JSON.stringify(report, null, 2));
  return min !== undefined && (100 * report.agreements) / report.cases < min ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => { console.error(`conformance: ${e instanceof Error ? e.message : String(e)}`); process.exitCode = 2; },
  );
}
