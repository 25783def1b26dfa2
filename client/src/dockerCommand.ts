import * as vscode from 'vscode';
import { CommandResult, fail } from './commandResult';
import { readCommandSettings } from './config';
import { buildDockerRunArgs } from './core/commandLines';
import { profileNameAt } from './core/profiles';
import { toShellLine } from './core/shellQuote';

/** `docker run … --security-opt apparmor=NAME IMAGE` for the profile under the cursor, to the clipboard. Runs nothing. */
export async function copyDockerRunCommand(log: vscode.OutputChannel, uri?: vscode.Uri): Promise<CommandResult> {
  const editor = vscode.window.activeTextEditor;
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
  if (!doc) return fail('noFile', 'Open an AppArmor profile first.');
  const offset = editor && editor.document === doc ? doc.offsetAt(editor.selection.active) : 0;
  const name = profileNameAt(doc.getText(), offset);
  if (!name) return fail('noProfile', 'There is no profile here to run a container under.');
  const commandLine = toShellLine(buildDockerRunArgs(name, readCommandSettings(doc.uri).dockerImage));
  log.appendLine(commandLine);
  try {
    await vscode.env.clipboard.writeText(commandLine);
  } catch {
    // Some hosts (a headless browser) have no clipboard; the command line is still in the result and the log.
    return { ok: true, kind: 'ok', message: `No clipboard here; the command is: ${commandLine}`, commandLine };
  }
  return { ok: true, kind: 'ok', message: `Copied: ${commandLine} (load the profile first).`, commandLine };
}
