import { type LoadedProfile, parseAaStatus } from './core/aaStatus';
import type { Outcome } from './core/outcome';
import {
  explainTargetRun, isNotFoundOnTarget, isUnreachable, noKernelOnTarget, parseProfilesFile, placeTargetMessages, readKernelCheck, Target, TARGET_COMMANDS,
} from './core/target';
import { type ParserMessage, parseParserOutput } from '../../server/src/service/parserMessages';
import type { Execution, Input, Runner } from './runner';

// No vscode here: these run over the real Runner in the tests (test/client/targetRun.test.ts).

export interface TargetParserRun {
  readonly execution: Execution;
  readonly outcome: Outcome;
  /** apparmor_parser's messages about the profile, placed on the document's lines; present when it rejected the profile. */
  readonly problems?: ParserMessage[];
}

/**
 * `apparmor_parser -r -W` or `-R` on the target with the profile on standard input. When it
 * fails for a reason that is not plainly the target's (unreachable, no such program, no
 * permission), the target's kernel is asked whether it has AppArmor: if it has, the output
 * is the parser's verdict on the profile.
 */
export async function runParserOnTarget(runner: Runner, target: Target, action: 'load' | 'unload', input: Input): Promise<TargetParserRun> {
  const execution = await runner.runOnTarget(target, TARGET_COMMANDS[action], input);
  const outcome = explainTargetRun(execution.result, 'apparmor_parser', target);
  if (outcome.kind !== 'failed' || isUnreachable(execution.result, target)) return { execution, outcome };
  const why = await askKernel(runner, target);
  if (why) return { execution, outcome: why.kind === 'noKernel' ? why : { kind: 'failed', message: `${outcome.message.replace(/\.?$/, '.')} ${why.message}` } };
  return { execution, outcome, problems: placeTargetMessages(parseParserOutput(execution.result.stderr), countLines(input.text)) };
}

function countLines(text: string): number {
  return text.split('\n').length;
}

/** undefined when the target's kernel has AppArmor; else why not, or why it could not be asked. */
export async function askKernel(runner: Runner, target: Target): Promise<Outcome | undefined> {
  const check = await runner.runOnTarget(target, TARGET_COMMANDS.kernelCheck);
  const answer = readKernelCheck(check.result);
  if (answer.has === true) return undefined;
  if (answer.has === false) return { kind: 'noKernel', message: noKernelOnTarget(target, answer.why) };
  return { kind: 'failed', message: `Asked whether its kernel has AppArmor, the target did not answer either: ${answer.why}` };
}

export type LoadedList =
  | { readonly ok: true; readonly profiles: LoadedProfile[]; readonly execution: Execution; readonly notes: string[] }
  | { readonly ok: false; readonly outcome: Outcome; readonly execution: Execution; readonly notes: string[] };

/**
 * The loaded profiles of the target: `aa-status --json`, else (aa-status missing, or its JSON
 * malformed, as bookworm's 3.0.8 prints it once a profile is loaded) the kernel's own list.
 */
export async function listLoadedOnTarget(runner: Runner, target: Target): Promise<LoadedList> {
  const status = await runner.runOnTarget(target, TARGET_COMMANDS.status);
  const notes: string[] = [];
  const run = status.result;
  if (run.exitCode === 0) {
    try {
      return { ok: true, profiles: parseAaStatus(run.stdout), execution: status, notes };
    } catch (e) {
      notes.push(`aa-status --json on the target printed what is not its JSON (${(e as Error).message}); reading the kernel's list instead.`);
    }
  } else if (run.spawnError || isUnreachable(run, target)) {
    return { ok: false, outcome: explainTargetRun(run, 'aa-status', target), execution: status, notes };
  } else {
    notes.push(isNotFoundOnTarget(run) ? 'aa-status is not installed on the target; reading the kernel\'s list instead.' : `aa-status failed on the target (exit status ${run.exitCode ?? 'none'}); reading the kernel's list instead.`);
  }
  const fallback = await listProfilesFileOnTarget(runner, target);
  return { ...fallback, notes: [...notes, ...fallback.notes] };
}

/** `cat /sys/kernel/security/apparmor/profiles` on the target: one cheap command (the status bar's). */
export async function listProfilesFileOnTarget(runner: Runner, target: Target): Promise<LoadedList> {
  const execution = await runner.runOnTarget(target, TARGET_COMMANDS.profiles);
  const run = execution.result;
  if (run.exitCode === 0) return { ok: true, profiles: parseProfilesFile(run.stdout), execution, notes: [] };
  const outcome = explainTargetRun(run, 'cat', target);
  if (outcome.kind !== 'failed' || isUnreachable(run, target)) return { ok: false, outcome, execution, notes: [] };
  // The file is missing: no AppArmor, or securityfs not mounted there.
  const why = await askKernel(runner, target);
  return { ok: false, outcome: why ?? { kind: 'noKernel', message: noKernelOnTarget(target, 'its apparmor filesystem is not mounted (mount -t securityfs securityfs /sys/kernel/security)') }, execution, notes: [] };
}
