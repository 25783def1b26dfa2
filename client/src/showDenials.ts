import * as path from 'path';
import * as vscode from 'vscode';
import type { DenialsResult } from '../../server/src/protocol';
import { CommandResult, fail } from './commandResult';
import { readCommandSettings } from './config';
import { summarize } from './core/denialItems';
import type { DenialSource, SourceKind } from './core/denialSources';
import { targetName } from './core/target';
import { isSourceSetting, keepTail, MAX_LOG_BYTES, SourceFailure } from './core/logSources';
import type { DenialsView } from './denialsView';
import { readSystemLog } from './readDenialLog';
import { inputForFile, LogInput, requestDenials } from './requestDenials';
import type { Runner } from './runner';

/** A log the view shows, kept to propose again after an edit, and how to read it again. */
interface ShownLog {
  readonly input: LogInput;
  /** Where it came from, for the view's header. */
  readonly source: DenialSource;
  reread(): Promise<CommandResult>;
}

export interface DenialDeps {
  readonly runner: Runner;
  readonly view: DenialsView;
  readonly log: vscode.OutputChannel;
  /** The extension's folder: new profile files are made from its snippets. */
  readonly extensionPath: string;
  /** A request to the language server, once it runs. */
  readonly request: <R>(method: string, params: unknown) => Promise<R>;
  /** What the view shows now: at most one log and the kernel's. */
  shown?: Map<SourceKind, ShownLog>;
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
  const source: DenialSource = { kind: 'kernel', label: outcome.log.label, notes: outcome.notes, ...(target ? { target: targetName(target) } : {}) };
  return present(deps, { input: { text: outcome.log.text }, source, reread: () => showDenials(deps, asRoot) }, outcome.notes);
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
  return present(deps, { input, source: logSource(path.basename(chosen.path)), reread: () => showDenialsFromFile(deps, chosen) }, []);
}

/** AppArmor: Show Denials in Selection — the selected lines, or the whole document when nothing is selected. */
export async function showDenialsFromSelection(deps: DenialDeps): Promise<CommandResult> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return fail('noFile', 'Open a log, or paste its AppArmor lines into an editor, and select them first.');
  const selected = editor.selections.filter((s) => !s.isEmpty).map((s) => editor.document.getText(s)).join('\n');
  const text = selected || editor.document.getText();
  const label = `${selected ? 'selection of ' : ''}${path.basename(editor.document.uri.path)}`;
  const shown: ShownLog = { input: { text }, source: logSource(label), reread: () => present(deps, shown, []) };
  return present(deps, shown, []);
}

function logSource(label: string): DenialSource {
  return { kind: 'log', label, notes: [] };
}

/** Clear Denials: no source shown or proposed again until one is read. */
export async function clearDenials(deps: DenialDeps): Promise<CommandResult> {
  deps.shown?.clear();
  await deps.view.clear();
  return { ok: true, kind: 'ok', message: 'The AppArmor Denials view is cleared.', quiet: true };
}

/** The view's refresh: every source it shows read again (the kernel's when it shows none). */
export async function refreshDenials(deps: DenialDeps): Promise<CommandResult> {
  const shown = [...(deps.shown?.values() ?? [])];
  if (shown.length === 0) return showDenials(deps);
  let last: CommandResult | undefined;
  for (const log of shown) last = await log.reread();
  return last!;
}

/** After an edit to a profile: the same logs proposed again, so what the file now allows is marked. */
export async function reproposeDenials(deps: DenialDeps): Promise<DenialsResult[]> {
  const results: DenialsResult[] = [];
  for (const log of deps.shown?.values() ?? []) {
    const result = await requestDenials(deps.request, log.input, literalPaths());
    await deps.view.show(result, log.source, false);
    results.push(result);
  }
  return results;
}

async function present(deps: DenialDeps, log: ShownLog, notes: readonly string[]): Promise<CommandResult> {
  const result = await requestDenials(deps.request, log.input, literalPaths());
  const label = log.source.label;
  (deps.shown ??= new Map()).set(log.source.kind, log);
  await deps.view.show(result, log.source);
  logDetails(deps.log, result, label);
  // Where no source had records, what each said is the news, not an empty summary.
  const message = result.records === 0 && notes.length > 0 ? `No AppArmor records found. ${notes.join(' ')}` : `${label}: ${summarize(result, label).message}`;
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
