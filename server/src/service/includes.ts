import type { IncludeNode } from './ast';

/** The little of a file system the checker needs; the CLI and server supply real ones. */
export interface FileSystem {
  /** The file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  stat(path: string): 'file' | 'directory' | undefined;
  /** Entry names (not paths) of a directory. */
  readDirectory(path: string): string[];
  /**
   * Why a file or directory that `stat` sees cannot be read ("permission denied"), or
   * undefined when it can. Asked only after readFile or readDirectory came back empty.
   */
  readError?(path: string): string | undefined;
}

export interface IncludeSearch {
  /** Directories searched, in order, for `<…>` includes. */
  readonly includeDirs: readonly string[];
  /** Base for relative `"…"` and bare includes; the including file's folder when absent. */
  readonly base?: string;
}

/**
 * Includes nested deeper than this are not followed, and the include line above says so:
 * the checks recurse, and a chain of thousands of files would exhaust the stack.
 */
export const MAX_INCLUDE_DEPTH = 150;

/** Backup and package-manager leftovers that apparmor_parser skips in include folders. */
const SKIPPED_NAME = /(\.dpkg-(new|old|dist|bak|remove)|\.pac(save|new)|\.rpm(new|save)|\.orig|\.rej|~)$/;

export function isSkippedName(name: string): boolean {
  return name.startsWith('.') || SKIPPED_NAME.test(name);
}

export function joinPath(dir: string, name: string): string {
  if (name.startsWith('/')) return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : path.slice(0, i);
}

export type IncludeResolution =
  | { readonly kind: 'files'; readonly paths: string[] }
  | { readonly kind: 'missing'; readonly tried: string[] }
  | { readonly kind: 'unreadable'; readonly path: string; readonly why: string };

/**
 * Whether the include's name is error recovery's guess: `include <name` with no closing '>'
 * (whose token, unlike a closed one, does not end in '>').
 */
function isRecoveredInclude(node: IncludeNode): boolean {
  return node.angle && !!node.path && !node.path.text.endsWith('>');
}

/**
 * Finds the file(s) an include names; a directory stands for every file in it. An empty
 * name names nothing (apparmor_parser rejects it), and a recovered name is not taken as a
 * directory: guessing `<profiles` would read a whole folder of policy for an unfinished line.
 */
export function resolveInclude(node: IncludeNode, fromFile: string, search: IncludeSearch, fs: FileSystem): IncludeResolution {
  const name = node.path?.value ?? '';
  if (name === '') return { kind: 'missing', tried: [] };
  const candidates = node.angle
    ? search.includeDirs.map((d) => joinPath(d, name))
    : [joinPath(search.base ?? dirName(fromFile), name)];
  for (const c of candidates) {
    const kind = fs.stat(c);
    if (kind === 'file') return { kind: 'files', paths: [c] };
    if (kind === 'directory') {
      if (isRecoveredInclude(node)) return { kind: 'files', paths: [] };
      const names = fs.readDirectory(c);
      const why = names.length === 0 ? fs.readError?.(c) : undefined;
      if (why) return { kind: 'unreadable', path: c, why };
      const paths = names
        .filter((n) => !isSkippedName(n))
        .sort()
        .map((n) => joinPath(c, n))
        .filter((p) => fs.stat(p) === 'file');
      return { kind: 'files', paths };
    }
  }
  return { kind: 'missing', tried: candidates };
}
