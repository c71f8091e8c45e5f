import type { MlmodelSummary } from '../../extension/core/model/mlmodelSummary';

/**
 * The model version page's contract (docs/webviews.md, docs/model-registry.md). Values are raw: ms
 * timestamps, metric values as logged, strings as stored; the page formats them.
 */

export const MODEL_VERSION_VIEW_TYPE = 'mlflow.modelVersion';

export interface KeyValueItem {
  key: string;
  value: string;
}

export interface MetricItem {
  key: string;
  value: number;
  step: number;
}

/** One registered version with its lineage, built by extension/host/mappers/modelVersion.ts. */
export interface ModelVersionView {
  name: string;
  version: string;
  description: string;
  stage: string;
  status: string;
  statusMessage: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  userId: string;
  source: string;
  /** Where MLflow resolved the files to (`storage_location`); empty when the store does not say. */
  storageLocation: string;
  /** Sorted. */
  aliases: string[];
  /** Sorted by key. */
  tags: KeyValueItem[];
  /** `models:/name/N`, then `models:/name@alias` for each alias. */
  uris: string[];
  model: { description: string; tags: KeyValueItem[] };
  /** The run that produced it; `problem` when the run cannot be read (deleted, another store). */
  run?: { runId: string; runName: string; status: string; experimentId: string; experimentName: string; metrics: MetricItem[]; problem?: string };
  /** The MLflow 3 logged model it came from. */
  loggedModel?: { modelId: string; name: string; status: string; metrics: MetricItem[]; params: KeyValueItem[]; problem?: string };
  /** Flavors and signature from its MLmodel, or why they could not be read. */
  mlmodel: { summary?: MlmodelSummary; problem?: string };
}

export interface ModelVersionState {
  name: string;
  version: string;
}

export type ModelVersionContract = {
  requests: {
    /** Saves the version's description; the answer is what the store now holds. */
    setDescription: { params: { name: string; version: string; description: string }; result: { description: string } };
    /** Sets (or replaces) a version tag; the answer is the version's tags after it. */
    setTag: { params: { name: string; version: string; key: string; value: string }; result: { tags: KeyValueItem[] } };
    deleteTag: { params: { name: string; version: string; key: string }; result: { tags: KeyValueItem[] } };
  };
  pushes: {
    version: ModelVersionView;
    error: { message: string };
  };
  events: {
    openRun: { runId: string };
    copy: { text: string };
    refresh: Record<string, never>;
    /** Host commands that ask in VS Code's own UI (alias and stage pickers, the delete confirmation). */
    command: { name: 'setAlias' | 'removeAlias' | 'transitionStage' | 'deleteVersion' };
  };
  state: ModelVersionState;
};
