import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunResult } from './core/outcome';
import { findUntypeable } from './core/shellQuote';
import { buildTerminalLine, terminalFilesIn, TerminalFiles } from './core/terminalLine';

const POLL_MS = 250;
/** Long enough to type a password after a coffee; a forgotten prompt does not keep a command open for ever. */
const WAIT_MS = 15 * 60_000;

/**
 * Runs commands in the "AppArmor" terminal, where sudo can ask for a password, one at a
 * time. The terminal's shell is always /bin/sh, whatever the user's shell is, so the
 * quoting is the one that was tested.
 */
export class TerminalRunner implements vscode.Disposable {
  private terminal: vscode.Terminal | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  run(argv: readonly string[]): Promise<RunResult> {
    const next = this.queue.then(() => this.runNow(argv));
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.terminal?.dispose();
  }

  private async runNow(argv: readonly string[]): Promise<RunResult> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apparmor-vscode-'));
    const files = terminalFilesIn(dir);
    const line = buildTerminalLine(argv, files);
    const untypeable = findUntypeable(line);
    if (untypeable) return failure('UNTYPEABLE', `This command cannot be typed into a terminal: ${untypeable}. Set apparmor.privilege to "pkexec" or "none".`);
    try {
      const terminal = this.ensureTerminal();
      terminal.show(false);
      terminal.sendText(line, true);
      return await waitForStatus(files, terminal);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  private ensureTerminal(): vscode.Terminal {
    if (!this.terminal || this.terminal.exitStatus !== undefined) {
      this.terminal = vscode.window.createTerminal({ name: 'AppArmor', shellPath: '/bin/sh', isTransient: true });
    }
    return this.terminal;
  }
}

function waitForStatus(files: TerminalFiles, terminal: vscode.Terminal): Promise<RunResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const finish = (result: RunResult): void => {
      clearInterval(timer);
      closed.dispose();
      resolve(result);
    };
    const closed = vscode.window.onDidCloseTerminal((t) => {
      if (t === terminal) finish(failure('CANCELLED', 'The AppArmor terminal was closed before the command finished.'));
    });
    const timer = setInterval(() => {
      if (fs.existsSync(files.status)) finish(readResult(files));
      else if (Date.now() - started > WAIT_MS) finish(failure('TIMEOUT', 'Gave up waiting for the command in the AppArmor terminal.'));
    }, POLL_MS);
  });
}

/** The terminal merges stdout and stderr; both fields get the whole output. */
function readResult(files: TerminalFiles): RunResult {
  const output = fs.existsSync(files.output) ? fs.readFileSync(files.output, 'utf8') : '';
  const code = Number.parseInt(fs.readFileSync(files.status, 'utf8').trim(), 10);
  return { exitCode: Number.isNaN(code) ? null : code, stdout: output, stderr: output };
}

function failure(spawnError: string, detail: string): RunResult {
  return { exitCode: null, stdout: '', stderr: '', spawnError, detail };
}
