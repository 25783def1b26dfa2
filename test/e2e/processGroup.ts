/**
 * VS Code's server starts an extension host, a file watcher and a pty host of its own. It
 * runs in a process group of its own so that one signal ends all of them, whatever fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

/** Groups still running: killed if this process ends first (a detached group would outlive it). */
const live = new Set<number>();
let hooked = false;

function killLiveGroups(): void {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killLiveGroups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killLiveGroups();
      process.kill(process.pid, signal);
    });
  }
}

/** `stdin: 'pipe'`: a pipe from this process, which closes when it ends, even killed (a lifeline the child may watch). */
export function startGroup(command: string, args: readonly string[], env: NodeJS.ProcessEnv, onOutput: (line: string) => void, stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  hookExit();
  const child = spawn(command, args, { detached: true, env, stdio: [stdin, 'pipe', 'pipe'] });
  if (child.pid !== undefined) live.add(child.pid);
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      lines.forEach(onOutput);
    });
  }
  return child;
}

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM to the group, then SIGKILL to whatever is left after a grace period. */
export async function stopGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  live.delete(pid);
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return; // the group is gone already
  }
  for (const end = Date.now() + graceMs; Date.now() < end && groupAlive(pid); ) await sleep(100);
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // ended between the check and the kill
    }
  }
}

/** A port nobody listens on now (the server is told which to use, so no output is parsed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once the port accepts connections; rejects when the process exits first or time runs out. */
export async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`server did not listen on ${port} within ${timeoutMs} ms`);
}
