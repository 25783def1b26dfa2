import { dirName, FileSystem } from './includes';

/** A folder laid out like /etc/apparmor.d: `tunables/global` and `abstractions/` in it. */
function isIncludeRoot(fs: FileSystem, dir: string): boolean {
  const base = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  return fs.stat(`${base}/tunables/global`) === 'file' && fs.stat(`${base}/abstractions`) === 'directory';
}

/**
 * Include roots found without a setting: the workspace folders that are laid out as one,
 * and the nearest such ancestor of each file (apparmor.d's repository keeps its profiles in
 * subfolders of the root).
 */
export function detectIncludeRoots(fs: FileSystem, folders: readonly string[], files: readonly string[]): string[] {
  const found = new Set<string>();
  for (const folder of folders) if (isIncludeRoot(fs, folder)) found.add(folder);
  for (const file of files) {
    if (!file.startsWith('/')) continue;
    for (let dir = dirName(file); ; dir = dirName(dir)) {
      if (isIncludeRoot(fs, dir)) {
        found.add(dir);
        break;
      }
      if (dir === '/' || dir === '.') break;
    }
  }
  return [...found];
}
