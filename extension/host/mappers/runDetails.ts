import type { ArtifactEntry, Run } from '../../core/model/entities';
import { TAG } from '../../core/model/entities';
import type { ParentRef } from '../../core/store/runRelations';
import type { ArtifactItem, ArtifactPage, ChildRun, RunDetails } from '../../../webviews/runDetails/contract';

/**
 * Run → the run details payload, artifact listings → pages, child runs → rows. Raw values only;
 * no `vscode` import, so plain-Node tests run these on the store real mlflow wrote and feed their
 * output to the page's DOM tests.
 */

const byKey = <T>(o: Record<string, T>) => Object.keys(o).sort().map((key) => [key, o[key]] as const);

export function toRunDetails(run: Run, experimentName: string, parent: ParentRef | undefined): RunDetails {
  const tags = run.data.tags;
  return {
    runId: run.info.runId,
    runName: run.info.runName || tags[TAG.runName] || '',
    experimentId: run.info.experimentId,
    experimentName,
    status: run.info.status,
    lifecycleStage: run.info.lifecycleStage,
    userId: run.info.userId || tags[TAG.user] || '',
    startTime: run.info.startTime,
    endTime: run.info.endTime,
    artifactUri: run.info.artifactUri,
    note: tags[TAG.note] ?? '',
    ...(parent ? { parent } : {}),
    params: byKey(run.data.params).map(([key, value]) => ({ key, value })),
    metrics: byKey(run.data.metrics).map(([key, m]) => ({ key, value: m.value, step: m.step, timestamp: m.timestamp })),
    tags: byKey(tags)
      .filter(([key]) => key !== TAG.note)
      .map(([key, value]) => ({ key, value })),
  };
}

export function toArtifactItem(e: ArtifactEntry): ArtifactItem {
  return { path: e.path, isDir: e.isDir, size: e.isDir || e.fileSize === undefined ? null : e.fileSize };
}

/** A slice of one folder's listing; offsets outside the listing give an empty page. */
export function toArtifactPage(path: string, entries: readonly ArtifactEntry[], offset: number, limit: number): ArtifactPage {
  const from = Math.max(0, Math.min(Math.floor(offset) || 0, entries.length));
  const n = Math.max(1, Math.floor(limit) || 1);
  return { path, offset: from, total: entries.length, entries: entries.slice(from, from + n).map(toArtifactItem) };
}

export function toChildRun(run: Run): ChildRun {
  return { runId: run.info.runId, runName: run.info.runName || run.data.tags[TAG.runName] || '', status: run.info.status, startTime: run.info.startTime, endTime: run.info.endTime };
}
