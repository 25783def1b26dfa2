/**
 * The cost of running `work`, for the tests that tell linear from quadratic work by
 * comparing two sizes: the least CPU time (user and system, in ms) this process spent over
 * `runs` runs, after a warm one. CPU time, not the wall clock: on a shared, loaded host
 * the wall clock also counts the time other processes had the CPU, which is not our cost
 * (twice a wall-clock ratio failed CI on a slow host). Absolute speed is measured in bench/.
 */
export function cpuCost(work: () => void, runs = 3): number {
  work();
  let best = Infinity;
  for (let k = 0; k < runs; k++) {
    const before = process.cpuUsage();
    work();
    const spent = process.cpuUsage(before);
    best = Math.min(best, (spent.user + spent.system) / 1000);
  }
  return best;
}

/**
 * Asserts that the large input costs less than `ratio` times the small one (or less than
 * `floorMs`, where timer noise dominates). A slow host can make one measurement of a few
 * milliseconds many times too large; quadratic work is too large at every attempt, so the
 * check passes when any of `attempts` measurements does, and fails naming them all.
 */
export function assertGrowth(label: string, small: () => void, large: () => void, ratio: number, floorMs: number, attempts = 3): void {
  const seen: string[] = [];
  for (let k = 0; k < attempts; k++) {
    const a = cpuCost(small);
    const b = cpuCost(large);
    if (b < Math.max(floorMs, a * ratio)) return;
    seen.push(`${a.toFixed(1)} → ${b.toFixed(1)} ms`);
  }
  throw new Error(`${label}: the larger input costs more than ${ratio} times the smaller at every attempt (${seen.join(', ')})`);
}
