/**
 * Included files' parses, and what checking them found, kept on disk between processes. A
 * fresh `apparmor-lint` or server reads every file its first profile includes (about 150 for
 * gnome-shell) with the parser's code still cold; what an earlier process kept of them costs a
 * fraction of parsing and checking them again. Every entry is keyed by a digest of all it was
 * made from (service/keptErrors.ts), so an edit, however small and whatever the file's times
 * say, makes new entries rather than reusing old ones.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import type { ParseStore } from '../service/includeGraph';
import { cacheDir, cachePath, removeStale } from './codeCache';

/** Set by the build (scripts/build.mjs) in the bundles, whose own file names their code. */
declare const APPARMOR_BUNDLE: boolean | undefined;

/** Past this the file is rewritten with this run's entries only. */
const MAX_BYTES = 8 * 1024 * 1024;

export class ParseCache implements ParseStore {
  /** Where each stored entry lies in the file, read on first use. */
  private stored: Map<string, { at: number; length: number }>;
  private fd: number | undefined;
  private readonly added = new Map<string, Uint8Array>();
  private readonly used = new Set<string>();

  constructor(private readonly file: string) {
    ({ fd: this.fd, stored: this.stored } = openEntries(file));
  }

  digest(text: string): string {
    return createHash('sha256').update(text).digest('base64');
  }

  get(key: string): unknown {
    // Entries of this run too: the server checks again with a new analyzer when its settings change.
    const bytes = this.added.get(key) ?? this.bytesOf(key);
    if (!bytes) return undefined;
    try {
      const value: unknown = v8.deserialize(bytes);
      this.used.add(key);
      return value;
    } catch {
      return undefined;
    }
  }

  put(key: string, value: unknown): void {
    // Serialized now: the checks that run next must not change what is kept. v8.serialize
    // recurses, and gives up on a tree nested about a thousand deep (apparmor_parser takes
    // more): such an entry is not kept, and is made again next time.
    try {
      this.added.set(key, v8.serialize(value));
    } catch {
      this.added.delete(key);
    }
  }

  /** Writes the file when this run made anything new; a failure only costs the next run. */
  save(): void {
    if (this.added.size === 0) return;
    const tmp = `${this.file}.${process.pid}`;
    try {
      let kept = [...this.stored.keys()].filter((k) => !this.added.has(k));
      let size = 0;
      for (const b of this.added.values()) size += b.byteLength;
      for (const k of kept) size += this.stored.get(k)!.length;
      if (size > MAX_BYTES) kept = kept.filter((k) => this.used.has(k));
      const entries = new Map<string, Uint8Array>();
      for (const k of kept) {
        const b = this.bytesOf(k);
        if (b) entries.set(k, b);
      }
      for (const [k, b] of this.added) entries.set(k, b);
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, encode(entries));
      // A rename, so a process starting meanwhile reads the old file or the new one, never half.
      fs.renameSync(tmp, this.file);
      removeStale(this.file);
      this.added.clear();
      // What was written is read from the new file from now on, and kept by the next save.
      if (this.fd !== undefined) fs.closeSync(this.fd);
      ({ fd: this.fd, stored: this.stored } = openEntries(this.file));
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // The folder refuses even that; the next run parses again.
      }
    }
  }

  /** A stored entry's bytes, from the file as it was opened (a rename since changes nothing). */
  private bytesOf(key: string): Uint8Array | undefined {
    const where = this.stored.get(key);
    if (!where || this.fd === undefined) return undefined;
    const bytes = Buffer.allocUnsafe(where.length);
    try {
      return fs.readSync(this.fd, bytes, 0, where.length, where.at) === where.length ? bytes : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * The file: MAGIC, the index's length (4 bytes), the index (JSON: [key, length] in order),
 * then each entry's bytes. Only the index is read at start, and an entry when it is asked
 * for: a one-file check after a whole tree's needs a third of them.
 */
const MAGIC = Buffer.from('aa-parses-2\n');

function openEntries(file: string): { fd?: number; stored: Map<string, { at: number; length: number }> } {
  const stored = new Map<string, { at: number; length: number }>();
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(MAGIC.length + 4);
    if (fs.readSync(fd, head, 0, head.length, 0) !== head.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a parse cache');
    const indexLength = head.readUInt32LE(MAGIC.length);
    const raw = Buffer.alloc(indexLength);
    if (fs.readSync(fd, raw, 0, indexLength, head.length) !== indexLength) throw new Error('cut short');
    let at = head.length + indexLength;
    for (const [f, length] of JSON.parse(raw.toString('utf8')) as [string, number][]) {
      stored.set(f, { at, length });
      at += length;
    }
    return { fd, stored };
  } catch {
    // Absent or damaged: everything is parsed afresh.
    if (fd !== undefined) fs.closeSync(fd);
    return { stored: new Map() };
  }
}

function encode(entries: ReadonlyMap<string, Uint8Array>): Buffer {
  const index = Buffer.from(JSON.stringify([...entries].map(([f, b]) => [f, b.byteLength])));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(index.length);
  return Buffer.concat([MAGIC, length, index, ...entries.values()]);
}

let shared: ParseCache | null | undefined;

/**
 * The process's parse cache, beside the code cache; null when that is off or when running
 * unbundled (tests from out/), where no one file stands for the parser's code.
 */
export function parseCache(): ParseCache | null {
  if (shared !== undefined) return shared;
  shared = null;
  const dir = cacheDir();
  if (dir === null || typeof APPARMOR_BUNDLE !== 'boolean') return shared;
  try {
    // The bundle holds the parser: its path, size and time name the parses it made.
    // v8.serialize's format is the running V8's.
    shared = new ParseCache(cachePath(dir, __filename, fs.statSync(__filename), [process.version, process.arch], '.v8parses'));
  } catch {
    shared = null;
  }
  return shared;
}
