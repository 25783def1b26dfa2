/** Where the kernel's AppArmor records can be read, and what to tell the user when one cannot be. */
import type { RunResult } from './outcome';
import { explainTargetRun, isNotFoundOnTarget, isUnreachable, Target, targetName } from './target';

export type LogSourceName = 'dmesg' | 'journalctl' | 'audit.log' | 'syslog';
export type SourceSetting = 'auto' | LogSourceName;

export type LogSource =
  | { readonly name: LogSourceName; readonly kind: 'program'; readonly argv: readonly string[] }
  | { readonly name: LogSourceName; readonly kind: 'file'; readonly path: string };

/** The tail of a log that is read: the newest records, and a bounded request to the server. */
export const MAX_LOG_BYTES = 32 * 1024 * 1024;
/** journalctl keeps every boot's messages; the current boot's newest lines are the ones that matter. */
const JOURNAL_LINES = 100_000;

/** Tried in this order by `auto`: the kernel's own buffer first, then the journal, then the files auditd and rsyslog write. */
export const AUTO_ORDER: readonly LogSourceName[] = ['dmesg', 'journalctl', 'audit.log', 'syslog'];

const SOURCES: Readonly<Record<LogSourceName, LogSource>> = {
  dmesg: { name: 'dmesg', kind: 'program', argv: ['dmesg'] },
  journalctl: { name: 'journalctl', kind: 'program', argv: ['journalctl', '-k', '-b', '-o', 'short-iso', '--no-pager', '-n', String(JOURNAL_LINES)] },
  'audit.log': { name: 'audit.log', kind: 'file', path: '/var/log/audit/audit.log' },
  syslog: { name: 'syslog', kind: 'file', path: '/var/log/syslog' },
};

export function logSource(name: LogSourceName): LogSource {
  return SOURCES[name];
}

export function isSourceSetting(value: unknown): value is SourceSetting {
  return value === 'auto' || AUTO_ORDER.includes(value as LogSourceName);
}

/** The sources a setting means, in order. */
export function sourcesFor(setting: SourceSetting): LogSource[] {
  return (setting === 'auto' ? AUTO_ORDER : [setting]).map(logSource);
}

/** How the source is named to the user: the command line or the file. */
export function sourceLabel(source: LogSource): string {
  return source.kind === 'program' ? source.argv.slice(0, 2).join(' ') : source.path;
}

/** The program that reads the source: itself, or for a file tail(1), which sudo and pkexec can run as root. */
export function programArgv(source: LogSource): string[] {
  return source.kind === 'program' ? [...source.argv] : ['tail', '-c', String(MAX_LOG_BYTES), '--', source.path];
}

/** Whether a text holds anything the log reader would take for an AppArmor record; cheap, for choosing a source. */
export function mentionsAppArmor(text: string): boolean {
  return /apparmor=|type=APPARMOR_|type=15\d\d\b/.test(text);
}

export interface SourceFailure {
  readonly message: string;
  /** Reading as root would help. */
  readonly permission: boolean;
}

const DENIED = /operation not permitted|permission denied/i;
const JOURNAL_PERMISSION = /insufficient permissions|not seeing messages from other users and the system/i;

/** Why a program source gave nothing usable, and what to do about it; undefined when it was read. */
export function explainRun(source: LogSource, run: RunResult): SourceFailure | undefined {
  const label = sourceLabel(source);
  if (run.spawnError === 'ENOENT') return { message: `${label}: ${source.name} is not installed.`, permission: false };
  if (run.spawnError) return { message: `${label}: could not be run (${run.detail ?? run.spawnError}).`, permission: run.spawnError === 'EACCES' };
  const output = `${run.stderr}\n${run.stdout}`;
  if (source.name === 'dmesg' && run.exitCode !== 0 && DENIED.test(output)) {
    return { message: `${label}: the kernel lets only root read its log (kernel.dmesg_restrict=1). Read it as root, or allow it with "sudo sysctl kernel.dmesg_restrict=0".`, permission: true };
  }
  if (source.name === 'journalctl' && JOURNAL_PERMISSION.test(output) && !mentionsAppArmor(run.stdout)) {
    return { message: `${label}: only your own journal is readable. Read it as root, or join the systemd-journal (or adm) group and log in again.`, permission: true };
  }
  if (run.exitCode !== 0) return { message: `${label}: failed (exit status ${run.exitCode ?? 'none'}): ${firstLine(run.stderr || run.stdout)}`, permission: DENIED.test(output) };
  return undefined;
}

/** Why a log file could not be read, from the errno code. */
export function explainFileError(source: LogSource & { kind: 'file' }, code: string): SourceFailure {
  if (code === 'ENOENT') {
    const why = source.name === 'audit.log' ? 'auditd is not installed, or logs elsewhere' : 'no rsyslog here; the journal holds the kernel log';
    return { message: `${source.path}: not there (${why}).`, permission: false };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    const who = source.name === 'audit.log' ? 'root only' : 'root and the adm group';
    return { message: `${source.path}: readable by ${who}. Read it as root.`, permission: true };
  }
  return { message: `${source.path}: cannot be read (${code}).`, permission: false };
}

/** The part of a log that is kept when it is longer than the limit: whole lines from the end. */
export function keepTail(text: string, maxChars: number): { text: string; cut: boolean } {
  if (text.length <= maxChars) return { text, cut: false };
  const tail = text.slice(text.length - maxChars);
  return { text: tail.slice(tail.indexOf('\n') + 1), cut: true };
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? 'no message';
}

/**
 * Why a source read through apparmor.target gave nothing usable; undefined when it was read.
 * Root comes from the prefix there, so the advice to read as root says how to get it.
 */
export function explainTargetSource(source: LogSource, run: RunResult, target: Target): SourceFailure | undefined {
  const where = `${sourceLabel(source)} on ${targetName(target)}`;
  const program = programArgv(source)[0]!;
  if (isNotFoundOnTarget(run)) return { message: `${where}: ${program} is not installed there.`, permission: false };
  if (isUnreachable(run, target)) return { message: `${where}: ${explainTargetRun(run, program, target).message}`, permission: false };
  const output = `${run.stderr}\n${run.stdout}`;
  if (source.kind === 'file' && run.exitCode !== 0 && /No such file or directory/i.test(output)) {
    return { message: `${targetName(target)}: ${explainFileError(source, 'ENOENT').message}`, permission: false };
  }
  const failure = source.kind === 'file' && run.exitCode !== 0 && DENIED.test(output) ? explainFileError(source, 'EACCES') : explainRun(source, run);
  if (!failure) return undefined;
  const rootHint = failure.permission ? ' With a target, root is had through apparmor.target: end it with "sudo", or log in as root.' : '';
  return { message: `${targetName(target)}: ${failure.message}${rootHint}`, permission: failure.permission };
}
