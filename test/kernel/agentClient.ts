import { randomBytes } from 'node:crypto';
import * as net from 'node:net';

/**
 * The host's side of the guest agent's protocol (test/kernel/guest/agent.sh): one
 * connection to QEMU's unix socket, whose other end is the guest's /dev/ttyS1. Requests
 * and answers are lines of base64 tagged with a request id, so bytes the serial line might
 * alter never travel bare, and lines of other requests (an earlier client that went away
 * mid-answer) are told apart and dropped.
 */

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
  /** The same output as bytes, for output that is not text. */
  readonly stdoutBytes: Buffer;
  readonly stderrBytes: Buffer;
}

/** A request the guest gave no answer to in its time: the guest (or its agent) is stuck. */
export class GuestTimeout extends Error {}

/** Base64 characters per data line: one dd read in the guest. */
const CHUNK = 16384;

interface Pending {
  readonly id: string;
  readonly out: string[];
  readonly err: string[];
  begun: boolean;
  resolve(r: ExecResult): void;
  reject(e: Error): void;
}

export class AgentClient {
  private buffer = '';
  private pending: Pending | undefined;
  private pongs = new Map<string, () => void>();
  private closed: Error | undefined;
  /** Requests run one at a time: the agent is a single shell loop. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('the connection to the guest agent closed')));
  }

  /** Connects to QEMU's socket, retrying until it exists or `deadline` (ms since the epoch) passes. */
  static async connect(socketPath: string, deadline: number): Promise<AgentClient> {
    for (;;) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.createConnection(socketPath, () => resolve(s));
          s.once('error', reject);
        });
        return new AgentClient(socket);
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`could not connect to ${socketPath}: ${(e as Error).message}`, { cause: e });
        await sleep(100);
      }
    }
  }

  /** Pings until the agent answers: it may not be running yet, or the line may hold a half request. */
  async waitReady(deadline: number): Promise<void> {
    for (;;) {
      if (this.closed) throw this.closed;
      const id = newId();
      const answered = new Promise<void>((resolve) => this.pongs.set(id, resolve));
      this.socket.write(`\nP ${id}\n`);
      const ok = await Promise.race([answered.then(() => true), sleep(500).then(() => false)]);
      this.pongs.delete(id);
      if (ok) return;
      if (Date.now() > deadline) throw new Error('the guest agent did not answer');
    }
  }

  /** Runs argv in the guest with `stdin`, as a shell would run `exec ARGV`. */
  exec(argv: readonly string[], stdin: string | Buffer = '', timeoutMs = 120_000): Promise<ExecResult> {
    if (argv.length === 0) return Promise.reject(new Error('exec: no program given'));
    return this.run(`exec ${argv.map(shellQuote).join(' ')}\n`, stdin, timeoutMs);
  }

  /** Runs a shell script in the guest. */
  sh(script: string, stdin: string | Buffer = '', timeoutMs = 120_000): Promise<ExecResult> {
    return this.run(script, stdin, timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  private run(script: string, stdin: string | Buffer, timeoutMs: number): Promise<ExecResult> {
    const next = this.queue.then(() => this.request(script, stdin, timeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private request(script: string, stdin: string | Buffer, timeoutMs: number): Promise<ExecResult> {
    if (this.closed) return Promise.reject(this.closed);
    const id = newId();
    return new Promise<ExecResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new GuestTimeout(`the guest did not answer within ${timeoutMs / 1000} s: ${script.slice(0, 200)}`));
      }, timeoutMs);
      this.pending = {
        id, out: [], err: [], begun: false,
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      const lines = ['', ...chunks('C', id, Buffer.from(script)), ...chunks('I', id, Buffer.from(stdin)), `R ${id}`, ''];
      this.socket.write(lines.join('\n'));
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const [tag, a, b] = line.split(' ');
    if (tag === '@@PONG') { this.pongs.get(a ?? '')?.(); return; }
    const p = this.pending;
    if (!p) return;
    if (tag === '@@BEGIN' && a === p.id) { p.begun = true; p.out.length = 0; p.err.length = 0; }
    else if (!p.begun) return;
    else if (tag === '@@O') p.out.push(a ?? '');
    else if (tag === '@@E') p.err.push(a ?? '');
    else if (tag === '@@END' && a === p.id) {
      this.pending = undefined;
      const stdoutBytes = decode(p.out);
      const stderrBytes = decode(p.err);
      p.resolve({ stdout: stdoutBytes.toString('utf8'), stderr: stderrBytes.toString('utf8'), status: Number(b), stdoutBytes, stderrBytes });
    }
  }

  private fail(e: Error): void {
    this.closed ??= e;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }
}

function chunks(kind: string, id: string, data: Buffer): string[] {
  const b64 = data.toString('base64');
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += CHUNK) {
    const piece = b64.slice(i, i + CHUNK);
    out.push(`${kind} ${id} ${piece.length}`, piece);
  }
  return out;
}

function decode(lines: readonly string[]): Buffer {
  return Buffer.from(lines.join(''), 'base64');
}

function newId(): string {
  return randomBytes(6).toString('hex');
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
