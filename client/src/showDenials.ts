import * as path from 'path';
import * as vscode from 'vscode';
import type { DenialsResult } from '../../server/src/protocol';
import { CommandResult, fail } from './commandResult';
import { readCommandSettings } from './config';
import { summarize } from './core/denialItems';
import { isSourceSetting, keepTail, MAX_LOG_BYTES, SourceFailure } from './core/logSources';
import type { DenialsView } from './denialsView';
import { readSystemLog } from './readDenialLog';
import { inputForFile, LogInput, requestDenials } from './requestDenials';
import type { Runner } from './runner';

/** The log the view shows, kept to propose again after an edit, and how to read it again. */
export interface ShownLog {
  readonly input: LogInput;
  /** Where it came from, for the view's title. */
  readonly label: string;
  reread(): Promise<CommandResult>;
}

export interface DenialDeps {
  readonly runner: Runner;
  readonly view: DenialsView;
  readonly log: vscode.OutputChannel;
  /** A request to the language server, once it runs. */
  request<R>(method: string, params: unknown): Promise<R>;
  /** What the view shows now. */
  shown?: ShownLog;
}

/** AppArmor: Show Denials — from the kernel's log, where the setting says or the first source that has records. */
export async function showDenials(deps: DenialDeps, asRoot = false): Promise<CommandResult> {
  const setting = vscode.workspace.getConfiguration('apparmor').get<unknown>('denials.source', 'auto');
  if (!isSourceSetting(setting)) return fail('failed', `apparmor.denials.source is "${String(setting)}": use auto, dmesg, journalctl, audit.log or syslog.`);
  const trusted = vscode.workspace.isTrusted;
  const settings = readCommandSettings();
  if ('error' in settings.target) return fail('failed', settings.target.error);
  const target = settings.target.target;
  const how = target ? { trusted, target } : { trusted, ...(asRoot ? { asRoot: settings.privilege } : {}) };
  const outcome = await readSystemLog(deps.runner, setting, how);
  // With a target, root comes from its prefix: there is nothing to elevate here.
  if (!outcome.ok) return unreadable(deps, outcome.failures, trusted && !asRoot && !target);
  for (const note of outcome.notes) deps.log.appendLine(note);
  return present(deps, { input: { text: outcome.log.text }, label: outcome.log.label, reread: () => showDenials(deps, asRoot) }, outcome.notes);
}

function unreadable(deps: DenialDeps, failures: readonly SourceFailure[], canElevate: boolean): CommandResult {
  const permission = failures.some((f) => f.permission);
  const message = `No kernel log could be read. ${failures.map((f) => f.message).join(' ')}`;
  const actions = permission && canElevate ? [{ title: 'Read as Root', run: () => showDenials(deps, true) }] : [];
  return { ok: false, kind: permission ? 'permission' : 'failed', message, actions };
}

/** AppArmor: Show Denials from File… — a log chosen in a dialog, or the file a menu passes. */
export async function showDenialsFromFile(deps: DenialDeps, uri?: vscode.Uri): Promise<CommandResult> {
  const chosen = uri ?? (await vscode.window.showOpenDialog({ title: 'A log holding AppArmor records', openLabel: 'Show Denials', canSelectMany: false, defaultUri: vscode.Uri.file('/var/log') }))?.[0];
  if (!chosen) return { ok: false, kind: 'cancelled', message: 'No log file was chosen.', quiet: true };
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === chosen.toString());
  let input: LogInput;
  try {
    input = await inputForFile({ scheme: chosen.scheme, fsPath: chosen.fsPath, unsaved: open?.isDirty ? open.getText() : undefined }, () => readOtherFile(chosen));
  } catch (e) {
    return fail('failed', `Cannot read ${chosen.fsPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return present(deps, { input, label: path.basename(chosen.path), reread: () => showDenialsFromFile(deps, chosen) }, []);
}

/** AppArmor: Show Denials in Selection — the selected lines, or the whole document when nothing is selected. */
export async function showDenialsFromSelection(deps: DenialDeps): Promise<CommandResult> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return fail('noFile', 'Open a log, or paste its AppArmor lines into an editor, and select them first.');
  const selected = editor.selections.filter((s) => !s.isEmpty).map((s) => editor.document.getText(s)).join('\n');
  const text = selected || editor.document.getText();
  const label = `${selected ? 'selection of ' : ''}${path.basename(editor.document.uri.path)}`;
  const shown: ShownLog = { input: { text }, label, reread: () => present(deps, shown, []) };
  return present(deps, shown, []);
}

/** The view's refresh: the same source read again. */
export async function refreshDenials(deps: DenialDeps): Promise<CommandResult> {
  return deps.shown ? deps.shown.reread() : showDenials(deps);
}

/** After an edit to a profile: the same log proposed again, so what the file now allows is marked. */
export async function reproposeDenials(deps: DenialDeps): Promise<void> {
  if (!deps.shown) return;
  const result = await requestDenials(deps.request, deps.shown.input, literalPaths());
  await deps.view.show(result, deps.shown.label, false);
}

async function present(deps: DenialDeps, log: ShownLog, notes: readonly string[]): Promise<CommandResult> {
  const result = await requestDenials(deps.request, log.input, literalPaths());
  deps.shown = log;
  await deps.view.show(result, log.label);
  logDetails(deps.log, result, log.label);
  // Where no source had records, what each said is the news, not an empty summary.
  const message = result.records === 0 && notes.length > 0 ? `No AppArmor records found. ${notes.join(' ')}` : `${log.label}: ${summarize(result, log.label).message}`;
  return { ok: true, kind: 'ok', message, quiet: result.groups.length > 0 };
}

function literalPaths(): boolean {
  return vscode.workspace.getConfiguration('apparmor').get<boolean>('denials.literalPaths', false);
}

/** What the view's message only counts: the lines that could not be read, the denials no rule fixes. */
function logDetails(log: vscode.OutputChannel, result: DenialsResult, label: string): void {
  for (const u of result.unparsedLines) log.appendLine(`${label}:${u.line}: not a readable AppArmor record: ${u.text}`);
  if (result.unparsed > result.unparsedLines.length) log.appendLine(`${label}: … and ${result.unparsed - result.unparsedLines.length} more unreadable lines.`);
  for (const s of result.skipped) log.appendLine(`${label}:${s.line}: no rule for this ${s.operation}: ${s.reason}`);
}

/** A file of a scheme other than file: (the server reads those by path), whole, then cut. */
async function readOtherFile(uri: vscode.Uri): Promise<string> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  return keepTail(Buffer.from(bytes).toString('utf8'), MAX_LOG_BYTES).text;
}
