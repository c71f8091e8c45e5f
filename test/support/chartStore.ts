import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mlflowEnv, mlflowPython, repoRoot, runPythonJson } from './python';
import { spawnSync } from 'node:child_process';

/**
 * A store written by the real mlflow for the chart tests (test/support/make_chart_store.py), as a
 * file store or as SQLite, in a fresh temporary folder. `history()` asks mlflow's Python client for
 * a run's whole history, the reference every reader and sampler is checked against.
 */

export interface ChartStore {
  dir: string;
  uri: string;
  experimentId: string;
  runs: { spiky: string; ties: string; short: string; evil: string };
  remove(): void;
}

export interface PyPoint {
  step: number;
  timestamp: number;
  /** null = NaN; "inf" / "-inf" for infinities */
  value: number | null | string;
}

export function makeChartStore(kind: 'file' | 'sqlite'): ChartStore {
  const dir = mkdtempSync(join(tmpdir(), `mlwb-charts-${kind}-`));
  const uri = kind === 'file' ? `file://${join(dir, 'mlruns')}` : `sqlite:///${join(dir, 'mlflow.db')}`;
  const r = spawnSync(mlflowPython(), [join(repoRoot, 'test/support/make_chart_store.py'), uri], { env: mlflowEnv(), cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make_chart_store.py failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  const out = JSON.parse(lines[lines.length - 1]) as { experiment_id: string; runs: ChartStore['runs'] };
  return { dir, uri, experimentId: out.experiment_id, runs: out.runs, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** mlflow's get_metric_history for each run, in the order mlflow returns it. */
export function pythonHistories(uri: string, runIds: string[], key: string): Record<string, PyPoint[]> {
  return runPythonJson(`
import json, math
from mlflow import MlflowClient
c = MlflowClient(${JSON.stringify(uri)})
def v(x):
    return None if math.isnan(x) else ("inf" if x == math.inf else ("-inf" if x == -math.inf else x))
print(json.dumps({r: [{"step": m.step, "timestamp": m.timestamp, "value": v(m.value)} for m in c.get_metric_history(r, ${JSON.stringify(key)})] for r in ${JSON.stringify(runIds)}}))
`);
}

export function pyValue(v: number): number | null | string {
  return Number.isNaN(v) ? null : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v;
}
