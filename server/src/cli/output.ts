import * as fs from 'fs';
import { describeError, TooLarge } from '../node/boundedRead';
import { pause } from '../node/pause';

/** Standard output closed early (`| head`): the run stops with one line and exit status 2. */
export class OutputClosed extends Error {}

const FLUSH_AT = 64 * 1024;

/**
 * Buffered, synchronous writes to a file descriptor: output goes out as it is made, in
 * pieces of about 64 KB, so no whole report is ever held as one string. A full pipe
 * (EAGAIN) is waited out; a closed one (EPIPE) throws OutputClosed.
 */
export class Output {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly fd: number) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  line(text: string): void {
    this.write(`${text}\n`);
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const data = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    for (let off = 0; off < data.length;) {
      try {
        off += fs.writeSync(this.fd, data, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') { pause(5); continue; }
        if (code === 'EPIPE') throw new OutputClosed('standard output was closed before the output ended');
        throw e;
      }
    }
  }
}

/** An error in words, with the option that lifts the cap when it was the cap. */
export function inWords(e: unknown): string {
  return `${describeError(e)}${e instanceof TooLarge ? ' (--max-size raises it)' : ''}`;
}

/** One line to standard error; nothing more can be done when that fails too. */
export function complain(text: string): void {
  try {
    fs.writeSync(2, `apparmor-lint: ${text}\n`);
  } catch {
    // stderr closed: the exit status still tells.
  }
}
