import * as fs from 'fs';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../server';
import { nodeFileSystem } from './nodeFileSystem';
import { runParser } from './runParser';

// createConnection reads --stdio, --node-ipc or --socket from the command line.
const connection = createConnection(ProposedFeatures.all);
const includeDirs = fs.existsSync('/etc/apparmor.d') ? ['/etc/apparmor.d'] : [];
startServer(connection, { fs: nodeFileSystem, defaults: { includeDirs }, runParser });
