import * as vscode from 'vscode';
import type { OutcomeKind } from './core/outcome';

/** What every command resolves to, so tests (and other extensions) can see what happened without reading notifications. */
export interface CommandResult {
  readonly ok: boolean;
  readonly kind: OutcomeKind | 'untrusted' | 'noFile' | 'noProfile' | 'noSelection' | 'conflict';
  readonly message: string;
  /** The command line run, quoted for sh, when one was run. */
  readonly commandLine?: string;
  /** Buttons on the notification: what the user may do next. */
  readonly actions?: readonly ResultAction[];
  /** What the user already sees (a view filled, a dialog dismissed): logged, without a notification. */
  readonly quiet?: boolean;
}

interface ResultAction {
  readonly title: string;
  /** Its own result is reported in turn. */
  run(): Promise<CommandResult | undefined>;
}

export function fail(kind: CommandResult['kind'], message: string): CommandResult {
  return { ok: false, kind, message };
}

export const UNTRUSTED: CommandResult = fail('untrusted', 'AppArmor commands run programs, which this untrusted workspace does not allow. Trust the workspace to use them.');

/** Shows the result as a notification (never awaited: nobody may be there to close it) and in the output channel. */
export function report(result: CommandResult, log: vscode.OutputChannel): CommandResult {
  log.appendLine(result.message);
  if (result.quiet) return result;
  const titles = (result.actions ?? []).map((a) => a.title);
  const shown = result.ok ? vscode.window.showInformationMessage(result.message, ...titles)
    : result.kind === 'cancelled' || result.kind === 'untrusted' || result.kind === 'noSelection' || result.kind === 'conflict' ? vscode.window.showWarningMessage(result.message, ...titles)
      : vscode.window.showErrorMessage(result.message, ...titles);
  void shown.then((picked) => runAction(result.actions?.find((a) => a.title === picked), log));
  return result;
}

async function runAction(action: ResultAction | undefined, log: vscode.OutputChannel): Promise<void> {
  if (!action) return;
  try {
    const next = await action.run();
    if (next) report(next, log);
  } catch (e) {
    report(fail('failed', `AppArmor: ${(e as Error).message}`), log);
  }
}
