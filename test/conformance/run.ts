/**
 * Differential harness: apparmor_parser and our checker judge the same profiles
 * (and seeded mutations of them); every disagreement is listed.
 *   npm run conformance -- [--per-file N] [--seed S] [--include-dir DIR] [--base DIR]
 *                          [--parser PATH] [--min-agreement P] [--json OUT] DIR...
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
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
  readonly agreements: number;
  readonly byKind: Record<string, { cases: number; agreements: number }>;
  readonly disagreements: CaseResult[];
  readonly seconds: number;
}

/** Profiles only: fragments are judged in context, and READMEs are not policy. */
export function profileFiles(dirs: readonly string[]): string[] {
  return collectFiles(dirs).files.filter((f) => !isFragmentPath(f) && !/(^|\/)README[^/]*$/i.test(f));
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
        change: c.change, weAccept: ours.length === 0, ourMessage: first ? `line ${first.range.start.line + 1}: ${first.message} [${first.code}]` : 'accepted',
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
    mutated: results.filter((r) => r.kind !== 'original').length,
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
    `${r.cases} cases (${r.cases - r.mutated} original profiles, ${r.mutated} mutations) in ${r.seconds.toFixed(0)} s`,
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
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else dirs.push(a);
  }
  if (dirs.length === 0) throw new Error('give at least one DIR of profiles');
  if (!fs.existsSync(parser)) throw new Error(`apparmor_parser not found at ${parser} (apt-get install apparmor)`);
  const inc = includeDirs.length ? includeDirs : ['/etc/apparmor.d'];
  const report = await runConformance({ dirs, includeDirs: inc, base: base ?? inc[0]!, parser, perFile, seed });
  console.log(formatReport(report));
  if (json) fs.writeFileSync(json, JSON.stringify(report, null, 2));
  return min !== undefined && (100 * report.agreements) / report.cases < min ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: Error) => { console.error(`conformance: ${e.message}`); process.exitCode = 2; },
  );
}
