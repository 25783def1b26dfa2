import * as fs from 'fs';
import type { Privilege } from './core/commandLines';
import {
  explainFileError, explainRun, explainTargetSource, keepTail, LogSource, MAX_LOG_BYTES, mentionsAppArmor, programArgv, SourceFailure, SourceSetting, sourceLabel, sourcesFor,
} from './core/logSources';
import { plural } from './core/denialItems';
import { Target, targetName } from './core/target';
import type { Runner } from './runner';

// No vscode here: the choice of source is tested with a stand-in Runner (test/client/).

interface LogText {
  readonly text: string;
  /** Where it came from, for the view's title. */
  readonly label: string;
}

export type ReadOutcome =
  /** `notes`: what the sources tried before (or instead of) this one said. */
  | { readonly ok: true; readonly log: LogText; readonly notes: readonly string[] }
  | { readonly ok: false; readonly failures: readonly SourceFailure[] };

export interface ReadHow {
  readonly trusted: boolean;
  /** Read as root the way apparmor.privilege says. */
  readonly asRoot?: Privilege;
  /** Read on this target (apparmor.target): every source through its prefix, files with tail; asRoot is not used. */
  readonly target?: Target;
}

/**
 * The kernel's log from the source the setting names, or (auto) from the first source that
 * holds AppArmor records. A source that can be read but holds none is kept in case no other
 * does better, so "no denials" is told apart from "could not read".
 */
export async function readSystemLog(runner: Runner, setting: SourceSetting, how: ReadHow): Promise<ReadOutcome> {
  const failures: SourceFailure[] = [];
  let quiet: LogText | undefined;
  for (const source of sourcesFor(setting)) {
    const read = await readSource(runner, source, how);
    if (!('text' in read)) {
      failures.push(read);
      continue;
    }
    if (mentionsAppArmor(read.text)) return { ok: true, log: read, notes: failures.map((f) => f.message) };
    quiet ??= read;
    failures.push({ message: `${read.label}: no AppArmor records in ${plural(countLines(read.text), 'line')}.`, permission: false });
  }
  return quiet ? { ok: true, log: quiet, notes: failures.map((f) => f.message) } : { ok: false, failures };
}

async function readSource(runner: Runner, source: LogSource, how: ReadHow): Promise<LogText | SourceFailure> {
  if (how.target) return readOnTarget(runner, source, how.target, how.trusted);
  const label = sourceLabel(source) + (how.asRoot ? ' (as root)' : '');
  if (!how.trusted && (source.kind === 'program' || how.asRoot)) {
    return { message: `${sourceLabel(source)}: not run, as this workspace is not trusted.`, permission: false };
  }
  if (source.kind === 'file' && !how.asRoot) {
    try {
      return { text: await readTail(source.path), label };
    } catch (e) {
      return explainFileError(source, (e as NodeJS.ErrnoException).code ?? String(e));
    }
  }
  const argv = programArgv(source);
  // Room for the whole output: the tail is kept afterwards, and a full buffer would stop the program.
  const room = 2 * MAX_LOG_BYTES;
  const run = how.asRoot ? (await runner.runAsRoot(argv, how.asRoot, room)).result : (await runner.run(argv, room)).result;
  const failure = explainRun(source, run);
  return failure ?? { text: keepTail(run.stdout, MAX_LOG_BYTES).text, label };
}

async function readOnTarget(runner: Runner, source: LogSource, target: Target, trusted: boolean): Promise<LogText | SourceFailure> {
  const label = `${sourceLabel(source)} on ${targetName(target)}`;
  if (!trusted) return { message: `${label}: not run, as this workspace is not trusted.`, permission: false };
  const run = (await runner.runOnTarget(target, programArgv(source), undefined, 2 * MAX_LOG_BYTES)).result;
  return explainTargetSource(source, run, target) ?? { text: keepTail(run.stdout, MAX_LOG_BYTES).text, label };
}

/** A log file's newest part, whole lines, at most MAX_LOG_BYTES of it. */
export async function readTail(path: string): Promise<string> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_LOG_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    return length < size ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await handle.close();
  }
}

function countLines(text: string): number {
  let n = text === '' || text.endsWith('\n') ? 0 : 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
