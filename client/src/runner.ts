import { execFile } from 'child_process';
import * as vscode from 'vscode';
import { elevate, isSudoAskingForPassword, Privilege } from './core/commandLines';
import type { RunResult } from './core/outcome';
import { toShellLine } from './core/shellQuote';
import { describeInput, onTarget, Target } from './core/target';
import type { TerminalRunner } from './terminalRunner';

/** What the runner writes to: the output channel, or anything with its appendLine (tests). */
export interface LogSink {
  appendLine(line: string): void;
}

/** Standard input for a command: the text, and the file it is the saved text of. */
export interface Input {
  /** Shown as `< FILE` after the command line; absent when nothing is sent (standard input is then closed at once). */
  readonly name?: string;
  readonly text: string;
}

export interface Execution {
  /** The command line as shown to the user (quoted for sh). */
  readonly commandLine: string;
  /** The program started first: sudo or pkexec when elevated, else the tool itself. */
  readonly program: string;
  readonly result: RunResult;
}

/** Runs programs from argument vectors, never through a shell, and shows each command line in the output channel. */
export class Runner {
  constructor(private readonly log: vscode.OutputChannel | LogSink, private readonly terminal?: TerminalRunner) {}

  /** `maxBuffer`: the most output kept (bytes); past it the program is stopped. */
  async run(argv: readonly string[], maxBuffer?: number): Promise<Execution> {
    return this.execLogged(argv, maxBuffer);
  }

  /**
   * Runs a command on the target: the prefix, then the command. apparmor.privilege is not
   * applied (the prefix says how root is had there). Standard input is always closed, after
   * the input if there is one, so nothing on the other side waits for more.
   */
  async runOnTarget(target: Target, argv: readonly string[], input?: Input, maxBuffer?: number): Promise<Execution> {
    return this.execLogged(onTarget(target, argv), maxBuffer, input ?? { text: '' });
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
    if (!isSudoAskingForPassword(tried.result.stderr) || !this.terminal) return tried;
    const commandLine = toShellLine(plan.terminalArgv);
    this.log.appendLine(`sudo needs a password: running in the AppArmor terminal instead.\n$ ${commandLine}`);
    const result = await this.terminal.run(plan.terminalArgv);
    this.logResult(result);
    return { commandLine, program: 'sudo', result };
  }

  private async execLogged(argv: readonly string[], maxBuffer?: number, input?: Input): Promise<Execution> {
    const commandLine = toShellLine(argv) + (input?.name ? ` ${describeInput(input.name)}` : '');
    this.log.appendLine(`$ ${commandLine}`);
    const result = await execArgv(argv, maxBuffer, input?.text);
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

/**
 * execFile with the outcome as data: a missing program or a non-zero exit is a result, not a
 * throw. With `input` (even empty), it is written to standard input, which is then closed.
 */
function execArgv(argv: readonly string[], maxBuffer = 16 * 1024 * 1024, input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(argv[0]!, argv.slice(1), { timeout: 120_000, maxBuffer }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean }) | null;
      const base = { stdout, stderr };
      if (!e) resolve({ ...base, exitCode: 0 });
      else if (typeof e.code === 'string') resolve({ ...base, exitCode: null, spawnError: e.code });
      else if (e.killed) resolve({ ...base, exitCode: null, spawnError: 'TIMEOUT', detail: `${argv[0]} did not finish within two minutes.` });
      else resolve({ ...base, exitCode: typeof e.code === 'number' ? e.code : null });
    });
    if (input === undefined) return;
    // A program that exits without reading all of it closes the pipe: EPIPE is its business, not a crash.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}
