import type { Experiment, Metric, ModelVersion, RegisteredModel, Run, RunInfo, RunStatus } from '../../model/entities';
import { RUN_STATUSES } from '../../model/entities';

/**
 * MLflow's REST JSON (snake_case, unset fields omitted, int64 as numbers, non-finite doubles as
 * "NaN"/"Infinity" strings) to the core's entities and back. Omitted fields get the proto default,
 * which is what the Python client sees too.
 */

export interface KeyValueJson {
  key: string;
  value?: string;
}
export interface MetricJson {
  key: string;
  value?: number | string;
  timestamp?: number | string;
  step?: number | string;
  dataset_name?: string;
  dataset_digest?: string;
}
export interface ExperimentJson {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  creation_time?: number | string;
  last_update_time?: number | string;
  tags?: KeyValueJson[];
}
export interface RunInfoJson {
  run_id?: string;
  run_uuid?: string;
  experiment_id: string;
  run_name?: string;
  user_id?: string;
  status?: string;
  start_time?: number | string;
  end_time?: number | string;
  artifact_uri?: string;
  lifecycle_stage?: string;
}
export interface RunJson {
  info: RunInfoJson;
  data?: { metrics?: MetricJson[]; params?: KeyValueJson[]; tags?: KeyValueJson[] };
}
export interface ModelVersionJson {
  name: string;
  version: string | number;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  run_link?: string;
  status?: string;
  status_message?: string;
  storage_location?: string;
  model_id?: string;
  tags?: KeyValueJson[];
  aliases?: string[];
}
export interface RegisteredModelJson {
  name: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  description?: string;
  latest_versions?: ModelVersionJson[];
  tags?: KeyValueJson[];
  aliases?: { alias: string; version: string | number }[];
}

function num(v: number | string | undefined): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function doubleOf(v: number | string | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

/** JSON has no NaN/Infinity: protobuf's JSON mapping spells them as strings, and MLflow's parser takes those. */
export function doubleJson(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

export function tagsOf(list: KeyValueJson[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) out[t.key] = t.value ?? '';
  return out;
}

export function tagList(tags: Record<string, string> | undefined): KeyValueJson[] {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
}

export function experimentOf(j: ExperimentJson): Experiment {
  return {
    experimentId: String(j.experiment_id),
    name: j.name,
    artifactLocation: j.artifact_location ?? '',
    lifecycleStage: j.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    creationTime: num(j.creation_time),
    lastUpdateTime: num(j.last_update_time),
    tags: tagsOf(j.tags),
  };
}

export function metricOf(j: MetricJson): Metric {
  const m: Metric = { key: j.key, value: doubleOf(j.value), timestamp: num(j.timestamp) ?? 0, step: num(j.step) ?? 0 };
  if (j.dataset_name) m.datasetName = j.dataset_name;
  if (j.dataset_digest) m.datasetDigest = j.dataset_digest;
  return m;
}

export function metricJson(m: Metric): MetricJson {
  return { key: m.key, value: doubleJson(m.value) as number, timestamp: m.timestamp, step: m.step };
}

export function runInfoOf(j: RunInfoJson, tags: Record<string, string> = {}): RunInfo {
  const status = (RUN_STATUSES as readonly string[]).includes(j.status ?? '') ? (j.status as RunStatus) : 'RUNNING';
  return {
    runId: j.run_id ?? j.run_uuid ?? '',
    experimentId: String(j.experiment_id),
    runName: j.run_name ?? tags['mlflow.runName'] ?? '',
    status,
    startTime: num(j.start_time) ?? null,
    endTime: num(j.end_time) ?? null,
    lifecycleStage: j.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    artifactUri: j.artifact_uri ?? '',
    userId: j.user_id ?? '',
  };
}

export function runOf(j: RunJson): Run {
  const tags = tagsOf(j.data?.tags);
  const metrics: Record<string, Metric> = {};
  for (const m of j.data?.metrics ?? []) metrics[m.key] = metricOf(m);
  return { info: runInfoOf(j.info, tags), data: { params: tagsOf(j.data?.params), tags, metrics } };
}

export function modelVersionOf(j: ModelVersionJson): ModelVersion {
  return {
    name: j.name,
    version: String(j.version),
    creationTimestamp: num(j.creation_timestamp) ?? 0,
    lastUpdatedTimestamp: num(j.last_updated_timestamp) ?? 0,
    currentStage: j.current_stage ?? 'None',
    description: j.description ?? null,
    source: j.source ?? '',
    runId: j.run_id || null,
    runLink: j.run_link || null,
    status: j.status ?? 'READY',
    statusMessage: j.status_message || null,
    userId: j.user_id || null,
    storageLocation: j.storage_location ?? null,
    modelId: j.model_id ?? null,
    tags: tagsOf(j.tags),
    aliases: j.aliases ?? [],
  };
}

export function registeredModelOf(j: RegisteredModelJson): RegisteredModel {
  const aliases: Record<string, string> = {};
  for (const a of j.aliases ?? []) aliases[a.alias] = String(a.version);
  return {
    name: j.name,
    creationTimestamp: num(j.creation_timestamp) ?? 0,
    lastUpdatedTimestamp: num(j.last_updated_timestamp) ?? 0,
    description: j.description ?? null,
    tags: tagsOf(j.tags),
    aliases,
    latestVersions: (j.latest_versions ?? []).map(modelVersionOf),
  };
}
