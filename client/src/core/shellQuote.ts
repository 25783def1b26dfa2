/**
 * Quoting for POSIX sh, for the one place a command line is typed rather than passed as an
 * argument vector: the integrated terminal where sudo asks for a password.
 */

/** Words that mean the same to sh quoted or not; `=` and `~` are left out because a bare word with them can be an assignment or expand. */
const PLAIN = /^[A-Za-z0-9_@%+:,./-]+$/;

/** One argument as sh reads it back unchanged: inside single quotes only `'` itself is special. */
export function quoteForSh(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argument vector as one sh command line. */
export function toShellLine(argv: readonly string[]): string {
  return argv.map(quoteForSh).join(' ');
}

/**
 * Why a line cannot be typed into a terminal, if it cannot. The terminal's line discipline
 * acts on control characters (^C interrupts, CR becomes LF, ^U erases the line) before sh
 * sees them, and drops what goes past its 4096-byte line buffer.
 */
export function findUntypeable(line: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(line)) return 'it contains control characters';
  if (Buffer.byteLength(line) > 4000) return 'it is longer than a terminal line can be';
  return undefined;
}
