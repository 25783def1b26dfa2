/** What the log says of a fault: its stack where it has one, else the thrown value in words. */
export function describeFault(e: unknown): string {
  return e instanceof Error && e.stack !== undefined ? e.stack : String(e);
}
