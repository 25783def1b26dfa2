/**
 * Quoting for POSIX sh, for the one place a command line is typed rather than passed as an
 * argument vector: the integrated terminal where sudo asks for a password.
 */

/** Characters that mean the same to sh quoted or not (`~` is left out: at a word's start it expands). */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** A first word of this form is a variable assignment, not a command; a word starting with `=` expands in zsh. */
const ASSIGNMENT_OR_EQUALS = /^(?:[A-Za-z_][A-Za-z0-9_]*=|=)/;

/**
 * One argument as sh reads it back unchanged: inside single quotes only `'` itself is
 * special. `commandWord` is for the first word of a line, where NAME=value is an assignment.
 */
export function quoteForSh(arg: string, commandWord = false): string {
  if (PLAIN.test(arg) && !(arg.startsWith('=') || (commandWord && ASSIGNMENT_OR_EQUALS.test(arg)))) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argument vector as one sh command line. */
export function toShellLine(argv: readonly string[]): string {
  return argv.map((a, i) => quoteForSh(a, i === 0)).join(' ');
}

/**
 * Why a line cannot be typed into a terminal, if it cannot. The terminal's line discipline
 * acts on control characters (^C interrupts, CR becomes LF, ^U erases the line) before sh
 * sees them, and drops what goes past its 4096-byte line buffer.
 */
export function findUntypeable(line: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/[\x00-\x1f\x7f]/.test(line)) return 'it contains control characters';
  if (Buffer.byteLength(line) > 4000) return 'it is longer than a terminal line can be';
  return undefined;
}
