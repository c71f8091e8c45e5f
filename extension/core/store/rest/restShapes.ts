import { bool, double, id, int64, list, obj, ShapeError, str, type Shape } from './shape';

/**
 * The shape of every REST answer the store reads (mlflow/protos/service.proto and
 * model_registry.proto, as MLflow's server encodes them). Required fields are the ones the store
 * cannot do without: the ids and names that identify an entity.
 */

const keyValue = obj({ 'key!': str, value: str });
const tags = list(keyValue);

const metric = obj({ 'key!': str, value: double, timestamp: int64, step: int64, dataset_name: str, dataset_digest: str });

const experiment = obj({
  'experiment_id!': id,
  'name!': str,
  artifact_location: str,
  lifecycle_stage: str,
  creation_time: int64,
  last_update_time: int64,
  tags,
});

const runInfoFields = obj({
  run_id: str,
  run_uuid: str,
  'experiment_id!': id,
  run_name: str,
  user_id: str,
  status: str,
  start_time: int64,
  end_time: int64,
  artifact_uri: str,
  lifecycle_stage: str,
});

const runInfo: Shape = (v, p) => {
  runInfoFields(v, p);
  const o = v as { run_id?: unknown; run_uuid?: unknown };
  if (!o.run_id && !o.run_uuid) throw new ShapeError(`${p}.run_id`, 'is missing');
};

const run = obj({
  'info!': runInfo,
  data: obj({ metrics: list(metric), params: list(keyValue), tags: list(keyValue) }),
});

const modelVersion = obj({
  'name!': str,
  'version!': id,
  creation_timestamp: int64,
  last_updated_timestamp: int64,
  user_id: str,
  current_stage: str,
  description: str,
  source: str,
  run_id: str,
  run_link: str,
  status: str,
  status_message: str,
  storage_location: str,
  model_id: str,
  tags,
  aliases: list(str),
});

const registeredModel = obj({
  'name!': str,
  creation_timestamp: int64,
  last_updated_timestamp: int64,
  description: str,
  latest_versions: list(modelVersion),
  tags,
  aliases: list(obj({ 'alias!': str, 'version!': id })),
});

const fileInfo = obj({ 'path!': str, is_dir: bool, file_size: int64 });

const token = str;

export const SHAPES = {
  empty: obj({}),
  searchExperiments: obj({ experiments: list(experiment), next_page_token: token }),
  experiment: obj({ 'experiment!': experiment }),
  createExperiment: obj({ 'experiment_id!': id }),
  searchRuns: obj({ runs: list(run), next_page_token: token }),
  run: obj({ 'run!': run }),
  updateRun: obj({ 'run_info!': runInfo }),
  metricHistory: obj({ metrics: list(metric), next_page_token: token }),
  listArtifacts: obj({ root_uri: str, files: list(fileInfo), next_page_token: token }),
  searchRegisteredModels: obj({ registered_models: list(registeredModel), next_page_token: token }),
  registeredModel: obj({ 'registered_model!': registeredModel }),
  searchModelVersions: obj({ model_versions: list(modelVersion), next_page_token: token }),
  modelVersion: obj({ 'model_version!': modelVersion }),
  downloadUri: obj({ artifact_uri: str }),
} satisfies Record<string, Shape>;
