/**
 * Fresh processes, where people wait: `apparmor-lint` on one file and on the whole corpus,
 * and the language server's first diagnostics after `didOpen` (gnome-shell, and a
 * 5,000-line profile), each in a new process, beside `node -e 0` measured in the same run.
 * The kinds of run take turns, so a change in the machine's load falls on all of them alike.
 * Beside wall time each run's CPU time is taken, which a busy machine disturbs far less: the
 * command's user+sys (all its threads, from the shell's `times`), and for the server the
 * CPU its main thread spent between didOpen and the diagnostics (/proc/PID/schedstat).
 *
 *   node out/bench/fresh.js [--corpus DIR] [--runs N] [--compare CHECKOUT] [--write]
 *
 * --compare adds rows for another checkout's build (main's, say), in the same turns.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { describeFault } from '../server/src/describeFault';
import { corpusShapedProfile } from './profiles';

const ROOT = path.resolve(__dirname, '../..');
const args = process.argv.slice(2);
const option = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const CORPUS = option('--corpus') ?? path.resolve(ROOT, '../shared/corpus/apparmor.d');
const RUNS = Number(option('--runs') ?? 10);
// Both tools keep their caches here; they are written by the first, unmeasured, run. Each
// build has its own folder: a build removes the caches another build of the same bundle wrote.
const CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-fresh-cache-'));
function envFor(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, APPARMOR_LSP_CACHE_DIR: path.join(CACHE, root.replace(/\W+/g, '-')) };
  delete env['NODE_EXTRA_CA_CERTS'];
  return env;
}
const ENV = envFor(ROOT);

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
/** The server writes its code cache 3 s after start, its parses 5 s after the last new one. */
const LINGER_MS = 6000;

/** Wall and CPU milliseconds of one run (CPU NaN where it cannot be read). */
interface Timing { readonly wall: number; readonly cpu: number }

/**
 * Runs node with `argv` under bash, whose `times` then gives the command's CPU time.
 * The shell's own start (a few milliseconds) is in every CLI row alike, `node -e 0` included.
 */
