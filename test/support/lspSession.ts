/** The built language server over a real stdio connection, as the LSP tests drive it. */
import { spawn, ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-types';

export interface PublishDiagnosticsParams { uri: string; version?: number; diagnostics: Diagnostic[] }

/** The built server's bin, as editors start it. */
export const SERVER_BIN = path.resolve(__dirname, '../../../bin/apparmor-language-server.js');

export class LspSession {
  /** Every publishDiagnostics, by document, in order. */
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  /** Errors the server logged: a feature that threw (and was contained by its guard). */
  readonly serverErrors: string[] = [];
  /**
   * What the server said, in the order it said it: `log: …` and `show: …` for its messages,
   * `progress: begin|report|end` for work-done progress. Tests add their own marks to order
   * answers against these without a clock.
   */
  readonly timeline: string[] = [];
  /** The tokens of the work-done progress the server created, in order. */
  readonly progressTokens: (string | number)[] = [];
  private readonly waiters: (() => void)[] = [];

  private constructor(private readonly proc: ChildProcess, readonly conn: MessageConnection) {
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, [...(this.published.get(p.uri) ?? []), p]);
      this.waiters.splice(0).forEach((w) => w());
    });
    conn.onNotification('window/logMessage', (m: { type: number; message: string }) => {
      if (m.type === 1) this.serverErrors.push(m.message);
      this.timeline.push(`log: ${m.message}`);
      this.waiters.splice(0).forEach((w) => w());
    });
    conn.onNotification('window/showMessage', (m: { message: string }) => {
      this.timeline.push(`show: ${m.message}`);
      this.waiters.splice(0).forEach((w) => w());
    });
    conn.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
      this.progressTokens.push(p.token);
      return null;
    });
    conn.onNotification('$/progress', (p: { value: { kind: string; message?: string } }) => {
      this.timeline.push(`progress: ${p.value.kind}${p.value.message ? ` ${p.value.message}` : ''}`);
      this.waiters.splice(0).forEach((w) => w());
    });
    conn.listen();
  }

  /** Spawns the server, sends `initialize` with these params, then `initialized`; gives the server's answer too. */
  static async start(initialize: object, env: NodeJS.ProcessEnv = process.env): Promise<{ session: LspSession; init: unknown }> {
    const proc = spawn(process.execPath, [SERVER_BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env });
    const session = new LspSession(proc, createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!)));
    const init = await session.conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, ...initialize });
    await session.conn.sendNotification('initialized', {});
    return { session, init };
  }

  /** Waits (up to `seconds`) until the timeline has an entry matching `pattern`; gives its index. */
  async waitFor(pattern: RegExp, seconds = 60): Promise<number> {
    const end = Date.now() + seconds * 1000;
    for (;;) {
      const i = this.timeline.findIndex((e) => pattern.test(e));
      if (i >= 0) return i;
      if (Date.now() > end) throw new Error(`nothing matching ${pattern} within ${seconds} s; timeline: ${this.timeline.slice(-5).join(' | ')}`);
      await Promise.race([this.nextPublish(), new Promise((r) => setTimeout(r, 100))]);
    }
  }

  /** Resolves at the next publishDiagnostics, whichever document it is for. */
  nextPublish(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** The diagnostics published for this version of the document, waiting up to 5 s for them. */
  async diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]> {
    const end = Date.now() + 5_000;
    for (;;) {
      const hit = this.published.get(uri)?.find((p) => p.version === version);
      if (hit) return hit.diagnostics;
      if (Date.now() > end) throw new Error(`no diagnostics for ${uri} version ${version}`);
      await Promise.race([this.nextPublish(), new Promise((r) => setTimeout(r, 100))]);
    }
  }

  async close(): Promise<void> {
    await this.conn.sendRequest('shutdown');
    await this.conn.sendNotification('exit');
    this.conn.dispose();
    this.proc.kill();
  }
}
