/**
 * The runs table's contract: what the host and the webview say to each other (docs/webviews.md).
 * Values are raw: ms timestamps, numbers as logged (NaN and ±Infinity included), strings as stored.
 */

export const RUNS_TABLE_VIEW_TYPE = 'mlflow.runsTable';

/** One run as the table receives it (built by extension/host/mappers/runRows.ts). */
export interface RunRow {
  runId: string;
  experimentId: string;
  /** Empty when the run has none (the table then shows the id's first 8 characters). */
  runName: string;
  status: string;
  lifecycleStage: string;
  /** ms since epoch */
  startTime: number | null;
  endTime: number | null;
  /** `user_id`, else the `mlflow.user` tag. */
  user: string;
  /** `mlflow.parentRunId`; empty for a top-level run. */
  parentRunId: string;
  /** `mlflow.source.name` and `mlflow.source.type` as logged. */
  sourceName: string;
  sourceType: string;
  gitCommit: string;
  /** Latest value per metric key. */
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

export type ColumnGroup = 'attributes' | 'metrics' | 'params' | 'tags';

/** The attribute columns, in display order. */
export const ATTRIBUTE_COLUMNS = ['runName', 'created', 'duration', 'status', 'user', 'source', 'runId'] as const;
export type AttributeColumn = (typeof ATTRIBUTE_COLUMNS)[number];

/** A column: `attributes:created`, `metrics:val_loss`, `params:lr`, `tags:team`. */
export interface ColumnId {
  group: ColumnGroup;
  key: string;
}

export interface SortState {
  column: ColumnId;
  descending: boolean;
}

/** What the table asks the store for; the host parses the filter and order again before any store call. */
export interface RunsQuery {
  experimentIds: string[];
  /** MLflow search filter, as typed. */
  filter: string;
  /** MLflow order_by clauses, e.g. ["metrics.`val_loss` ASC"]; empty: the store's default (newest first). */
  orderBy: string[];
}

export interface RunsPageResult {
  rows: RunRow[];
  nextPageToken?: string;
}

export interface RunsTableInit {
  experimentIds: string[];
  /** Experiment name(s), for the header. */
  title: string;
  /** Redacted store URI. */
  storeUri: string;
  /** How often the visible RUNNING runs are re-read, ms. */
  pollMs: number;
  pageSize: number;
}

/** What survives a window reload (vscode.setState); also what the serializer reopens the panel from. */
export interface RunsTableState {
  experimentIds: string[];
  title: string;
  filter: string;
  sort: SortState | null;
  /** `group:key` of columns the user hid (tags start hidden unless listed in `shown`). */
  hidden: string[];
  shown: string[];
  selected: string[];
  expanded: string[];
  scrollTop: number;
}

export type RunsTableContract = {
  requests: {
    /** One page of runs in the store's order. */
    page: { params: { query: RunsQuery; pageSize: number; pageToken?: string }; result: RunsPageResult };
    /** Fresh copies of these runs (live update of RUNNING rows); runs that are gone are left out. */
    runs: { params: { runIds: string[] }; result: { rows: RunRow[] } };
    /** The children of one parent run (for expanding a parent whose children are not loaded yet). */
    children: { params: { query: RunsQuery; parentRunId: string }; result: { rows: RunRow[] } };
  };
  pushes: {
    init: RunsTableInit;
    /** The store changed (another store selected, or reconnected): start again from the first page. */
    reset: { storeUri: string };
  };
  events: {
    selection: { experimentIds: string[]; runIds: string[] };
    openRun: { runId: string; runName: string };
  };
  state: RunsTableState;
};

export function columnKey(c: ColumnId): string {
  return `${c.group}:${c.key}`;
}

/** MLflow's order_by clauses for a sort; empty for columns MLflow cannot order by (duration, source). */
export function orderByFor(sort: SortState | null): string[] {
  if (!sort) return [];
  const dir = sort.descending ? 'DESC' : 'ASC';
  const { group, key } = sort.column;
  if (group === 'attributes') {
    const attr = ATTRIBUTE_ORDER[key as AttributeColumn];
    return attr ? [`attributes.${attr} ${dir}`] : [];
  }
  // A key holding a back-tick cannot be quoted in MLflow's grammar; such a column is not sortable.
  return key.includes('`') ? [] : [`${group}.\`${key}\` ${dir}`];
}

/** Attribute columns MLflow can order by, and the attribute name it knows them by. */
export const ATTRIBUTE_ORDER: Partial<Record<AttributeColumn, string>> = {
  runName: 'run_name',
  created: 'start_time',
  status: 'status',
  user: 'user_id',
  runId: 'run_id',
};
