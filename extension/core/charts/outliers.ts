/**
 * "Ignore outliers": the y range from the 5th to the 95th percentile of the finite values drawn
 * (all visible series together), so one spike does not flatten every other curve. Percentiles
 * interpolate linearly between ranks (numpy's default). Points outside stay in the data; the axis
 * just does not reach them.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const r = Math.min(Math.max(p, 0), 1) * (n - 1);
  const lo = Math.floor(r);
  const hi = Math.ceil(r);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (r - lo);
}

export function outlierRange(series: ArrayLike<number>[], lowP = 0.05, highP = 0.95): { min: number; max: number } | undefined {
  let total = 0;
  for (const s of series) total += s.length;
  const all = new Float64Array(total);
  let n = 0;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (Number.isFinite(v) && Math.abs(v) !== Number.MAX_VALUE) all[n++] = v;
    }
  }
  if (n === 0) return undefined;
  const sorted = all.subarray(0, n).sort();
  return { min: percentile(sorted, lowP), max: percentile(sorted, highP) };
}
