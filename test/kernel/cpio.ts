/**
 * A writer of the cpio "newc" format, the one the kernel unpacks an initramfs from: each
 * entry is a 110-byte ASCII header, the name and the data, both padded to 4 bytes.
 */

export interface CpioEntry {
  readonly name: string;
  /** File type and permission bits, as in st_mode. */
  readonly mode: number;
  readonly data?: Buffer;
  /** For device nodes. */
  readonly rdev?: { major: number; minor: number };
}

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

export function writeCpio(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of [...entries, { name: 'TRAILER!!!', mode: 0 }]) parts.push(...entryParts(e, ino++));
  return Buffer.concat(parts);
}

function entryParts(e: CpioEntry, ino: number): Buffer[] {
  const data = e.data ?? Buffer.alloc(0);
  const name = Buffer.from(`${e.name.replace(/^\/+/, '')}\0`);
  const fields = [ino, e.mode, 0, 0, (e.mode & 0o170000) === S_IFDIR ? 2 : 1, 0, data.length, 0, 0, e.rdev?.major ?? 0, e.rdev?.minor ?? 0, name.length, 0];
  const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`);
  return [header, name, pad(header.length + name.length), data, pad(data.length)];
}

function pad(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}
