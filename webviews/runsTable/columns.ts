import { ATTRIBUTE_COLUMNS, ATTRIBUTE_ORDER, columnKey, type AttributeColumn, type ColumnGroup, type ColumnId, type RunRow } from './contract';
import { formatMetricValue, formatTimestamp, relativeTime, runDuration, sourceLabel } from './format';
import type { RunRows } from './rowModel';

/** The table's columns: which exist (from the keys seen in loaded runs), which show, and what a cell reads. */

export interface Column {
  id: ColumnId;
  /** `group:key` */
  key: string;
  title: string;
  width: number;
  sortable: boolean;
  numeric: boolean;
}

export const GROUP_TITLES: Record<ColumnGroup, string> = { attributes: 'Run', metrics: 'Metrics', params: 'Params', tags: 'Tags' };

const ATTRIBUTE_TITLES: Record<AttributeColumn, string> = {
  runName: 'Run name',
  created: 'Created',
  duration: 'Duration',
  status: 'Status',
  user: 'User',
  source: 'Source',
  runId: 'Run ID',
};

const ATTRIBUTE_WIDTHS: Record<AttributeColumn, number> = { runName: 240, created: 120, duration: 84, status: 104, user: 110, source: 150, runId: 270 };
const HIDDEN_BY_DEFAULT = new Set(['attributes:runId']);

export interface Visibility {
  /** Columns hidden by the user. */
  hidden: ReadonlySet<string>;
  /** Columns hidden by default (tags, run id) that the user showed. */
  shown: ReadonlySet<string>;
}

export function isVisible(key: string, v: Visibility): boolean {
  if (key === 'attributes:runName') return true;
  if (key.startsWith('tags:') || HIDDEN_BY_DEFAULT.has(key)) return v.shown.has(key);
  return !v.hidden.has(key);
}

/** Every column that exists, in group order, visible or not. */
export function allColumns(rows: Pick<RunRows, 'metricKeys' | 'paramKeys' | 'tagKeys'>): Column[] {
  const cols: Column[] = ATTRIBUTE_COLUMNS.map((a) => ({
    id: { group: 'attributes', key: a },
    key: `attributes:${a}`,
    title: ATTRIBUTE_TITLES[a],
    width: ATTRIBUTE_WIDTHS[a],
    sortable: ATTRIBUTE_ORDER[a] !== undefined,
    numeric: false,
  }));
  const add = (group: ColumnGroup, keys: Set<string>, width: number, numeric: boolean) => {
    for (const k of [...keys].sort()) cols.push({ id: { group, key: k }, key: columnKey({ group, key: k }), title: k, width, sortable: !k.includes('`'), numeric });
  };
  add('metrics', rows.metricKeys, 112, true);
  add('params', rows.paramKeys, 112, false);
  add('tags', rows.tagKeys, 140, false);
  return cols;
}

export function visibleColumns(rows: Pick<RunRows, 'metricKeys' | 'paramKeys' | 'tagKeys'>, v: Visibility): Column[] {
  return allColumns(rows).filter((c) => isVisible(c.key, v));
}

export interface Cell {
  text: string;
  /** Tooltip: the full value where the cell may cut it short. */
  title?: string;
  cls?: string;
}

const EMPTY: Cell = { text: '' };

export function cellOf(col: Column, r: RunRow, now: number): Cell {
  const { group, key } = col.id;
  if (group === 'metrics') {
    const v = r.metrics[key];
    return v === undefined ? EMPTY : { text: formatMetricValue(v), title: String(v), cls: 'num' };
  }
  if (group === 'params') {
    const v = r.params[key];
    return v === undefined ? EMPTY : { text: v, title: v };
  }
  if (group === 'tags') {
    const v = r.tags[key];
    return v === undefined ? EMPTY : { text: v, title: v };
  }
  switch (key as AttributeColumn) {
    case 'runName':
      return { text: r.runName || r.runId.slice(0, 8), title: r.runName || r.runId };
    case 'created':
      return { text: relativeTime(r.startTime, now), title: formatTimestamp(r.startTime) };
    case 'duration':
      return { text: runDuration(r.startTime, r.endTime, r.status, now), cls: 'num' };
    case 'status':
      return { text: r.status, cls: `status status-${r.status.toLowerCase()}` };
    case 'user':
      return { text: r.user, title: r.user };
    case 'source': {
      const title = [r.sourceType, r.sourceName, r.gitCommit && `commit ${r.gitCommit}`].filter(Boolean).join(' · ');
      return { text: sourceLabel(r.sourceName), title: title || undefined };
    }
    case 'runId':
      return { text: r.runId, title: r.runId, cls: 'mono' };
  }
  return EMPTY;
}

/** Status glyphs, matching the Experiments view. */
export const STATUS_ICONS: Record<string, string> = {
  FINISHED: 'pass',
  FAILED: 'error',
  RUNNING: 'sync',
  SCHEDULED: 'clock',
  KILLED: 'circle-slash',
};
