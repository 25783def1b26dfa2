import * as path from 'path';
import * as vscode from 'vscode';
import { CommandResult, fail, UNTRUSTED } from './commandResult';
import { buildModeEdits, Mode } from './core/profileFlags';
import { findProfileDocument, isResult } from './documents';
import { ProfileCommandDeps, runOnKernel } from './profileCommands';

/**
 * Complain or enforce as aa-complain/aa-enforce do it: the mode is written into the
 * profiles' flags (so it survives a reboot), the file saved, then reloaded.
 */
export async function setMode(deps: ProfileCommandDeps, mode: Mode, uri?: vscode.Uri): Promise<CommandResult> {
  // Before anything is edited or saved: an untrusted workspace gets neither a changed file nor a reload.
  if (!vscode.workspace.isTrusted) return UNTRUSTED;
  const doc = await findProfileDocument(uri);
  if (isResult(doc)) return doc;
  const change = buildModeEdits(doc.getText(), mode);
  const name = path.basename(doc.fileName);
  if (change.profiles.length === 0) return fail('noProfile', `${name} defines no profile (is it an abstraction or tunable?).`);
  if (change.edits.length > 0 && !(await applyAndSave(doc, change.edits))) return fail('failed', `Could not change the flags of ${name}.`);
  const flags = `${change.profiles.join(', ')} ${change.edits.length > 0 ? 'set to' : 'already in'} ${mode} mode in the file`;
  const loaded = await runOnKernel(deps, doc.uri, 'load');
  if (loaded.ok) return { ...loaded, message: `${flags}, and reloaded.` };
  return { ...loaded, message: `${flags}; not reloaded: ${loaded.message}` };
}

async function applyAndSave(doc: vscode.TextDocument, edits: ReturnType<typeof buildModeEdits>['edits']): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
  return (await vscode.workspace.applyEdit(edit)) && doc.save();
}
