import { pick, type Series } from './series';

/**
 * Downsampling of a metric history for charts and `mlwb history --max-points`.
 *
 * Guarantees, for a series in step order and a budget of N ≥ 4 points:
 * - at most N points, every one of them a logged point (step, timestamp and value unchanged), in
 *   the input's order;
 * - the first and the last point are kept;
 * - a point holding the smallest and one holding the largest value are kept (NaN is not a value
 *   here; +Infinity is the largest and -Infinity the smallest, so a loss that blows up stays visible).
 *
 * How: the points are cut into buckets of consecutive points (equal counts) and each bucket keeps
 * its first, last, smallest and largest point (the "M4" reduction used for line charts): ⌊N/4⌋
 * buckets, or more when the curve is smooth enough that buckets keep fewer than four. A
 * bucket's extremes are the whole series' extremes when they fall in it, so the guarantees hold by
 * construction; a line drawn through the kept points covers the same vertical range in every bucket
 * as one drawn through all of them, which is what makes spikes and dips survive. Buckets count points,
 * not steps, so an axis of wall time gets the same detail as one of steps.
 */

export const MIN_SAMPLE_POINTS = 4;

/** Ascending indices of the points to keep. */
export function sampleIndices(values: ArrayLike<number>, maxPoints: number): Uint32Array {
  const n = values.length;
  if (!(maxPoints >= MIN_SAMPLE_POINTS)) throw new RangeError(`at least ${MIN_SAMPLE_POINTS} points per series are needed to keep the first, last, smallest and largest; got ${maxPoints}`);
  if (n <= maxPoints) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  // Four per bucket is the worst case; a smooth curve keeps two (its first point is its max, its
  // last its min), so when the result leaves much of the budget unused, cut finer and try again.
  let buckets = Math.floor(maxPoints / 4);
  let best = reduceBuckets(values, buckets);
  for (let tries = 0; tries < 4 && best.length < maxPoints * 0.95; tries++) {
    const finer = Math.min(maxPoints, Math.floor((buckets * maxPoints) / best.length));
    if (finer <= buckets) break;
    const next = reduceBuckets(values, finer);
    if (next.length > maxPoints) break;
    best = next;
    buckets = finer;
  }
  return best;
}

/** First, last, smallest and largest point of each of `buckets` runs of consecutive points. */
function reduceBuckets(values: ArrayLike<number>, buckets: number): Uint32Array {
  const n = values.length;
  const out = new Uint32Array(buckets * 4);
  let k = 0;
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets); // exclusive, > lo because n > buckets
    let iMin = -1;
    let iMax = -1;
    let vMin = 0;
    let vMax = 0;
    for (let i = lo; i < hi; i++) {
      const v = values[i];
      if (v !== v) continue; // NaN
      if (iMin < 0) {
        iMin = iMax = i;
        vMin = vMax = v;
      } else if (v < vMin) {
        iMin = i;
        vMin = v;
      } else if (v > vMax) {
        iMax = i;
        vMax = v;
      }
    }
    // The four candidates in index order, without repeats.
    const last = hi - 1;
    const e1 = iMin < 0 ? lo : Math.min(iMin, iMax);
    const e2 = iMin < 0 ? lo : Math.max(iMin, iMax);
    let a = lo;
    out[k++] = a;
    if (e1 > a) out[k++] = a = e1;
    if (e2 > a) out[k++] = a = e2;
    if (last > a) out[k++] = last;
  }
  return out.slice(0, k);
}

/** The series reduced to at most `maxPoints` points (itself when it is small enough). */
export function sampleSeries(s: Series, maxPoints: number): Series {
  if (s.values.length <= maxPoints) {
    if (!(maxPoints >= MIN_SAMPLE_POINTS)) sampleIndices(s.values, maxPoints); // same error for every size
    return s;
  }
  return pick(s, sampleIndices(s.values, maxPoints));
}

/** The points of `s` whose step lies in [minStep, maxStep] (a zoomed range), still in step order. */
export function stepRange(s: Series, minStep: number, maxStep: number): Series {
  let lo = 0;
  let hi = s.steps.length;
  // Steps are sorted: binary search both ends.
  let l = 0;
  let h = hi;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (s.steps[m] < minStep) l = m + 1;
    else h = m;
  }
  lo = l;
  l = lo;
  h = hi;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (s.steps[m] <= maxStep) l = m + 1;
    else h = m;
  }
  hi = l;
  return { ...s, steps: s.steps.subarray(lo, hi), timestamps: s.timestamps.subarray(lo, hi), values: s.values.subarray(lo, hi) };
}
