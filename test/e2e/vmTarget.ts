/**
 * The kernel VM of test/kernel/, booted once for an e2e run so that the suite can set
 * apparmor.target to it (suite/kernel.e2e.ts). It boots while VS Code starts; the suite
 * waits for the status file, which says `ready` or why the VM cannot be had (the suite then
 * skips, saying so). The VM runs in a process group of its own, ended with the run, also
 * when the run fails; killed outright, the run leaves bootVm's standard input closed, and
 * bootVm ends the VM (QEMU's own watchdog ends QEMU when bootVm goes).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ROOT } from './install';
import { startGroup, stopGroup } from './processGroup';

const BOOT_VM = path.join(ROOT, 'out/test/kernel/bootVm.js');
export const GUEST_EXEC = path.join(ROOT, 'out/test/kernel/guestExec.js');

export interface E2eVm {
  /** For the extension host: where the suite finds the VM and its status. */
  readonly env: Record<string, string>;
  /** Ends the VM; resolves with the processes of this VM still found afterwards (none expected). */
  stop(): Promise<string[]>;
  /** The last lines of the VM's console and of bootVm, for a failure's report. */
  tail(): string;
}

export function startVm(node: string): E2eVm {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-e2e-vm-'));
  const socket = path.join(dir, 'agent.sock');
  const status = path.join(dir, 'status');
  const consoleLog = path.join(dir, 'console.log');
  const env = { E2E_VM_SOCKET: socket, E2E_VM_STATUS: status, E2E_VM_GUEST_EXEC: GUEST_EXEC };
  const said: string[] = [];
  const write = (text: string) => fs.writeFileSync(status, text);
  if (process.env.E2E_VM === '0') write('failed: E2E_VM=0 says not to boot the kernel VM');
  else if (!fs.existsSync(BOOT_VM) || !fs.existsSync(GUEST_EXEC)) write('failed: the kernel test layer is not built (npm run build)');
  let child: ChildProcess | undefined;
  if (!fs.existsSync(status)) {
    const started = Date.now();
    // The lifeline: killed outright, this process cannot end the group, but its pipe closes and bootVm ends the VM.
    child = startGroup(node, [BOOT_VM, '--socket', socket, '--console', consoleLog, '--stdin-lifeline'], process.env, (line) => {
      said.push(line);
      if (line.startsWith('ready')) write(`ready after ${((Date.now() - started) / 1000).toFixed(1)} s: ${line}`);
    }, 'pipe');
    // bootVm says why it cannot boot (no QEMU, no kernel …) on its last line, then exits.
    child.once('exit', (code, signal) => {
      if (!fs.existsSync(status)) write(`failed: ${said.at(-1)?.replace(/^bootVm: /, '') ?? `bootVm exited (${signal ?? code})`}`);
    });
  }
  return {
    env,
    tail: () => `bootVm: ${said.slice(-5).join(' | ')}\n  VM console: ${readTail(consoleLog)}`,
    stop: async () => {
      if (child) await stopGroup(child, 10_000);
      const left = processesMentioning(dir);
      for (const p of left) {
        try {
          process.kill(Number(p.split(' ')[0]), 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
      return left;
    },
  };
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-8).join('\n    ');
  } catch {
    return '(none)';
  }
}

/** `PID COMMAND…` of every process whose command line names the VM's folder (QEMU names its socket there). */
export function processesMentioning(dir: string): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(dir) && Number(pid) !== process.pid) out.push(`${pid} ${cmdline.slice(0, 200)}`);
    } catch {
      // ended meanwhile
    }
  }
  return out;
}
