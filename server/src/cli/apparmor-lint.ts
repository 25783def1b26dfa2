import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { MAX_LOG_BYTES, MAX_PROFILE_BYTES, readText } from '../node/boundedRead';
import { collectFiles, LintedFile, Linter } from '../node/lintFiles';
import { parseCache } from '../node/parseCache';
import { LintArgs, parseArgs, USAGE, UsageError } from './args';
import { printDenials } from './denials';
import { printClassifiedDenials } from './denialVerdicts';
import { checkExpectations } from './expectations';
import { printQuery } from './query';
import { reportFor } from './format';
import { Linters, SetupError } from './linters';
import { complain, inWords, Output, OutputClosed } from './output';

declare const APPARMOR_LINT_VERSION: string | undefined;

/** Runs the command; every failure ends in one line on stderr and exit status 2, never a stack trace. */
export function main(argv: readonly string[]): number {
  const out = new Output(1);
  try {
    const status = run(argv, out);
    out.flush();
    return status;
  } catch (e) {
    if (e instanceof OutputClosed) complain(e.message);
    else complain(`${inWords(e)}${process.env['APPARMOR_LINT_DEBUG'] ? `\n${(e as Error).stack}` : ''}`);
    return 2;
  }
}

function run(argv: readonly string[], out: Output): number {
  let args: LintArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    complain(`${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) { out.line(USAGE); return 0; }
  if (args.version) {
    out.line(typeof APPARMOR_LINT_VERSION === 'string' ? APPARMOR_LINT_VERSION : 'dev');
    return 0;
  }
  if (args.denials && args.profiles.length > 0) return printClassifiedDenials(args, args.maxSize ?? MAX_LOG_BYTES, out);
  if (args.denials) return printDenials(args, args.maxSize ?? MAX_LOG_BYTES, out);
  if (args.query !== undefined) return printQuery(args, out);
  if (args.test) return checkExpectations(args, out);
  return lint(args, args.maxSize ?? MAX_PROFILE_BYTES, out);
}

/** Checks each file as it is read and prints its report at once: nothing piles up. */
function lint(args: LintArgs, maxBytes: number, out: Output): number {
  const { files, problems, notes } = collectFiles(args.paths, maxBytes);
  let linters: Linters;
  try {
    linters = new Linters(args);
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    complain(e.message);
    return 2;
  }
  const report = reportFor(args.format, out);
  let errors = false;
  let warnings = 0;
  // A file of bare rules is a fragment when a file checked later includes it: it is checked
  // again after all the others, when every include among them is known (standard input is
  // read once, and nothing includes it).
  const deferred: string[] = [];
  const lintPath = (path: string, last: boolean): void => {
    let linted: LintedFile | string;
    try {
      if (linters.ignores(path)) return;
      linted = lintOne(linters.linterFor(path), path, maxBytes);
    } catch (e) {
      if (!(e instanceof SetupError)) throw e;
      linted = e.message;
    }
    if (typeof linted === 'string') { problems.push(linted); return; }
    if (!last && path !== '-' && linted.diagnostics.some((d) => d.code === 'rules-without-profile')) { deferred.push(path); return; }
    errors ||= linted.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error);
    for (const d of linted.diagnostics) if (d.severity === DiagnosticSeverity.Warning) warnings++;
    report.file(linted);
  };
  for (const path of files) lintPath(path, false);
  for (const path of deferred) lintPath(path, true);
  report.end();
  out.flush();
  for (const n of notes) complain(n);
  for (const p of problems) complain(p);
  if (problems.length > 0) return 2;
  const tooMany = args.maxWarnings !== undefined && warnings > args.maxWarnings;
  if (tooMany) complain(`${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${args.maxWarnings}`);
  return errors || tooMany ? 1 : 0;
}

/** The file checked, or the line that says why it could not be. */
function lintOne(linter: Linter, path: string, maxBytes: number): LintedFile | string {
  const name = path === '-' ? 'standard input' : path;
  let text: string;
  try {
    text = readText(path, maxBytes, 'a profile');
  } catch (e) {
    return `cannot read ${name}: ${inWords(e)}`;
  }
  try {
    return linter.lintText(path, text);
  } catch (e) {
    // A bug of the checker on one file: told with the file's name, and the others still checked.
    return `cannot check ${name}: internal error: ${inWords(e)}`;
  }
}

process.exitCode = main(process.argv.slice(2));
// The includes parsed this run, for the next.
parseCache()?.save();
