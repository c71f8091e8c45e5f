import type { Run } from '../model/entities';
import type { TrackingReader } from '../store/trackingStore';
import type { Assessment, TraceInfo } from '../traces/entities';
import { TRACES_PAGE_MAX } from '../traces/entities';

/**
 * The per-row results of an evaluation run, whichever way MLflow wrote them (checked against
 * mlflow 3.17.2):
 * - `mlflow.genai.evaluate` tags the run `mlflow.runType=genai_evaluate`, logs `<scorer>/mean`
 *   metrics, and writes one trace per row (metadata `mlflow.sourceRun` = the run) holding the
 *   row's inputs/outputs and one assessment per scorer (feedback, source CODE or LLM_JUDGE) and per
 *   expectation (source HUMAN). No table artifact.
 * - `mlflow.models.evaluate` logs the table artifact `eval_results_table.json` (pandas "split"
 *   JSON: `{columns, data}`) for text/QA model types.
 * Aggregates are ordinary run metrics, so charts and comparison read them as they are.
 */

export const EVAL_TABLE_ARTIFACT = 'eval_results_table.json';
export const RUN_TYPE_TAG = 'mlflow.runType';
/** Rows read at most (traces are paged 500 at a time). */
export const EVAL_ROWS_MAX = 5000;

export type EvalCell = string | number | boolean | null;

export interface EvalColumn {
  key: string;
  label: string;
  /** Where the column comes from, for the header's tooltip and grouping. */
  kind: 'input' | 'output' | 'feedback' | 'expectation' | 'column' | 'trace';
}

export interface EvalTable {
  source: 'traces' | 'artifact';
  columns: EvalColumn[];
  rows: { id: string; cells: EvalCell[]; /** Per cell: rationale or error text, shown on hover. */ notes: (string | null)[] }[];
  /** True when more rows exist than were read. */
  truncated: boolean;
}

export function isGenaiEvaluation(run: Run): boolean {
  return run.data.tags[RUN_TYPE_TAG] === 'genai_evaluate';
}

/** A JSON value as a table cell: scalars stay, anything else is shown as its JSON text. */
export function cellOf(v: unknown): EvalCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

function assessmentCell(a: Assessment): { cell: EvalCell; note: string | null } {
  if (a.error) return { cell: null, note: `error: ${a.error.errorMessage ?? a.error.errorCode ?? 'failed'}` };
  return { cell: cellOf(a.value), note: a.rationale ?? null };
}

/** Rows from the evaluation's traces: request, response, then one column per assessment name. */
export function tableFromTraces(traces: TraceInfo[], truncated: boolean): EvalTable {
  const feedback = new Set<string>();
  const expectations = new Set<string>();
  for (const t of traces) for (const a of t.assessments) (a.kind === 'expectation' ? expectations : feedback).add(a.name);
  const columns: EvalColumn[] = [
    { key: 'request', label: 'Request', kind: 'input' },
    { key: 'response', label: 'Response', kind: 'output' },
    ...[...expectations].sort().map((n) => ({ key: `expectation:${n}`, label: n, kind: 'expectation' as const })),
    ...[...feedback].sort().map((n) => ({ key: `feedback:${n}`, label: n, kind: 'feedback' as const })),
    { key: 'state', label: 'State', kind: 'trace' },
    { key: 'duration', label: 'Duration (ms)', kind: 'trace' },
    { key: 'trace', label: 'Trace', kind: 'trace' },
  ];
  const rows = traces.map((t) => {
    const cells: EvalCell[] = [];
    const notes: (string | null)[] = [];
    for (const c of columns) {
      const [kind, name] = c.key.split(/:(.*)/s);
      if (c.key === 'request') cells.push(t.requestPreview ?? null), notes.push(null);
      else if (c.key === 'response') cells.push(t.responsePreview ?? null), notes.push(null);
      else if (c.key === 'state') cells.push(t.state), notes.push(null);
      else if (c.key === 'duration') cells.push(t.executionDurationMs ?? null), notes.push(null);
      else if (c.key === 'trace') cells.push(t.traceId), notes.push(null);
      else {
        // The newest valid assessment of that name (an override replaces the one it overrides).
        const a = t.assessments
          .filter((x) => x.name === name && (x.kind === 'expectation') === (kind === 'expectation') && x.valid !== false)
          .sort((x, y) => (y.lastUpdateTime ?? y.createTime ?? 0) - (x.lastUpdateTime ?? x.createTime ?? 0))[0];
        const { cell, note } = a ? assessmentCell(a) : { cell: null, note: null };
        cells.push(cell);
        notes.push(note);
      }
    }
    return { id: t.traceId, cells, notes };
  });
  return { source: 'traces', columns, rows, truncated };
}

/** Rows from `eval_results_table.json` (pandas split orient: columns + data). */
export function tableFromArtifact(bytes: Uint8Array, where: string): EvalTable {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`${where} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const o = json as { columns?: unknown; data?: unknown };
  if (!Array.isArray(o.columns) || !Array.isArray(o.data)) throw new Error(`${where} is not a table ("columns" and "data" lists expected)`);
  const columns: EvalColumn[] = o.columns.map((c) => ({ key: `column:${String(c)}`, label: String(c), kind: 'column' }));
  const rows = o.data.slice(0, EVAL_ROWS_MAX).map((r, i) => {
    const values = Array.isArray(r) ? r : [];
    return { id: String(i), cells: columns.map((_, k) => cellOf(values[k])), notes: columns.map(() => null) };
  });
  return { source: 'artifact', columns, rows, truncated: o.data.length > EVAL_ROWS_MAX };
}

/** The evaluation's traces, page by page, up to EVAL_ROWS_MAX. */
async function evaluationTraces(store: TrackingReader, run: Run): Promise<{ traces: TraceInfo[]; truncated: boolean }> {
  if (!store.capabilities.traces || !store.searchTraces) return { traces: [], truncated: false };
  const traces: TraceInfo[] = [];
  let pageToken: string | undefined;
  for (let pages = 0; pages < Math.ceil(EVAL_ROWS_MAX / TRACES_PAGE_MAX); pages++) {
    const page = await store.searchTraces({ experimentIds: [run.info.experimentId], filter: `run_id = '${run.info.runId}'`, orderBy: ['timestamp_ms ASC'], maxResults: TRACES_PAGE_MAX, pageToken });
    traces.push(...page.traces);
    pageToken = page.nextPageToken;
    if (!pageToken) return { traces, truncated: false };
  }
  return { traces, truncated: true };
}

/**
 * The evaluation table of a run: its traces when it has any, else its table artifact; undefined
 * when the run holds neither (not an evaluation run).
 */
export async function readEvaluationTable(store: TrackingReader, run: Run): Promise<EvalTable | undefined> {
  const { traces, truncated } = await evaluationTraces(store, run);
  if (traces.length > 0) return tableFromTraces(traces, truncated);
  const top = await store.listArtifacts(run.info.runId).catch(() => []);
  if (top.some((a) => a.path === EVAL_TABLE_ARTIFACT && !a.isDir)) return tableFromArtifact(await store.readArtifact(run.info.runId, EVAL_TABLE_ARTIFACT), `${run.info.runId}/${EVAL_TABLE_ARTIFACT}`);
  return undefined;
}
