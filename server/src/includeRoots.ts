import { detectIncludeRoots } from './service/detectIncludeRoots';
import type { FileSystem } from './service/includes';
import type { Settings } from './workspace';

/**
 * Include roots the server found by their layout, kept across configurations: they are
 * searched before the configured folders, since a profile's own tree (apparmor.d's
 * repository, a copy of /etc/apparmor.d) is what its includes mean.
 */
export class DetectedRoots {
  private readonly found: string[] = [];
  /** The settings as configured, before the detected roots are added. */
  private configured: Settings;

  constructor(private readonly fs: FileSystem, defaults: Settings) {
    this.configured = defaults;
  }

  /** Learns the roots among the folders and the files' ancestors; true when one is new. */
  learn(folders: readonly string[], files: readonly string[]): boolean {
    const fresh = detectIncludeRoots(this.fs, folders, files).filter((r) => !this.found.includes(r));
    this.found.push(...fresh);
    return fresh.length > 0;
  }

  /** The settings to use: `configured` (kept for later learning) with the detected roots first. */
  apply(configured: Settings = this.configured): Settings {
    this.configured = configured;
    return { ...configured, includeDirs: [...new Set([...this.found, ...configured.includeDirs])] };
  }
}
