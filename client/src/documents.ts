import * as vscode from 'vscode';
import { CommandResult, fail } from './commandResult';

/**
 * The profile a command acts on: the file given (from a menu or a test), else the active
 * editor's, else the AppArmor file in view. Saved first, because apparmor_parser reads the file from disk.
 */
export async function findProfileDocument(uri?: vscode.Uri): Promise<vscode.TextDocument | CommandResult> {
  // From the walkthrough, which is not a text editor, the profile beside it.
  const doc = uri ? await vscode.workspace.openTextDocument(uri)
    : vscode.window.activeTextEditor?.document ?? vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'apparmor')?.document;
  if (!doc) return fail('noFile', 'Open an AppArmor profile first.');
  if (doc.uri.scheme !== 'file') return fail('noFile', 'Save the profile to a file first: apparmor_parser reads it from disk.');
  if (doc.isDirty && !(await doc.save())) return fail('noFile', `Could not save ${doc.fileName}.`);
  return doc;
}

export function isResult(v: unknown): v is CommandResult {
  return typeof v === 'object' && v !== null && 'kind' in v && 'ok' in v;
}
