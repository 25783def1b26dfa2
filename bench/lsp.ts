/**
 * The language server driven over stdio, as an editor drives it.
 *   node out/bench/lsp.js [--corpus DIR] [--runs N] [--write]
 * Measures spawn → initialized, edit → published diagnostics, hover and completion,
 * on profiles/gnome-shell of the shared corpus and on a generated 5,000-line profile.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { corpusShapedProfile, denseProfile } from './profiles';
import { Stats, stats } from './run';

const SERVER = path.resolve(__dirname, '../../bin/apparmor-language-server.js');

/**
 * Requests of each kind sent before the measured ones: the server's code is compiled by the JIT
 * during a person's first keystrokes in a file, and the figures are of typing after that.
 */
const WARM_UP = 20;

/** The server's code cache (server/src/node/codeCache.ts), empty at the start of each bench. */
const CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-bench-cache-'));

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

interface Session { conn: MessageConnection; kill: () => void; startup: number; pid: number; published: (uri: string, version: number) => Promise<void>; indexed: Promise<number> }

async function startSession(includeDirs: string[], folders: string[] = []): Promise<Session> {
  const t0 = now();
  // Started as `npx apparmor-language-server` starts it: through its own #! line and flags.
  const proc = spawn(SERVER, ['--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, APPARMOR_LSP_CACHE_DIR: CACHE_DIR } });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const waiting = new Map<string, () => void>();
  let markIndexed: (at: number) => void = () => undefined;
  const indexed = new Promise<number>((resolve) => { markIndexed = resolve; });
  conn.onNotification('window/logMessage', (m: { message: string }) => {
    if (m.message.startsWith('Indexed ')) markIndexed(now());
  });
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification('$/progress', () => undefined);
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => {
    const key = `${p.uri}#${p.version}`;
    waiting.get(key)?.();
    waiting.delete(key);
  });
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: null, capabilities: { window: { workDoneProgress: true } },
    workspaceFolders: folders.map((f) => ({ uri: `file://${f}`, name: path.basename(f) })),
    initializationOptions: { includeDirs },
  });
  await conn.sendNotification('initialized', {});
  const startup = now() - t0;
  return {
    conn,
    startup,
    pid: proc.pid!,
    indexed,
    kill: () => { conn.dispose(); proc.kill(); },
    published: (uri, version) => new Promise<void>((resolve) => waiting.set(`${uri}#${version}`, resolve)),
  };
}

/**
 * Edits (a space in and out of a rule's indentation, which changes no diagnostic) and
 * completes (at the rule's first word) in the middle of the profile body, where a person
 * types: not after the profile, where an edit could leave the profile's tree alone.
 */
async function measureFile(s: Session, uri: string, text: string, runs: number, hoverAt: { line: number; character: number }, editLine: number): Promise<Record<string, Stats>> {
  const opened = s.published(uri, 1);
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text } });
  await opened;
  const edit: number[] = [];
  let version = 1;
  const at = { line: editLine, character: 0 };
  for (let i = 0; i < runs + WARM_UP; i++) {
    version++;
    const insert = version % 2 === 0;
    const change = insert ? { range: { start: at, end: at }, text: ' ' } : { range: { start: at, end: { line: at.line, character: 1 } }, text: '' };
    const done = s.published(uri, version);
    const t = now();
    await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    await done;
    if (i >= WARM_UP) edit.push(now() - t);
  }
  const hover: number[] = [];
  const complete: number[] = [];
  for (let i = 0; i < runs + WARM_UP; i++) {
    let t = now();
    await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: hoverAt });
    if (i >= WARM_UP) hover.push(now() - t);
    t = now();
    await s.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: editLine, character: 2 } });
    if (i >= WARM_UP) complete.push(now() - t);
  }
  return { 'edit → diagnostics': stats(edit), hover: stats(hover), completion: stats(complete) };
}

/** The first line from the middle of the file on that is an indented rule (not a comment). */
function middleRuleLine(text: string): number {
  const lines = text.split('\n');
  for (let i = Math.floor(lines.length / 2); i < lines.length; i++) if (/^\s+[a-z/@]/.test(lines[i]!)) return i;
  return 0;
}

function findPerms(text: string): { line: number; character: number } {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s+[/@][^\s]*\s+)(r|rw|mr|rix|Px|ix)\b/.exec(lines[i]!);
    if (m) return { line: i, character: m[1]!.length };
  }
  return { line: 0, character: 0 };
}

/**
 * The floor under every request figure: a process that answers each request at once, read and
 * written as the server reads and writes (vscode-jsonrpc's reader, one write per answer), over
 * the same stdio, from the same client. What it takes is the pipes, the wake-ups of two
 * processes and the client library, on this host at this moment.
 */
