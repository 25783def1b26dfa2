/**
 * Keeps a costly refresh (a command on a remote target) from piling up: one runs at a time,
 * and any number of requests made while it runs get one more run after it, together.
 */
export class RefreshGate {
  private running: Promise<void> | undefined;
  private pending: Promise<void> | undefined;
  private lastStart = -Infinity;

  constructor(private readonly work: () => Promise<void>, private readonly now: () => number = Date.now) {}

  /** Resolves once a run that started after this call has finished. */
  request(): Promise<void> {
    if (!this.running) return this.start();
    this.pending ??= this.running.then(() => {
      this.pending = undefined;
      return this.start();
    });
    return this.pending;
  }

  /** A request unless a run started less than `gapMs` ago (or one is running or queued): for events that come in bursts, such as focus. */
  requestIfStale(gapMs: number): Promise<void> | undefined {
    if (this.running || this.pending || this.now() - this.lastStart < gapMs) return undefined;
    return this.start();
  }

  private start(): Promise<void> {
    this.lastStart = this.now();
    const run = this.work().catch(() => undefined).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}
