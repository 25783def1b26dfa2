/**
 * The protocol's lifecycle, kept between the reader and the connection: a request before
 * `initialize` is answered with -32002 (ServerNotInitialized) and a notification dropped
 * (except `exit`); after `shutdown`, requests are answered with InvalidRequest. The library
 * would otherwise run every handler before initialization and after shutdown alike.
 */
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type MessageReader, type MessageWriter } from 'vscode-languageserver';

const SERVER_NOT_INITIALIZED = -32002;
const INVALID_REQUEST = -32600;

interface Incoming { readonly id?: number | string | null; readonly method?: string }

export class LifecycleReader extends AbstractMessageReader implements MessageReader {
  private phase: 'new' | 'running' | 'shutDown' = 'new';

  constructor(private readonly inner: MessageReader, private readonly writer: MessageWriter) {
    super();
    inner.onError((e) => this.fireError(e));
    inner.onClose(() => this.fireClose());
    inner.onPartialMessage((info) => this.firePartialMessage(info));
  }

  /** Whether `shutdown` was asked for: the exit status when the editor just closes the stream. */
  get shutdownAsked(): boolean {
    return this.phase === 'shutDown';
  }

  listen(callback: DataCallback): Disposable {
    return this.inner.listen((msg: Message) => {
      const m = msg as Incoming;
      if (typeof m.method !== 'string') { callback(msg); return; } // a response to one of our requests
      const isRequest = m.id !== undefined && m.id !== null;
      if (this.phase === 'new') {
        if (m.method === 'initialize') this.phase = 'running';
        else if (isRequest) { this.refuse(m.id!, SERVER_NOT_INITIALIZED, `The server is not initialized: send "initialize" before "${m.method}".`); return; }
        else if (m.method !== 'exit') return;
      } else if (this.phase === 'shutDown' && isRequest) {
        this.refuse(m.id!, INVALID_REQUEST, `The server is shutting down: "${m.method}" came after "shutdown".`); return;
      } else if (m.method === 'shutdown') {
        this.phase = 'shutDown';
      }
      callback(msg);
    });
  }

  private refuse(id: number | string, code: number, message: string): void {
    void this.writer.write({ jsonrpc: '2.0', id, error: { code, message } } as Message).catch(() => undefined);
  }
}
