import { RUNS } from '../core/filter/dialects';
import { parseOrderByList } from '../core/filter/orderBy';
import { parseFilter } from '../core/filter/parser';
import { StoreError } from '../core/store/errors';
import type { TrackingReader } from '../core/store/trackingStore';
import type { RequestHandlers } from '../../webviews/platform/envelope';
import type { RunsQuery, RunsTableContract } from '../../webviews/runsTable/contract';
import { toRunRow } from './mappers/runRows';

/**
 * The runs table's requests, answered from a tracking store. No `vscode` import: the panel host
 * uses these handlers, and the webview's DOM tests answer the page's requests with the very same
 * handlers on the real-mlflow fixture store.
 */

/** Page sizes the host accepts from a page (MLflow allows up to 50,000; a table page needs far fewer). */
export const MAX_TABLE_PAGE = 1000;
const MAX_LIVE_RUNS = 200;
const CHILDREN_MAX = 1000;

export function runsTableRequests(store: () => TrackingReader): RequestHandlers<RunsTableContract> {
  return {
    page: async ({ query, pageSize, pageToken }) => {
      checkRunsQuery(query);
      const page = await store().searchRunsPage({
        experimentIds: query.experimentIds,
        filter: query.filter.trim() || undefined,
        orderBy: query.orderBy,
        maxResults: Math.max(1, Math.min(Math.floor(pageSize) || 1, MAX_TABLE_PAGE)),
        pageToken: pageToken || undefined,
      });
      return { rows: page.runs.map(toRunRow), nextPageToken: page.nextPageToken };
    },
    runs: async ({ runIds }) => {
      const s = store();
      // A run deleted since it was listed is simply left out; the table keeps its last copy.
      const got = await Promise.allSettled(runIds.slice(0, MAX_LIVE_RUNS).map((id) => s.getRun(String(id))));
      return { rows: got.flatMap((g) => (g.status === 'fulfilled' ? [toRunRow(g.value)] : [])) };
    },
    children: async ({ query, parentRunId }) => {
      checkRunsQuery(query);
      const page = await store().searchRunsPage({
        experimentIds: query.experimentIds,
        filter: childrenFilter(parentRunId, query.filter),
        orderBy: query.orderBy,
        maxResults: CHILDREN_MAX,
      });
      return { rows: page.runs.map(toRunRow) };
    },
  };
}

/** Everything the page sends is parsed here before a store sees it: an invalid filter never reaches a store. */
export function checkRunsQuery(q: RunsQuery): void {
  if (!Array.isArray(q?.experimentIds) || q.experimentIds.length === 0 || !q.experimentIds.every((id) => typeof id === 'string')) {
    throw new StoreError('INVALID_PARAMETER_VALUE', 'The runs table sent no experiment id');
  }
  if (typeof q.filter !== 'string' || !Array.isArray(q.orderBy)) throw new StoreError('INVALID_PARAMETER_VALUE', 'The runs table sent a malformed query');
  parseFilter(q.filter, RUNS);
  parseOrderByList(q.orderBy, RUNS);
}

/** The user's filter narrowed to one parent's children (MLflow filters are conjunctions, so `and` composes). */
export function childrenFilter(parentRunId: string, filter: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(parentRunId)) throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid run id ${JSON.stringify(parentRunId.slice(0, 80))}`);
  const own = filter.trim();
  return `tags.\`mlflow.parentRunId\` = '${parentRunId}'${own ? ` and ${own}` : ''}`;
}
