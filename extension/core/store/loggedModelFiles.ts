import { join } from 'node:path';
import { asNumber, asString, isRecord, parseMlflowYaml } from '../format/mlflowYaml';
import { parsePythonFloat } from '../format/metricFile';
import type { LoggedModel, LoggedModelMetric } from '../model/entities';
import type { ProblemSink } from './errors';
import { listDirOrReport, listKeyFiles, readKeyValueTree, readMetadataText, readTextIfExists } from './fileTree';
import { latestLoggedModelMetrics, loggedModelStatusOfNumber } from './loggedModels';

/**
 * MLflow 3 logged models in the file store: `<experiment>/models/<model_id>/` with meta.yaml,
 * params/, tags/ and metrics/ (one file per key, lines `<ts> <value> <step> <run_id>` or with
 * `<dataset_name> <dataset_digest>` appended). Soft-deleted models (`lifecycle_stage: deleted`)
 * are left out, as MLflow's own search does.
 */

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One model folder; undefined (after reporting why, when it is damage) for anything that is not a live model. */
export async function readLoggedModelDir(dir: string, onProblem: ProblemSink): Promise<LoggedModel | undefined> {
  const report = (location: string, message: string) => onProblem({ location, message });
  const metaPath = join(dir, 'meta.yaml');
  let meta: Record<string, unknown>;
  try {
    const text = await readTextIfExists(metaPath);
    if (text === undefined) return undefined;
    const v = parseMlflowYaml(text);
    if (!isRecord(v)) {
      report(metaPath, 'logged model meta.yaml is empty or not a mapping; skipped');
      return undefined;
    }
    meta = v;
  } catch (e) {
    report(metaPath, `cannot read logged model meta.yaml: ${errText(e)}`);
    return undefined;
  }
  if (asString(meta.lifecycle_stage) === 'deleted') return undefined;
  const modelId = asString(meta.model_id);
  if (!modelId) {
    report(metaPath, 'logged model meta.yaml has no model_id; skipped');
    return undefined;
  }
  const onError = (p: string, e: unknown) => report(p, `cannot read: ${errText(e)}`);
  const [tags, params, metrics] = await Promise.all([
    readKeyValueTree(join(dir, 'tags'), onError),
    readKeyValueTree(join(dir, 'params'), onError),
    readModelMetrics(join(dir, 'metrics'), onError),
  ]);
  return {
    modelId,
    experimentId: asString(meta.experiment_id) ?? '',
    name: asString(meta.name) ?? '',
    artifactLocation: asString(meta.artifact_location) ?? '',
    creationTimestamp: asNumber(meta.creation_timestamp) ?? 0,
    lastUpdatedTimestamp: asNumber(meta.last_updated_timestamp) ?? 0,
    status: loggedModelStatusOfNumber(meta.status),
    statusMessage: asString(meta.status_message) ?? null,
    modelType: asString(meta.model_type) ?? null,
    sourceRunId: asString(meta.source_run_id) ?? null,
    tags,
    params,
    metrics,
  };
}

async function readModelMetrics(dir: string, onError: (path: string, e: unknown) => void): Promise<LoggedModelMetric[]> {
  const all: LoggedModelMetric[] = [];
  for (const { key, path } of await listKeyFiles(dir, onError)) {
    let text: string;
    try {
      text = await readMetadataText(path);
    } catch (e) {
      onError(path, e);
      continue;
    }
    const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    for (const [i, line] of lines.entries()) {
      const f = line.split(' ');
      if (f.length !== 4 && f.length !== 6) {
        onError(path, new Error(`line ${i + 1} has ${f.length} fields; a logged model's metric line has 4 or 6`));
        continue;
      }
      try {
        all.push({
          key,
          timestamp: Number(f[0]),
          value: parsePythonFloat(f[1]),
          step: Number(f[2]),
          runId: f[3],
          ...(f.length === 6 ? { datasetName: f[4], datasetDigest: f[5] } : {}),
        });
      } catch (e) {
        onError(path, new Error(`line ${i + 1}: ${errText(e)}`));
      }
    }
  }
  return latestLoggedModelMetrics(all);
}

/** Every live logged model under one experiment folder. */
export async function readExperimentLoggedModels(experimentDir: string, onProblem: ProblemSink): Promise<LoggedModel[]> {
  const modelsDir = join(experimentDir, 'models');
  const entries = await listDirOrReport(modelsDir, (p, e) => onProblem({ location: p, message: `cannot list logged models: ${errText(e)}` }));
  const out: LoggedModel[] = [];
  for (const d of entries) {
    if (!d.isDirectory() || !/^m-[\w-]+$/.test(d.name)) continue;
    const m = await readLoggedModelDir(join(modelsDir, d.name), onProblem);
    if (m) out.push(m);
  }
  return out;
}
