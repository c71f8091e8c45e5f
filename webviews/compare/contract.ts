/**
 * The run comparison panel's contract (docs/webviews.md): the host sends the selected runs with
 * their params, tags and latest metrics once; the page builds the table, the parallel coordinates
 * and the scatter from them. Metric values travel in a Float64Array (VS Code serialises webview
 * messages as JSON, which would turn NaN and ±Infinity into null).
 */

export const COMPARE_VIEW_TYPE = 'mlflow.compare';

export interface CompareRun {
  runId: string;
  runName: string;
  status: string;
  startTime: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
}

export interface CompareInit {
  runs: CompareRun[];
  /** Latest metric keys, sorted; `metricValues[r * metricKeys.length + k]` is run r's latest value of key k (NaN when absent: see `metricPresent`). */
  metricKeys: string[];
  metricValues: Float64Array;
  /** 1 where run r logged key k. */
  metricPresent: Uint8Array;
  error?: string;
}

export interface CompareState {
  runIds: string[];
  onlyDifferences: boolean;
  /** Row ("metrics.loss", "params.lr", …) the runs are ordered by, and the direction. */
  sortBy?: string;
  descending?: boolean;
  /** Axes of the parallel coordinates. */
  axes: string[];
  scatterX?: string;
  scatterY?: string;
}

export type CompareContract = {
  requests: Record<string, never>;
  pushes: { init: CompareInit };
  events: { openRun: { runId: string } };
  state: CompareState;
};
