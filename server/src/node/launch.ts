/**
 * The language server's entry point (bin and VS Code client alike): loads the server bundle
 * beside it through V8's code cache. Start-up counts for every editor that spawns the server.
 */
import * as path from 'path';
import { setFlagsFromString } from 'v8';
import { runCached } from './codeCache';

// TurboFan compiles a function on other threads once it has run a budget of bytecode; during
// the first diagnostics those compiles compete with the check for the cores. Four times V8's
// default budget leaves them to what a session keeps hot: the first diagnostics of gnome-shell
// came 61 ms after didOpen against 89 ms (medians of 7, bench/RESULTS.md). Set before the
// bundle loads, so its code cache is made and used under the same flags.
setFlagsFromString('--interrupt-budget=270336');

const run = runCached(path.join(__dirname, 'server-main.js'), module);
// By then initialize and the first document's checks have run, so their code is in the cache.
if (run.outcome !== 'used') setTimeout(() => run.save(), 3000).unref();
