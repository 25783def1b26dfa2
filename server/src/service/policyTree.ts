/**
 * Where policy can and cannot be, for every walk of a tree (apparmor-lint's, the server's
 * indexer, the workspace index), so that they skip the same things.
 */

/** Folders of an apparmor.d tree that hold no policy source. */
const NON_POLICY_DIRS: ReadonlySet<string> = new Set(['abi', 'cache', 'disable', 'force-complain']);
/** Folders of tools, anywhere: never policy. */
const TOOL_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git']);
/** Kernel and device trees: endless or blocking to read, never policy. */
export const SYSTEM_TREES: readonly string[] = ['/proc', '/sys', '/dev'];
/** The largest file taken for a profile: well above any real one. */
export const MAX_POLICY_FILE_BYTES = 8 * 1024 * 1024;

/** A folder no walk goes into: an apparmor.d tree's non-policy folders and tools' folders. */
export function isSkippedDir(name: string): boolean {
  return NON_POLICY_DIRS.has(name) || TOOL_DIRS.has(name);
}

/** Whether a real (symlink-resolved) path lies in a kernel or device tree. */
export function inSystemTree(real: string): boolean {
  return SYSTEM_TREES.some((t) => real === t || real.startsWith(`${t}/`));
}
