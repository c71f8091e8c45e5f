import type { Series } from './series';

/**
 * X values of a series for each axis mode the charts offer. Plain TypeScript: the webview computes
 * them from the points the host sent, so switching the axis needs no new read (except the "another
 * metric" mode, whose x values the host attaches with alignByStep).
 */

export type XAxisMode = 'step' | 'wall' | 'relative' | 'relativeHours' | 'metric';

export const X_AXIS_LABELS: Record<XAxisMode, string> = {
  step: 'Step',
  wall: 'Wall time',
  relative: 'Relative time (s)',
  relativeHours: 'Relative time (h)',
  metric: 'Metric',
};

/**
 * `origin` is where relative time starts: the run's start time when the store has it, else the
 * first logged point of the run's history (not of a zoomed range, so zooming does not shift it).
 */
export function xValues(steps: ArrayLike<number>, timestamps: ArrayLike<number>, mode: Exclude<XAxisMode, 'metric'>, origin: number): Float64Array {
  const n = steps.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    switch (mode) {
      case 'step':
        out[i] = steps[i];
        break;
      case 'wall':
        out[i] = timestamps[i];
        break;
      case 'relative':
        out[i] = (timestamps[i] - origin) / 1000;
        break;
      case 'relativeHours':
        out[i] = (timestamps[i] - origin) / 3_600_000;
        break;
    }
  }
  return out;
}

/**
 * X values for "another metric" mode: for each point of `y`, the value `x` (the same run's other
 * metric, whole history in step order) has at that step; NaN where `x` logged nothing at that step,
 * and the point is then not drawn. Several values at one step: the last in MLflow's order wins,
 * as a chart over steps would show it.
 */
export function alignByStep(y: Pick<Series, 'steps'>, x: Pick<Series, 'steps' | 'values'>): Float64Array {
  const out = new Float64Array(y.steps.length);
  let j = 0;
  const xs = x.steps;
  for (let i = 0; i < y.steps.length; i++) {
    const s = y.steps[i];
    while (j < xs.length && xs[j] < s) j++;
    let k = j;
    let v = NaN;
    while (k < xs.length && xs[k] === s) v = x.values[k++];
    out[i] = v;
  }
  return out;
}
