import * as fs from 'fs';
import { Console } from 'console';
import { type Connection, createConnection, IPCMessageReader, IPCMessageWriter, type MessageWriter, ProposedFeatures } from 'vscode-languageserver/node';
import { LifecycleReader } from '../lifecycle';
import { describeFault } from '../describeFault';
import { startServer } from '../server';
import { FrameAnswer, FrameReader } from './frameReader';
import { describeError, MB, readLines } from './boundedRead';
import { nodeFileSystem } from './nodeFileSystem';
import { nodeTree } from './nodeTree';
import { runParser } from './runParser';
import { OneWriteMessageWriter } from './stdioWriter';
import { ParseCache, parseCache } from './parseCache';
import type { ParseStore } from '../service/includeGraph';

/** Logs to the editor's output once the connection exists, to stderr before. */
let log = (text: string): void => void process.stderr.write(`${text}\n`);

function connect(): Connection {
  if (process.argv.includes('--node-ipc')) {
    const writer = new IPCMessageWriter(process);
    return createConnection(ProposedFeatures.all, new LifecycleReader(new IPCMessageReader(process), writer), writer);
  }
  if (!process.argv.includes('--stdio')) {
    // createConnection reads --socket or --pipe from the command line.
    return createConnection(ProposedFeatures.all);
  }
  // stdout carries the protocol: anything a library prints goes to stderr, the editor's log.
  globalThis.console = new Console(process.stderr, process.stderr);
  const writer = new OneWriteMessageWriter(process.stdout);
  const reader = new LifecycleReader(new FrameReader(process.stdin, (text, answer) => reportFrame(writer, text, answer)), writer);
  // An editor that goes away closes stdin; the server goes with it, as the library's own stdio does.
  for (const event of ['end', 'close']) process.stdin.on(event, () => process.exit(reader.shutdownAsked ? 0 : 1));
  return createConnection(ProposedFeatures.all, reader, writer);
}

/** A bad frame is logged, and answered (with a null id: it had none to read) where JSON-RPC says so. */
function reportFrame(writer: MessageWriter, text: string, answer?: FrameAnswer): void {
  log(`Bad message from the editor: ${text}`);
  if (answer) void writer.write({ jsonrpc: '2.0', id: null, error: answer } as never).catch(() => undefined);
}

const connection = connect();
log = (text) => {
  try {
    connection.console.error(text);
  } catch {
    // The editor is gone; nothing is left to tell.
  }
};
// A fault that escapes every handler is logged with its stack; the server keeps serving.
process.on('uncaughtException', (e) => log(`Uncaught exception (the server carries on): ${describeFault(e)}`));
process.on('unhandledRejection', (e) => log(`Unhandled rejection (the server carries on): ${describeFault(e)}`));
const includeDirs = fs.existsSync('/etc/apparmor.d') ? ['/etc/apparmor.d'] : [];
/** A log named in apparmor/denials is streamed, so only endless input needs a cap. */
const MAX_SERVER_LOG_BYTES = 1024 * MB;
const readLogLines = (path: string, onLine: (line: string, cut: boolean) => void): void => {
  try {
    readLines(path, MAX_SERVER_LOG_BYTES, 'a log', onLine);
  } catch (e) {
    throw new Error(describeError(e), { cause: e });
  }
};
const parses = parseCache();
startServer(connection, { fs: nodeFileSystem, tree: nodeTree, defaults: { includeDirs }, runParser, readLogLines, ...(parses ? { parses: savedSoon(parses) } : {}) });

/** What a session kept is written a few seconds after the first new entry, and at exit. */
function savedSoon(cache: ParseCache): ParseStore {
  let timer: NodeJS.Timeout | undefined;
  process.on('exit', () => cache.save());
  return {
    digest: (text) => cache.digest(text),
    get: (key) => cache.get(key),
    put: (key, value) => {
      cache.put(key, value);
      timer ??= setTimeout(() => {
        timer = undefined;
        cache.save();
      }, 5000).unref();
    },
  };
}
