/** What Atomics.wait waits on; made on first use, because V8 builds a startup snapshot without SharedArrayBuffer. */
let sleeper: Int32Array | undefined;

/** Blocks the thread for `ms` milliseconds: synchronous readers and writers wait out EAGAIN with it. */
export function pause(ms: number): void {
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}
