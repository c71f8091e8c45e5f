import type { ReadableStore } from '../core/store/openStore';
import { isStoreError } from '../core/store/errors';
import type { CompareInit } from '../../webviews/compare/contract';

/** The comparison panel's data, without `vscode`: the runs with params, tags and latest metrics. */
export async function compareInit(store: ReadableStore, runIds: string[]): Promise<CompareInit> {
  const runs: CompareInit['runs'] = [];
  const latest: Record<string, number>[] = [];
  const missing: string[] = [];
  for (const id of [...new Set(runIds)]) {
    try {
      const r = await store.getRun(id);
      runs.push({ runId: r.info.runId, runName: r.info.runName, status: r.info.status, startTime: r.info.startTime, params: r.data.params, tags: r.data.tags });
      latest.push(Object.fromEntries(Object.entries(r.data.metrics).map(([k, m]) => [k, m.value])));
    } catch (e) {
      if (!isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) throw e;
      missing.push(id);
    }
  }
  const metricKeys = [...new Set(latest.flatMap((m) => Object.keys(m)))].sort();
  const metricValues = new Float64Array(runs.length * metricKeys.length).fill(NaN);
  const metricPresent = new Uint8Array(runs.length * metricKeys.length);
  latest.forEach((m, r) =>
    metricKeys.forEach((k, j) => {
      if (k in m) {
        metricValues[r * metricKeys.length + j] = m[k];
        metricPresent[r * metricKeys.length + j] = 1;
      }
    }),
  );
  return { runs, metricKeys, metricValues, metricPresent, error: missing.length ? `${missing.length} run(s) not found in this store: ${missing.join(', ')}` : undefined };
}
