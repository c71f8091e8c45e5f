import type { MlflowHttpClient } from './httpClient';
import { doubleOf, type MetricJson } from './restJson';
import { double, int64, list, obj, str } from './shape';

/**
 * MLflow's `GET /api/2.0/mlflow/metrics/get-history-bulk-interval` (the call MLflow's own UI charts
 * with): one request for up to 100 runs, each run's history sampled by the server to at most
 * `max_results` (≤ 2,500) points, optionally within [start_step, end_step].
 *
 * What the server's sampling keeps (mlflow/store/tracking/sqlalchemy_store.py and abstract_store.py):
 * evenly spaced rows (SQL stores: the first row of each of `max_results` NTILE buckets, plus the
 * last row; file stores behind a server: evenly spaced steps plus every run's first and last step).
 * What it loses: the smallest and largest values between the kept rows (a spike or a dip that falls
 * between two samples is gone), and on file stores with several values on one step, values of that
 * step beyond the cap. The client cannot tell what was dropped.
 */

export const BULK_MAX_RUNS = 100;
export const BULK_MAX_RESULTS = 2500;

export interface BulkPoint {
  runId: string;
  step: number;
  timestamp: number;
  value: number;
}

const BULK_SHAPE = obj({ metrics: list(obj({ 'key!': str, value: double, timestamp: int64, step: int64, 'run_id!': str })) });

interface BulkJson {
  metrics?: (MetricJson & { run_id?: string })[];
}

export async function getMetricHistoryBulkInterval(
  http: MlflowHttpClient,
  runIds: string[],
  key: string,
  maxResults: number,
  range?: { startStep: number; endStep: number },
): Promise<BulkPoint[]> {
  const out: BulkPoint[] = [];
  const perRun = Math.max(1, Math.min(BULK_MAX_RESULTS, Math.floor(maxResults)));
  for (let i = 0; i < runIds.length; i += BULK_MAX_RUNS) {
    const chunk = runIds.slice(i, i + BULK_MAX_RUNS);
    const r = await http.call<BulkJson>(
      'GET',
      '/api/2.0/mlflow/metrics/get-history-bulk-interval',
      { run_ids: chunk, metric_key: key, max_results: perRun, start_step: range?.startStep, end_step: range?.endStep },
      BULK_SHAPE,
      {
        // File-store-backed servers may add every run's first and last step to each run's sample.
        maxItems: chunk.length * (perRun + 2 * chunk.length),
        notFound: chunk.length === 1 ? `run ${chunk[0]}` : `one of the runs ${chunk.join(', ')}`,
        endpointMissing: `${http.shown} has no get-history-bulk-interval endpoint (an older MLflow)`,
      },
    );
    for (const m of r.metrics ?? []) {
      out.push({ runId: m.run_id ?? '', step: Number(m.step ?? 0), timestamp: Number(m.timestamp ?? 0), value: doubleOf(m.value) });
    }
  }
  return out;
}
