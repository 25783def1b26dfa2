import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { MAX_LOG_BYTES, MAX_PROFILE_BYTES, readText } from '../node/boundedRead';
import { collectFiles, defaultIncludeDirs, LintedFile, Linter } from '../node/lintFiles';
import { LintArgs, parseArgs, USAGE, UsageError } from './args';
import { printDenials } from './denials';
import { reportFor } from './format';
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
  if (args.denials) return printDenials(args, args.maxSize ?? MAX_LOG_BYTES, out);
  return lint(args, args.maxSize ?? MAX_PROFILE_BYTES, out);
}

/** Checks each file as it is read and prints its report at once: nothing piles up. */
function lint(args: LintArgs, maxBytes: number, out: Output): number {
  const { files, problems, notes } = collectFiles(args.paths, maxBytes);
  const linter = new Linter({
    includeDirs: defaultIncludeDirs(args.includeDirs),
    base: args.base,
    abi: args.abi,
    fragment: args.fragment ? true : undefined,
  });
  const report = reportFor(args.format, out);
  let errors = false;
  for (const path of files) {
    const linted = lintOne(linter, path, maxBytes);
    if (typeof linted === 'string') { problems.push(linted); continue; }
    errors ||= linted.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error);
    report.file(linted);
  }
  report.end();
  out.flush();
  for (const n of notes) complain(n);
  for (const p of problems) complain(p);
  if (problems.length > 0) return 2;
  return errors ? 1 : 0;
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
