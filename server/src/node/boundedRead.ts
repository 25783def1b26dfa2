/**
 * Reading files and standard input with a cap: a FIFO, `/dev/zero` or a runaway pipe must
 * end in a clear error, never in a hang or in memory without limit.
 */
import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';
import { MAX_POLICY_FILE_BYTES } from '../service/policyTree';
import { pause } from './pause';

export const MB = 1024 * 1024;
/** Defaults, well above any real profile or log. */
export const MAX_PROFILE_BYTES = MAX_POLICY_FILE_BYTES;
export const MAX_LOG_BYTES = 64 * MB;
/** A log line longer than this is kept only in part (the kernel's records are under 9 KB). */
const MAX_LINE_CHARS = 64 * 1024;

const CHUNK = 64 * 1024;

/** A failure worth one line to the user; `message` says what went wrong, without the path. */
class InputError extends Error {}
/** More than the cap was read. */
export class TooLarge extends InputError {}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many levels of symbolic links (a symlink loop?)',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  ENXIO: 'no such device or address',
  ENODEV: 'no such device',
  EINVAL: 'invalid argument',
  ENOMEM: 'out of memory',
  EBADF: 'not open',
  EPIPE: 'the other end of the pipe was closed',
  EAGAIN: 'it would wait for data (not a regular file)',
  ENOSPC: 'no space left on device',
  ESTALE: 'stale file handle',
};

/** What an error says to a person: the errno in words when there is one, else its message. */
export function describeError(e: unknown): string {
  if (e instanceof InputError) return e.message;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code) return ERRNO_WORDS[code] ?? code.toLowerCase();
  return e instanceof Error ? e.message : String(e);
}

/** `12 MB`, `640 KB`, `100 bytes`: for messages about the caps. */
export function formatSize(bytes: number): string {
  if (bytes >= MB && bytes % MB === 0) return `${bytes / MB} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a regular file';
  if (st.isCharacterDevice()) return 'is a character device, not a regular file';
  if (st.isBlockDevice()) return 'is a block device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

/**
 * Opens a regular file for reading, refusing anything else. O_NONBLOCK keeps the open of a
 * FIFO from waiting for a writer; it changes nothing for a regular file.
 */
export function openRegular(path: string): { fd: number; size: number } {
  const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      const pipeHint = st.isFIFO() ? '; to read a stream, give - and send it to standard input' : '';
      throw new InputError(`${kindOf(st)}${pipeHint}`);
    }
    return { fd, size: st.size };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/**
 * readSync that waits out EAGAIN on standard input, which its writer may have made
 * non-blocking. A file we opened says EAGAIN only when it would wait (/proc/kmsg): an error.
 */
function readSome(fd: number, buf: Buffer, length: number): number {
  for (;;) {
    try {
      return fs.readSync(fd, buf, 0, length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (fd === 0 && (code === 'EAGAIN' || code === 'EWOULDBLOCK')) { pause(5); continue; }
      throw e;
    }
  }
}

function tooLarge(cap: number, what: string): TooLarge {
  return new TooLarge(`larger than ${formatSize(cap)}, the limit for ${what}`);
}

/** The read buffer when no read holds it (a `use` callback may read another file). */
let spare: Buffer | undefined;

/**
 * Feeds `use` the bytes of a path (`-`: standard input) chunk by chunk; past `cap` bytes it
 * stops with an InputError. `what` names the kind of input in that error.
 */
function readChunks(path: string, cap: number, what: string, use: (chunk: Buffer) => void): void {
  let fd = 0;
  if (path !== '-') {
    const opened = openRegular(path);
    fd = opened.fd;
    if (opened.size > cap) { fs.closeSync(fd); throw tooLarge(cap, what); }
  }
  // One buffer serves every read: a check reads each of a profile's includes (150 files for
  // gnome-shell), and a new 64 KB buffer for each was garbage for the collector to chase.
  const buf = spare ?? Buffer.allocUnsafe(CHUNK);
  spare = undefined;
  try {
    for (let total = 0; ;) {
      const n = readSome(fd, buf, Math.min(CHUNK, cap + 1 - total));
      if (n === 0) return;
      total += n;
      if (total > cap) throw tooLarge(cap, what);
      use(buf.subarray(0, n));
    }
  } finally {
    spare = buf;
    if (fd !== 0) fs.closeSync(fd);
  }
}

/** The whole text of a path (`-`: standard input), at most `cap` bytes, as UTF-8. */
export function readText(path: string, cap: number, what: string): string {
  const chunks: Buffer[] = [];
  readChunks(path, cap, what, (c) => chunks.push(Buffer.from(c)));
  return (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
}

/**
 * Each line of a path (`-`: standard input), without its newline, as it is read. A line
 * longer than MAX_LINE_CHARS comes whole up to there, with `cut` set; the rest is skipped.
 */
export function readLines(path: string, cap: number, what: string, onLine: (line: string, cut: boolean) => void): void {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let cut = false;
  const take = (piece: string): void => {
    if (cut || piece.length === 0) return;
    carry += piece;
    if (carry.length > MAX_LINE_CHARS) { carry = carry.slice(0, MAX_LINE_CHARS); cut = true; }
  };
  const feed = (text: string): void => {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl));
      onLine(carry, cut);
      carry = '';
      cut = false;
      start = nl + 1;
    }
    take(text.slice(start));
  };
  readChunks(path, cap, what, (chunk) => feed(decoder.write(chunk)));
  feed(decoder.end());
  if (carry.length > 0 || cut) onLine(carry, cut);
}
