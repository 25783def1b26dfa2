import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CommandResult, fail } from './commandResult';
import { checkNewProfileInput, NewProfileRequest, planNewProfile, proposeProfileFolder, Snippets } from './core/newProfile';

/** Files that may be profiles, to find the folder where the workspace keeps them. */
const PROFILE_GLOB = '{**/*.apparmor,**/apparmor.d/**,**/usr.bin.*,**/usr.sbin.*,**/usr.lib*.*,**/usr.local.*}';
const MAX_FILES = 2000;
const SEARCH_MS = 5000;
/** Set once a new profile was made in this window; the walkthrough's step waits for it. */
const MADE_CONTEXT = 'apparmor.newProfileMade';

/** The extension's own snippets: the new profile is made from them. */
export function readSnippets(extensionPath: string): Snippets {
  return JSON.parse(fs.readFileSync(path.join(extensionPath, 'snippets/apparmor.json'), 'utf8')) as Snippets;
}

type Kind = NewProfileRequest['kind'];

/**
 * AppArmor: New Profile…: for a program (its path) or for a Docker container (a name), a new
 * file in the folder of the workspace's other profiles, holding the matching snippet with
 * what was asked filled in and its other tab stops live. Left unsaved, for the user to finish.
 */
export async function newProfile(extensionPath: string, preset?: { kind: Kind; value: string }): Promise<CommandResult> {
  const asked = preset ?? (await askKindAndValue());
  if (!asked) return cancelled();
  const { kind, value } = asked;
  const problem = checkNewProfileInput(kind, value);
  if (problem) return fail('failed', problem);
  const abi = vscode.workspace.getConfiguration('apparmor').get<string>('abi') || undefined;
  const plan = planNewProfile(readSnippets(extensionPath), kind === 'program' ? { kind, program: value.trim() } : { kind, name: value.trim() }, abi);
  const folder = await proposedFolder();
  const uri = await vscode.window.showSaveDialog({
    title: `The new profile ${plan.profile}`,
    saveLabel: 'Create',
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, plan.fileName) } : {}),
  });
  if (!uri) return cancelled();
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(uri, { overwrite: true });
  if (!(await vscode.workspace.applyEdit(edit))) return fail('failed', `Could not create ${uri.fsPath}.`);
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  await vscode.languages.setTextDocumentLanguage(editor.document, 'apparmor');
  await editor.insertSnippet(new vscode.SnippetString(plan.snippet), new vscode.Position(0, 0));
  // The walkthrough's step is done when a profile was made, not when its button was pressed:
  // marking it at the press re-rendered the walkthrough, which took the focus from the questions.
  await vscode.commands.executeCommand('setContext', MADE_CONTEXT, true);
  return { ok: true, kind: 'ok', message: `New profile ${plan.profile} in ${path.basename(uri.path)} (not saved yet): Tab moves through what is left to fill in; then save, Check and Load it.` };
}

function cancelled(): CommandResult {
  return { ok: false, kind: 'cancelled', message: 'No new profile was made.', quiet: true };
}

/**
 * The kind, then the program's path or the container's name, in one run of the quick input:
 * the second question opens before the first closes. Closing the first returned the focus to
 * where the command was started (the walkthrough's button), and the path typed next went there.
 */
async function askKindAndValue(): Promise<{ kind: Kind; value: string } | undefined> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { choice: Kind }>();
  try {
    const kind = await pickKind(pick);
    if (!kind) return undefined;
    const value = await askValue(kind, () => pick.dispose());
    return value === undefined ? undefined : { kind, value };
  } finally {
    pick.dispose();
  }
}

function pickKind(pick: vscode.QuickPick<vscode.QuickPickItem & { choice: Kind }>): Promise<Kind | undefined> {
  pick.items = [
    { choice: 'program', label: 'For a program', detail: 'Confines a program by its path (/usr/bin/myapp): abi, tunables, base abstraction, local overrides, in complain mode.' },
    { choice: 'docker', label: 'For a Docker container', detail: 'The shape of the nginx example of Docker\'s AppArmor guide; run the container with --security-opt apparmor=NAME.' },
  ];
  pick.title = 'AppArmor: New Profile';
  pick.placeholder = 'What will the profile confine?';
  pick.ignoreFocusOut = true;
  return new Promise((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]?.choice));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
}

/** Asks for the path or name; `shown` runs once the box is up. Undefined when cancelled. */
function askValue(kind: Kind, shown: () => void): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  Object.assign(box, kind === 'program'
    ? { title: 'AppArmor: New Profile for a Program', prompt: 'The program\'s absolute path', placeholder: '/usr/bin/myapp' }
    : { title: 'AppArmor: New Profile for a Docker Container', prompt: 'The profile\'s name, as --security-opt apparmor=NAME will give it', placeholder: 'docker-myapp' });
  box.ignoreFocusOut = true;
  return new Promise<string | undefined>((resolve) => {
    box.onDidChangeValue((v) => { box.validationMessage = v === '' ? undefined : checkNewProfileInput(kind, v); });
    box.onDidAccept(() => {
      const problem = checkNewProfileInput(kind, box.value);
      if (problem) box.validationMessage = problem;
      else resolve(box.value);
    });
    box.onDidHide(() => resolve(undefined));
    box.show();
    shown();
  }).finally(() => box.dispose());
}

/** The folder holding most of the workspace's profiles, else the first workspace folder. */
export async function proposedFolder(): Promise<vscode.Uri | undefined> {
  const first = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!first) return undefined;
  // A search that takes long (a huge workspace, a busy machine) is cut short: the first folder then.
  const cancel = new vscode.CancellationTokenSource();
  const timer = setTimeout(() => cancel.cancel(), SEARCH_MS);
  const found = await vscode.workspace.findFiles(PROFILE_GLOB, '**/node_modules/**', MAX_FILES, cancel.token).then((uris) => uris, () => []);
  clearTimeout(timer);
  cancel.dispose();
  const open = vscode.workspace.textDocuments.filter((d) => d.languageId === 'apparmor' && !d.isUntitled).map((d) => d.uri);
  const inWorkspace = [...found, ...open].filter((u) => u.scheme === first.scheme && vscode.workspace.getWorkspaceFolder(u));
  const dir = proposeProfileFolder(inWorkspace.map((u) => u.path));
  return dir ? first.with({ path: dir }) : first;
}
