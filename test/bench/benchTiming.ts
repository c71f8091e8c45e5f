/** Timing helpers shared by the store benchmarks (also run under Node 24 by sqliteDirectTimer.ts). */

export interface Timed {
  cold_ms: number;
  times_ms: number[];
  median_ms: number;
  count: number;
}

/**
 * Calls `fn` once cold (first call in this process: JIT and statement caches not warmed) and then
 * `reps` times warm. `fn` returns how many items it read; every repetition must read the same number.
 */
export async function timeReps(fn: () => Promise<number>, reps: number): Promise<Timed> {
  let t = performance.now();
  const count = await fn();
  const cold = performance.now() - t;
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    t = performance.now();
    const n = await fn();
    times.push(performance.now() - t);
    if (n !== count) throw new Error(`repetition ${i + 1} read ${n} items, the first call read ${count}`);
  }
  return { cold_ms: round(cold), times_ms: times.map(round), median_ms: round(median(times.length ? times : [cold])), count };
}

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round = (x: number): number => Math.round(x * 10) / 10;
