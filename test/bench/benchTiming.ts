/** Timing helpers shared by the store benchmarks (also run under Node 24 by sqliteDirectTimer.ts). */

export interface Timed {
  cold_ms: number;
  times_ms: number[];
  median_ms: number;
  count: number;
  /** The same calls in the process's CPU time (user + system, every thread), which a loaded machine inflates far less than wall time. */
  cold_cpu_ms: number;
  cpu_times_ms: number[];
  median_cpu_ms: number;
}

/** CPU time of this process so far (user + system, all threads), in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Calls `fn` once cold (first call in this process: JIT and statement caches not warmed) and then
 * `reps` times warm. `fn` returns how many items it read; every repetition must read the same number.
 */
export async function timeReps(fn: () => Promise<number>, reps: number): Promise<Timed> {
  let c = cpuMs();
  let t = performance.now();
  const count = await fn();
  const cold = performance.now() - t;
  const coldCpu = cpuMs() - c;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    c = cpuMs();
    t = performance.now();
    const n = await fn();
    times.push(performance.now() - t);
    cpu.push(cpuMs() - c);
    if (n !== count) throw new Error(`repetition ${i + 1} read ${n} items, the first call read ${count}`);
  }
  return {
    cold_ms: round(cold),
    times_ms: times.map(round),
    median_ms: round(median(times.length ? times : [cold])),
    count,
    cold_cpu_ms: round(coldCpu),
    cpu_times_ms: cpu.map(round),
    median_cpu_ms: round(median(cpu.length ? cpu : [coldCpu])),
  };
}

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round = (x: number): number => Math.round(x * 10) / 10;
