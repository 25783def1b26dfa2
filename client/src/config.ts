import * as fs from 'fs';
import * as vscode from 'vscode';
import type { ParserSettings, Privilege } from './core/commandLines';
import { DEFAULT_PARSER, findProgram, resolveFolderSetting } from './core/settings';
import { readTargetSetting, TargetSetting } from './core/target';

/** The settings a command needs, read for the file it acts on (folder settings may differ). */
export interface CommandSettings extends ParserSettings {
  readonly privilege: Privilege;
  readonly aaStatus: string;
  readonly dockerImage: string;
  readonly abi?: string;
  /** Where kernel commands run: this machine (no target), a command prefix, or why the setting is unusable. */
  readonly target: TargetSetting;
}

const isFile = (p: string): boolean => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

export function readCommandSettings(scope?: vscode.Uri): CommandSettings {
  const c = vscode.workspace.getConfiguration('apparmor', scope);
  const path = process.env.PATH ?? '';
  const parserSetting = c.get<string>('parserPath', '') || DEFAULT_PARSER;
  // The default path is only a guess: where it is absent, look for apparmor_parser elsewhere.
  const parser = parserSetting === DEFAULT_PARSER && !isFile(DEFAULT_PARSER) ? findProgram('apparmor_parser', path, isFile) : findProgram(parserSetting, path, isFile);
  return {
    parser,
    ...readFolderSettings(scope),
    abi: c.get<string>('abi', '') || undefined,
    privilege: c.get<Privilege>('privilege', 'sudo'),
    aaStatus: findProgram('aa-status', path, isFile),
    dockerImage: c.get<string>('dockerImage', '') || 'IMAGE',
    target: readTarget(scope),
  };
}

export function readTarget(scope?: vscode.Uri): TargetSetting {
  return readTargetSetting(vscode.workspace.getConfiguration('apparmor', scope).get<unknown>('target'));
}

/** includeDirs and base as absolute paths (see resolveFolderSetting). */
export function readFolderSettings(scope?: vscode.Uri): { includeDirs: string[]; base?: string } {
  const c = vscode.workspace.getConfiguration('apparmor', scope);
  const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  const root = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
  const base = c.get<string>('base', '');
  return {
    includeDirs: c.get<string[]>('includeDirs', []).filter((d) => d.trim() !== '').map((d) => resolveFolderSetting(d, root)),
    base: base ? resolveFolderSetting(base, root) : undefined,
  };
}
