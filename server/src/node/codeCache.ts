/**
 * Runs a CommonJS bundle with V8's code cache, so that a server started again skips compiling
 * its ~700 KB bundle (a third of its start-up) and deserializes the bytecode instead.
 * Node 20 has no compile cache of its own for this (module.enableCompileCache came in 22.1).
 */
import * as fs from 'fs';
import Module, { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';

type CacheOutcome = 'used' | 'rejected' | 'absent' | 'off';

export interface CachedRun {
  readonly outcome: CacheOutcome;
  /** What the bundle exported. */
  readonly exports: unknown;
  /** Writes the cache when none was used; call once the code that start-up needs has run. */
  save(): void;
}

/** The cache folder: $APPARMOR_LSP_CACHE_DIR (empty turns the cache off), else the user's cache. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const set = env.APPARMOR_LSP_CACHE_DIR;
  if (set !== undefined) return set === '' ? null : set;
  // Never a shared folder such as /tmp: whoever can write the cache chooses the code that runs.
  const base = env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : undefined);
  return base === undefined ? null : path.join(base, 'apparmor-lsp');
}

/**
 * V8 checks only the source's length and its own flags before trusting a cache, so the name
 * carries everything else that must match: the bundle (its path, size and time) and the Node
 * that runs it (version and flags). Editors and terminals may start the server with different
 * Nodes; each keeps its own cache.
 */
function cacheFile(dir: string, bundle: string, stat: fs.Stats): string {
  return cachePath(dir, bundle, stat, [process.version, process.arch, process.execArgv.join(' ')], '.v8cache');
}

/**
 * Where a cache made from `bundle` lives: stem-bundleHash-nodeHash.EXT, so that another build
 * of the bundle, or another Node (named by `nodeKey`), never reads it.
 */
export function cachePath(dir: string, bundle: string, stat: { size: number; mtimeMs: number }, nodeKey: readonly string[], ext: string): string {
  const forBundle = hash([bundle, stat.size, stat.mtimeMs].join('\0'));
  const forNode = hash(nodeKey.join('\0'));
  return path.join(dir, `${path.basename(bundle, '.js')}-${forBundle}-${forNode}${ext}`);
}

/** FNV-1a: a name, not a defence; V8 still verifies what it loads. */
function hash(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** stem-bundleHash-nodeHash.EXT, as cachePath names them. */
const CACHE_NAME = /^(.*)-([0-9a-f]{8})-[0-9a-f]{8}(\.\w+)$/;

/** Caches of the same kind made from earlier builds of the bundle are never read again. */
export function removeStale(keep: string): void {
  const dir = path.dirname(keep);
  const [, stem, forBundle, ext] = CACHE_NAME.exec(path.basename(keep)) ?? [];
  for (const name of fs.readdirSync(dir)) {
    const m = CACHE_NAME.exec(name);
    if (m && m[1] === stem && m[3] === ext && m[2] !== forBundle) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Loads `bundle` as a module whose parent is `parent`, the way require would. */
export function runCached(bundle: string, parent: NodeJS.Module | undefined, dir: string | null = cacheDir()): CachedRun {
  const source = fs.readFileSync(bundle, 'utf8');
  const file = dir === null ? undefined : cacheFile(dir, bundle, fs.statSync(bundle));
  const cachedData = file === undefined ? undefined : readOrUndefined(file);
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- `module` is a Module; @types/node types it by an interface
  const mod = new Module(bundle, parent);
  mod.filename = bundle;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  const outcome: CacheOutcome = file === undefined ? 'off' : cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used';
  return {
    outcome,
    exports: mod.exports,
    save: () => {
      if (file === undefined || outcome === 'used') return;
      // A cache that cannot be written only costs the next start its compile time.
      const tmp = `${file}.${process.pid}`;
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(tmp, script.createCachedData());
        // A rename, so a server starting meanwhile reads the old cache or the new one, never half.
        fs.renameSync(tmp, file);
        removeStale(file);
      } catch {
        // Read-only home, full disk: nothing to do but leave no half-written file.
        try {
          fs.rmSync(tmp, { force: true });
        } catch {
          // The folder refuses even that; the next start compiles again.
        }
      }
    },
  };
}
