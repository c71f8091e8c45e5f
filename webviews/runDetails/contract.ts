/**
 * The run details panel's contract (docs/webviews.md, docs/run-details.md). Values are raw: ms
 * timestamps, metric values as logged (NaN and ±Infinity included), sizes in bytes, strings as
 * stored; the page formats them.
 */

export const RUN_DETAILS_VIEW_TYPE = 'mlflow.runDetails';

/** One run, built by extension/host/mappers/runDetails.ts. */
export interface RunDetails {
  runId: string;
  /** Empty when the run has none (the page then shows the id's first 8 characters). */
  runName: string;
  experimentId: string;
  /** Empty when the experiment cannot be read. */
  experimentName: string;
  status: string;
  lifecycleStage: string;
  userId: string;
  /** ms since epoch */
  startTime: number | null;
  endTime: number | null;
  artifactUri: string;
  /** The run's description (`mlflow.note.content`). */
  note: string;
  /** From `mlflow.parentRunId`; the name when the parent could be read, else why not. */
  parent?: { runId: string; runName?: string; problem?: string };
  /** Sorted by key. */
  params: { key: string; value: string }[];
  /** Latest value per key, sorted by key. */
  metrics: { key: string; value: number; step: number; timestamp: number }[];
  /** Sorted by key; the description tag is shown apart and left out here. */
  tags: { key: string; value: string }[];
}

export interface RunDetailsInit {
  run: RunDetails;
  /** False while the panel is the preview: the next run clicked in the tree replaces this one. */
  pinned: boolean;
}

export interface ArtifactItem {
  /** Relative to the run's artifact root, '/'-separated. */
  path: string;
  isDir: boolean;
  /** Bytes; null for folders and when the store lists no size. */
  size: number | null;
}

/** One page of one folder's direct children, in the store's order (by path). */
export interface ArtifactPage {
  path: string;
  offset: number;
  total: number;
  entries: ArtifactItem[];
}

export interface ChildRun {
  runId: string;
  runName: string;
  status: string;
  startTime: number | null;
  endTime: number | null;
}

export interface ChildrenPage {
  runs: ChildRun[];
  /** Present when more children follow. */
  nextPageToken?: string;
}

export interface RunDetailsState {
  runId: string;
  pinned: boolean;
  /** The selected tab. */
  tab?: number;
  /** Artifact folders the user expanded, re-read after a reload. */
  expanded?: string[];
}

export type RunDetailsContract = {
  requests: {
    /** A folder's entries from `offset`; `runId` lets the page drop answers for a run it no longer shows. */
    artifacts: { params: { runId: string; path: string; offset: number; limit: number }; result: ArtifactPage };
    /** The run's direct children (`tags.mlflow.parentRunId = '<id>'`), a page at a time. */
    children: { params: { runId: string; limit: number; pageToken?: string }; result: ChildrenPage };
  };
  pushes: {
    /** The run to show: on every page load, after a refresh, and when the preview moves to another run. */
    run: RunDetailsInit;
    /** The preview panel is moving to this run; its data follows in `run` (or `error`). */
    loading: { runId: string };
    error: { runId: string; message: string };
  };
  events: {
    /** Open an artifact file; `keep` (a double-click) opens it as a pinned editor rather than a preview. */
    openArtifact: { runId: string; path: string; keep: boolean };
    /** Show another run (the parent, a child) the way a click in the tree does. */
    openRun: { runId: string };
    /** "Keep Open": pin this panel. */
    pin: Record<string, never>;
    /** "Open Charts": the run's metric histories in the chart panel. */
    openCharts: { runId: string };
    copy: { text: string };
    refresh: Record<string, never>;
  };
  state: RunDetailsState;
};
