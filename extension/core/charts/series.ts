/**
 * One metric of one run as columns, the shape charts, the CLI's sampled history and the live
 * followers share. Columns instead of Metric objects because a chart load reads millions of points
 * (100 runs × 100,000 steps) and only keeps a thousand of each: typed arrays keep that pass free of
 * per-point allocation. Plain TypeScript without Node imports: the webview bundles it too.
 */

export interface Series {
  runId: string;
  key: string;
  /** In step order (ties as MLflow orders them, see sortOrder). */
  steps: Float64Array;
  timestamps: Float64Array;
  /** As MLflow returns them: NaN, ±Infinity from file stores and servers; ±Number.MAX_VALUE for infinities a SQL store saved. */
  values: Float64Array;
  /** Points the run has logged for this key (before sampling). */
  total: number;
  /** Non-finite values among all logged points, so a chart can say what it cannot draw. */
  nonFinite: NonFiniteCounts;
}

export interface NonFiniteCounts {
  nan: number;
  posInf: number;
  negInf: number;
}

export function emptySeries(runId: string, key: string): Series {
  return { runId, key, steps: new Float64Array(0), timestamps: new Float64Array(0), values: new Float64Array(0), total: 0, nonFinite: { nan: 0, posInf: 0, negInf: 0 } };
}

/** MLflow's SQL store saves ±inf as ±1.7976931348623157e308 (Number.MAX_VALUE) and gives that back. */
export function isStoredInfinity(v: number): boolean {
  return v === Number.MAX_VALUE || v === -Number.MAX_VALUE;
}

export function countNonFinite(values: ArrayLike<number>, into: NonFiniteCounts = { nan: 0, posInf: 0, negInf: 0 }): NonFiniteCounts {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) into.nan++;
    else if (v === Infinity || v === Number.MAX_VALUE) into.posInf++;
    else if (v === -Infinity || v === -Number.MAX_VALUE) into.negInf++;
  }
  return into;
}

/** Growable columns for readers that do not know the point count in advance. */
export class ColumnBuilder {
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.steps = new Float64Array(capacity);
    this.timestamps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(step: number, timestamp: number, value: number): void {
    if (this.length === this.steps.length) this.grow();
    const i = this.length++;
    this.steps[i] = step;
    this.timestamps[i] = timestamp;
    this.values[i] = value;
  }

  private grow(): void {
    const cap = Math.max(16, this.steps.length * 2);
    const s = new Float64Array(cap);
    const t = new Float64Array(cap);
    const v = new Float64Array(cap);
    s.set(this.steps);
    t.set(this.timestamps);
    v.set(this.values);
    this.steps = s;
    this.timestamps = t;
    this.values = v;
  }

  /** Views on the filled part (no copy). */
  columns(): { steps: Float64Array; timestamps: Float64Array; values: Float64Array } {
    return { steps: this.steps.subarray(0, this.length), timestamps: this.timestamps.subarray(0, this.length), values: this.values.subarray(0, this.length) };
  }
}

/**
 * Indices that put points in step order, ties by timestamp, then in the order given (a stable
 * sort): the order MLflow gives a sampled history (`get-history-bulk-interval` sorts each run's
 * history by (step, timestamp), and the SQL store's own order adds value then is_nan, which a SQL
 * reader already applies in its query). Returns undefined when the input is already in that order,
 * the usual case, so nothing is copied.
 */
export function sortOrder(steps: ArrayLike<number>, timestamps: ArrayLike<number>): Uint32Array | undefined {
  const n = steps.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    const ds = steps[i] - steps[i - 1];
    if (ds < 0 || (ds === 0 && timestamps[i] < timestamps[i - 1])) {
      sorted = false;
      break;
    }
  }
  if (sorted) return undefined;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  // Ties fall back to the index, so the result does not depend on the sort's stability.
  idx.sort((a, b) => steps[a] - steps[b] || timestamps[a] - timestamps[b] || a - b);
  return idx;
}

export function permute(col: Float64Array, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = col[order[i]];
  return out;
}

/** Builds a Series from columns in any order: puts them in step order and counts non-finite values. */
export function seriesFromColumns(runId: string, key: string, steps: Float64Array, timestamps: Float64Array, values: Float64Array): Series {
  const order = sortOrder(steps, timestamps);
  if (order) {
    steps = permute(steps, order);
    timestamps = permute(timestamps, order);
    values = permute(values, order);
  }
  return { runId, key, steps, timestamps, values, total: steps.length, nonFinite: countNonFinite(values) };
}

/** Keeps the points at `indices` (ascending). */
export function pick(s: Series, indices: ArrayLike<number>): Series {
  const n = indices.length;
  const steps = new Float64Array(n);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = indices[i];
    steps[i] = s.steps[j];
    timestamps[i] = s.timestamps[j];
    values[i] = s.values[j];
  }
  return { ...s, steps, timestamps, values };
}

/** Appends points that come after a series' last point in step order (live growth). */
export function appendPoints(s: Series, more: { steps: ArrayLike<number>; timestamps: ArrayLike<number>; values: ArrayLike<number> }): Series {
  const n = s.steps.length;
  const m = more.steps.length;
  const steps = new Float64Array(n + m);
  const timestamps = new Float64Array(n + m);
  const values = new Float64Array(n + m);
  steps.set(s.steps);
  timestamps.set(s.timestamps);
  values.set(s.values);
  for (let i = 0; i < m; i++) {
    steps[n + i] = more.steps[i];
    timestamps[n + i] = more.timestamps[i];
    values[n + i] = more.values[i];
  }
  const merged = seriesFromColumns(s.runId, s.key, steps, timestamps, values);
  const added = countNonFinite(more.values);
  return {
    ...merged,
    total: s.total + m,
    nonFinite: { nan: s.nonFinite.nan + added.nan, posInf: s.nonFinite.posInf + added.posInf, negInf: s.nonFinite.negInf + added.negInf },
  };
}
