/**
 * Time and peak memory of apparmor-lint and of the server's denials request on hostile
 * input (issue 11): /dev/zero, a FIFO, a symlink loop, 130,000- and 1,000,000-record logs,
 * and 100,000 unbalanced braces on one line. Each run goes through /usr/bin/time.
 *   node out/bench/robust.js [--root CHECKOUT] [--deadline SECONDS] [--cases REGEX]
 * --root measures another checkout's built bins (such as main, for the figures before);
 * --cases runs only the cases whose name matches (the old /dev/zero case grows to gigabytes).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const ROOT = path.resolve(opt('--root') ?? path.join(__dirname, '../..'));
const DEADLINE = Number(opt('--deadline') ?? 120) * 1000;
const CASES = new RegExp(opt('--cases') ?? '');
const CLI = path.join(ROOT, 'bin/apparmor-lint.js');
const SERVER = path.join(ROOT, 'bin/apparmor-language-server.js');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-bench-robust-'));

interface Measure { seconds: number; peakMb: number; outcome: string }

/** One dmesg record; record i asks for rule i % distinct, over 10 profiles. */
function logLine(i: number, distinct: number): string {
  const k = i % distinct;
  return `[  ${(412 + i / 1000).toFixed(6)}] audit: type=1400 audit(${1718000000 + Math.floor(i / 1000)}.${String(i % 1000).padStart(3, '0')}:${i + 1}): ` +
    `apparmor="DENIED" operation="open" class="file" profile="/usr/bin/app${k % 10}" name="/srv/data/d${k}/settings.conf" ` +
    `pid=${2000 + (i % 97)} comm="app" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0`;
}

function writeLog(file: string, records: number): void {
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < records;) {
    const lines: string[] = [];
    for (const end = Math.min(records, i + 5000); i < end; i++) lines.push(logLine(i, 1000));
    fs.writeSync(fd, `${lines.join('\n')}\n`);
  }
  fs.closeSync(fd);
}

/** Runs a command under /usr/bin/time, killed at the deadline; stdin from a file when given. */
function measure(args: string[], stdinFile?: string): Promise<Measure> {
  const report = path.join(TMP, 'time.txt');
  const stdin = stdinFile ? fs.openSync(stdinFile, 'r') : 'ignore';
  const child = spawn('/usr/bin/time', ['-f', '%e %M', '-o', report, process.execPath, ...args], { stdio: [stdin, 'pipe', 'pipe'], detached: true });
  let out = 0;
  let err = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.length; });
  child.stderr!.on('data', (b: Buffer) => { if (err.length < 4000) err += b.toString(); });
  const start = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), DEADLINE);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (typeof stdin === 'number') fs.closeSync(stdin);
      const [secs, kb] = fs.existsSync(report) ? fs.readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ') : [];
      const killed = signal === 'SIGKILL' || Date.now() - start >= DEADLINE;
      const firstLine = err.split('\n').find((l) => /apparmor-lint:|Error|FATAL/.test(l))?.trim().slice(0, 90) ?? '';
      const outcome = killed ? `killed at the ${DEADLINE / 1000} s deadline` : `exit ${code ?? signal}, ${out} bytes out${firstLine ? `; ${firstLine}` : ''}`;
      resolve({ seconds: killed ? DEADLINE / 1000 : Number(secs), peakMb: kb ? Number(kb) / 1024 : NaN, outcome });
    });
  });
}

