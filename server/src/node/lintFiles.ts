import * as fs from 'fs';
import * as nodePath from 'path';
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import { Analyzer } from '../service/analyze';
import type { AbiTarget } from '../service/checks/checkTargetAbi';
import { TargetAbiChecker } from '../service/checkTargetAbiIncludes';
import { toDiagnostics } from '../service/diagnostics';
import { applyLintPolicy, LintPolicy } from '../service/lintPolicy';
import { isSkippedName } from '../service/includes';
import { inSystemTree, isSkippedDir, SYSTEM_TREES } from '../service/policyTree';
import { describeError, formatSize, MAX_PROFILE_BYTES } from './boundedRead';
import { nodeFileSystem } from './nodeFileSystem';
import { parseCache } from './parseCache';

export interface LintSettings {
  readonly includeDirs: readonly string[];
  readonly base?: string;
  readonly abi?: string;
  /** Force fragment mode on (true) or off (false); detect by path and content when absent. */
  readonly fragment?: boolean;
  /** ABIs each profile is also held to. */
  readonly targets?: readonly AbiTarget[];
  /** Severities and suppressions, as the command line and the editor apply them alike. */
  readonly policy?: LintPolicy;
}

export interface LintedFile {
  readonly path: string;
  readonly text: string;
  readonly diagnostics: Diagnostic[];
}


export interface CollectedFiles {
  readonly files: string[];
  /** Paths that cannot be checked: each makes the exit status 2. */
  readonly problems: string[];
  /** What the walk passed over that might surprise (a file over the size limit). */
  readonly notes: string[];
}

/**
 * Expands directories (recursively) into the files apparmor_parser would read. The walk
 * goes by real path: each folder and each file is visited once, whatever symlinks lead to
 * it again (a link to `.` makes no loop), and a file reached by two names is listed once.
 */
export function collectFiles(paths: readonly string[], maxBytes = MAX_PROFILE_BYTES): CollectedFiles {
  const walk = new Walk(maxBytes);
  for (const p of paths) walk.add(p);
  return { files: walk.files, problems: walk.problems, notes: walk.notes };
}

class Walk {
  readonly files: string[] = [];
  readonly problems: string[] = [];
  readonly notes: string[] = [];
  private readonly seenDirs = new Set<string>();
  private readonly seenFiles = new Set<string>();

  constructor(private readonly maxBytes: number) {}

  /** A path given on the command line: a folder is walked, anything else is read later. */
  add(p: string): void {
    if (p === '-') { this.addFile(p, p); return; }
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      this.problems.push(`cannot read ${p}: ${describeError(e)}`);
      return;
    }
    if (!st.isDirectory()) { this.addFile(p, realOrResolved(p)); return; }
    const real = realOrResolved(p);
    if (inSystemTree(real)) this.notes.push(`skipped ${p}: ${SYSTEM_TREES.join(', ')} hold no policy and are not walked`);
    else this.walk(p, real);
  }

  private addFile(p: string, real: string): void {
    if (this.seenFiles.has(real)) return;
    this.seenFiles.add(real);
    this.files.push(p);
  }

  private walk(dir: string, real: string): void {
    if (this.seenDirs.has(real)) return;
    this.seenDirs.add(real);
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch (e) {
      this.problems.push(`cannot read directory ${dir}: ${describeError(e)}`);
      return;
    }
    // Markdown beside profiles is documentation, not policy.
    for (const name of names) if (!isSkippedName(name) && !name.endsWith('.md')) this.visit(dir, name);
  }

  private visit(dir: string, name: string): void {
    const p = nodePath.join(dir, name);
    const st = statOrUndefined(p);
    if (!st?.isDirectory() && !st?.isFile()) return;
    if (st.isDirectory() && isSkippedDir(name)) return;
    const real = realOrResolved(p);
    if (inSystemTree(real)) return;
    if (st.isDirectory()) this.walk(p, real);
    else if (st.size > this.maxBytes) this.notes.push(`skipped ${p}: larger than ${formatSize(this.maxBytes)}, the limit for a profile (--max-size raises it)`);
    else this.addFile(p, real);
  }
}

function realOrResolved(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return nodePath.resolve(p);
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** The search path: what was given, else /etc/apparmor.d where it exists, else none. */
export function defaultIncludeDirs(given: readonly string[]): string[] {
  if (given.length > 0) return given.map((d) => nodePath.resolve(d));
  return statOrUndefined('/etc/apparmor.d')?.isDirectory() ? ['/etc/apparmor.d'] : [];
}

export class Linter {
  private readonly analyzer: Analyzer;
  private readonly targets: TargetAbiChecker;

  constructor(private readonly settings: LintSettings) {
    this.targets = new TargetAbiChecker(settings.targets ?? []);
    const parses = parseCache();
    this.analyzer = new Analyzer({
      fs: nodeFileSystem,
      ...(parses ? { parses } : {}),
      includeDirs: settings.includeDirs,
      base: settings.base ? nodePath.resolve(settings.base) : undefined,
      abi: settings.abi,
    });
  }

  lintText(path: string, text: string): LintedFile {
    const abs = path === '-' ? nodePath.resolve('stdin') : nodePath.resolve(path);
    const { problems, parse } = this.analyzer.analyze(abs, text, this.settings.fragment);
    const all = this.targets.active ? [...problems, ...this.targets.check(this.analyzer, abs, parse.ast)] : problems;
    const diagnostics = applyLintPolicy(text, toDiagnostics(text, all), this.settings.policy);
    // Hints are editor advice (a repeated rule, '#include'), unless the configuration raises them.
    return { path, text, diagnostics: diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Hint) };
  }
}
