import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AgentClient, ExecResult, GuestTimeout } from './agentClient';
import { KERNEL, QEMU, VM_DIR } from './env';
import { buildInitramfs } from './initramfs';

/**
 * A booted test VM: Debian's kernel with AppArmor, the initramfs of initramfs.ts, 1 GB,
 * no network device; its console (ttyS0) goes to a log file and its second serial port
 * (ttyS1) to a unix socket where the guest agent answers.
 */

export interface BootOptions {
  /** The unix socket of the guest's ttyS1; default a fresh one under the temporary folder. */
  readonly socket?: string;
  /** Where the guest's console goes; default beside the socket. */
  readonly consoleLog?: string;
  /** Seconds to wait for the agent under TCG. */
  readonly bootTimeout?: number;
  /** The kernel image; default Debian bookworm's, from .vm/kernel/. */
  readonly kernel?: string;
}

export interface ExecOptions {
  readonly stdin?: string | Buffer;
  readonly timeoutMs?: number;
}

/** The kernel command line: AppArmor as the LSM, the console on the first serial port, reboot on panic (QEMU then exits). */
const APPEND = 'console=ttyS0 quiet apparmor=1 security=apparmor panic=-1';

/**
 * QEMU runs under a shell that kills it as soon as its standard input (a pipe from this
 * process) closes: when this process exits in any way, even killed, no QEMU outlives it.
 */
const WATCHDOG = 'exec 3<&0; "$@" </dev/null & q=$!; (read -r _ <&3; kill -9 "$q" 2>/dev/null) & w=$!; wait "$q"; s=$?; kill "$w" 2>/dev/null; exit "$s"';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export class Vm {
  /** Seconds from QEMU's start to the agent's first answer. */
  bootSeconds = 0;
  accel = 'tcg';

  private constructor(
    private readonly child: ChildProcess,
    private agent: AgentClient,
    readonly socket: string,
    readonly consoleLog: string,
    private readonly ownDir: string | undefined,
  ) {}

  static async boot(options: BootOptions = {}): Promise<Vm> {
    const initrd = buildInitramfs();
    const ownDir = options.socket ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'aak-vm-'));
    const socket = options.socket ?? path.join(ownDir!, 'agent.sock');
    const consoleLog = options.consoleLog ?? path.join(path.dirname(socket), 'console.log');
    const timeout = (options.bootTimeout ?? 300) * 1000;
    const accels = kvmUsable() ? ['kvm', 'tcg'] : ['tcg'];
    let lastError: Error | undefined;
    for (const accel of accels) {
      fs.rmSync(socket, { force: true });
      const start = Date.now();
      const child = startQemu(accel, options.kernel ?? KERNEL, initrd, socket, consoleLog);
      const exited = new Promise<never>((_, reject) => child.once('exit', (code, sig) => reject(new Error(`QEMU exited (${sig ?? code}) before the agent answered; see ${consoleLog}`))));
      exited.catch(() => undefined);
      // Under KVM a boot is a second or two; a KVM that hangs is given up for TCG after a minute.
      const deadline = start + (accel === 'kvm' ? 60_000 : timeout);
      try {
        const agent = await Promise.race([AgentClient.connect(socket, deadline).then(async (a) => { await a.waitReady(deadline); return a; }), exited]);
        const vm = new Vm(child, agent, socket, consoleLog, ownDir);
        vm.bootSeconds = (Date.now() - start) / 1000;
        vm.accel = accel;
        return vm;
      } catch (e) {
        lastError = e as Error;
        // The next attempt reuses the socket path and console log: this QEMU must be gone first.
        await stopChild(child);
      }
    }
    throw lastError ?? new Error('QEMU did not start');
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.withConsole(this.agent.exec(argv, options.stdin, options.timeoutMs));
  }

  sh(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.withConsole(this.agent.sh(script, options.stdin, options.timeoutMs));
  }

  /** A guest that stops answering is explained by what its kernel printed last (an oops, a hung task). */
  private withConsole(request: Promise<ExecResult>): Promise<ExecResult> {
    return request.catch((e: unknown) => {
      const message = `${e instanceof Error ? e.message : String(e)}\n--- the guest's console (${this.consoleLog}), last lines:\n${consoleTail(this.consoleLog)}`;
      throw e instanceof GuestTimeout ? new GuestTimeout(message, { cause: e }) : new Error(message, { cause: e });
    });
  }

  /** Like sh, but a non-zero status is an error carrying the script's output. */
  async must(script: string, options: ExecOptions = {}): Promise<string> {
    const r = await this.sh(script, options);
    if (r.status !== 0) throw new Error(`guest: exit ${r.status}: ${script.slice(0, 300)}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /**
   * Back to a kernel with no profile: every profile removed (a parent takes its children
   * along), leftover test processes killed, the kernel log emptied.
   */
  async reset(): Promise<void> {
    await this.must(RESET);
  }

  /** Lets go of the socket (for another client such as guestExec.js) and takes it back. */
  detach(): void {
    this.agent.close();
  }

  async attach(): Promise<void> {
    const deadline = Date.now() + 30_000;
    this.agent = await AgentClient.connect(this.socket, deadline);
    await this.agent.waitReady(deadline);
  }

  async shutdown(): Promise<void> {
    this.agent.close();
    await stopChild(this.child);
    if (this.ownDir) fs.rmSync(this.ownDir, { recursive: true, force: true });
  }
}

const RESET = `
A=/sys/kernel/security/apparmor
sed 's/ ([a-z_]*)$//' $A/profiles | grep -v // | while IFS= read -r n; do printf '%s' "$n" > $A/.remove; done
test ! -s $A/profiles || { cat $A/profiles; exit 1; }
# Unconfined now, the test programs can be killed.
for p in /proc/[0-9]*; do case $(readlink $p/exe) in /opt/t/*) kill -9 \${p#/proc/} 2>/dev/null;; esac; done
printf normal > /sys/module/apparmor/parameters/audit
for m in /mnt/*; do umount "$m" 2>/dev/null; done
rm -rf /srv/* /mnt/*
dmesg -c > /dev/null
`;

function startQemu(accel: string, kernel: string, initrd: string, socket: string, consoleLog: string): ChildProcess {
  const cpu = accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max'];
  const args = [
    ...cpu, '-m', '1024', '-smp', '1', '-nodefaults', '-no-user-config', '-nic', 'none', '-display', 'none', '-no-reboot',
    '-serial', `file:${consoleLog}`, '-serial', `unix:${socket},server=on,wait=off`,
    '-kernel', kernel, '-initrd', initrd, '-append', APPEND,
  ];
  fs.mkdirSync(VM_DIR, { recursive: true });
  const child = spawn('sh', ['-c', WATCHDOG, 'sh', QEMU, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-4000); });
  child.once('exit', () => { live.delete(child); if (stderr.trim()) fs.appendFileSync(consoleLog, `\n[qemu stderr] ${stderr}`); });
  live.add(child);
  return child;
}

function consoleTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch (e) {
    return `(unreadable: ${(e as Error).message})`;
  }
}

/** Closing the watchdog's standard input kills QEMU; waits for the watchdog to go. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin!.end();
  const force = setTimeout(() => child.kill('SIGKILL'), 5000);
  return gone.finally(() => clearTimeout(force));
}

/** KVM only where /dev/kvm opens and the CPU has the extensions; QEMU hangs here otherwise. */
function kvmUsable(): boolean {
  if (process.env['AAK_ACCEL'] === 'tcg') return false;
  try {
    fs.closeSync(fs.openSync('/dev/kvm', 'r+'));
    return /\b(vmx|svm)\b/.test(fs.readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}
