/**
 * MLflow 3 traces as the workbench holds them, whatever store they came from. Field meanings follow
 * MLflow's TraceInfo V3 / Assessment / Span entities; names are camelCase here and snake_case in
 * the CLI JSON (cliJson.ts), where they match what `mlflow.get_trace(...).to_dict()` prints.
 */

export type TraceState = 'OK' | 'ERROR' | 'IN_PROGRESS' | 'STATE_UNSPECIFIED';

export interface AssessmentSource {
  /** HUMAN, LLM_JUDGE, CODE or SOURCE_TYPE_UNSPECIFIED. */
  sourceType: string;
  sourceId: string;
}

export interface Assessment {
  assessmentId: string;
  name: string;
  traceId: string;
  /** The span it is attached to (hex, as MLflow's Python client shows span ids), if any. */
  spanId?: string;
  source: AssessmentSource;
  /** ms since epoch. */
  createTime?: number;
  lastUpdateTime?: number;
  kind: 'feedback' | 'expectation';
  /** Any JSON value (a feedback's value, an expectation's value). */
  value: unknown;
  /** A feedback that failed to compute: its error instead of a value. */
  error?: { errorCode?: string; errorMessage?: string };
  rationale?: string;
  valid?: boolean;
  overrides?: string;
  runId?: string;
  metadata?: Record<string, string>;
}

export interface TraceInfo {
  traceId: string;
  experimentId: string;
  clientRequestId?: string;
  /** ms since epoch (the trace's start). */
  requestTime: number;
  /** ms, absent while the trace is in progress. */
  executionDurationMs?: number;
  state: TraceState;
  requestPreview?: string;
  responsePreview?: string;
  /** MLflow's trace_metadata (request_metadata in older names). */
  metadata: Record<string, string>;
  tags: Record<string, string>;
  assessments: Assessment[];
}

export interface SpanEvent {
  name: string;
  /** ns since epoch, as decimal digits: nanoseconds overflow a double's exact range. */
  timeNs: string;
  attributes: Record<string, unknown>;
}

export interface Span {
  /** 16 hex digits, as MLflow's Python Span.span_id. */
  spanId: string;
  /** The parent's span id, null for a root span. */
  parentId: string | null;
  name: string;
  /** ns since epoch, decimal digits (exact). */
  startTimeNs: string;
  /** ns since epoch, decimal digits; absent for a span that never ended. */
  endTimeNs?: string;
  /** OK, ERROR or UNSET (the OTel status code without its STATUS_CODE_ prefix). */
  statusCode: string;
  statusMessage: string;
  /** `mlflow.spanType` (LLM, TOOL, …) when the reader took it out already (see spanTypeOf). */
  spanType?: string;
  /**
   * Attribute values decoded from MLflow's JSON encoding, as Python's Span.attributes shows them.
   * Readers may decode them on first access (a getter): read, do not assign.
   */
  readonly attributes: Record<string, unknown>;
  events: SpanEvent[];
}

export interface Trace {
  info: TraceInfo;
  spans: Span[];
}

export interface SearchTracesOptions {
  experimentIds: string[];
  /** MLflow's trace search filter (docs/traces.md). */
  filter?: string;
  orderBy?: string[];
  /** Page size, 1..500 (the server's limit; local stores use the same). */
  maxResults: number;
  pageToken?: string;
}

export interface TracesPage {
  traces: TraceInfo[];
  /** Present only when more traces may follow. */
  nextPageToken?: string;
}

/** Feedback as a user gives it: MLflow's log_feedback with a HUMAN source. */
export interface NewFeedback {
  traceId: string;
  name: string;
  value: unknown;
  rationale?: string;
  spanId?: string;
  sourceId: string;
}

/** Reading traces: the part of a store that the `traces` capability announces. */
export interface TraceReader {
  searchTraces(opts: SearchTracesOptions): Promise<TracesPage>;
  getTrace(traceId: string): Promise<Trace>;
}

/** Writing assessments, where the store can (see docs/traces.md for which can). */
export interface TraceWriter {
  createFeedback(feedback: NewFeedback): Promise<Assessment>;
}

/** Well-known trace tags and metadata keys (mlflow/tracing/constant.py). */
export const TRACE_KEY = {
  traceName: 'mlflow.traceName',
  artifactLocation: 'mlflow.artifactLocation',
  spansLocation: 'mlflow.trace.spansLocation',
  linkedPrompts: 'mlflow.linkedPrompts',
  sourceRun: 'mlflow.sourceRun',
  tokenUsage: 'mlflow.trace.tokenUsage',
  cost: 'mlflow.trace.cost',
  session: 'mlflow.trace.session',
  spanType: 'mlflow.spanType',
  spanInputs: 'mlflow.spanInputs',
  spanOutputs: 'mlflow.spanOutputs',
  chatTokenUsage: 'mlflow.chat.tokenUsage',
} as const;

export const TRACES_PAGE_MAX = 500;
export const TRACES_PAGE_DEFAULT = 100;

export interface TokenUsage {
  input?: number;
  output?: number;
  total?: number;
}

/** The trace's token usage from its `mlflow.trace.tokenUsage` metadata, when MLflow recorded one. */
export function tokenUsageOf(info: TraceInfo): TokenUsage | undefined {
  const raw = info.metadata[TRACE_KEY.tokenUsage];
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
    const u = { input: n(v.input_tokens), output: n(v.output_tokens), total: n(v.total_tokens) };
    return u.input === undefined && u.output === undefined && u.total === undefined ? undefined : u;
  } catch {
    return undefined;
  }
}

/** Prompt versions the trace links (`mlflow.linkedPrompts`: a JSON list of {name, version}). */
export function linkedPromptsOf(info: TraceInfo): { name: string; version: string }[] {
  const raw = info.tags[TRACE_KEY.linkedPrompts];
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    if (!Array.isArray(v)) return [];
    return v
      .filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null && typeof (p as Record<string, unknown>).name === 'string')
      .map((p) => ({ name: String(p.name), version: String(p.version ?? '') }));
  } catch {
    return [];
  }
}
