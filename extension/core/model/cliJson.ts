import type { Experiment, LoggedModel, Metric, ModelVersion, RegisteredModel, Run } from './entities';

/**
 * The JSON shapes `mlwb --json` prints. They are a contract (docs/cli.md): snake_case like MLflow's
 * own APIs, ids as strings, times as ms numbers, non-finite metric values as the strings MLflow's
 * REST API uses ("NaN", "Infinity", "-Infinity") because JSON has no literal for them.
 */

export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function jsonNumber(v: number): JsonNumber {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

export function experimentJson(e: Experiment) {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    creation_time: e.creationTime ?? null,
    last_update_time: e.lastUpdateTime ?? null,
    tags: e.tags,
  };
}

export function runJson(r: Run) {
  const metrics: Record<string, JsonNumber> = {};
  for (const k of Object.keys(r.data.metrics).sort()) metrics[k] = jsonNumber(r.data.metrics[k].value);
  return {
    run_id: r.info.runId,
    experiment_id: r.info.experimentId,
    run_name: r.info.runName,
    status: r.info.status,
    start_time: r.info.startTime,
    end_time: r.info.endTime,
    lifecycle_stage: r.info.lifecycleStage,
    artifact_uri: r.info.artifactUri,
    user_id: r.info.userId,
    params: sortKeys(r.data.params),
    tags: sortKeys(r.data.tags),
    metrics,
  };
}

export function metricJson(m: Metric) {
  return { key: m.key, value: jsonNumber(m.value), timestamp: m.timestamp, step: m.step };
}

export function modelVersionJson(v: ModelVersion) {
  return {
    name: v.name,
    version: v.version,
    current_stage: v.currentStage,
    description: v.description,
    source: v.source,
    run_id: v.runId,
    status: v.status,
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    aliases: v.aliases,
    tags: sortKeys(v.tags),
    model_id: v.modelId ?? null,
    storage_location: v.storageLocation ?? null,
  };
}

/** A logged model as `mlwb logged-models --json` prints it: MLflow's LoggedModel.to_dictionary() names, status as a word. */
export function loggedModelJson(m: LoggedModel) {
  return {
    model_id: m.modelId,
    experiment_id: m.experimentId,
    name: m.name,
    status: m.status,
    status_message: m.statusMessage,
    source_run_id: m.sourceRunId,
    model_type: m.modelType,
    artifact_location: m.artifactLocation,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    params: sortKeys(m.params),
    tags: sortKeys(m.tags),
    metrics: m.metrics.map((x) => ({
      key: x.key,
      value: jsonNumber(x.value),
      timestamp: x.timestamp,
      step: x.step,
      run_id: x.runId ?? null,
      dataset_name: x.datasetName ?? null,
      dataset_digest: x.datasetDigest ?? null,
    })),
  };
}

export function registeredModelJson(m: RegisteredModel, versions: ModelVersion[]) {
  return {
    name: m.name,
    description: m.description,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    tags: sortKeys(m.tags),
    aliases: sortKeys(m.aliases),
    latest_versions: m.latestVersions.map((v) => v.version),
    versions: versions.map(modelVersionJson),
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
