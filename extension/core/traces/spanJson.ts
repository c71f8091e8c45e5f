import { StoreError } from '../store/errors';
import type { Span, SpanEvent } from './entities';

/**
 * Spans in the two JSON forms MLflow 3 stores and serves:
 * - MLflow's own span dictionaries (the `traces.json` artifact, the SQL `spans.content` column):
 *   base64 ids, nanosecond times, attributes whose values are JSON text (`"\"TOOL\""`);
 * - OpenTelemetry protobuf JSON (`GET /api/3.0/mlflow/traces/get`): the same ids and times, but
 *   attributes as `[{key, value: {string_value | int_value | kvlist_value | …}}]`.
 * Both become our Span with the values decoded, which is what Python's `Span.attributes` shows.
 * Nanosecond times (≈1.8e18) do not fit a double exactly, so the text is read with nanoJsonParse,
 * which keeps those numbers as their digits.
 */

const NANO_KEYS = /"(start_time_unix_nano|end_time_unix_nano|time_unix_nano)"(\s*:\s*)(-?\d+)/g;

/** JSON.parse, except that nanosecond time fields keep their exact digits (as strings). */
export function nanoJsonParse(text: string): unknown {
  return JSON.parse(text.replace(NANO_KEYS, '"$1"$2"$3"'));
}

/** base64 (MLflow's wire form of span ids) → lowercase hex; a hex id is passed through. */
export function spanIdHex(id: unknown): string | null {
  if (typeof id !== 'string' || id === '') return null;
  if (/^[0-9a-f]{16}$/.test(id)) return id;
  const hex = Buffer.from(id, 'base64').toString('hex');
  return hex === '' ? null : hex;
}

function nanos(v: unknown): string | undefined {
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return v.replace(/^(-?)0+(?=\d)/, '$1');
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.round(v)).toString();
  return undefined;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** MLflow stores each attribute value as JSON text; a value that is not JSON is kept as the text. */
function decodeJsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** An OTel AnyValue (protobuf JSON) as a plain value. */
function anyValue(v: unknown): unknown {
  const o = record(v);
  if ('string_value' in o) return o.string_value;
  if ('bool_value' in o) return o.bool_value;
  if ('int_value' in o) return typeof o.int_value === 'string' ? Number(o.int_value) : o.int_value;
  if ('double_value' in o) return typeof o.double_value === 'string' ? Number(o.double_value) : o.double_value;
  if ('array_value' in o) return ((record(o.array_value).values as unknown[]) ?? []).map(anyValue);
  if ('kvlist_value' in o) return keyValues(record(o.kvlist_value).values);
  if ('bytes_value' in o) return o.bytes_value;
  return null;
}

function keyValues(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    const r = record(kv);
    if (typeof r.key === 'string') out[r.key] = anyValue(r.value);
  }
  return out;
}

function statusOf(v: unknown): { code: string; message: string } {
  const s = record(v);
  const raw = typeof s.code === 'string' ? s.code : typeof s.code === 'number' ? ['UNSET', 'OK', 'ERROR'][s.code] ?? 'UNSET' : 'UNSET';
  return { code: raw.replace(/^STATUS_CODE_/, ''), message: typeof s.message === 'string' ? s.message : '' };
}

/** One span from either JSON form (told apart by the shape of `attributes`). */
export function spanOf(raw: unknown, where: string): Span {
  const s = record(raw);
  const spanId = spanIdHex(s.span_id);
  const start = nanos(s.start_time_unix_nano);
  if (!spanId || start === undefined) throw new StoreError('CORRUPT_DATA', `${where}: a span lacks span_id or start_time_unix_nano`, where);
  const otel = Array.isArray(s.attributes);
  const attributes = otel ? keyValues(s.attributes) : Object.fromEntries(Object.entries(record(s.attributes)).map(([k, v]) => [k, decodeJsonText(v)]));
  const events: SpanEvent[] = (Array.isArray(s.events) ? s.events : []).map((e) => {
    const r = record(e);
    return {
      name: typeof r.name === 'string' ? r.name : '',
      timeNs: nanos(r.time_unix_nano) ?? start,
      attributes: Array.isArray(r.attributes) ? keyValues(r.attributes) : record(r.attributes),
    };
  });
  const status = statusOf(s.status);
  const end = nanos(s.end_time_unix_nano);
  return {
    spanId,
    parentId: spanIdHex(s.parent_span_id),
    name: typeof s.name === 'string' ? s.name : '',
    startTimeNs: start,
    ...(end !== undefined && end !== '0' ? { endTimeNs: end } : {}),
    statusCode: status.code,
    statusMessage: status.message,
    attributes,
    events,
  };
}

/** The spans of a `{"spans": [...]}` document (traces.json, get-trace-artifact, traces/get's trace). */
export function spansFromDocument(text: string, where: string): Span[] {
  let doc: unknown;
  try {
    doc = nanoJsonParse(text);
  } catch (e) {
    throw new StoreError('CORRUPT_DATA', `${where} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, where);
  }
  const spans = record(doc).spans;
  if (!Array.isArray(spans)) throw new StoreError('CORRUPT_DATA', `${where} has no "spans" list`, where);
  return spans.map((s) => spanOf(s, where));
}

/** The span's type (`mlflow.spanType`), e.g. LLM, TOOL, RETRIEVER; UNKNOWN when unset. */
export function spanTypeOf(span: Span): string {
  const t = span.attributes['mlflow.spanType'];
  return typeof t === 'string' && t ? t : 'UNKNOWN';
}
