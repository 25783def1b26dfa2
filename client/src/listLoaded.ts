import { type LoadedProfile, parseAaStatus, parseProfilesFile } from './core/aaStatus';
import { buildStatusArgs, type Privilege } from './core/commandLines';
import { classifyRun, type Outcome } from './core/outcome';
import { explainTargetRun, isNotFoundOnTarget, isUnreachable, noKernelOnTarget, PROFILES_FILE, Target, TARGET_COMMANDS } from './core/target';
import type { Execution, Runner } from './runner';
import { askKernel } from './targetRun';

// No vscode here: both places are tested over stand-in and real Runners (test/client/).

/**
 * Where the loaded profiles are asked for: this machine, as root the way apparmor.privilege
 * says, or the target, through its prefix. The steps are the same; the words differ.
 */
export interface KernelPlace {
  run(argv: readonly string[]): Promise<Execution>;
  /** aa-status's argument vector there. */
  readonly statusArgs: readonly string[];
  /** " on the target", or "" here: for the notes. */
  readonly where: string;
  /** What a failed run of `program` means to the user. */
  explain(execution: Execution, program: string): Outcome;
  /** aa-status is not there to run (sudo or the target's shell said so). */
  isMissing(execution: Execution): boolean;
  /** Asking again would fail the same way or ask the user again: unreachable, cancelled, refused. */
  isFinal(execution: Execution): boolean;
  /** Why the kernel's list could not be read, once reading it failed. */
  whyNoList(execution: Execution): Promise<Outcome>;
}

export type LoadedList =
  | { readonly ok: true; readonly profiles: LoadedProfile[]; readonly execution: Execution; readonly notes: string[] }
  | { readonly ok: false; readonly outcome: Outcome; readonly execution: Execution; readonly notes: string[] };

/**
 * The loaded profiles: `aa-status --json`, else (aa-status missing or failing, or its JSON
 * unreadable) the kernel's own list, which needs nothing installed.
 */
export async function listLoaded(place: KernelPlace): Promise<LoadedList> {
  const status = await place.run(place.statusArgs);
  const notes: string[] = [];
  const run = status.result;
  // Here aa-status's exit status 2 means no policy is loaded: its output is still read.
  if (run.exitCode === 0 || (!run.spawnError && place.explain(status, 'aa-status').kind === 'ok')) {
    try {
      return { ok: true, profiles: parseAaStatus(run.stdout), execution: status, notes };
    } catch (e) {
      notes.push(`aa-status --json${place.where} printed what is not its JSON (${(e as Error).message}); reading the kernel's list instead.`);
    }
  } else if (place.isFinal(status)) {
    return { ok: false, outcome: place.explain(status, 'aa-status'), execution: status, notes };
  } else {
    notes.push(place.isMissing(status)
      ? `aa-status is not installed${place.where}; reading the kernel's list instead.`
      : `aa-status failed${place.where} (${run.exitCode === null ? run.spawnError ?? 'no exit status' : `exit status ${run.exitCode}`}); reading the kernel's list instead.`);
  }
  const fallback = await listProfilesFile(place);
  return { ...fallback, notes: [...notes, ...fallback.notes] };
}

/** `cat /sys/kernel/security/apparmor/profiles`: one cheap command (the status bar's). */
export async function listProfilesFile(place: KernelPlace): Promise<LoadedList> {
  const execution = await place.run(['cat', PROFILES_FILE]);
  if (execution.result.exitCode === 0) return { ok: true, profiles: parseProfilesFile(execution.result.stdout), execution, notes: [] };
  return { ok: false, outcome: await place.whyNoList(execution), execution, notes: [] };
}

export function targetPlace(runner: Runner, target: Target): KernelPlace {
  return {
    run: (argv) => runner.runOnTarget(target, argv),
    statusArgs: TARGET_COMMANDS.status,
    where: ' on the target',
    explain: (e, program) => explainTargetRun(e.result, program, target),
    isMissing: (e) => isNotFoundOnTarget(e.result),
    isFinal: (e) => e.result.spawnError !== undefined || isUnreachable(e.result, target),
    whyNoList: async (e) => {
      const outcome = explainTargetRun(e.result, 'cat', target);
      if (outcome.kind !== 'failed' || isUnreachable(e.result, target)) return outcome;
      // The file is missing: no AppArmor, or securityfs not mounted there.
      return (await askKernel(runner, target)) ?? { kind: 'noKernel', message: noKernelOnTarget(target, 'its apparmor filesystem is not mounted (mount -t securityfs securityfs /sys/kernel/security)') };
    },
  };
}

/**
 * This machine: the kernel's list is readable by root only, like aa-status's view of it,
 * so both run the way apparmor.privilege says. The caller has checked that the kernel has
 * AppArmor.
 */
export function herePlace(runner: Runner, aaStatus: string, privilege: Privilege): KernelPlace {
  const explain = (e: Execution, name: string): Outcome => classifyRun(e.result, { name, program: e.program });
  return {
    run: (argv) => runner.runAsRoot(argv, privilege),
    statusArgs: buildStatusArgs(aaStatus),
    where: '',
    explain,
    isMissing: (e) => explain(e, 'aa-status').kind === 'missing',
    // sudo or pkexec missing, refused or dismissed: the kernel's list would go the same way.
    isFinal: (e) => {
      const kind = explain(e, 'aa-status').kind;
      return kind === 'permission' || kind === 'cancelled' || kind === 'noKernel' || (e.result.spawnError !== undefined && e.program !== aaStatus);
    },
    whyNoList: (e) => Promise.resolve(explain(e, `cat ${PROFILES_FILE}`)),
  };
}
