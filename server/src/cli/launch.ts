/**
 * apparmor-lint's entry point: runs the linter's bundle through V8's code cache (as the
 * language server does), so a fresh process deserializes the bytecode its last run compiled
 * instead of compiling the bundle again. The cache is written once, after the first run.
 */
import * as path from 'path';
import { setFlagsFromString } from 'v8';
import { runCached } from '../node/codeCache';

// TurboFan compiles a function once it has run a budget of bytecode. A one-file check is over
// before most such compiles pay for themselves; four times V8's default budget leaves them to
// the functions a long run (a whole tree) keeps hot: a fifth fewer instructions for one file,
// a fifth less CPU time and no more wall time for the shared corpus (bench/RESULTS.md). Set
// before the bundle loads, so its code cache is made and used under the same flags.
setFlagsFromString('--interrupt-budget=270336');
const run = runCached(path.join(__dirname, 'apparmor-lint-main.js'), module);
// The check has run by now, so the code it needed is compiled and goes into the cache.
if (run.outcome !== 'used') run.save();
