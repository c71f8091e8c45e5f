import type { XAxisMode } from '../../extension/core/charts/axes';
import type { WireSeries } from '../../extension/core/charts/wire';

/**
 * What the metric chart panel and the extension host say to each other (docs/webviews.md).
 * Series travel as typed arrays (extension/core/charts/wire.ts): VS Code serialises webview
 * messages as JSON, which would turn NaN and ±Infinity into null, but passes typed arrays as bytes.
 */

export const CHARTS_VIEW_TYPE = 'mlflow.charts';

export interface ChartRun {
  runId: string;
  runName: string;
  experimentId: string;
  status: string;
  /** ms since epoch; null when the store has none. */
  startTime: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
}

export interface ChartsInit {
  runs: ChartRun[];
  /** Every metric key any of the runs logged, sorted. */
  metricKeys: string[];
  /** mlflow.chartPointsPerSeries */
  maxPoints: number;
  /** The store samples on its side first (servers): a spike between its samples can be missing. */
  serverSampled: boolean;
  /** A message when the runs could not be read. */
  error?: string;
}

export interface SeriesParams {
  key: string;
  runIds: string[];
  /** Zoom: only steps in [min, max], sampled within that range at full detail. */
  stepRange?: [number, number];
  /** x = this metric's value at the same step ("another metric" axis). */
  xMetric?: string;
}

export interface SeriesResult {
  series: (WireSeries & { x?: Float64Array })[];
  errors: { runId: string; message: string }[];
  serverSampled: boolean;
}

export type LiveUpdateWire =
  | { kind: 'append'; runId: string; key: string; steps: Float64Array; timestamps: Float64Array; values: Float64Array }
  | { kind: 'replace'; runId: string; key: string; series: WireSeries };

export interface ChartsState {
  runIds: string[];
  metrics: string[];
  xAxis: XAxisMode;
  xMetric?: string;
  logY: boolean;
  ignoreOutliers: boolean;
  /** EMA weight, 0 (off) to 0.99. */
  smoothing: number;
  /** `params.<key>` or `tags.<key>`; none for one line per run. */
  groupBy?: string;
  hiddenRuns: string[];
  /** Manual y range per metric. */
  yRanges: Record<string, { min?: number; max?: number }>;
}

export type ChartsContract = {
  requests: {
    series: { params: SeriesParams; result: SeriesResult };
    saveFile: { params: { suggestedName: string; kind: 'png' | 'csv'; /** PNG as a data: URL, CSV as text */ data: string }; result: { saved: boolean } };
  };
  pushes: {
    init: ChartsInit;
    live: { updates: LiveUpdateWire[] };
    status: { runId: string; status: string }[];
  };
  events: {
    /** The metrics shown, so the host follows those of RUNNING runs. */
    follow: { keys: string[] };
    openRun: { runId: string };
  };
  state: ChartsState;
};
