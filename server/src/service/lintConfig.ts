import { DIAGNOSTIC_RULES } from './diagnosticRules';
import { dirName, FileSystem } from './includes';

/** The name looked for in each folder from a checked file up to the root. */
export const CONFIG_NAME = '.apparmor-lint.json';

/** What a code's findings become: dropped, or reported at this severity. */
export type SeveritySetting = 'off' | 'hint' | 'info' | 'warning' | 'error';

/**
 * `.apparmor-lint.json`, with its paths made absolute from the folder that holds it.
 * Every key is optional; a command-line option or an editor setting the user set wins.
 */
export interface LintConfig {
  /** The file it was read from. */
  readonly path: string;
  readonly includeDirs?: readonly string[];
  readonly base?: string;
  /** The ABI assumed for a file with no `abi` line. */
  readonly abi?: string;
  /** The ABIs each profile is also checked against (`--target-abi`). */
  readonly targetAbi?: readonly string[];
  /** A kernel feature set, as apparmor_parser's --features-file takes. */
  readonly featuresFile?: string;
  readonly severity: Readonly<Record<string, SeveritySetting>>;
  /** Globs (`*`, `**`, `?`), relative to the config's folder, of files not checked. */
  readonly ignore: readonly string[];
}

export class ConfigError extends Error {}

const SEVERITIES: readonly string[] = ['off', 'hint', 'info', 'warning', 'error'];
const KEYS = ['$schema', 'includeDirs', 'base', 'abi', 'targetAbi', 'featuresFile', 'severity', 'ignore'];
const VERSION = /^\d+\.\d+$/;

/** Reads a config's text; every mistake is a ConfigError that names the file and the key. */
export function parseLintConfig(path: string, text: string): LintConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${path}: must hold one JSON object`);
  const obj = raw as Record<string, unknown>;
  const bad = (key: string, what: string): ConfigError => new ConfigError(`${path}: "${key}" must be ${what}`);
  for (const key of Object.keys(obj)) {
    if (!KEYS.includes(key)) throw new ConfigError(`${path}: unknown key "${key}" (known: ${KEYS.slice(1).join(', ')})`);
  }
  const dir = dirName(path);
  const strings = (key: string): string[] | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s !== '')) throw bad(key, 'a list of non-empty strings');
    return v as string[];
  };
  const string = (key: string): string | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw bad(key, 'a non-empty string');
    return v;
  };
  const abi = string('abi');
  if (abi !== undefined && !VERSION.test(abi)) throw bad('abi', 'a version such as "3.0"');
  const targetAbi = strings('targetAbi');
  if (targetAbi?.some((v) => !VERSION.test(v))) throw bad('targetAbi', 'a list of versions such as ["3.0", "4.0"]');
  const base = string('base');
  const featuresFile = string('featuresFile');
  return {
    path,
    ...(obj['includeDirs'] !== undefined ? { includeDirs: strings('includeDirs')!.map((d) => absolute(dir, d)) } : {}),
    ...(base !== undefined ? { base: absolute(dir, base) } : {}),
    ...(abi !== undefined ? { abi } : {}),
    ...(targetAbi !== undefined ? { targetAbi } : {}),
    ...(featuresFile !== undefined ? { featuresFile: absolute(dir, featuresFile) } : {}),
    severity: severities(path, obj['severity']),
    ignore: strings('ignore') ?? [],
  };
}

function severities(path: string, v: unknown): Record<string, SeveritySetting> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`${path}: "severity" must map codes to ${SEVERITIES.join('/')}`);
  const out: Record<string, SeveritySetting> = {};
  for (const [code, level] of Object.entries(v)) {
    if (!(code in DIAGNOSTIC_RULES)) throw new ConfigError(`${path}: "severity" names an unknown code '${code}'`);
    if (typeof level !== 'string' || !SEVERITIES.includes(level)) throw new ConfigError(`${path}: severity of '${code}' must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(level)}`);
    out[code] = level as SeveritySetting;
  }
  return out;
}

function absolute(dir: string, p: string): string {
  if (p.startsWith('/')) return p;
  const parts = dir === '/' ? [''] : dir.split('/');
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') { if (parts.length > 1) parts.pop(); } else parts.push(seg);
  }
  return parts.length === 1 ? '/' : parts.join('/');
}

/**
 * The nearest config above an absolute file path, or undefined. `cache` remembers each
 * folder's answer, so a tree of files costs one look per folder.
 */
export function findLintConfig(fs: FileSystem, file: string, cache: Map<string, LintConfig | null> = new Map()): LintConfig | undefined {
  // A document with no place on disk (untitled) has no folder to look in.
  if (!file.startsWith('/')) return undefined;
  const seen: string[] = [];
  let found: LintConfig | null = null;
  for (let dir = dirName(file); ; dir = dirName(dir)) {
    const known = cache.get(dir);
    if (known !== undefined) { found = known; break; }
    seen.push(dir);
    const candidate = dir === '/' ? `/${CONFIG_NAME}` : `${dir}/${CONFIG_NAME}`;
    if (fs.stat(candidate) === 'file') {
      const text = fs.readFile(candidate);
      if (text === undefined) throw new ConfigError(`${candidate}: cannot be read`);
      found = parseLintConfig(candidate, text);
      break;
    }
    if (dir === '/' || dir === '.') break;
  }
  for (const d of seen) cache.set(d, found);
  return found ?? undefined;
}

/** Whether an absolute path is one the config's `ignore` globs leave out (a folder's glob covers what is in it). */
export function isIgnored(config: LintConfig | undefined, file: string): boolean {
  if (!config || config.ignore.length === 0) return false;
  const dir = dirName(config.path);
  const prefix = dir === '/' ? '/' : `${dir}/`;
  if (!file.startsWith(prefix)) return false;
  const rel = file.slice(prefix.length);
  return config.ignore.some((g) => globRegExp(g).test(rel));
}

const GLOBS = new Map<string, RegExp>();

/** `**` any folders, `*` and `?` within one name; a leading `/` anchors nothing more (paths are relative already). */
export function globRegExp(glob: string): RegExp {
  let re = GLOBS.get(glob);
  if (re) return re;
  const g = glob.replace(/^\.?\//, '').replace(/\/$/, '');
  let src = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      const slash = g[i + 2] === '/';
      src += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else src += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern without a slash matches a name at any depth, as in .gitignore.
  const anywhere = !g.includes('/') ? '(?:.*/)?' : '';
  re = new RegExp(`^${anywhere}${src}(?:/.*)?$`);
  GLOBS.set(glob, re);
  return re;
}
