/**
 * Every loop of the parser that reads tokens must move on at each pass, or stop. Each
 * checks it with one comparison of positions (free next to the scanning it guards); what
 * happens when one fails depends on who runs the code. Tests turn on strict checks, and a
 * stalled loop throws StalledLoopError, so that the input that found it fails the test.
 * Otherwise the loop is pushed one character on: an editor gets a slightly worse parse of
 * a file that found a bug, rather than a language server that hangs.
 */
let strict = false;

/** Turns strict loop checks on or off (tests turn them on; see test/support/strictLoops.ts). */
export function checkLoops(on: boolean): void {
  strict = on;
}

export function strictLoops(): boolean {
  return strict;
}

/** A token loop that did not move on: a bug of the parser, never a fault of the input. */
export class StalledLoopError extends Error {
  constructor(readonly loop: string, readonly offset: number) {
    super(`internal error: the parser's ${loop} loop did not move on from offset ${offset}`);
    this.name = 'StalledLoopError';
  }
}
