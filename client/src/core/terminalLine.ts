import { quoteForSh, toShellLine } from './shellQuote';

/** Where a command typed into the terminal leaves its output and exit status. */
export interface TerminalFiles {
  /** Written (by rename) only after the output is complete, so its appearance means "done". */
  readonly status: string;
  readonly output: string;
}

export function terminalFilesIn(dir: string): TerminalFiles {
  return { status: `${dir}/status`, output: `${dir}/output` };
}

/**
 * The line typed into the AppArmor terminal (always /bin/sh). The output is shown there and
 * kept in a file; the exit status is taken inside the braces, before the pipe to tee can
 * replace it, and published by a rename once tee has finished.
 */
export function buildTerminalLine(argv: readonly string[], files: TerminalFiles): string {
  const pending = quoteForSh(`${files.status}.tmp`);
  return `{ ${toShellLine(argv)} 2>&1; echo $? >${pending}; } | tee ${quoteForSh(files.output)}; mv ${pending} ${quoteForSh(files.status)}`;
}
