/**
 * Reads LSP frames (`Content-Length: N` headers, a blank line, N bytes of JSON) from a stream
 * and survives bad ones. vscode-jsonrpc's reader stops reading for good at a frame with a
 * missing or unreadable Content-Length, or headers ending in a bare LF: the server stayed up but
 * answered nothing more. Here a bad frame is reported (and answered where JSON-RPC says so:
 * -32700 for a body that is not JSON, -32600 for one that is not a message object), and reading
 * resumes at the next `Content-Length:` header.
 */
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type MessageReader } from 'vscode-languageserver/node';

/** A JSON-RPC error answer for a frame that had no readable id. */
export interface FrameAnswer {
  readonly code: number;
  readonly message: string;
}

/** Told of each bad frame: what was wrong, and the answer due (if any). */
export type FrameProblem = (description: string, answer?: FrameAnswer) => void;

/** No message of this protocol comes near it; a larger frame is skipped unread. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** Headers longer than this are garbage. */
const MAX_HEADER_BYTES = 8 * 1024;
/** LSP defines two headers; a frame with dozens is garbage. */
const MAX_HEADER_LINES = 32;
const HEADER_START = /content-length:/i;

type State =
  | { readonly mode: 'header'; readonly lines: string[] }
  | { readonly mode: 'body'; readonly length: number }
  | { readonly mode: 'skip'; remaining: number }
  | { readonly mode: 'resync' };

export class FrameReader extends AbstractMessageReader implements MessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  private state: State = { mode: 'header', lines: [] };
  private callback: DataCallback | undefined;
  private bareLfReported = false;

  constructor(private readonly input: NodeJS.ReadableStream, private readonly problem: FrameProblem) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer): void => this.receive(chunk);
    const onError = (e: Error): void => this.fireError(e);
    const onClose = (): void => this.fireClose();
    this.input.on('data', onData);
    this.input.on('error', onError);
    this.input.on('close', onClose);
    return { dispose: () => { this.input.off('data', onData); this.input.off('error', onError); this.input.off('close', onClose); } };
  }

  private receive(chunk: Buffer): void {
    // A long body waits in pieces, joined once it is whole: not copied again at every chunk.
    this.waiting.push(chunk);
    this.waitingBytes += chunk.length;
    if (this.state.mode === 'body' && this.buffer.length + this.waitingBytes < this.state.length) return;
    this.buffer = Buffer.concat([this.buffer, ...this.waiting]);
    this.waiting = [];
    this.waitingBytes = 0;
    // Each step consumes input or waits for more: the loop ends.
    while (this.step());
  }

  /** Makes one move on the buffered bytes; false when more input is needed. */
  private step(): boolean {
    switch (this.state.mode) {
      case 'skip': return this.skip(this.state);
      case 'resync': return this.resync();
      case 'body': return this.body(this.state.length);
      case 'header': return this.header(this.state.lines);
    }
  }

  private skip(state: { remaining: number }): boolean {
    const n = Math.min(state.remaining, this.buffer.length);
    this.buffer = this.buffer.subarray(n);
    state.remaining -= n;
    if (state.remaining > 0) return false;
    this.state = { mode: 'header', lines: [] };
    return true;
  }

  /** Drops bytes up to the next `Content-Length:`; keeps a tail that may be its beginning. */
  private resync(): boolean {
    const text = this.buffer.toString('latin1');
    const m = HEADER_START.exec(text);
    if (!m) {
      this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - 16));
      return false;
    }
    this.buffer = this.buffer.subarray(m.index);
    this.state = { mode: 'header', lines: [] };
    return true;
  }

  private header(lines: string[]): boolean {
    const lf = this.buffer.indexOf(10);
    if (lf < 0) {
      if (this.buffer.length <= MAX_HEADER_BYTES) return false;
      this.problem(`a header line longer than ${MAX_HEADER_BYTES} bytes: skipped up to the next Content-Length header`);
      this.buffer = this.buffer.subarray(1);
      this.state = { mode: 'resync' };
      return true;
    }
    const crlf = lf > 0 && this.buffer[lf - 1] === 13;
    const line = this.buffer.subarray(0, crlf ? lf - 1 : lf).toString('latin1');
    if (line !== '' && !/^[\w-]+:/.test(line)) {
      // Left in place: a header may start inside it, after a body shorter than its length said.
      this.buffer = this.buffer.subarray(1);
      return this.garbage(`not a header: ${JSON.stringify(line.slice(0, 80))}`);
    }
    this.buffer = this.buffer.subarray(lf + 1);
    if (!crlf && !this.bareLfReported) {
      this.bareLfReported = true;
      this.problem('a header line ends in a bare LF instead of CRLF; read anyway');
    }
    if (line === '' && lines.length === 0) return true; // a stray blank line between frames
    if (line === '') return this.headersDone(lines);
    if (lines.length >= MAX_HEADER_LINES) return this.garbage(`more than ${MAX_HEADER_LINES} header lines`);
    lines.push(line);
    return true;
  }

  private headersDone(lines: readonly string[]): boolean {
    const values = lines.filter((l) => /^content-length:/i.test(l)).map((l) => l.slice(l.indexOf(':') + 1).trim());
    if (values.length !== 1 || !/^\d{1,15}$/.test(values[0]!)) {
      const why = values.length === 0 ? 'no Content-Length header' : `an unreadable Content-Length (${values.map((v) => JSON.stringify(v)).join(', ')})`;
      return this.garbage(`a frame with ${why}`);
    }
    const length = Number(values[0]);
    if (length > MAX_FRAME_BYTES) {
      this.problem(`a frame of ${length} bytes, over the limit of ${MAX_FRAME_BYTES}: skipped`);
      this.state = { mode: 'skip', remaining: length };
      return true;
    }
    this.state = { mode: 'body', length };
    return true;
  }

  private body(length: number): boolean {
    if (this.buffer.length < length) return false;
    const bytes = this.buffer.subarray(0, length);
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      this.problem(`a frame whose body is not JSON (${(e as Error).message})`, { code: -32700, message: 'Parse error: the message body is not JSON.' });
      // A wrong length may have taken in the start of the next frame: look for it in these bytes.
      this.buffer = this.buffer.subarray(1);
      this.state = { mode: 'resync' };
      return true;
    }
    this.buffer = this.buffer.subarray(length);
    this.state = { mode: 'header', lines: [] };
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      this.problem('a frame whose body is not a JSON-RPC message object', { code: -32600, message: 'Invalid Request: a message must be a JSON object (batches are not part of LSP).' });
    } else {
      this.callback?.(parsed as Message);
    }
    return true;
  }

  private garbage(description: string): boolean {
    this.problem(`${description}: skipped up to the next Content-Length header`);
    this.state = { mode: 'resync' };
    return true;
  }
}
