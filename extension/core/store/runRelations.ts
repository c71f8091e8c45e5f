import type { Run } from '../model/entities';
import { TAG } from '../model/entities';
import { runLabel } from '../model/display';
import { StoreError } from './errors';
import type { RunsPage, TrackingReader } from './trackingStore';

/**
 * A run's family as MLflow records it: a nested run carries its parent's id in the
 * `mlflow.parentRunId` tag, and a parent's children are the runs whose tag names it.
 */

export interface ParentRef {
  runId: string;
  /** The parent's display name; absent when it cannot be read. */
  runName?: string;
  /** Why the parent could not be read (deleted for good, another store…). */
  problem?: string;
}

export async function parentOf(store: TrackingReader, run: Run): Promise<ParentRef | undefined> {
  const id = run.data.tags[TAG.parentRunId];
  if (!id || id === run.info.runId) return undefined;
  try {
    return { runId: id, runName: runLabel(await store.getRun(id)) };
  } catch (e) {
    const missing = e instanceof StoreError && e.code === 'RESOURCE_DOES_NOT_EXIST';
    return { runId: id, problem: missing ? 'not found in this store' : e instanceof Error ? e.message : String(e) };
  }
}

/** MLflow's filter for the direct children of `runId`. */
export function childrenFilter(runId: string): string {
  // Run ids are hex; quote with whichever quote the id does not hold so any id stays one literal.
  const q = runId.includes("'") ? '"' : "'";
  if (runId.includes(q)) throw new StoreError('INVALID_PARAMETER_VALUE', `Run id cannot be quoted in a filter: ${runId}`);
  return `tags.${TAG.parentRunId} = ${q}${runId}${q}`;
}

/** One page of a run's direct children, in the experiment's default order (newest first). */
export function childrenPage(store: TrackingReader, run: Run, opts: { maxResults: number; pageToken?: string }): Promise<RunsPage> {
  return store.searchRunsPage({ experimentIds: [run.info.experimentId], filter: childrenFilter(run.info.runId), maxResults: opts.maxResults, pageToken: opts.pageToken });
}