/** The server under /usr/bin/time, one apparmor/denials request, then shutdown. */
async function measureServer(logFile: string, byPath = false): Promise<Measure> {
  const report = path.join(TMP, 'time-server.txt');
  const child = spawn('/usr/bin/time', ['-f', '%e %M', '-o', report, process.execPath, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'], detached: true });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  conn.onError(() => undefined);
  conn.listen();
  const exited = new Promise<string>((r) => child.on('close', (code, signal) => r(`server ended: ${code ?? signal}`)));
  const deadline = new Promise<string>((r) => setTimeout(() => r(`killed at the ${DEADLINE / 1000} s deadline`), DEADLINE));
  const t = Date.now();
  let outcome: string;
  try {
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { includeDirs: [] } });
    await conn.sendNotification('initialized', {});
    const params = byPath ? { path: logFile } : { text: fs.readFileSync(logFile, 'utf8') };
    const answer = conn.sendRequest<{ records: number; groups: unknown[] }>('apparmor/denials', params).then((r) => `${r.records} records, ${r.groups.length} groups`, (e: unknown) => `error: ${e instanceof Error ? e.message : String(e)}`);
    outcome = await Promise.race([answer, exited, deadline]);
  } catch (e) {
    outcome = `error: ${(e as Error).message}`;
  }
  const seconds = (Date.now() - t) / 1000;
  // A clean exit lets /usr/bin/time write its report; a kill would take it down too.
  const ended = await Promise.race([conn.sendRequest('shutdown').then(() => conn.sendNotification('exit')).then(() => exited), deadline, exited]);
  if (ended.startsWith('killed')) try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  conn.dispose();
  await exited;
  const kb = fs.existsSync(report) ? fs.readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ')[1] : undefined;
  return { seconds, peakMb: kb ? Number(kb) / 1024 : NaN, outcome };
}

async function main(): Promise<void> {
  const loop = path.join(TMP, 'loop');
  fs.mkdirSync(loop);
  fs.symlinkSync('.', path.join(loop, 'a'));
  fs.symlinkSync('.', path.join(loop, 'b'));
  fs.writeFileSync(path.join(loop, 'p'), 'profile p {\n}\n');
  const fifo = path.join(TMP, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const braces = path.join(TMP, 'braces');
  fs.writeFileSync(braces, `${'}'.repeat(100_000)}\n`);
  const log130k = path.join(TMP, '130k.log');
  const log1m = path.join(TMP, '1m.log');
  writeLog(log130k, 130_000);
  writeLog(log1m, 1_000_000);
  const cases: [string, () => Promise<Measure>][] = [
    ['apparmor-lint /dev/zero', () => measure([CLI, '/dev/zero'])],
    ['apparmor-lint - < /dev/zero', () => measure([CLI, '-'], '/dev/zero')],
    ['apparmor-lint --denials - < /dev/zero', () => measure([CLI, '--denials', '-'], '/dev/zero')],
    ['apparmor-lint FIFO', () => measure([CLI, fifo])],
    ['apparmor-lint --denials FIFO', () => measure([CLI, '--denials', fifo])],
    ['apparmor-lint DIR (links a -> ., b -> .)', () => measure([CLI, loop])],
    [`apparmor-lint --denials (130,000 records, ${mb(log130k)})`, () => measure([CLI, '--denials', log130k])],
    [`apparmor-lint --denials --max-size 1G (1,000,000 records, ${mb(log1m)})`, () => measure([CLI, '--denials', '--max-size', '1G', log1m])],
    ['apparmor-lint 100,000 braces (text)', () => measure([CLI, braces])],
    ['apparmor-lint 100,000 braces (gcc)', () => measure([CLI, '--format', 'gcc', braces])],
    ['apparmor-lint 100,000 braces (json)', () => measure([CLI, '--format', 'json', braces])],
    ['server apparmor/denials (130,000 records)', () => measureServer(log130k)],
    ['server apparmor/denials (1,000,000 records)', () => measureServer(log1m)],
    ['server apparmor/denials {path} (130,000 records)', () => measureServer(log130k, true)],
    ['server apparmor/denials {path} (1,000,000 records)', () => measureServer(log1m, true)],
  ];
  console.log(`Checkout: ${ROOT}; Node ${process.version}; deadline ${DEADLINE / 1000} s; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| case | s | peak RSS MB | outcome |\n|---|---|---|---|');
  for (const [name, run] of cases) {
    if (!CASES.test(name)) continue;
    const m = await run();
    console.log(`| ${name} | ${m.seconds.toFixed(2)} | ${m.peakMb.toFixed(0)} | ${m.outcome.replace(/\|/g, '\\|')} |`);
  }
  fs.rmSync(TMP, { recursive: true, force: true });
}

function mb(file: string): string {
  return `${(fs.statSync(file).size / 1024 / 1024).toFixed(0)} MB`;
}

void main();