function timed(argv: string[], env = ENV): Timing {
  const t = now();
  const r = spawnSync('bash', ['-c', '"$@" >/dev/null; s=$?; times >&2; exit $s', 'bash', process.execPath, ...argv], { env, cwd: path.dirname(CORPUS), stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited ${r.status}: ${String(r.stderr)}`);
  // `times` prints the shell's user and sys, then its children's: "0m0.310s 0m0.042s".
  const children = String(r.stderr).trim().split('\n').pop() ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { wall, cpu: secs.length === 2 ? (secs[0]! + secs[1]!) * 1000 : NaN };
}

/** CPU milliseconds the process's main thread has run (Linux), or NaN. */
function mainThreadCpu(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

/** A new server: initialize, then the time from didOpen to the file's first diagnostics. */
async function firstDiagnostics(server: string, uri: string, text: string, linger = 0, env = ENV): Promise<Timing> {
  const proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  let published: (at: Timing) => void = () => undefined;
  const first = new Promise<Timing>((resolve) => { published = resolve; });
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => { if (p.uri === uri) published({ wall: now(), cpu: mainThreadCpu(proc.pid!) }); });
  conn.onRequest('workspace/configuration', () => [null]);
  conn.listen();
  try {
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions: { includeDirs: [CORPUS] } });
    await conn.sendNotification('initialized', {});
    const sent = { wall: now(), cpu: mainThreadCpu(proc.pid!) };
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text } });
    const got = await first;
    // The warm-up run stays until the server has written its caches, as an editor's session does.
    if (linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
    return { wall: got.wall - sent.wall, cpu: got.cpu - sent.cpu };
  } finally {
    conn.dispose();
    proc.kill();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  if (!fs.existsSync(CORPUS)) throw new Error(`no corpus at ${CORPUS} (--corpus DIR)`);
  const gnome = path.join(CORPUS, 'profiles/gnome-shell');
  const big = corpusShapedProfile(5000);
  const gnomeText = fs.readFileSync(gnome, 'utf8');
  const builds: [string, string][] = [['', ROOT]];
  const other = option('--compare');
  if (other) builds.push([`, the build in ${other}`, path.resolve(other)]);
  const kinds: [string, (warmUp?: boolean) => Timing | Promise<Timing>][] = [['`node -e 0`', () => timed(['-e', '0'])]];
  for (const [which, root] of builds) {
    const lint = path.join(root, 'bin/apparmor-lint.js');
    const server = path.join(root, 'bin/apparmor-language-server.js');
    const env = envFor(root);
    kinds.push(
      [`apparmor-lint, one file (profiles/gnome-shell, with its includes)${which}`, () => timed([lint, '--no-config', '-I', CORPUS, gnome], env)],
      [`apparmor-lint, the whole corpus (2,200 files)${which}`, () => timed([lint, '--no-config', '-I', CORPUS, CORPUS], env)],
      [`server: didOpen → first diagnostics, gnome-shell (537 lines)${which}`, (w) => firstDiagnostics(server, `file://${gnome}`, gnomeText, w ? LINGER_MS : 0, env)],
      [`server: didOpen → first diagnostics, 5,000 lines in the corpus's mix${which}`, (w) => firstDiagnostics(server, `file://${CORPUS}/profiles/bench-5000`, big, w ? LINGER_MS : 0, env)],
    );
  }
  // One unmeasured run of each writes the caches and fills the file system's cache.
  for (const [, run] of kinds) await run(true);
  const times = kinds.map(() => [] as Timing[]);
  for (let i = 0; i < RUNS; i++) for (let k = 0; k < kinds.length; k++) times[k]!.push(await kinds[k]![1]());
  const load = os.loadavg()[0]!.toFixed(1);
  const wall = (k: number): number[] => times[k]!.map((t) => t.wall);
  const cpu = (k: number): number[] => times[k]!.map((t) => t.cpu);
  const ms = (x: number): string => (Number.isNaN(x) ? '—' : x.toFixed(0));
  const row = (name: string, k: number): string => {
    // The server rows start with the process already up: nothing to take off.
    const off = k === 0 || name.startsWith('server') ? undefined : { wall: median(wall(0)), cpu: median(cpu(0)) };
    return `| ${name} | ${ms(median(wall(k)))} | ${off ? ms(median(wall(k)) - off.wall) : ''} | ${ms(median(cpu(k)))} | ${off ? ms(median(cpu(k)) - off.cpu) : ''} | ${ms(Math.min(...wall(k)))}–${ms(Math.max(...wall(k)))} |`;
  };
  const out = [
    '## Fresh processes (bench/fresh.ts)',
    '',
    `Each kind of run in a new process, ${RUNS} runs each, taking turns; medians in ms. Node ${process.version}, ${os.cpus().length} cores; load average ${load} at the end of the run.`,
    '',
    '| run | wall | wall beyond `node -e 0` | CPU | CPU beyond `node -e 0` | wall min–max |',
    '|---|---|---|---|---|---|',
    ...kinds.map(([name], k) => row(name, k)),
    '',
    'CPU is user+sys of the whole command (every thread: V8 compiles and collects garbage on helper threads). ' +
      'The server rows time only didOpen → diagnostics (the process is already up), so they are not offset by `node -e 0`; their CPU is the main thread\'s in that time.',
  ];
  console.log(out.join('\n'));
  if (args.includes('--write')) {
    const file = path.join(ROOT, 'bench/RESULTS.md');
    const before = fs.readFileSync(file, 'utf8').replace(/\n## Fresh processes \(bench\/fresh\.ts\)[\s\S]*?(?=\n## |$)/, '');
    fs.writeFileSync(file, `${before.trimEnd()}\n\n${out.join('\n')}\n`);
  }
  fs.rmSync(CACHE, { recursive: true, force: true });
}

main().catch((e: unknown) => { console.error(describeFault(e)); process.exitCode = 1; });
