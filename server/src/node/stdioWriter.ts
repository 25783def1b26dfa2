/**
 * Writes LSP messages to a stream as one write each. vscode-jsonrpc's stream writer sends the
 * header and the body as two writes and waits between them, so the editor reads each answer
 * in two pieces; over stdio that cost a trivial request a third of its round trip, and more of
 * its slowest ones (bench/lsp.ts).
 */
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

export class OneWriteMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly out: NodeJS.WritableStream) {
    super();
    out.on('error', (e: Error) => this.fireError(e));
    out.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    const head = Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii');
    return new Promise((resolve, reject) => {
      this.out.write(Buffer.concat([head, body]), (e) => {
        if (!e) { resolve(); return; }
        this.fireError(e, msg, ++this.errors);
        reject(e);
      });
    });
  }

  end(): void {
    this.out.end();
  }
}
