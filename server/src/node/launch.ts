/**
 * The language server's entry point (bin and VS Code client alike): loads the server bundle
 * beside it through V8's code cache. Start-up counts for every editor that spawns the server.
 */
import * as path from 'path';
import { runCached } from './codeCache';

const run = runCached(path.join(__dirname, 'server-main.js'), module);
// By then initialize and the first document's checks have run, so their code is in the cache.
if (run.outcome !== 'used') setTimeout(() => run.save(), 3000).unref();
