import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { insertIntoFragment } from '../../server/src/service/logs/insertRules';
import { parse } from '../../server/src/service/parser';
import { readFolderSettings } from './config';
import { localIncludeOf, resolveLocalFile } from './core/ruleDestination';

export interface LocalTarget {
  readonly uri: vscode.Uri;
  /** As the profile names it: `local/usr.bin.foo`. */
  readonly includePath: string;
}

/** With apparmor.addRule.destination = local, the override file of the block, when the block includes one. */
export async function localTargetOf(profileUri: vscode.Uri, profile: string): Promise<LocalTarget | undefined> {
  if (vscode.workspace.getConfiguration('apparmor', profileUri).get<string>('addRule.destination') !== 'local') return undefined;
  if (profileUri.scheme !== 'file') return undefined;
  const text = await textOf(profileUri);
  const includePath = text === undefined ? undefined : localIncludeOf(text, profile);
  if (!includePath) return undefined;
  const dirs = readFolderSettings(profileUri).includeDirs;
  const file = resolveLocalFile(includePath, path.dirname(profileUri.fsPath), dirs.length > 0 ? dirs : ['/etc/apparmor.d'], (p) => fs.existsSync(p));
  return { uri: vscode.Uri.file(file), includePath };
}

/** The edits that add the rules to the override (made when missing), and whether it is new. */
export async function editsForLocal(target: LocalTarget, rules: readonly string[]): Promise<{ edit: vscode.WorkspaceEdit; added: number; first?: vscode.Range }> {
  const text = (await textOf(target.uri)) ?? '';
  const edits = insertIntoFragment(text, parse(text).ast, rules);
  const edit = new vscode.WorkspaceEdit();
  if (!fs.existsSync(target.uri.fsPath) && !vscode.workspace.textDocuments.some((d) => d.uri.toString() === target.uri.toString())) edit.createFile(target.uri, { ignoreIfExists: true });
  for (const e of edits) edit.replace(target.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
  const first = edits[0] ? new vscode.Range(e2p(edits[0].range.start), e2p(edits[0].range.start)) : undefined;
  return { edit, added: edits.length === 0 ? 0 : rules.length, ...(first ? { first } : {}) };
}

function e2p(p: { line: number; character: number }): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

/** An open document's text (unsaved edits included), else the file's, else undefined. */
async function textOf(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  } catch {
    return undefined;
  }
}
