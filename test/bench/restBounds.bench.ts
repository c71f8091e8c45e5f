import { RestStore } from '../../extension/core/store/rest/restStore';
import { JsonItemCounter } from '../../extension/core/store/rest/jsonItemCounter';
import { SHAPES } from '../../extension/core/store/rest/restShapes';
import { check } from '../../extension/core/store/rest/shape';
import { json, startHostilePeer } from '../support/hostileServer';
import { round, timeReps } from './benchTiming';

/**
 * What the REST client's bounds cost on honest answers: a page of runs shaped like MLflow's
 * (params, tags, a few metrics each) read through RestStore.searchRunsPage from a peer on
 * 127.0.0.1, beside the bare costs of its parts on the same bytes: JSON.parse, the shape check and
 * the streaming item counter.
 */

function runsPage(n: number): string {
  const runs = Array.from({ length: n }, (_, i) => ({
    info: { run_id: `r${i.toString(16).padStart(32, '0')}`, run_uuid: `r${i}`, experiment_id: '1', run_name: `run-${i}`, user_id: 'bench', status: 'FINISHED', start_time: 1700000000000 + i, end_time: 1700000001000 + i, artifact_uri: `mlflow-artifacts:/1/r${i}/artifacts`, lifecycle_stage: 'active' },
    data: {
      metrics: Array.from({ length: 5 }, (_, k) => ({ key: `metric_${k}`, value: i * 0.001 + k, timestamp: 1700000000000 + i, step: 10 })),
      params: Array.from({ length: 10 }, (_, k) => ({ key: `param_${k}`, value: `value ${k} "quoted" \\ back` })),
      tags: [
        { key: 'mlflow.runName', value: `run-${i}` },
        { key: 'mlflow.user', value: 'bench' },
        { key: 'mlflow.source.name', value: 'train.py' },
      ],
    },
  }));
  return JSON.stringify({ runs });
}

export default async function bench(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const n of [1000, 20_000]) {
    const body = runsPage(n);
    const bytes = Buffer.from(body, 'utf8');
    const peer = await startHostilePeer({ '/api/2.0/mlflow/runs/search': json(body) });
    const store = new RestStore(peer.url, { maxRetries: 0 });
    try {
      const reps = n > 5000 ? 5 : 15;
      const full = await timeReps(async () => (await store.searchRunsPage({ experimentIds: ['1'], maxResults: n })).runs.length, reps);
      const parse = await timeReps(async () => (JSON.parse(body) as { runs: unknown[] }).runs.length, reps);
      const parsed = JSON.parse(body) as { runs: unknown[] };
      const shape = await timeReps(async () => {
        check(parsed, SHAPES.searchRuns);
        return parsed.runs.length;
      }, reps);
      const counter = await timeReps(async () => {
        const c = new JsonItemCounter();
        for (let i = 0; i < bytes.length; i += 65536) c.push(bytes.subarray(i, i + 65536));
        return c.max;
      }, reps);
      out[`runs_page_${n}`] = {
        body_mb: round(bytes.length / 1024 / 1024),
        search_runs_page: full,
        json_parse_alone: parse,
        shape_check_alone: shape,
        item_counter_alone: counter,
        item_counter_mb_per_s: round(bytes.length / 1024 / 1024 / (counter.median_ms / 1000)),
      };
    } finally {
      await store.close();
      await peer.close();
    }
  }
  return out;
}
