import { matchesGlob } from '../logs/glob';
import { joinProfile, splitProfile } from '../logs/profileName';
import type { ProfileEntry } from '../workspaceIndex';

export interface LocatedProfile {
  readonly path: string;
  /** The block's name in the file: the file's profile name, then the logged hats and children. */
  readonly profile: string;
  readonly matchedBy: 'name' | 'attachment';
}

/**
 * The file that defines a logged profile: a top-level profile of that name, else (for a
 * path, as the kernel logs path-named profiles) one whose attachment matches the path,
 * as `profile foo /usr/bin/foo` does for a log naming `/usr/bin/foo`. Among several, the
 * one under the earliest root wins (workspace folders come before the include path), so
 * the copy being edited is preferred over the installed one.
 */
export function locateProfile(logged: string, entries: Iterable<ProfileEntry>, roots: readonly string[]): LocatedProfile | undefined {
  const [top, ...inner] = splitProfile(logged);
  if (!top) return undefined;
  let best: { entry: ProfileEntry; rank: readonly number[] } | undefined;
  for (const entry of entries) {
    const tier = matchTier(top, entry);
    if (tier === undefined) continue;
    const rank = [tier, rootRank(entry.path, roots)];
    if (!best || isBetter(rank, entry.path, best.rank, best.entry.path)) best = { entry, rank };
  }
  if (!best) return undefined;
  const matchedBy = best.rank[0] === 0 ? 'name' : 'attachment';
  return { path: best.entry.path, profile: joinProfile([best.entry.name, ...inner]), matchedBy };
}

/** 0 for the name itself, 1 for the attachment spelt out, 2 for an attachment glob matching it. */
function matchTier(top: string, entry: ProfileEntry): number | undefined {
  if (entry.name === top) return 0;
  if (!top.startsWith('/') || entry.attachment === undefined) return undefined;
  if (entry.attachment === top) return 1;
  return matchesGlob(entry.attachment, top) ? 2 : undefined;
}

function rootRank(path: string, roots: readonly string[]): number {
  const i = roots.findIndex((r) => path === r || path.startsWith(r.endsWith('/') ? r : `${r}/`));
  return i < 0 ? roots.length : i;
}

function isBetter(rank: readonly number[], path: string, bestRank: readonly number[], bestPath: string): boolean {
  for (let i = 0; i < rank.length; i++) if (rank[i] !== bestRank[i]) return rank[i]! < bestRank[i]!;
  return path < bestPath;
}
