import * as vscode from 'vscode';
import { CommandResult, fail, UNTRUSTED } from './commandResult';
import { readCommandSettings } from './config';
import { describeProcesses, LoadedProfile, topLevelName } from './core/aaStatus';
import { NO_KERNEL_MESSAGE } from './core/outcome';
import { targetName } from './core/target';
import { herePlace, listLoaded, targetPlace } from './listLoaded';
import { kernelHasAppArmor } from './profileCommands';
import type { Runner } from './runner';

export interface LoadedProfilesResult extends CommandResult {
  readonly profiles?: LoadedProfile[];
}

interface ProfileItem extends vscode.QuickPickItem {
  readonly profile: LoadedProfile;
}

/**
 * `aa-status --json` as a quick pick, else the kernel's own list (aa-status missing or
 * failing), on this machine or the target. The command resolves once the list is shown, not
 * when something is picked, so it never waits on a person.
 */
export async function showLoadedProfiles(runner: Runner): Promise<LoadedProfilesResult> {
  if (!vscode.workspace.isTrusted) return UNTRUSTED;
  const settings = readCommandSettings();
  if ('error' in settings.target) return fail('failed', settings.target.error);
  const target = settings.target.target;
  if (!target && !kernelHasAppArmor()) return fail('noKernel', NO_KERNEL_MESSAGE);
  const list = await listLoaded(target ? targetPlace(runner, target) : herePlace(runner, settings.aaStatus, settings.privilege));
  const commandLine = list.execution.commandLine;
  // What was tried first is told with the list: the user sees why the processes are missing.
  const notes = list.notes.length > 0 ? ` ${list.notes.join(' ')}` : '';
  if (!list.ok) return { ok: false, ...list.outcome, message: `${list.outcome.message}${notes}`, commandLine };
  const where = target ? ` on ${targetName(target)}` : '';
  showPick(list.profiles, `Loaded AppArmor profiles${where}`);
  return { ok: true, kind: 'ok', message: `${loadedCount(list.profiles.length)}${where}.${notes}`, commandLine, profiles: list.profiles };
}

/** "1 profile is loaded", "3 profiles are loaded". */
function loadedCount(n: number): string {
  return n === 1 ? '1 profile is loaded' : `${n} profiles are loaded`;
}

function showPick(profiles: readonly LoadedProfile[], title: string): void {
  const pick = vscode.window.createQuickPick<ProfileItem>();
  pick.title = title;
  pick.placeholder = 'Pick a profile to open its file';
  pick.matchOnDetail = true;
  pick.items = profiles.map((p) => ({ label: p.name, description: p.mode, detail: describeProcesses(p.processes), profile: p }));
  pick.onDidAccept(() => {
    const chosen = pick.selectedItems[0];
    pick.hide();
    if (chosen) void openProfileSource(chosen.profile.name);
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}

/** Finds the file through the language server's index of the workspace and include folders: by profile name, else by attachment. */
async function openProfileSource(loadedName: string): Promise<boolean> {
  const name = topLevelName(loadedName);
  const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>('vscode.executeWorkspaceSymbolProvider', name)) ?? [];
  const profiles = symbols.filter((s) => s.kind === vscode.SymbolKind.Class);
  const found = profiles.find((s) => s.name === name) ?? profiles.find((s) => s.containerName === name);
  if (!found) {
    void vscode.window.showWarningMessage(`No file in the workspace or the include folders defines the profile ${name}.`);
    return false;
  }
  await vscode.window.showTextDocument(found.location.uri, { selection: found.location.range });
  return true;
}
