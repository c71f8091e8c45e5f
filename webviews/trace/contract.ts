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

/**
 * Many strings as one: string i is `text.slice(ends[i - 1] ?? 0, ends[i])` (UTF-16 offsets). VS
 * Code's channel runs a replacer and a reviver over every JSON value; 30,000 names as one string
 * cost one call instead of 30,000.
 */
export interface PackedStrings {
  text: string;
  ends: Uint32Array;
}

export function packStrings(values: readonly string[]): PackedStrings {
  const ends = new Uint32Array(values.length);
  let at = 0;
  for (let i = 0; i < values.length; i++) ends[i] = at += values[i].length;
  return { text: values.join(''), ends };
}

export function packedAt(p: PackedStrings, i: number): string {
  return p.text.slice(i > 0 ? p.ends[i - 1] : 0, p.ends[i]);
}

export function packedIndexOf(p: PackedStrings, value: string): number {
  for (let i = 0; i < p.ends.length; i++) {
    const start = i > 0 ? p.ends[i - 1] : 0;
    if (p.ends[i] - start === value.length && p.text.startsWith(value, start)) return i;
  }
  return -1;
}

/** All spans, column-wise, ordered by start time. */
export interface SpanColumns {
  count: number;
  names: PackedStrings;
  /** Hex span ids (feedback on a span names it). */
  ids: PackedStrings;
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
