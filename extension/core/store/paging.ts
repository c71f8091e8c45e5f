import { StoreError } from './errors';
import type { Run } from '../model/entities';
import type { RunsPage, SearchRunsPageOptions } from './trackingStore';

/**
 * MLflow's page tokens for stores that page by offset (the file store and the SQL store): base64 of
 * the JSON `{"offset": N}`, written with Python's json.dumps spacing so a token made by either side
 * continues on the other.
 */

/** MLflow's default and ceiling for search_runs' max_results. */
export const RUNS_PAGE_DEFAULT = 1000;
export const RUNS_PAGE_MAX = 50_000;

export function encodePageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

/** The offset a token stands for; 0 without one. A token we cannot read is the caller's error. */
export function decodePageToken(token: string | undefined, where?: string): number {
  if (!token) return 0;
  let offset: unknown;
  try {
    offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
  } catch {
    offset = undefined;
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid page token: ${JSON.stringify(token.slice(0, 80))}`, where);
  }
  return offset;
}

export function checkMaxResults(maxResults: number, where?: string): void {
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > RUNS_PAGE_MAX) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid value ${maxResults} for parameter 'max_results': it must be between 1 and ${RUNS_PAGE_MAX}`, where);
  }
}

/** One page of an already ordered list, with the token of the next page when more remain. */
export function pageOf(ordered: readonly Run[], opts: Pick<SearchRunsPageOptions, 'maxResults' | 'pageToken'>, where?: string): RunsPage {
  checkMaxResults(opts.maxResults, where);
  const offset = decodePageToken(opts.pageToken, where);
  const end = offset + opts.maxResults;
  const runs = ordered.slice(offset, end);
  return end < ordered.length ? { runs, nextPageToken: encodePageToken(end) } : { runs };
}
