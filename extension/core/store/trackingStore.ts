import type {
  ArtifactEntry,
  Experiment,
  LoggedModel,
  Metric,
  ModelStage,
  ModelVersion,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
  ViewType,
} from '../model/entities';
import type { Assessment, NewFeedback, SearchTracesOptions, Trace, TracesPage } from '../traces/entities';
import type { SearchLoggedModelsOptions } from './loggedModels';

export type { SearchLoggedModelsOptions } from './loggedModels';

/**
 * One interface for every kind of tracking store (legacy file store, SQL store through a local
 * `mlflow server`, remote MLflow server). Every feature talks to this, never to a backend directly.
 * Semantics follow MLflow's client: ids are strings, times are ms since epoch.
 */

export interface SearchExperimentsOptions {
  viewType?: ViewType;
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
}

export interface SearchRunsOptions {
  experimentIds: string[];
  filter?: string;
  viewType?: ViewType;
  orderBy?: string[];
  /** Total cap across pages; stores page internally. Default: all runs. */
  maxResults?: number;
}

/** One page of a run search, MLflow's `search_runs(max_results, page_token)`. */
export interface SearchRunsPageOptions extends Omit<SearchRunsOptions, 'maxResults'> {
  /** Page size, 1..50,000 (MLflow's limits). */
  maxResults: number;
  /** The `nextPageToken` of the previous page; none for the first page. */
  pageToken?: string;
}

export interface RunsPage {
  runs: Run[];
  /** Present only when more runs follow. */
  nextPageToken?: string;
}

export interface CreateRunOptions {
  experimentId: string;
  runName?: string;
  startTime?: number;
  userId?: string;
  tags?: Record<string, string>;
}

export interface UpdateRunOptions {
  status?: RunStatus;
  endTime?: number;
  runName?: string;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface LogBatch {
  metrics?: Metric[];
  params?: KeyValue[];
  tags?: KeyValue[];
}

/**
 * What a store can do, as data: callers branch on this, never on which methods an object happens
 * to have. Every flag states what this code implements for that store, not what MLflow could do.
 */
export interface StoreCapabilities {
  /** Experiments, runs, metric histories (every store). */
  readonly trackingRead: true;
  /** Creating and changing experiments and runs (the TrackingStore half). */
  readonly trackingWrite: boolean;
  /** Registered models and versions can be listed and read. */
  readonly registryRead: boolean;
  /** The RegistryStore half: create, rename, alias, stage, tag, delete. */
  readonly registryWrite: boolean;
  /** listArtifacts / readArtifact. */
  readonly artifacts: boolean;
  /** MLflow 3 traces: searchTraces and getTrace (extension/core/traces). */
  readonly traces: boolean;
  /** createFeedback: assessments written by this object (a database read directly writes through a local server instead). */
  readonly traceFeedback: boolean;
  /**
   * Where a run-search page is cut: 'server' (the MLflow server pages), 'sql' (LIMIT/OFFSET in the
   * database), 'lazy' (this process reads only what ordering needs, then the page's runs).
   */
  readonly runPaging: 'server' | 'sql' | 'lazy';
  /** Many runs' histories of one metric in one call (MLflow's get-history-bulk-interval); not used yet. */
  readonly historyBulkInterval: boolean;
  /** MLflow 3 logged models (`models:/m-…`) can be listed and read, with their artifacts. */
  readonly loggedModels: boolean;
}

/** What browsing needs: the read half of a tracking store. */
export interface TrackingReader {
  /** The URI this store was opened with, normalised (absolute `file://`, `sqlite:////…`, `http(s)://…`). */
  readonly uri: string;
  readonly kind: 'file' | 'sqlite' | 'rest';
  readonly capabilities: StoreCapabilities;

