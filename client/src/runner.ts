import { execFile } from 'child_process';
import * as vscode from 'vscode';
import { elevate, isSudoAskingForPassword, Privilege } from './core/commandLines';
import type { RunResult } from './core/outcome';
import { toShellLine } from './core/shellQuote';
import type { TerminalRunner } from './terminalRunner';

export interface Execution {
  /** The command line as shown to the user (quoted for sh). */
  readonly commandLine: string;
  /** The program started first: sudo or pkexec when elevated, else the tool itself. */
  readonly program: string;
  readonly result: RunResult;
}

/** Runs programs from argument vectors, never through a shell, and shows each command line in the output channel. */
export class Runner {
  constructor(private readonly log: vscode.OutputChannel, private readonly terminal: TerminalRunner) {}

  /** `maxBuffer`: the most output kept (bytes); past it the program is stopped. */
  async run(argv: readonly string[], maxBuffer?: number): Promise<Execution> {
    return this.execLogged(argv, maxBuffer);
  }

  /** Runs as root the way the privilege setting says; already root, it runs directly. */
  async runAsRoot(argv: readonly string[], privilege: Privilege, maxBuffer?: number): Promise<Execution> {
    const isRoot = process.getuid?.() === 0;
    const plan = elevate(argv, privilege, isRoot);
    if (plan.how === 'refused') {
      this.log.appendLine(`Not run: ${plan.reason}`);
      return { commandLine: toShellLine(plan.argv), program: privilege, result: { exitCode: null, stdout: '', stderr: '', spawnError: 'REFUSED', detail: plan.reason } };
    }
    if (plan.how !== 'sudo') return this.execLogged(plan.argv, maxBuffer);
    const tried = await this.execLogged(plan.argv, maxBuffer);
    if (!isSudoAskingForPassword(tried.result.stderr)) return tried;
    const commandLine = toShellLine(plan.terminalArgv);
    this.log.appendLine(`sudo needs a password: running in the AppArmor terminal instead.\n$ ${commandLine}`);
    const result = await this.terminal.run(plan.terminalArgv);
    this.logResult(result);
    return { commandLine, program: 'sudo', result };
  }

  private async execLogged(argv: readonly string[], maxBuffer?: number): Promise<Execution> {
    const commandLine = toShellLine(argv);
    this.log.appendLine(`$ ${commandLine}`);
    const result = await execArgv(argv, maxBuffer);
    this.logResult(result);
    return { commandLine, program: argv[0]!, result };
  }

  private logResult(result: RunResult): void {
    const output = `${result.stdout}${result.stderr === result.stdout ? '' : result.stderr}`.trimEnd();
    if (output) this.log.appendLine(output);
    const status = result.spawnError ? `${result.spawnError}${result.detail ? `: ${result.detail}` : ''}` : `exit status ${result.exitCode}`;
    this.log.appendLine(`[${status}]`);
  }
}

/** execFile with the outcome as data: a missing program or a non-zero exit is a result, not a throw. */
export function execArgv(argv: readonly string[], maxBuffer = 16 * 1024 * 1024): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: 120_000, maxBuffer }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean }) | null;
      const base = { stdout: String(stdout), stderr: String(stderr) };
      if (!e) resolve({ ...base, exitCode: 0 });
      else if (typeof e.code === 'string') resolve({ ...base, exitCode: null, spawnError: e.code });
      else if (e.killed) resolve({ ...base, exitCode: null, spawnError: 'TIMEOUT', detail: `${argv[0]} did not finish within two minutes.` });
      else resolve({ ...base, exitCode: typeof e.code === 'number' ? e.code : null });
    });
  });
}
