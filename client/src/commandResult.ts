import * as vscode from 'vscode';
import type { OutcomeKind } from './core/outcome';

/** What every command resolves to, so tests (and other extensions) can see what happened without reading notifications. */
export interface CommandResult {
  readonly ok: boolean;
  readonly kind: OutcomeKind | 'untrusted' | 'noFile' | 'noProfile';
  readonly message: string;
  /** The command line run, quoted for sh, when one was run. */
  readonly commandLine?: string;
}

export function fail(kind: CommandResult['kind'], message: string): CommandResult {
  return { ok: false, kind, message };
}

export const UNTRUSTED: CommandResult = fail('untrusted', 'AppArmor commands run programs, which this untrusted workspace does not allow. Trust the workspace to use them.');

/** Shows the result as a notification (never awaited: nobody may be there to close it) and in the output channel. */
export function report(result: CommandResult, log: vscode.OutputChannel): CommandResult {
  log.appendLine(result.message);
  if (result.ok) void vscode.window.showInformationMessage(result.message);
  else if (result.kind === 'cancelled' || result.kind === 'untrusted') void vscode.window.showWarningMessage(result.message);
  else void vscode.window.showErrorMessage(result.message);
  return result;
}
