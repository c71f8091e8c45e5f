import { alignByStep } from '../core/charts/axes';
import { readSampledHistories } from '../core/charts/historyRead';
import { toWire } from '../core/charts/wire';
import type { Run } from '../core/model/entities';
import { isStoreError } from '../core/store/errors';
import type { ReadableStore } from '../core/store/openStore';
import { RestStore } from '../core/store/rest/restStore';
import type { ChartRun, ChartsInit, SeriesParams, SeriesResult } from '../../webviews/charts/contract';

/**
 * The chart panel's answers, without `vscode`: runs and metric keys for the page's first paint,
 * and sampled series (docs/charts.md) in the wire format. Plain-Node tests call these on stores
 * written by mlflow.
 */

export function chartRun(run: Run): ChartRun {
  return {
    runId: run.info.runId,
    runName: run.info.runName,
    experimentId: run.info.experimentId,
    status: run.info.status,
    startTime: run.info.startTime,
    params: run.data.params,
    tags: run.data.tags,
  };
}

export async function chartsInit(store: ReadableStore, runIds: string[], maxPoints: number): Promise<ChartsInit> {
  const runs: ChartRun[] = [];
  const missing: string[] = [];
  const keys = new Set<string>();
  for (const id of [...new Set(runIds)]) {
    try {
      const run = await store.getRun(id);
      runs.push(chartRun(run));
      for (const k of Object.keys(run.data.metrics)) keys.add(k);
    } catch (e) {
      if (!isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) throw e;
      missing.push(id);
    }
  }
  return {
    runs,
    metricKeys: [...keys].sort(),
    maxPoints,
    // Servers, and database stores read through our local mlflow server, sample on their side.
    serverSampled: store instanceof RestStore,
    error: missing.length ? `${missing.length} run${missing.length > 1 ? 's' : ''} not found in this store: ${missing.join(', ')}` : undefined,
  };
}

/** Everything a run logged for the x metric, so its value at any sampled step is exact. */
const WHOLE = Number.MAX_SAFE_INTEGER;

export async function chartSeries(store: ReadableStore, p: SeriesParams, maxPoints: number): Promise<SeriesResult> {
  const results = await readSampledHistories(store, p.runIds, p.key, { maxPoints, stepRange: p.stepRange });
  const xs = p.xMetric ? await readSampledHistories(store, p.runIds, p.xMetric, { maxPoints: WHOLE, exact: true, stepRange: p.stepRange }) : undefined;
  return {
    series: results.map((r, i) => {
      const w = toWire(r.series);
      return xs ? { ...w, x: alignByStep(r.series, xs[i].series) } : w;
    }),
    errors: results.filter((r) => r.error).map((r) => ({ runId: r.runId, message: r.error! })),
    serverSampled: results.some((r) => r.serverSampled),
  };
}
