import type { ArtifactEntry } from '../core/model/entities';
import { StoreError } from '../core/store/errors';
import { childrenPage, parentOf } from '../core/store/runRelations';
import type { TrackingReader } from '../core/store/trackingStore';
import type { RequestHandlers } from '../../webviews/platform/envelope';
import type { RunDetails, RunDetailsContract } from '../../webviews/runDetails/contract';
import { toArtifactPage, toChildRun, toRunDetails } from './mappers/runDetails';

/**
 * The run details page's requests and its initial data, answered from a tracking store. No
 * `vscode` import: the panel host uses these, and the page's DOM tests answer its requests with the
 * very same handlers on the real-mlflow fixture store.
 */

/** The most a page may ask for at once (it asks for 100 artifacts and 50 children). */
const MAX_ARTIFACT_PAGE = 1000;
const MAX_CHILDREN_PAGE = 500;

/** Lists one artifact folder: the host passes the artifact file system's cached listing. */
export type ListArtifacts = (runId: string, path: string) => Promise<ArtifactEntry[]>;

export async function loadRunDetails(store: TrackingReader, runId: string): Promise<RunDetails> {
  const run = await store.getRun(runId);
  const [experiment, parent] = await Promise.all([store.getExperiment(run.info.experimentId).catch(() => undefined), parentOf(store, run)]);
  return toRunDetails(run, experiment?.name ?? '', parent);
}

export function runDetailsRequests(store: () => TrackingReader, list: ListArtifacts): RequestHandlers<RunDetailsContract> {
  return {
    artifacts: async ({ runId, path, offset, limit }) => {
      checkString(runId, 'run id');
      checkString(path, 'artifact path', true);
      const entries = await list(runId, path);
      return toArtifactPage(path, entries, offset, Math.min(limit, MAX_ARTIFACT_PAGE));
    },
    children: async ({ runId, limit, pageToken }) => {
      checkString(runId, 'run id');
      const s = store();
      const run = await s.getRun(runId);
      const page = await childrenPage(s, run, { maxResults: Math.max(1, Math.min(Math.floor(limit) || 1, MAX_CHILDREN_PAGE)), pageToken: pageToken || undefined });
      return { runs: page.runs.map(toChildRun), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    },
  };
}

/** The page is not trusted to send well-formed values: check them before a store sees them. */
function checkString(v: unknown, what: string, emptyOk = false): void {
  if (typeof v !== 'string' || (!emptyOk && !v)) throw new StoreError('INVALID_PARAMETER_VALUE', `The run details page sent no valid ${what}`);
}
