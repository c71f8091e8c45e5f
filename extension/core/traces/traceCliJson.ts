import type { Assessment, Span, Trace, TraceInfo } from './entities';
import { spanTypeOf } from './spanJson';

/**
 * The `mlwb traces` / `mlwb trace` JSON contract. Keys follow what MLflow's Python client shows:
 * TraceInfo.to_dict() (trace_id, request_time as RFC 3339 text, state, trace_metadata, tags,
 * assessments, execution_duration_ms…) plus `experiment_id` and `timestamp_ms` for scripts; spans
 * use the Python Span's property names (span_id, parent_id, start_time_ns, end_time_ns,
 * span_type, status_code, attributes decoded). Nanosecond times are printed as exact integers.
 */

const BIG = '\u0000big:';

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

export function assessmentJson(a: Assessment): Record<string, unknown> {
  return {
    assessment_id: a.assessmentId,
    assessment_name: a.name,
    trace_id: a.traceId,
    ...(a.spanId ? { span_id: a.spanId } : {}),
    source: { source_type: a.source.sourceType, source_id: a.source.sourceId },
    create_time: iso(a.createTime),
    last_update_time: iso(a.lastUpdateTime),
    [a.kind]: { value: a.value, ...(a.error ? { error: { error_code: a.error.errorCode, error_message: a.error.errorMessage } } : {}) },
    ...(a.rationale !== undefined ? { rationale: a.rationale } : {}),
    ...(a.metadata ? { metadata: a.metadata } : {}),
    ...(a.overrides ? { overrides: a.overrides } : {}),
    ...(a.runId ? { run_id: a.runId } : {}),
    valid: a.valid ?? true,
  };
}

export function traceInfoJson(t: TraceInfo): Record<string, unknown> {
  return {
    trace_id: t.traceId,
    experiment_id: t.experimentId,
    client_request_id: t.clientRequestId ?? null,
    request_time: iso(t.requestTime),
    timestamp_ms: t.requestTime,
    execution_duration_ms: t.executionDurationMs ?? null,
    state: t.state,
    request_preview: t.requestPreview ?? null,
    response_preview: t.responsePreview ?? null,
    trace_metadata: t.metadata,
    tags: t.tags,
    assessments: t.assessments.map(assessmentJson),
  };
}

function big(digits: string | undefined): string | null {
  return digits === undefined ? null : BIG + digits;
}

export function spanJson(s: Span): Record<string, unknown> {
  return {
    name: s.name,
    span_id: s.spanId,
    parent_id: s.parentId,
    span_type: spanTypeOf(s),
    start_time_ns: big(s.startTimeNs),
    end_time_ns: big(s.endTimeNs),
    status_code: s.statusCode,
    status_message: s.statusMessage,
    attributes: s.attributes,
    events: s.events.map((e) => ({ name: e.name, timestamp: big(e.timeNs), attributes: e.attributes })),
  };
}

export function traceJson(t: Trace): Record<string, unknown> {
  return { ...traceInfoJson(t.info), spans: t.spans.map(spanJson) };
}

/** JSON.stringify, with the nanosecond marker strings printed as bare integers. */
export function stringifyTraceJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(/"\\u0000big:(-?\d+)"/g, '$1');
}
