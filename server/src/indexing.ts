import type { CancellationToken, Connection } from 'vscode-languageserver';
import { MessageType } from 'vscode-languageserver';
import { isSkippedName, joinPath } from './service/includes';
import { inSystemTree, isSkippedDir } from './service/policyTree';
import type { WorkspaceIndex } from './service/workspaceIndex';

/** One entry of a folder, symbolic links followed. */
export interface TreeEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'other';
  /** Bytes, for files. */
  readonly size: number;
  /** The entry is a symbolic link: its real path differs from its folder's plus its name. */
  readonly link: boolean;
}

/** What the indexer needs of the disk beyond reading files; the Node entry supplies it. */
export interface TreeSource {
  /** undefined when the folder cannot be read. */
  readDirectory(dir: string): TreeEntry[] | undefined;
  /** The path with every symbolic link resolved; undefined when it does not exist. */
  realPath(path: string): string | undefined;
  /** A file's text; undefined when unreadable or binary (policy is text). */
  readText(path: string): string | undefined;
}

export interface IndexLimits {
  /** Files and folders looked at before the indexer stops. */
  readonly maxEntries: number;
  /** Larger files are not policy and are skipped unread. */
  readonly maxFileBytes: number;
}

export const DEFAULT_MAX_INDEXED = 20_000;
/** How long the indexer works before it lets queued messages through (ms). */
const SLICE_MS = 10;

export interface IndexOutcome {
  readonly files: number;
  /** The limit stopped the walk before it ended. */
  readonly limited: boolean;
  readonly cancelled: boolean;
}

/** Runs `fn` after the messages already queued: setImmediate in Node, a zero timeout in browsers. */
const yieldToQueue = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * Waits while `busy` (diagnostics waiting to be published), and returns when the next slice starts.
 * The editor opens its first documents as the index starts: their diagnostics come first.
 */
async function whenIdle(busy: () => boolean): Promise<number> {
  while (busy()) await yieldToQueue();
  return Date.now();
}

/**
 * Reads every policy file under the roots into the index, a few milliseconds at a time so
 * requests are answered in between. Each folder and file is visited once by its real path
 * (symbolic link loops end), system trees and large files are skipped, and the walk stops
 * at `limits.maxEntries` with one message. Progress shows from the first folder read.
 * Between slices it gives way while `busy` says diagnostics are waiting.
 */
export async function buildIndex(
  connection: Connection, index: WorkspaceIndex, tree: TreeSource, roots: readonly string[],
  limits: IndexLimits, stop: CancellationToken, busy: () => boolean = () => false,
): Promise<IndexOutcome> {
  if (roots.length === 0) return { files: 0, limited: false, cancelled: false };
  const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
  progress?.begin('Indexing AppArmor policy', undefined, 'listing folders', true);
  const cancelled = (): boolean => stop.isCancellationRequested || (progress?.token.isCancellationRequested ?? false);
  const walk = new TreeWalk(tree, roots, limits);
  let sliceStart = await whenIdle(busy);
  try {
    for (const file of walk) {
      const text = tree.readText(file);
      if (text !== undefined) index.update(file, text);
      if (Date.now() - sliceStart < SLICE_MS) continue;
      progress?.report(`${index.size} files indexed, ${walk.seen} looked at`);
      await yieldToQueue();
      sliceStart = await whenIdle(busy);
      if (cancelled()) break;
    }
  } finally {
    progress?.done();
  }
  const outcome = { files: index.size, limited: walk.limited, cancelled: cancelled() };
  if (outcome.cancelled) connection.console.log(`Indexing cancelled after ${index.size} policy files.`);
  else connection.console.log(`Indexed ${index.size} policy files.`);
  if (walk.limited) {
    void connection.sendNotification('window/showMessage', {
      type: MessageType.Warning,
      message: `AppArmor: the workspace has more than ${limits.maxEntries} files and folders; indexing stopped there (${index.size} policy files indexed). ` +
        'Profiles beyond them are not offered for completion, definitions or workspace symbols; raise "apparmor.indexMaxFiles" or open a smaller folder.',
    });
  }
  return outcome;
}

/** The regular files under some roots, depth first in name order, each real folder and file once. */
class TreeWalk implements Iterable<string> {
  /** Files and folders looked at so far. */
  seen = 0;
  limited = false;
  private readonly visited = new Set<string>();

  constructor(private readonly tree: TreeSource, private readonly roots: readonly string[], private readonly limits: IndexLimits) {}

  *[Symbol.iterator](): Iterator<string> {
    for (const root of this.roots) {
      const real = this.tree.realPath(root);
      if (real !== undefined) yield* this.folder(root, real);
      if (this.limited) return;
    }
  }

  /** `path` as reached (what the user sees), `real` to know it again under another name. */
  private *folder(path: string, real: string): Generator<string> {
    if (inSystemTree(real) || this.visited.has(real)) return;
    this.visited.add(real);
    const stack: [string, string][] = [[path, real]];
    while (stack.length > 0) {
      const [dir, realDir] = stack.pop()!;
      const entries = (this.tree.readDirectory(dir) ?? []).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const folders: [string, string][] = [];
      for (const e of entries) {
        if (isSkippedName(e.name) || e.name.endsWith('.md') || e.kind === 'other') continue;
        if (++this.seen > this.limits.maxEntries) {
          this.limited = true;
          return;
        }
        const p = joinPath(dir, e.name);
        const r = e.link ? this.tree.realPath(p) : joinPath(realDir, e.name);
        if (r === undefined || this.visited.has(r)) continue;
        this.visited.add(r);
        if (e.kind === 'directory') {
          if (!isSkippedDir(e.name) && !inSystemTree(r)) folders.push([p, r]);
        } else if (e.size <= this.limits.maxFileBytes) yield p;
      }
      // Depth first, in name order: the first folders listed are the first read.
      for (let i = folders.length - 1; i >= 0; i--) stack.push(folders[i]!);
    }
  }
}
