import { StoreError } from '../store/errors';
import type { Assessment, TraceInfo, TraceState } from './entities';

/**
 * TraceInfo V3 and Assessment as MLflow writes them in JSON (REST answers) and in the file
 * store's YAML (trace_info.yaml, assessments/<id>.yaml): both are the proto's JSON form, with
 * timestamps as RFC 3339 text and, on the wire, the duration as protobuf Duration text ("0.383s").
 */

const STATES = new Set<TraceState>(['OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED']);

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** ms since epoch from RFC 3339 text (proto Timestamp JSON), a number of ms, or digits. */
export function msOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string' || v === '') return undefined;
  if (/^-?\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

/** Protobuf Duration JSON ("1.5s") → ms. */
function durationMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(v.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(record(v))) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

export function stateOf(v: unknown): TraceState {
  const s = typeof v === 'string' ? v : '';
  return STATES.has(s as TraceState) ? (s as TraceState) : 'STATE_UNSPECIFIED';
}

/** An assessment from MLflow's JSON/YAML dictionary form. */
export function assessmentOf(raw: unknown, traceIdFallback: string): Assessment {
  const a = record(raw);
  const source = record(a.source);
  const feedback = a.feedback === undefined ? undefined : record(a.feedback);
  const expectation = a.expectation === undefined ? undefined : record(a.expectation);
  let value: unknown = null;
  let error: Assessment['error'];
  if (feedback) {
    value = feedback.value ?? null;
    if (feedback.error !== undefined) {
      const e = record(feedback.error);
      error = { errorCode: text(e.error_code), errorMessage: text(e.error_message) };
    }
  } else if (expectation) {
    // Structured expectations arrive as serialized_value {serialization_format: JSON_FORMAT, value: text}.
    const ser = expectation.serialized_value === undefined ? undefined : record(expectation.serialized_value);
    if (ser && typeof ser.value === 'string') {
      try {
        value = JSON.parse(ser.value);
      } catch {
        value = ser.value;
      }
    } else value = expectation.value ?? null;
  }
  const spanId = text(a.span_id);
  return {
    assessmentId: text(a.assessment_id) ?? '',
    name: text(a.assessment_name) ?? text(a.name) ?? '',
    traceId: text(a.trace_id) ?? traceIdFallback,
    ...(spanId ? { spanId } : {}),
    source: { sourceType: text(source.source_type) ?? 'SOURCE_TYPE_UNSPECIFIED', sourceId: text(source.source_id) ?? '' },
    createTime: msOf(a.create_time),
    lastUpdateTime: msOf(a.last_update_time),
    kind: expectation ? 'expectation' : 'feedback',
    value,
    ...(error ? { error } : {}),
    ...(text(a.rationale) !== undefined ? { rationale: text(a.rationale) } : {}),
    ...(typeof a.valid === 'boolean' ? { valid: a.valid } : {}),
    ...(text(a.overrides) ? { overrides: text(a.overrides) } : {}),
    ...(text(a.run_id) ? { runId: text(a.run_id) } : {}),
    ...(a.metadata !== undefined ? { metadata: stringMap(a.metadata) } : {}),
  };
}

/**
 * A TraceInfo from the V3 dictionary (REST `traces[]` / `trace.trace_info`, or trace_info.yaml).
 * `metadata`/`tags` may be given separately (the file store keeps them in folders).
 */
export function traceInfoOf(raw: unknown, where: string): TraceInfo {
  const t = record(raw);
  const traceId = text(t.trace_id) ?? text(t.request_id);
  const loc = record(record(t.trace_location).mlflow_experiment);
  const requestTime = msOf(t.request_time) ?? msOf(t.timestamp_ms);
  if (!traceId || requestTime === undefined) throw new StoreError('CORRUPT_DATA', `${where}: trace info lacks trace_id or request_time`, where);
  const duration = typeof t.execution_duration_ms === 'number' ? t.execution_duration_ms : durationMs(t.execution_duration) ?? msOf(t.execution_time_ms);
  const assessments = Array.isArray(t.assessments) ? t.assessments.map((a) => assessmentOf(a, traceId)) : [];
  return {
    traceId,
    experimentId: text(loc.experiment_id) ?? text(t.experiment_id) ?? '',
    ...(text(t.client_request_id) ? { clientRequestId: text(t.client_request_id) } : {}),
    requestTime,
    ...(duration !== undefined ? { executionDurationMs: duration } : {}),
    state: stateOf(t.state ?? t.status),
    ...(text(t.request_preview) !== undefined ? { requestPreview: text(t.request_preview) } : {}),
    ...(text(t.response_preview) !== undefined ? { responsePreview: text(t.response_preview) } : {}),
    metadata: stringMap(t.trace_metadata ?? t.request_metadata),
    tags: stringMap(t.tags),
    assessments,
  };
}
