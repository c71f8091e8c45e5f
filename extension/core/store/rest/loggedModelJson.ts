import type { LoggedModel, LoggedModelMetric } from '../../model/entities';
import { latestLoggedModelMetrics, loggedModelStatusOfName } from '../loggedModels';
import { doubleOf, tagsOf, type KeyValueJson, type MetricJson } from './restJson';
import { double, id, int64, list, obj, str } from './shape';

/** MLflow 3's LoggedModel message (service.proto) as a server encodes it: `info` + `data`. */

export interface LoggedModelJson {
  info: {
    model_id: string;
    experiment_id?: string | number;
    name?: string;
    artifact_uri?: string;
    creation_timestamp_ms?: number | string;
    last_updated_timestamp_ms?: number | string;
    status?: string;
    status_message?: string;
    model_type?: string;
    source_run_id?: string;
    tags?: KeyValueJson[];
  };
  data?: { params?: KeyValueJson[]; metrics?: (MetricJson & { run_id?: string })[] };
}

const keyValue = obj({ 'key!': str, value: str });
const metric = obj({ 'key!': str, value: double, timestamp: int64, step: int64, run_id: str, dataset_name: str, dataset_digest: str });

export const loggedModelShape = obj({
  'info!': obj({
    'model_id!': str,
    experiment_id: id,
    name: str,
    artifact_uri: str,
    creation_timestamp_ms: int64,
    last_updated_timestamp_ms: int64,
    status: str,
    status_message: str,
    model_type: str,
    source_run_id: str,
    tags: list(keyValue),
  }),
  data: obj({ params: list(keyValue), metrics: list(metric) }),
});

export const LOGGED_MODEL_SHAPES = {
  search: obj({ models: list(loggedModelShape), next_page_token: str }),
  one: obj({ 'model!': loggedModelShape }),
};

function num(v: number | string | undefined): number {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
}

export function loggedModelOf(j: LoggedModelJson): LoggedModel {
  const i = j.info;
  const metrics: LoggedModelMetric[] = (j.data?.metrics ?? []).map((m) => ({
    key: m.key,
    value: doubleOf(m.value),
    timestamp: num(m.timestamp),
    step: num(m.step),
    ...(m.run_id ? { runId: m.run_id } : {}),
    ...(m.dataset_name ? { datasetName: m.dataset_name } : {}),
    ...(m.dataset_digest ? { datasetDigest: m.dataset_digest } : {}),
  }));
  return {
    modelId: i.model_id,
    experimentId: String(i.experiment_id ?? ''),
    name: i.name ?? '',
    artifactLocation: i.artifact_uri ?? '',
    creationTimestamp: num(i.creation_timestamp_ms),
    lastUpdatedTimestamp: num(i.last_updated_timestamp_ms),
    status: loggedModelStatusOfName(i.status),
    statusMessage: i.status_message || null,
    modelType: i.model_type || null,
    sourceRunId: i.source_run_id || null,
    tags: tagsOf(i.tags),
    params: tagsOf(j.data?.params),
    metrics: latestLoggedModelMetrics(metrics),
  };
}
