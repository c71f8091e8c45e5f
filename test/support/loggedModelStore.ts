import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggedModel } from '../../extension/core/model/entities';
import { repoRoot, runPython, runPythonJson } from './python';

/** A store with MLflow 3 logged models written by the real mlflow (test/support/make_logged_models.py). */

export interface LoggedModelIds {
  experiment_id: string;
  run_id: string;
  model_id: string;
  draft_id: string;
}

export function makeLoggedModels(uri: string, cwd: string, env: Record<string, string> = {}): LoggedModelIds {
  const out = runPython([join(repoRoot, 'test', 'support', 'make_logged_models.py'), uri], env, cwd);
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as LoggedModelIds;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** What MLflow's client lists, reduced to what every store reports the same way (latest metric per key). */
export interface PyLoggedModel {
  model_id: string;
  name: string;
  status: string;
  source_run_id: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
}

/** `cwd`: where the Python process runs (never the repository: MLflow may create a default mlflow.db in its cwd). */
export function pythonLoggedModels(uri: string, experimentId: string, cwd: string = tmpdir()): PyLoggedModel[] {
  return runPythonJson<PyLoggedModel[]>(
    `
import json, mlflow
c = mlflow.MlflowClient(${JSON.stringify(uri)})
out = []
for m in c.search_logged_models(experiment_ids=[${JSON.stringify(experimentId)}]):
    best = {}
    for x in (m.metrics or []):
        if x.key not in best or (x.step, x.timestamp, x.value) > best[x.key]:
            best[x.key] = (x.step, x.timestamp, x.value)
    out.append({"model_id": m.model_id, "name": m.name, "status": str(m.status), "source_run_id": m.source_run_id,
                "params": dict(m.params or {}), "tags": dict(m.tags or {}), "metrics": {k: v[2] for k, v in best.items()}})
print(json.dumps(out))
`,
    {},
    cwd,
  );
}

export function ours(models: LoggedModel[]): PyLoggedModel[] {
  return models.map((m) => ({
    model_id: m.modelId,
    name: m.name,
    status: m.status,
    source_run_id: m.sourceRunId,
    params: m.params,
    tags: m.tags,
    metrics: Object.fromEntries(m.metrics.map((x) => [x.key, x.value])),
  }));
}
