import type { NonFiniteCounts, Series } from './series';

/**
 * How a sampled series travels from the extension host to the chart webview: typed arrays (VS Code
 * passes ArrayBuffers to a webview without turning them into JSON text), with steps and timestamps
 * stored as 32-bit offsets from the series' first point when they fit (they nearly always do: 2^31
 * steps, or 24 days of milliseconds), values as exact 64-bit doubles. 16 bytes a point instead of
 * about 45 as JSON text: 100 runs × 1,000 points is 1.6 MB.
 */

export interface WireSeries {
  runId: string;
  key: string;
  total: number;
  nonFinite: NonFiniteCounts;
  stepBase: number;
  tsBase: number;
  /** Offsets from stepBase / tsBase: Int32Array when every offset fits, else Float64Array. */
  steps: Int32Array | Float64Array;
  timestamps: Int32Array | Float64Array;
  values: Float64Array;
}

function offsets(col: Float64Array, base: number): Int32Array | Float64Array {
  let fits = true;
  for (let i = 0; i < col.length; i++) {
    const d = col[i] - base;
    if (d > 2147483647 || d < -2147483648 || !Number.isInteger(d)) {
      fits = false;
      break;
    }
  }
  if (!fits) {
    const out = new Float64Array(col.length);
    for (let i = 0; i < col.length; i++) out[i] = col[i] - base;
    return out;
  }
  const out = new Int32Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = col[i] - base;
  return out;
}

export function toWire(s: Series): WireSeries {
  const stepBase = s.steps.length ? s.steps[0] : 0;
  const tsBase = s.timestamps.length ? s.timestamps[0] : 0;
  return {
    runId: s.runId,
    key: s.key,
    total: s.total,
    nonFinite: s.nonFinite,
    stepBase,
    tsBase,
    steps: offsets(s.steps, stepBase),
    timestamps: offsets(s.timestamps, tsBase),
    // A copy: a subarray would drag its whole parent buffer along.
    values: Float64Array.from(s.values),
  };
}

export function fromWire(w: WireSeries): Series {
  const n = w.values.length;
  const steps = new Float64Array(n);
  const timestamps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    steps[i] = w.stepBase + w.steps[i];
    timestamps[i] = w.tsBase + w.timestamps[i];
  }
  return { runId: w.runId, key: w.key, steps, timestamps, values: w.values, total: w.total, nonFinite: w.nonFinite };
}

/** Bytes a wire series occupies: its arrays plus its strings and numbers as JSON. */
export function wireBytes(w: WireSeries): number {
  const meta = JSON.stringify({ runId: w.runId, key: w.key, total: w.total, nonFinite: w.nonFinite, stepBase: w.stepBase, tsBase: w.tsBase });
  return w.steps.byteLength + w.timestamps.byteLength + w.values.byteLength + new TextEncoder().encode(meta).length;
}
