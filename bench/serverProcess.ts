/** The built language server as a child process over stdio, with its memory read from /proc: for the soak and the huge-workspace scripts. */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

/** APPARMOR_LSP_BIN runs another build (main's, to compare). */
const SERVER = process.env.APPARMOR_LSP_BIN ?? path.resolve(__dirname, '../../bin/apparmor-language-server.js');

export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export interface ServerProcess {
  readonly conn: MessageConnection;
  readonly pid: number;
  /** Every window/logMessage and window/showMessage text, in order. */
  readonly messages: string[];
  /** Resolves when the server logs that indexing ended (or was cancelled). */
  readonly indexed: Promise<number>;
  /** When the first $/progress `begin` arrived. */
  progressBegan(): number | undefined;
  /** Resident and peak resident memory of the server, in MB. */
  memory(): { rss: number; peak: number };
  kill(): void;
}

export async function startServer(folders: string[], initializationOptions: object): Promise<ServerProcess> {
  const proc = spawn(SERVER, ['--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, APPARMOR_LSP_CACHE_DIR: '' } });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const messages: string[] = [];
  let began: number | undefined;
  let markIndexed: (at: number) => void = () => undefined;
  const indexed = new Promise<number>((resolve) => { markIndexed = resolve; });
  const note = (m: { message: string }): void => {
    messages.push(m.message);
    if (/^Index(ed|ing cancelled)/.test(m.message)) markIndexed(now());
  };
  conn.onNotification('window/logMessage', note);
  conn.onNotification('window/showMessage', note);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification('$/progress', (p: { value: { kind: string } }) => { if (p.value.kind === 'begin') began ??= now(); });
  conn.onNotification('textDocument/publishDiagnostics', () => undefined);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: null, capabilities: { window: { workDoneProgress: true } },
    workspaceFolders: folders.map((f) => ({ uri: `file://${f}`, name: path.basename(f) || f })), initializationOptions,
  });
  await conn.sendNotification('initialized', {});
  const status = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  return {
    conn, pid: proc.pid!, messages, indexed,
    progressBegan: () => began,
    memory: () => ({ rss: status('VmRSS'), peak: status('VmHWM') }),
    kill: () => { conn.dispose(); proc.kill(); },
  };
}
