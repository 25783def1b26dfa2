import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { CommandResult, report } from './commandResult';
import { testAccessCommand } from './testAccess';
import { addDenialRules, copyDenialRules, openDenyRule, removeDenyRule, ruleOf } from './denialActions';
import { asDenialNode, DenialsSnapshot, DenialsView } from './denialsView';
import { copyDockerRunCommand } from './dockerCommand';
import { registerIncludeAutoClose } from './includeAutoClose';
import { notifyUnresolvedIncludes, setIncludePath } from './includePath';
import { showLoadedProfiles } from './loadedProfiles';
import { setMode } from './modeCommands';
import { newProfile } from './newProfile';
import { ParserProblems } from './parserProblems';
import { checkProfile, loadProfile, ProfileCommandDeps, unloadProfile } from './profileCommands';
import { Runner } from './runner';
import { ServerController } from './serverController';
import { clearDenials, DenialDeps, refreshDenials, showDenials, showDenialsFromFile, showDenialsFromSelection } from './showDenials';
import { StatusBar, StatusSnapshot } from './statusBar';
import { TargetSnapshot, TargetStatus } from './targetStatus';
import { TerminalRunner } from './terminalRunner';

/**
 * Set by the bundle's first and last lines (scripts/build.mjs), so loading the bundle counts
 * too. VS Code may wait between loading it and calling activate() (for the extension's
 * storage); that wait is not ours and is not counted.
 */
declare const __bundleStart: number | undefined;
declare const __bundleEnd: number | undefined;

function bundleLoadMs(): number {
  return typeof __bundleStart === 'number' && typeof __bundleEnd === 'number' ? __bundleEnd - __bundleStart : 0;
}

/** What activate() hands to other extensions and to the tests inside VS Code. */
export interface AppArmorApi {
  /** Loading the bundle plus the activate() call. */
  readonly activationMs: number;
  /** The part of it spent loading (evaluating) the bundle. */
  readonly loadMs: number;
  status(): StatusSnapshot;
  /** Resolves when the language server has answered `initialize` (rejects if it could not start). */
  serverReady(): Promise<void>;
  /** What the AppArmor Denials view shows. */
  denials(): DenialsSnapshot;
  /** The target's status item (apparmor.target). */
  target(): TargetSnapshot;
}

let server: ServerController | undefined;

export function activate(context: vscode.ExtensionContext): AppArmorApi {
  const started = performance.now();
  // A log channel: each line carries its time, so a command's lines can be told from an earlier one's.
  const log = vscode.window.createOutputChannel('AppArmor', { log: true });
  const serverLog = vscode.window.createOutputChannel('AppArmor Language Server', { log: true });
  const controller = new ServerController(context, serverLog);
  server = controller;
  const terminal = new TerminalRunner();
  const runner = new Runner(log, terminal);
  const statusBar = new StatusBar(controller);
  const view = new DenialsView();
  const targetStatus = new TargetStatus(runner);
  context.subscriptions.push(log, serverLog, controller, terminal, statusBar, view, targetStatus, registerIncludeAutoClose(), notifyUnresolvedIncludes(context));
  // Started once activate() has returned: activation never waits for the server.
  const ready = new Promise<void>((resolve) => setImmediate(resolve)).then(() => controller.start());
  ready.catch(() => undefined);
  const request = <R>(method: string, params: unknown): Promise<R> => ready.catch(() => undefined).then(() => controller.request<R>(method, params));
  const problems = new ParserProblems(request);
  const denials: DenialDeps = { runner, view, log, extensionPath: context.extensionPath, request };
  const kernelChanged = (): void => {
    void targetStatus.kernelChanged();
    void statusBar.kernelChanged();
  };
  registerCommands(context, { runner, problems, kernelChanged }, denials, controller);
  // Trust granted: the server may now run apparmor_parser on save.
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => controller.refreshSettings()));
  const activateMs = performance.now() - started;
  const loadMs = bundleLoadMs();
  const activationMs = loadMs + activateMs;
  log.appendLine(`Activated in ${activationMs.toFixed(1)} ms (loading the bundle ${loadMs.toFixed(1)} ms, activate() ${activateMs.toFixed(1)} ms).`);
  return { activationMs, loadMs, status: () => statusBar.snapshot(), serverReady: () => ready, denials: () => view.snapshot(), target: () => targetStatus.snapshot() };
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}

