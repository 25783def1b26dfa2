/**
 * `apparmor.target`: where the kernel commands run. Absent or empty, on this machine; else a
 * command prefix (`["ssh", "root@web1"]`, `["docker", "exec", "-i", "host"]`) that the
 * target's own argument vector follows. The profile goes on standard input, since the file
 * need not exist there.
 *
 * Every word the extension adds after the prefix is plain for sh (a test holds this): ssh
 * joins its arguments into one line for the remote shell, and a plain word means the same
 * there as here, so the same vectors work through ssh and through prefixes that exec.
 */
import type { ParserMessage } from '../../../server/src/service/parserMessages';
import type { LoadedProfile } from './aaStatus';
import type { Outcome, RunResult } from './outcome';
import { quoteForSh, toShellLine } from './shellQuote';

export type Target = readonly string[];

/** What the setting holds: no target (this machine), a target, or why it is not usable. */
export type TargetSetting = { readonly target?: Target } | { readonly error: string };

export function readTargetSetting(value: unknown): TargetSetting {
  if (value === undefined || value === null || value === '') return {};
  if (!Array.isArray(value) || value.some((w) => typeof w !== 'string')) {
    return { error: 'apparmor.target must be a list of words, such as ["ssh", "root@web1"], or empty for this machine.' };
  }
  if (value.length === 0) return {};
  if (value[0] === '') return { error: 'apparmor.target starts with an empty word: its first word is the program to run.' };
  return { target: [...(value as string[])] };
}

/** On the target, programs are named, not given as paths: the target's PATH finds them. */
const TARGET_PARSER = 'apparmor_parser';
const TARGET_AA_STATUS = 'aa-status';
/** Readable by anyone; `Y` where AppArmor is the kernel's LSM and enabled. */
const ENABLED_PARAMETER = '/sys/module/apparmor/parameters/enabled';
export const PROFILES_FILE = '/sys/kernel/security/apparmor/profiles';

export function onTarget(target: Target, argv: readonly string[]): string[] {
  return [...target, ...argv];
}

/**
 * The commands after the prefix. Include folders and the base are not passed: they are
 * paths of this machine; the target's apparmor_parser uses its own (/etc/apparmor.d).
 */
export const TARGET_COMMANDS = {
  load: [TARGET_PARSER, '-r', '-W'],
  unload: [TARGET_PARSER, '-R'],
  kernelCheck: ['cat', ENABLED_PARAMETER],
  status: [TARGET_AA_STATUS, '--json'],
  profiles: ['cat', PROFILES_FILE],
} as const satisfies Record<string, readonly string[]>;

/** A short name for the status bar: the host, container or VM where the prefix says, else the prefix itself. */
export function targetName(target: Target): string {
  const program = baseName(target[0] ?? '');
  const words = target.slice(1);
  const firstOperand = (from: number, withValue: readonly string[]): string | undefined => {
    for (let i = from; i < words.length; i++) {
      const w = words[i]!;
      if (w === '--') return words[i + 1];
      if (!w.startsWith('-')) return w;
      if (withValue.includes(w)) i++;
    }
    return undefined;
  };
  let name: string | undefined;
  if (program === 'ssh') name = firstOperand(0, ['-p', '-i', '-l', '-o', '-F', '-J', '-b', '-c', '-D', '-E', '-L', '-R', '-S', '-W', '-w', '-m', '-Q', '-B', '-e', '-I', '-O']);
  else if ((program === 'docker' || program === 'podman' || program === 'kubectl') && words[0] === 'exec') name = firstOperand(1, ['-u', '--user', '-w', '--workdir', '-e', '--env', '-c', '--container', '-n', '--namespace']);
  else if ((program === 'multipass' || program === 'lxc' || program === 'incus') && words[0] === 'exec') name = firstOperand(1, ['--working-directory', '-d', '--env', '--user', '--group', '--cwd']);
  // Else the program, or for an interpreter the script it runs.
  const script = INTERPRETERS.has(program) && words[0] && !words[0].startsWith('-') ? baseName(words[0]) : undefined;
  const shown = name ?? script ?? program;
  return shown.length > 32 ? `${shown.slice(0, 31)}…` : shown;
}

const INTERPRETERS = new Set(['node', 'nodejs', 'python', 'python3', 'sh', 'bash', 'perl']);

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The target's AppArmor, from `cat /sys/module/apparmor/parameters/enabled`. */
export type KernelCheck = { readonly has: true } | { readonly has: false; readonly why: string } | { readonly has: 'unknown'; readonly why: string };

export function readKernelCheck(run: RunResult): KernelCheck {
  if (run.exitCode === 0) {
    const value = run.stdout.trim();
    return value === 'Y' ? { has: true } : { has: false, why: `${ENABLED_PARAMETER} is "${value}": AppArmor is built in but not enabled (add apparmor=1 security=apparmor to the kernel's command line)` };
  }
  if (run.exitCode !== null && /No such file or directory/i.test(run.stderr) && !isNotFoundOnTarget(run)) {
    return { has: false, why: `${ENABLED_PARAMETER} is missing: the kernel has no AppArmor` };
  }
  return { has: 'unknown', why: firstLines(run.stderr || run.stdout) };
}

/** The target's PATH has no such program: shells, env and docker exec say 127; sudo says it in words. */
export function isNotFoundOnTarget(run: RunResult): boolean {
  return run.exitCode === 127 || (run.exitCode !== 0 && /^sudo: [^\n]*: command not found|executable file not found/m.test(run.stderr));
}

