import * as fs from 'fs';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { collectFiles, defaultIncludeDirs, LintedFile, Linter } from '../node/lintFiles';
import { LintArgs, parseArgs, USAGE, UsageError } from './args';
import { printDenials } from './denials';
import { formatGcc, formatJson, formatText } from './format';
import { readEach } from './readEach';

declare const APPARMOR_LINT_VERSION: string | undefined;

function readInput(path: string): string {
  return path === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(path, 'utf8');
}

export function main(argv: readonly string[]): number {
  let args: LintArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`apparmor-lint: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) { process.stdout.write(`${USAGE}\n`); return 0; }
  if (args.version) {
    process.stdout.write(`${typeof APPARMOR_LINT_VERSION === 'string' ? APPARMOR_LINT_VERSION : 'dev'}\n`);
    return 0;
  }
  if (args.denials) return printDenials(args, readInput);
  const { files, problems } = collectFiles(args.paths);
  const linter = new Linter({
    includeDirs: defaultIncludeDirs(args.includeDirs),
    base: args.base,
    abi: args.abi,
    fragment: args.fragment ? true : undefined,
  });
  const results: LintedFile[] = [];
  readEach(files, readInput, problems, (path, text) => results.push(linter.lintText(path, text)));
  const output = args.format === 'json' ? formatJson(results) : args.format === 'gcc' ? formatGcc(results) : formatText(results);
  if (output) process.stdout.write(`${output}\n`);
  for (const p of problems) process.stderr.write(`apparmor-lint: ${p}\n`);
  if (problems.length > 0) return 2;
  return results.some((r) => r.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error)) ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
