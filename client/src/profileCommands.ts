import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CommandResult, fail, UNTRUSTED } from './commandResult';
import { readCommandSettings } from './config';
import { buildCheckArgs, buildLoadArgs, buildUnloadArgs } from './core/commandLines';
import { classifyRun, NO_KERNEL_MESSAGE, SECURITYFS } from './core/outcome';
import { Target, targetName } from './core/target';
import { findProfileDocument, isResult } from './documents';
import type { ParserProblems } from './parserProblems';
import type { Execution, Runner } from './runner';
import { runParserOnTarget } from './targetRun';

export interface ProfileCommandDeps {
  readonly runner: Runner;
  readonly problems: ParserProblems;
  /** Told after a command changed what the target's kernel holds (the status bar asks it again). */
  readonly kernelChanged?: () => void;
}

/** Checked before anything that talks to the kernel, because the tools' own errors there are cryptic (or, for aa-status --json, silence). */
export function kernelHasAppArmor(): boolean {
  return fs.existsSync(SECURITYFS);
}

export async function checkProfile(deps: ProfileCommandDeps, uri?: vscode.Uri): Promise<CommandResult> {
  if (!vscode.workspace.isTrusted) return UNTRUSTED;
  const doc = await findProfileDocument(uri);
  if (isResult(doc)) return doc;
  const file = doc.uri.fsPath;
  const execution = await deps.runner.run(buildCheckArgs(readCommandSettings(doc.uri), file));
  // Once the parser ran, everything it says is about the profile (even "Permission denied" on an include).
  if (execution.result.spawnError) return { ok: false, ...classifyRun(execution.result, { name: 'apparmor_parser', program: execution.program }), commandLine: execution.commandLine };
  const count = await deps.problems.show(doc.uri, execution.result.stderr);
  const name = path.basename(file);
  const accepted = execution.result.exitCode === 0;
  const message = accepted
    ? `apparmor_parser accepts ${name}${count ? ` (${count} warning${count === 1 ? '' : 's'} in Problems)` : ''}.`
    : `apparmor_parser rejects ${name}: ${inProblems(count, execution.result.stderr)}`;
  return { ok: accepted, kind: accepted ? 'ok' : 'failed', message, commandLine: execution.commandLine };
}

export async function loadProfile(deps: ProfileCommandDeps, uri?: vscode.Uri): Promise<CommandResult> {
  return runOnKernel(deps, uri, 'load');
}

export async function unloadProfile(deps: ProfileCommandDeps, uri?: vscode.Uri): Promise<CommandResult> {
  return runOnKernel(deps, uri, 'unload');
}

/** Load (replace) or unload the file's profiles, as root. */
export async function runOnKernel(deps: ProfileCommandDeps, uri: vscode.Uri | undefined, action: 'load' | 'unload'): Promise<CommandResult> {
  if (!vscode.workspace.isTrusted) return UNTRUSTED;
  const doc = await findProfileDocument(uri);
  if (isResult(doc)) return doc;
  const settings = readCommandSettings(doc.uri);
  if ('error' in settings.target) return fail('failed', settings.target.error);
  if (settings.target.target) return runOnTargetKernel(deps, doc, settings.target.target, action);
  if (!kernelHasAppArmor()) return fail('noKernel', NO_KERNEL_MESSAGE);
  const file = doc.uri.fsPath;
  const argv = action === 'load' ? buildLoadArgs(settings, file) : buildUnloadArgs(settings, file);
  const execution = await deps.runner.runAsRoot(argv, settings.privilege);
  return describeKernelRun(deps, execution, doc.uri, action);
}

/** How many problems the server now shows; without the server, the parser's first words. */
function inProblems(count: number | undefined, stderr: string): string {
  if (count === undefined) return `${stderr.trim().split('\n').find((l) => !/^Cache read\/write disabled/.test(l)) ?? 'no message'} (the language server is not running to show its messages in Problems).`;
  return `${count} problem${count === 1 ? '' : 's'} in Problems.`;
}

async function describeKernelRun(deps: ProfileCommandDeps, execution: Execution, uri: vscode.Uri, action: 'load' | 'unload'): Promise<CommandResult> {
  const file = uri.fsPath;
  const outcome = classifyRun(execution.result, { name: 'apparmor_parser', program: execution.program });
  const commandLine = execution.commandLine;
  if (outcome.kind === 'ok') {
    await deps.problems.show(uri, '');
    const done = action === 'load' ? 'Loaded' : 'Unloaded';
    return { ok: true, kind: 'ok', message: `${done} the profiles of ${path.basename(file)}.`, commandLine };
  }
  if (outcome.kind === 'failed') {
    const count = await deps.problems.show(uri, execution.result.stderr);
    if (count) return { ok: false, kind: 'failed', message: `apparmor_parser could not ${action} ${path.basename(file)}: ${count} problem${count === 1 ? '' : 's'} in Problems.`, commandLine };
  }
  return { ok: false, ...outcome, commandLine };
}

/** The same through apparmor.target: the document's text on standard input, the parser's messages mapped to its lines. */
async function runOnTargetKernel(deps: ProfileCommandDeps, doc: vscode.TextDocument, target: Target, action: 'load' | 'unload'): Promise<CommandResult> {
  const file = doc.uri.fsPath;
  const run = await runParserOnTarget(deps.runner, target, action, { name: file, text: doc.getText() });
  // Only a success changed the kernel; asking again after a failure would only repeat it.
  if (run.outcome.kind === 'ok') deps.kernelChanged?.();
  const commandLine = run.execution.commandLine;
  const name = path.basename(file);
  const where = targetName(target);
  if (run.outcome.kind === 'ok') {
    await deps.problems.showMessages(doc.uri, [], `on ${where}`);
    return { ok: true, kind: 'ok', message: `${action === 'load' ? 'Loaded' : 'Unloaded'} the profiles of ${name} on ${where}.`, commandLine };
  }
  const count = run.problems ? await deps.problems.showMessages(doc.uri, run.problems, `on ${where}`) : 0;
  if (count) return { ok: false, kind: 'failed', message: `apparmor_parser on ${where} could not ${action} ${name}: ${count} problem${count === 1 ? '' : 's'} in Problems.`, commandLine };
  return { ok: false, ...run.outcome, commandLine };
}
