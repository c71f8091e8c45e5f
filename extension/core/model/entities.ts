/**
 * MLflow entities as the core hands them to every consumer (views, CLI, language server, tests).
 * Field names are camelCase here; the REST mapper and the CLI JSON writer translate to MLflow's
 * snake_case at the edges, so there is one in-memory shape whatever store it came from.
 */

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type LifecycleStage = 'active' | 'deleted';

/** Which lifecycle stages a search returns (MLflow's ViewType). */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  /** ms since epoch; absent in files written before MLflow 1.29. */
  creationTime?: number;
  lastUpdateTime?: number;
  tags: Record<string, string>;
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  datasetName?: string;
  datasetDigest?: string;
}

export interface RunInfo {
  runId: string;
  experimentId: string;
  runName: string;
  status: RunStatus;
  startTime: number | null;
  endTime: number | null;
  lifecycleStage: LifecycleStage;
  artifactUri: string;
  userId: string;
  deletedTime?: number | null;
}

export interface RunData {
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Latest value per key: greatest (step, timestamp, value), as MLflow defines it. */
  metrics: Record<string, Metric>;
}

export interface Run {
  info: RunInfo;
  data: RunData;
}

export interface ArtifactEntry {
  /** Path relative to the run's artifact root, POSIX separators. */
  path: string;
  isDir: boolean;
  fileSize?: number;
}

export const MODEL_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export interface ModelVersion {
  name: string;
  /** A string in every API, an int in the file store's YAML. */
  version: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  currentStage: ModelStage | string;
  description: string | null;
  source: string;
  runId: string | null;
  runLink: string | null;
  status: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY' | string;
  statusMessage: string | null;
  userId: string | null;
  storageLocation?: string | null;
  modelId?: string | null;
  tags: Record<string, string>;
  aliases: string[];
}

export interface RegisteredModel {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description: string | null;
  tags: Record<string, string>;
  /** alias -> version */
  aliases: Record<string, string>;
  /** Newest version in each stage, as MLflow's `latest_versions`. */
  latestVersions: ModelVersion[];
}

/** MLflow 3's LoggedModel status, by its Python name (the file store keeps 0-3, REST `LOGGED_MODEL_*`). */
export type LoggedModelStatus = 'UNSPECIFIED' | 'PENDING' | 'READY' | 'FAILED';

/** A metric as logged on an MLflow 3 logged model: the run it came from travels with it. */
export interface LoggedModelMetric extends Metric {
  runId?: string;
}

/** An MLflow 3 LoggedModel (`models:/m-…`): a model logged by `log_model`, before any registration. */
export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  /** Where its files are (`<experiment artifact root>/models/<id>/artifacts`). */
  artifactLocation: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  status: LoggedModelStatus;
  statusMessage: string | null;
  modelType: string | null;
  sourceRunId: string | null;
  tags: Record<string, string>;
  params: Record<string, string>;
  /** Latest value per key and dataset, as MLflow returns them. */
  metrics: LoggedModelMetric[];
}

/** Well-known tag keys MLflow itself sets. */
export const TAG = {
  runName: 'mlflow.runName',
  parentRunId: 'mlflow.parentRunId',
  user: 'mlflow.user',
  note: 'mlflow.note.content',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  gitRepoUrl: 'mlflow.source.git.repoURL',
  gitBranch: 'mlflow.source.git.branch',
  projectEntryPoint: 'mlflow.project.entryPoint',
  projectEnv: 'mlflow.project.env',
  projectBackend: 'mlflow.project.backend',
  promptIsPrompt: 'mlflow.prompt.is_prompt',
  /** On a logged model: JSON list of the registered versions made from it, [{name, version}]. */
  modelVersions: 'mlflow.modelVersions',
} as const;

export function isTerminalStatus(s: RunStatus): boolean {
  return s === 'FINISHED' || s === 'FAILED' || s === 'KILLED';
}
