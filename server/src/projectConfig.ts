import type { Diagnostic } from 'vscode-languageserver-types';
import type { FileNode } from './service/ast';
import type { Analyzer } from './service/analyze';
import type { AbiTarget } from './service/checks/checkTargetAbi';
import { TargetAbiChecker } from './service/checkTargetAbiIncludes';
import { toDiagnostics } from './service/diagnostics';
import { featureLimits, parseFeatures } from './service/featureSet';
import type { FileSystem } from './service/includes';
import { CONFIG_NAME, findLintConfig, isIgnored, LintConfig } from './service/lintConfig';
import { applyLintPolicy } from './service/lintPolicy';
import type { Settings } from './workspace';

/**
 * `.apparmor-lint.json` as the server reads it, so the editor shows what CI reports:
 * severities, ignored paths, target ABIs and suppressions per file; include folders, base
 * and abi from the configuration of the workspace folder (or of the first file opened),
 * under what the user set in the editor.
 */
export class ProjectConfigs {
  private cache = new Map<string, LintConfig | null>();
  private readonly complained = new Set<string>();
  private readonly targets = new Map<string, TargetAbiChecker>();

  constructor(private readonly fs: FileSystem, private readonly log: (message: string) => void) {}

  /** Forgets what was read (a configuration file changed). */
  clear(): void {
    this.cache = new Map();
    this.targets.clear();
    this.complained.clear();
  }

  /** The configuration over a file; a broken one is logged once and counts as none. */
  forFile(path: string): LintConfig | undefined {
    try {
      return findLintConfig(this.fs, path, this.cache);
    } catch (e) {
      const message = (e as Error).message;
      if (!this.complained.has(message)) this.log(`${CONFIG_NAME} ignored: ${message}`);
      this.complained.add(message);
      return undefined;
    }
  }

  /** Settings the first configuration found from these folders (or files) gives, before the user's. */
  settingsFor(folders: readonly string[], files: readonly string[] = []): Partial<Settings> {
    const config = [...folders.map((f) => `${f.replace(/\/$/, '')}/${CONFIG_NAME}`), ...files].map((p) => this.forFile(p)).find((c) => c);
    if (!config) return {};
    return {
      ...(config.includeDirs ? { includeDirs: config.includeDirs } : {}),
      ...(config.base ? { base: config.base } : {}),
      ...(config.abi ? { abi: config.abi } : {}),
    };
  }

  /** A file's diagnostics as the project wants them (none for an ignored file). */
  apply(analyzer: Analyzer, path: string, text: string, ast: FileNode, diagnostics: readonly Diagnostic[]): Diagnostic[] {
    const config = this.forFile(path);
    if (!config) return applyLintPolicy(text, diagnostics);
    if (isIgnored(config, path)) return [];
    const targets = this.targetsOf(config);
    const all = targets.active ? [...diagnostics, ...toDiagnostics(text, targets.check(analyzer, path, ast))] : diagnostics;
    return applyLintPolicy(text, all, { severity: config.severity });
  }

  private targetsOf(config: LintConfig): TargetAbiChecker {
    const known = this.targets.get(config.path);
    if (known) return known;
    const out: AbiTarget[] = (config.targetAbi ?? []).map((v) => ({ name: v, version: v }));
    if (config.featuresFile) {
      const text = this.fs.readFile(config.featuresFile);
      try {
        if (text === undefined) throw new Error('cannot be read');
        out.push({ name: config.featuresFile.slice(config.featuresFile.lastIndexOf('/') + 1), ...featureLimits(parseFeatures(text)) });
      } catch (e) {
        this.log(`${config.path}: features file ${config.featuresFile} ignored: ${(e as Error).message}`);
      }
    }
    const checker = new TargetAbiChecker(out);
    this.targets.set(config.path, checker);
    return checker;
  }
}