  searchExperiments(opts?: SearchExperimentsOptions): Promise<Experiment[]>;
  getExperiment(experimentId: string): Promise<Experiment>;
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  searchRuns(opts: SearchRunsOptions): Promise<Run[]>;
  /** One page in MLflow's order, with MLflow's page semantics (same ids, same pages). */
  searchRunsPage(opts: SearchRunsPageOptions): Promise<RunsPage>;
  getRun(runId: string): Promise<Run>;
  getMetricHistory(runId: string, key: string): Promise<Metric[]>;
  listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]>;
  /** One artifact file in memory (bounded): for opening it in an editor. */
  readArtifact(runId: string, path: string): Promise<Uint8Array>;
  /** One page of an experiment's traces (MLflow 3), newest first by default; present when `capabilities.traces`. */
  searchTraces?(opts: SearchTracesOptions): Promise<TracesPage>;
  /** A trace with its spans and assessments; present when `capabilities.traces`. */
  getTrace?(traceId: string): Promise<Trace>;
  /** Adds a HUMAN feedback assessment to a trace; present when `capabilities.traceFeedback`. */
  createFeedback?(feedback: NewFeedback): Promise<Assessment>;
  /** One artifact file in chunks, where the store can stream it (local artifact folders): downloads of any size. */
  streamArtifact?(runId: string, path: string, onChunk: (chunk: Uint8Array) => Promise<void>): Promise<void>;
  /** MLflow 3 logged models of these experiments, newest first (MLflow's default order); live ones only. */
  searchLoggedModels(opts: SearchLoggedModelsOptions): Promise<LoggedModel[]>;
  /** One logged model by id (`m-…`); RESOURCE_DOES_NOT_EXIST when absent or deleted. */
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  /** One file of a logged model's artifacts (its MLmodel, …), bounded in memory. */
  readLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array>;
  close?(): Promise<void>;
}

export interface TrackingStore extends TrackingReader {
  createExperiment(name: string, opts?: { artifactLocation?: string; tags?: Record<string, string> }): Promise<string>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  searchRuns(opts: SearchRunsOptions): Promise<Run[]>;
  getRun(runId: string): Promise<Run>;
  createRun(opts: CreateRunOptions): Promise<Run>;
  updateRun(runId: string, opts: UpdateRunOptions): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  logBatch(runId: string, batch: LogBatch): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  /** Sets one tag of a logged model (MLflow's set_logged_model_tags with one tag). */
  setLoggedModelTag(modelId: string, key: string, value: string): Promise<void>;

  getMetricHistory(runId: string, key: string): Promise<Metric[]>;

  listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]>;
  readArtifact(runId: string, path: string): Promise<Uint8Array>;

  /** Releases sockets, child processes, file handles. */
  close?(): Promise<void>;
}

export interface SearchModelsOptions {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
}

export interface CreateModelVersionOptions {
  source: string;
  runId?: string;
  runLink?: string;
  description?: string;
  tags?: Record<string, string>;
  modelId?: string;
}

/** The read half of a model registry. */
export interface RegistryReader {
  readonly uri: string;
  searchRegisteredModels(opts?: SearchModelsOptions): Promise<RegisteredModel[]>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  searchModelVersions(opts?: SearchModelsOptions): Promise<ModelVersion[]>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  /** One file below a version's download location (its MLmodel, …), as MLflow's model-versions/get-artifact serves it. */
  readModelVersionArtifact(name: string, version: string, path: string): Promise<Uint8Array>;
  close?(): Promise<void>;
}

export interface RegistryStore extends RegistryReader {
  createRegisteredModel(name: string, opts?: { description?: string; tags?: Record<string, string> }): Promise<RegisteredModel>;
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel>;
  deleteRegisteredModel(name: string): Promise<void>;
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;
  setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void>;
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  searchModelVersions(opts?: SearchModelsOptions): Promise<ModelVersion[]>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  createModelVersion(name: string, opts: CreateModelVersionOptions): Promise<ModelVersion>;
  updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion>;
  deleteModelVersion(name: string, version: string): Promise<void>;
  transitionModelVersionStage(name: string, version: string, stage: ModelStage, archiveExisting: boolean): Promise<ModelVersion>;
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string): Promise<void>;

  close?(): Promise<void>;
}
