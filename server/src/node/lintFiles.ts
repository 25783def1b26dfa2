import * as fs from 'fs';
import * as nodePath from 'path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { Analyzer } from '../service/analyze';
import { severityOf } from '../service/diagnosticRules';
import { toDiagnostics } from '../service/diagnostics';
import { isSkippedName } from '../service/includes';
import { nodeFileSystem } from './nodeFileSystem';

export interface LintSettings {
  readonly includeDirs: readonly string[];
  readonly base?: string;
  readonly abi?: string;
  /** Force fragment mode on (true) or off (false); detect by path and content when absent. */
  readonly fragment?: boolean;
}

export interface LintedFile {
  readonly path: string;
  readonly text: string;
  readonly diagnostics: Diagnostic[];
}

/** Folders of an apparmor.d tree that hold no policy source. */
const NON_POLICY_DIRS = new Set(['abi', 'cache', 'disable', 'force-complain']);

/** Expands directories (recursively) into the files apparmor_parser would read. */
export function collectFiles(paths: readonly string[]): { files: string[]; problems: string[] } {
  const files: string[] = [];
  const problems: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch (e) {
      problems.push(`cannot read directory ${dir}: ${(e as Error).message}`);
      return;
    }
    for (const name of names) {
      // Markdown beside profiles is documentation, not policy.
      if (isSkippedName(name) || name.endsWith('.md')) continue;
      const p = nodePath.join(dir, name);
      const st = statOrUndefined(p);
      if (st?.isDirectory()) {
        if (!NON_POLICY_DIRS.has(name)) walk(p);
      } else if (st?.isFile()) files.push(p);
    }
  };
  for (const p of paths) {
    if (p === '-') { files.push(p); continue; }
    const st = statOrUndefined(p);
    if (!st) problems.push(`no such file or directory: ${p}`);
    else if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  // A file named twice (or reached through two given folders) is checked and listed once.
  const seen = new Set<string>();
  const unique = files.filter((f) => {
    const key = f === '-' ? f : nodePath.resolve(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { files: unique, problems };
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

  constructor(private readonly settings: LintSettings) {
    this.analyzer = new Analyzer({
      fs: nodeFileSystem,
      includeDirs: settings.includeDirs,
      base: settings.base ? nodePath.resolve(settings.base) : undefined,
      abi: settings.abi,
    });
  }

  lintText(path: string, text: string): LintedFile {
    const abs = path === '-' ? nodePath.resolve('stdin') : nodePath.resolve(path);
    const { problems } = this.analyzer.analyze(abs, text, this.settings.fragment);
    // Hints are editor advice (a repeated rule, '#include'); the command line reports findings.
    const findings = problems.filter((p) => severityOf(p.code) !== 'hint');
    return { path, text, diagnostics: toDiagnostics(text, findings) };
  }
}
