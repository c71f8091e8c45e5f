import type { Run } from '../../core/model/entities';
import { TAG } from '../../core/model/entities';
import type { RunRow } from '../../../webviews/runsTable/contract';

/**
 * Run → the runs table's row. Raw values only (ms timestamps, numbers as logged): the webview
 * formats them, so this mapper is checked against what mlflow wrote without parsing display text.
 * No `vscode` import: plain-Node tests run it on the real-mlflow fixture store and hand its output
 * to the webview's DOM tests.
 */
export function toRunRow(run: Run): RunRow {
  const tags = run.data.tags;
  const metrics: Record<string, number> = {};
  for (const [k, m] of Object.entries(run.data.metrics)) metrics[k] = m.value;
  return {
    runId: run.info.runId,
    experimentId: run.info.experimentId,
    runName: run.info.runName || tags[TAG.runName] || '',
    status: run.info.status,
    lifecycleStage: run.info.lifecycleStage,
    startTime: run.info.startTime,
    endTime: run.info.endTime,
    user: run.info.userId || tags[TAG.user] || '',
    parentRunId: tags[TAG.parentRunId] ?? '',
    sourceName: tags[TAG.sourceName] ?? '',
    sourceType: tags[TAG.sourceType] ?? '',
    gitCommit: tags[TAG.gitCommit] ?? '',
    metrics,
    params: { ...run.data.params },
    tags: { ...tags },
  };
}