async function measureFloor(runs: number): Promise<Stats> {
  const rpc = require.resolve('vscode-jsonrpc/node');
  const answer = `const r = new (require(${JSON.stringify(rpc)}).StreamMessageReader)(process.stdin);
    r.listen((m) => { if (m.id === undefined) return; const b = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: null }));
    process.stdout.write(Buffer.concat([Buffer.from('Content-Length: ' + b.length + '\\r\\n\\r\\n'), b])); });`;
  const proc = spawn(process.execPath, ['-e', answer], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.listen();
  const times: number[] = [];
  for (let i = 0; i < runs + WARM_UP; i++) {
    const t = now();
    await conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///floor' }, position: { line: 0, character: 0 } });
    if (i >= WARM_UP) times.push(now() - t);
  }
  conn.dispose();
  proc.kill();
  return stats(times);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
  };
  const corpus = path.resolve(opt('--corpus', path.join(__dirname, '../../../shared/corpus/apparmor.d')));
  const runs = Number(opt('--runs', '50'));
  const out: string[] = [];
  const log = (s: string): void => { out.push(s); console.log(s); };
  // The first start after an install or update compiles the whole bundle and then caches it.
  const first = await startSession([]);
  for (const end = now() + 15_000; fs.readdirSync(CACHE_DIR).length === 0 && now() < end;) await new Promise((r) => setTimeout(r, 100));
  first.kill();
  const startups: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = await startSession([]);
    startups.push(s.startup);
    s.kill();
  }
  log('## Language server over stdio (bench/lsp.ts)');
  log('');
  const st = stats(startups);
  // How long Node itself takes to start on this host at this moment, to read the figure above by:
  // as the server's #! line starts it, and as this shell would (which may read NODE_EXTRA_CA_CERTS).
  const bareStart = (env: NodeJS.ProcessEnv): Stats => stats(Array.from({ length: 10 }, () => {
    const t = now();
    spawnSync(process.execPath, ['-e', '0'], { env });
    return now() - t;
  }));
  const { NODE_EXTRA_CA_CERTS: extraCerts, ...serverEnv } = process.env;
  const bare = bareStart(serverEnv);
  const withCerts = extraCerts ? `; with this host's NODE_EXTRA_CA_CERTS, which the server drops: ${bareStart(process.env).median.toFixed(0)} ms` : '';
  log(`spawn → initialized: median ${st.median.toFixed(0)} ms, p95 ${st.p95.toFixed(0)} ms (${runs} runs). Node's own start-up (\`node -e 0\`) at the same time: median ${bare.median.toFixed(0)} ms${withCerts}. The first start, before the server's code cache exists: ${first.startup.toFixed(0)} ms.`);
  log('');
  log(`Each measure: ${runs} runs after ${WARM_UP} unmeasured ones of the same kind (JIT warm-up).`);
  log('');
  log(`| file | measure | median ms | p95 ms |`);
  log('|---|---|---|---|');
  const files: [string, string, string[]][] = [
    ["5,000 lines in the corpus's mix", corpusShapedProfile(5000), []],
    ['5,000 lines, every line a rule (stress case)', denseProfile(5000), []],
  ];
  const gnome = path.join(corpus, 'profiles/gnome-shell');
  if (fs.existsSync(gnome)) files.unshift(['profiles/gnome-shell (537 lines)', fs.readFileSync(gnome, 'utf8'), [corpus]]);
  const floor = await measureFloor(runs);
  log(`| (a process that answers at once: the transport's own round trip) | request | ${floor.median.toFixed(2)} | ${floor.p95.toFixed(2)} |`);
  for (const [name, text, includeDirs] of files) {
    const s = await startSession(includeDirs);
    // Measure the steady state, not the first seconds when the include tree is being indexed.
    if (includeDirs.length > 0) await Promise.race([s.indexed, new Promise((r) => setTimeout(r, 5000))]);
    const results = await measureFile(s, `file:///bench/${name.replace(/\W+/g, '-')}`, text, runs, findPerms(text), middleRuleLine(text));
    for (const [measure, r] of Object.entries(results)) log(`| ${name} | ${measure} | ${r.median.toFixed(2)} | ${r.p95.toFixed(2)} |`);
    s.kill();
  }
  if (fs.existsSync(corpus)) {
    const s = await startSession([corpus], [corpus]);
    const t0 = now();
    const done = await s.indexed;
    const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${s.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${s.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    log('');
    log(`Whole shared corpus as the workspace: indexed in ${(done - t0).toFixed(0)} ms after initialized; server RSS ${rss.toFixed(0)} MB (peak ${hwm.toFixed(0)} MB).`);
    s.kill();
  }
  if (args.includes('--write')) {
    const file = path.join(__dirname, '../../bench/RESULTS.md');
    const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').replace(/\n## Language server over stdio[\s\S]*$/, '') : '';
    fs.writeFileSync(file, `${before.trimEnd()}\n\n${out.join('\n')}\n`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
}).finally(() => fs.rmSync(CACHE_DIR, { recursive: true, force: true }));