/** ssh could not log in, or the prefix's program could not be started: asking the target again would fail the same way. */
export function isUnreachable(run: RunResult, target: Target): boolean {
  return run.spawnError !== undefined || (baseName(target[0]!) === 'ssh' && run.exitCode === 255);
}

/**
 * What a failed command through the target means to the user. `program` is what ran there
 * (apparmor_parser, aa-status …). Problems of the profile itself are left to the caller,
 * which maps them to lines.
 */
export function explainTargetRun(run: RunResult, program: string, target: Target): Outcome {
  const where = `the target (${toShellLine(target)})`;
  const prefixProgram = target[0]!;
  if (run.spawnError === 'ENOENT') return { kind: 'missing', message: `${prefixProgram}, the first word of apparmor.target, was not found on this machine.` };
  if (run.spawnError === 'EACCES' || run.spawnError === 'EPERM') return { kind: 'permission', message: `${prefixProgram}, the first word of apparmor.target, cannot be run: permission denied.` };
  if (run.spawnError) return { kind: 'failed', message: run.detail ?? `${prefixProgram} could not be started (${run.spawnError}).` };
  if (run.exitCode === 0) return { kind: 'ok', message: `${program} succeeded on ${where}.` };
  if (isNotFoundOnTarget(run)) {
    return { kind: 'missing', message: `${program} was not found on ${where}. Install AppArmor's tools there (Debian/Ubuntu: apt-get install apparmor), or put its folder in the target's PATH, e.g. end apparmor.target with "env", "PATH=/usr/sbin:/usr/bin:/sbin:/bin".` };
  }
  if (isUnreachable(run, target)) {
    return { kind: 'failed', message: `Could not reach ${where}: ${firstLines(run.stderr)} (ssh must log in without asking: use a key, or add "-o", "BatchMode=yes" to see why).` };
  }
  if (/^sudo: (a password is required|a terminal is required|no tty present)/m.test(run.stderr)) {
    return { kind: 'permission', message: `sudo on ${where} wants a password, and there is no terminal to type it in. Allow the command without a password there (sudoers NOPASSWD), or log in as root.` };
  }
  if (/unable to find a suitable fs in \/proc\/mounts|apparmor not present|apparmor filesystem is not mounted/i.test(run.stderr)) {
    return { kind: 'noKernel', message: noKernelOnTarget(target, 'its apparmor filesystem is not mounted') };
  }
  if (/permission denied|access denied|need policy admin privileges|not enough privilege|operation not permitted/i.test(run.stderr)) {
    return { kind: 'permission', message: `Permission denied: ${program} needs root on ${where}. Log in as root there, or end apparmor.target with "sudo" (apparmor.privilege is not used with a target).` };
  }
  return { kind: 'failed', message: `${program} failed on ${where} (exit status ${run.exitCode ?? 'none'}): ${firstLines(run.stderr || run.stdout)}` };
}

export function noKernelOnTarget(target: Target, why: string): string {
  return `The target (${toShellLine(target)}) has no AppArmor to talk to: ${why}. Profiles cannot be loaded, unloaded or listed there.`;
}

/** What the status bar says about the active file's profiles on the target. */
export interface FileState {
  /** Short, for the status bar: "enforce", "complain", "not loaded", "2 of 3 loaded", "mixed". */
  readonly summary: string;
  /** One line per profile of the file. */
  readonly details: string[];
}

export function describeFileState(names: readonly string[], loaded: readonly LoadedProfile[]): FileState {
  const modes = new Map(loaded.map((p) => [p.name, p.mode]));
  const found = names.map((n) => ({ name: n, mode: modes.get(n) }));
  const details = found.map((f) => `${f.name}: ${f.mode ?? 'not loaded'}`);
  const loadedModes = found.flatMap((f) => (f.mode === undefined ? [] : [f.mode]));
  if (names.length === 0) return { summary: 'no profile', details: ['This file defines no profile.'] };
  if (loadedModes.length === 0) return { summary: 'not loaded', details };
  if (loadedModes.length < names.length) return { summary: `${loadedModes.length} of ${names.length} loaded`, details };
  const distinct = [...new Set(loadedModes)];
  return { summary: distinct.length === 1 ? distinct[0]! : 'mixed modes', details };
}

/** The redirection written after a command line whose standard input is a file's text: the line then runs as shown. */
export function describeInput(file: string): string {
  return `< ${quoteForSh(file)}`;
}

function firstLines(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !/^Cache read\/write disabled/.test(l));
  return lines.slice(0, 3).join(' ') || 'no message';
}

/**
 * apparmor_parser reading standard input names no file in its errors (or `stdin`, or `-`):
 * those are lines of the document, which is what was sent. A message naming another file is
 * about a file of the target (an included abstraction), not this machine's file of that name:
 * it goes on the document's first line, saying where it is.
 */
export function placeTargetMessages(messages: readonly ParserMessage[], lineCount = Infinity): ParserMessage[] {
  return messages.map((m) => {
    if (m.file === undefined || m.file === 'stdin' || m.file === '-') {
      // Reading standard input, the parser names no file even for an error inside an include: a line past the end can only be one.
      if (m.line !== undefined && m.line > lineCount) return { severity: m.severity, message: `line ${m.line} of a file it includes: ${m.message}` };
      return { severity: m.severity, line: m.line, message: m.message };
    }
    return { severity: m.severity, message: `${m.file}${m.line === undefined ? '' : ` line ${m.line}`} on the target: ${m.message}` };
  });
}
