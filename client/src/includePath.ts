import * as vscode from 'vscode';
import { UNRESOLVED_CODE, withIncludeDir } from './core/includePath';

/** Registered in extension.ts, with the other commands. */
const COMMAND = 'apparmor.setIncludePath';
const SET = 'Set the Include Path…';
/** Once per workspace: the notification repeats what the diagnostic says. */
const NOTIFIED = 'apparmor.includePathNotified';

/** A one-time notification, the first time a profile's includes are not found, offering setIncludePath. */
export function notifyUnresolvedIncludes(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.languages.onDidChangeDiagnostics((e) => {
    if (context.workspaceState.get(NOTIFIED)) return;
    const unresolved = e.uris.some((uri) => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'apparmor' && codeOf(d) === UNRESOLVED_CODE));
    if (!unresolved) return;
    void context.workspaceState.update(NOTIFIED, true);
    void vscode.window.showWarningMessage(
      'AppArmor: includes of this profile are not on the include search path, so its variables cannot be checked. Set the include path to the folder that holds tunables/ and abstractions/.',
      SET,
    ).then((choice) => (choice === SET ? vscode.commands.executeCommand(COMMAND) : undefined));
  });
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

/**
 * "Set the include path…": a folder picker whose choice goes first in apparmor.includeDirs
 * (the workspace's setting when a folder is open). Resolves with the new include path, or
 * undefined when the picker was dismissed.
 */
export async function setIncludePath(): Promise<string[] | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
    openLabel: 'Use as Include Path', title: 'The folder that holds tunables/ and abstractions/',
    defaultUri: folder?.uri,
  });
  if (!picked?.[0]) return undefined;
  const config = vscode.workspace.getConfiguration('apparmor');
  const dirs = withIncludeDir(config.get<string[]>('includeDirs', []), picked[0].fsPath);
  await config.update('includeDirs', dirs, folder ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  return dirs;
}
