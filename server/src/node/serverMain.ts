import * as fs from 'fs';
import { Console } from 'console';
import { type Connection, createConnection, type Message, ProposedFeatures, StreamMessageReader } from 'vscode-languageserver/node';
import { startServer } from '../server';
import { describeError, MB, readLines } from './boundedRead';
import { nodeFileSystem } from './nodeFileSystem';
import { runParser } from './runParser';
import { OneWriteMessageWriter } from './stdioWriter';

/** Notes whether the editor asked for shutdown, for the exit status when it closes stdin. */
class StdinReader extends StreamMessageReader {
  shutdownAsked = false;
  override listen(callback: (msg: Message) => void): ReturnType<StreamMessageReader['listen']> {
    return super.listen((msg) => {
      if ((msg as { method?: string }).method === 'shutdown') this.shutdownAsked = true;
      callback(msg);
    });
  }
}

function connect(): Connection {
  if (!process.argv.includes('--stdio')) {
    // createConnection reads --node-ipc, --socket or --pipe from the command line.
    return createConnection(ProposedFeatures.all);
  }
  // stdout carries the protocol: anything a library prints goes to stderr, the editor's log.
  globalThis.console = new Console(process.stderr, process.stderr);
  const reader = new StdinReader(process.stdin);
  // An editor that goes away closes stdin; the server goes with it, as the library's own stdio does.
  for (const event of ['end', 'close']) process.stdin.on(event, () => process.exit(reader.shutdownAsked ? 0 : 1));
  return createConnection(ProposedFeatures.all, reader, new OneWriteMessageWriter(process.stdout));
}

const connection = connect();
const includeDirs = fs.existsSync('/etc/apparmor.d') ? ['/etc/apparmor.d'] : [];
/** A log named in apparmor/denials is streamed, so only endless input needs a cap. */
const MAX_SERVER_LOG_BYTES = 1024 * MB;
const readLogLines = (path: string, onLine: (line: string, cut: boolean) => void): void => {
  try {
    readLines(path, MAX_SERVER_LOG_BYTES, 'a log', onLine);
  } catch (e) {
    throw new Error(describeError(e));
  }
};
startServer(connection, { fs: nodeFileSystem, defaults: { includeDirs }, runParser, readLogLines });
