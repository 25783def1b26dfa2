import * as nodePath from 'path';
import { AbiTarget } from '../service/checks/checkTargetAbi';
import { FeatureFileError, featureLimits, parseFeatures } from '../service/featureSet';
import { ConfigError, findLintConfig, isIgnored, LintConfig, parseLintConfig } from '../service/lintConfig';
import { readText } from '../node/boundedRead';
import { defaultIncludeDirs, Linter } from '../node/lintFiles';
import { nodeFileSystem } from '../node/nodeFileSystem';
import type { LintArgs } from './args';
import { inWords } from './output';

/** A bad configuration or features file: told in one line, exit status 2. */
export class SetupError extends Error {}

/**
 * The linter for each file: options from the command line, the rest from the nearest
 * `.apparmor-lint.json` (or --config's). Files under one configuration share a linter, so
 * their includes are read once.
 */
export class Linters {
  private readonly configs = new Map<string, LintConfig | null>();
  private readonly linters = new Map<string, Linter>();
  private readonly features = new Map<string, AbiTarget>();
  private readonly explicit?: LintConfig;

  constructor(private readonly args: LintArgs) {
    if (args.config) this.explicit = this.readConfig(args.config);
  }

  /** The configuration that governs a file (undefined: none). */
  configFor(path: string): LintConfig | undefined {
    if (this.args.noConfig) return undefined;
    if (this.explicit) return this.explicit;
    try {
      return findLintConfig(nodeFileSystem, absolute(path), this.configs);
    } catch (e) {
      throw new SetupError(e instanceof ConfigError ? e.message : inWords(e));
    }
  }

  /** Whether the file's configuration says to leave it out. */
  ignores(path: string): boolean {
    return path !== '-' && isIgnored(this.configFor(path), absolute(path));
  }

  linterFor(path: string): Linter {
    const config = this.configFor(path);
    const key = config?.path ?? '';
    let linter = this.linters.get(key);
    if (!linter) this.linters.set(key, (linter = this.make(config)));
    return linter;
  }

  private make(config: LintConfig | undefined): Linter {
    const a = this.args;
    const featuresFile = a.featuresFile ? nodePath.resolve(a.featuresFile) : config?.featuresFile;
    const versions = a.targetAbi ?? config?.targetAbi ?? [];
    const targets: AbiTarget[] = versions.map((v) => ({ name: v, version: v }));
    if (featuresFile) targets.push(this.featureTarget(featuresFile));
    return new Linter({
      includeDirs: a.includeDirs.length > 0 || !config?.includeDirs ? defaultIncludeDirs(a.includeDirs) : [...config.includeDirs],
      base: a.base ?? config?.base,
      abi: a.abi ?? config?.abi,
      fragment: a.fragment ? true : undefined,
      targets,
      policy: { severity: config?.severity, reportUnusedSuppressions: a.reportUnusedSuppressions },
    });
  }

  private featureTarget(path: string): AbiTarget {
    let target = this.features.get(path);
    if (target) return target;
    try {
      const limits = featureLimits(parseFeatures(readText(path, 1024 * 1024, 'a features file')));
      target = { name: nodePath.basename(path), ...limits };
    } catch (e) {
      throw new SetupError(`features file ${path}: ${e instanceof FeatureFileError ? e.message : inWords(e)}`);
    }
    this.features.set(path, target);
    return target;
  }

  private readConfig(path: string): LintConfig {
    try {
      return parseLintConfig(absolute(path), readText(path, 1024 * 1024, 'a configuration file'));
    } catch (e) {
      throw new SetupError(e instanceof ConfigError ? e.message : `cannot read ${path}: ${inWords(e)}`);
    }
  }
}

function absolute(path: string): string {
  return nodePath.resolve(path === '-' ? 'stdin' : path);
}
