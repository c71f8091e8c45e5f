/**
 * The trace panel's contract (docs/webviews.md, docs/traces.md). A trace can hold tens of
 * thousands of spans, so they travel as columns (typed arrays pass postMessage's structured clone
 * as one block each): the page builds its tree from `parents` and renders only the rows in view.
 * A span's inputs, outputs, attributes and events are asked for when it is selected. Strings are
 * as stored and untrusted (LLM output often holds HTML): the page renders them as text.
 */

export const TRACE_VIEW_TYPE = 'mlflow.trace';

export interface TraceHeader {
  traceId: string;
  experimentId: string;
  name: string;
  state: string;
  /** ms since epoch */
  requestTime: number;
  durationMs: number | null;
  tokens: { input?: number; output?: number; total?: number } | null;
  requestPreview: string;
  responsePreview: string;
  tags: [string, string][];
  metadata: [string, string][];
  /** From the tag `mlflow.linkedPrompts`. */
  linkedPrompts: { name: string; version: string }[];
  /** Whether "Add Feedback" can write to this store, and if not why (shown instead of the form). */
  feedback: { writable: boolean; note?: string };
}

/** All spans, column-wise, ordered by start time. */
export interface SpanColumns {
  count: number;
  names: string[];
  /** Hex span ids (feedback on a span names it). */
  ids: string[];
  /** Index of the parent span in these columns, -1 for a root (or a parent that is not in the trace). */
  parents: Int32Array;
  /** µs from the trace's first span start. */
  startUs: Float64Array;
  /** µs; -1 when the span never ended. */
  durationUs: Float64Array;
  /** 0 unset, 1 OK, 2 ERROR. */
  status: Uint8Array;
  /** Index into typeNames (LLM, CHAT_MODEL, TOOL, RETRIEVER, …). */
  types: Uint8Array;
  typeNames: string[];
  /** µs from the first start to the last end. */
  totalUs: number;
}

export interface AssessmentView {
  id: string;
  name: string;
  kind: 'feedback' | 'expectation';
  /** The value as JSON text. */
  value: string;
  rationale?: string;
  sourceType: string;
  sourceId: string;
  spanId?: string;
  /** ms since epoch */
  time?: number;
  error?: string;
  valid: boolean;
}

export interface TraceInit {
  header: TraceHeader;
  spans: SpanColumns;
  assessments: AssessmentView[];
}

export interface SpanDetail {
  index: number;
  spanId: string;
  name: string;
  spanType: string;
  status: string;
  statusMessage: string;
  inputs?: unknown;
  outputs?: unknown;
  /** Everything but the inputs and outputs. */
  attributes: Record<string, unknown>;
  events: { name: string; offsetUs: number; attributes: Record<string, unknown> }[];
}

export interface TraceState {
  traceId: string;
  /** The selected span's id. */
  selected?: string;
}

export type TraceContract = {
  requests: {
    span: { params: { traceId: string; index: number }; result: SpanDetail };
    /** Writes HUMAN feedback (on the trace, or on `spanId`) and answers the trace's assessments read back. */
    addFeedback: { params: { traceId: string; spanId?: string; name: string; value: unknown; rationale?: string }; result: { assessments: AssessmentView[] } };
  };
  pushes: {
    trace: TraceInit;
    loading: { traceId: string };
    error: { traceId: string; message: string };
  };
  events: {
    openPrompt: { name: string; version: string };
    copy: { text: string };
    refresh: Record<string, never>;
  };
  state: TraceState;
};