/** Menus pass the clicked file or view item (and a view the selection); the palette passes nothing. */
type Handler = (arg?: unknown, second?: unknown) => Promise<CommandResult>;

function registerCommands(context: vscode.ExtensionContext, deps: ProfileCommandDeps, denials: DenialDeps, controller: ServerController): void {
  const log = denials.log;
  const commands: Record<string, Handler> = {
    'apparmor.loadProfile': (arg) => loadProfile(deps, asUri(arg)),
    'apparmor.unloadProfile': (arg) => unloadProfile(deps, asUri(arg)),
    'apparmor.checkProfile': (arg) => checkProfile(deps, asUri(arg)),
    'apparmor.setComplainMode': (arg) => setMode(deps, 'complain', asUri(arg)),
    'apparmor.setEnforceMode': (arg) => setMode(deps, 'enforce', asUri(arg)),
    'apparmor.showLoadedProfiles': () => showLoadedProfiles(deps.runner),
    'apparmor.copyDockerRunCommand': (arg) => copyDockerRunCommand(log, asUri(arg)),
    'apparmor.restartServer': () => restartServer(controller),
    'apparmor.showDenials': () => showDenials(denials),
    'apparmor.showDenialsFromFile': (arg) => showDenialsFromFile(denials, asUri(arg)),
    'apparmor.showDenialsFromSelection': () => showDenialsFromSelection(denials),
    'apparmor.refreshDenials': () => refreshDenials(denials),
    'apparmor.clearDenials': () => clearDenials(denials),
    'apparmor.addDenialRule': (arg, into) => addDenialRules(denials, asDenialNode(arg), false, asUri(into)),
    'apparmor.addDenyRule': (arg, into) => addDenialRules(denials, asDenialNode(arg), true, asUri(into)),
    'apparmor.copyDenialRule': (arg) => copyDenialRules(denials, asDenialNode(arg)),
    'apparmor.newProfile': (arg) => newProfile(context.extensionPath, asNewProfilePreset(arg)),
    'apparmor.testAccess': (arg) => testAccessCommand(denials.request, typeof arg === 'string' ? arg : undefined),
    'apparmor.openDenyRule': (arg) => openDenyRule(denials, ruleOf(asDenialNode(arg) ?? denials.view.selected())),
    'apparmor.removeDenyRule': (arg) => removeDenyRule(denials, ruleOf(asDenialNode(arg) ?? denials.view.selected())),
  };
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (arg?: unknown, second?: unknown) => runReported(() => handler(arg, second), log)));
  }
  context.subscriptions.push(vscode.commands.registerCommand('apparmor.showOutput', () => log.show(true)));
  context.subscriptions.push(vscode.commands.registerCommand('apparmor.setIncludePath', setIncludePath));
}

/** Other extensions and the tests may name what to make: `{ kind: 'program' | 'docker', value }`. */
function asNewProfilePreset(arg: unknown): { kind: 'program' | 'docker'; value: string } | undefined {
  const a = arg as { kind?: unknown; value?: unknown } | undefined;
  return (a?.kind === 'program' || a?.kind === 'docker') && typeof a.value === 'string' ? { kind: a.kind, value: a.value } : undefined;
}

function asUri(arg: unknown): vscode.Uri | undefined {
  return arg instanceof vscode.Uri ? arg : undefined;
}

async function runReported(work: () => Promise<CommandResult>, log: vscode.OutputChannel): Promise<CommandResult> {
  try {
    return report(await work(), log);
  } catch (e) {
    return report({ ok: false, kind: 'failed', message: `AppArmor: ${(e as Error).message}` }, log);
  }
}

async function restartServer(controller: ServerController): Promise<CommandResult> {
  try {
    await controller.restart();
    return { ok: true, kind: 'ok', message: 'The AppArmor language server restarted.' };
  } catch (e) {
    return { ok: false, kind: 'failed', message: `The AppArmor language server did not start: ${(e as Error).message}` };
  }
}
