import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import type { FileSystem } from '../service/includes';
import { LifecycleReader } from '../lifecycle';
import { startServer } from '../server';

// In a web worker there is no disk: includes stay unresolved (one warning says so), and
// everything else works on the open documents.
const noFiles: FileSystem = { readFile: () => undefined, stat: () => undefined, readDirectory: () => [] };

declare const self: unknown;
const writer = new BrowserMessageWriter(self as never);
const connection = createConnection(new LifecycleReader(new BrowserMessageReader(self as never), writer), writer);
startServer(connection, { fs: noFiles, defaults: { includeDirs: [] } });
