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

// Every such key ends in `_unix_nano"`; matching that literal tail is several times faster on an
// 18 MB document than an alternation of the three names.
const NANO_KEYS = /(_unix_nano"\s*:\s*)(-?\d+)/g;

/** JSON.parse, except that nanosecond time fields (start/end/time_unix_nano) keep their exact digits (as strings). */
export function nanoJsonParse(text: string): unknown {
  return JSON.parse(text.replace(NANO_KEYS, '$1"$2"'));
}

const B64 = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
const HEX = '0123456789abcdef';

/** base64 (MLflow's wire form of span ids) → lowercase hex; a hex id is passed through. */
export function spanIdHex(id: unknown): string | null {
  if (typeof id !== 'string' || id === '') return null;
  if (id.length === 16 && /^[0-9a-f]{16}$/.test(id)) return id;
  // Decoded by hand: Buffer.from(…, 'base64') per id costs more than the rest of a span's parsing.
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 61) break; // '='
    const v = c < 128 ? B64[c] : -1;
    if (v < 0) return Buffer.from(id, 'base64').toString('hex') || null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (acc >> bits) & 0xff;
      out += HEX[byte >> 4] + HEX[byte & 15];
    }
  }
  return out === '' ? null : out;
}

const DIGITS = /^-?\d+$/;
function nanos(v: unknown): string | undefined {
  if (typeof v === 'string' && DIGITS.test(v)) return v.length > 1 && (v[0] === '0' || v.startsWith('-0')) ? v.replace(/^(-?)0+(?=\d)/, '$1') : v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.round(v)).toString();
  return undefined;
}

export function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** MLflow stores each attribute value as JSON text; a value that is not JSON is kept as the text. */
export function decodeJsonText(v: unknown): unknown {
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

export function statusOf(v: unknown): { code: string; message: string } {
  const s = record(v);
  const raw = typeof s.code === 'string' ? s.code : typeof s.code === 'number' ? ['UNSET', 'OK', 'ERROR'][s.code] ?? 'UNSET' : 'UNSET';
  return { code: raw.replace(/^STATUS_CODE_/, ''), message: typeof s.message === 'string' ? s.message : '' };
}

/** A span's events (either form); an event without a time takes the span's start. */
export function eventsOf(raw: unknown, startNs: string): SpanEvent[] {
  return (Array.isArray(raw) ? raw : []).map((e) => {
    const r = record(e);
    return {
      name: typeof r.name === 'string' ? r.name : '',
      timeNs: nanos(r.time_unix_nano) ?? startNs,
      attributes: Array.isArray(r.attributes) ? keyValues(r.attributes) : record(r.attributes),
    };
  });
}

/** One span from either JSON form (told apart by the shape of `attributes`). */
export function spanOf(raw: unknown, where: string): Span {
  const s = record(raw);
  const spanId = spanIdHex(s.span_id);
  const start = nanos(s.start_time_unix_nano);
  if (!spanId || start === undefined) throw new StoreError('CORRUPT_DATA', `${where}: a span lacks span_id or start_time_unix_nano`, where);
  const otel = Array.isArray(s.attributes);
  // MLflow's own form: values stay JSON text until someone reads them (a 30,000-span trace has
  // ~200,000 of them, and the panel shows one span's at a time); the span type is read now.
  const rawAttributes = otel ? undefined : record(s.attributes);
  const decoded: Record<string, unknown> | undefined = otel ? keyValues(s.attributes) : undefined;
  const typeValue = otel ? decoded!['mlflow.spanType'] : decodeJsonText(rawAttributes!['mlflow.spanType']);
  const events = eventsOf(s.events, start);
  const status = statusOf(s.status);
  const end = nanos(s.end_time_unix_nano);
  return new ParsedSpan(
    spanId,
    spanIdHex(s.parent_span_id),
    typeof s.name === 'string' ? s.name : '',
    start,
    end !== undefined && end !== '0' ? end : undefined,
    status.code,
    status.message,
    typeof typeValue === 'string' && typeValue ? typeValue : undefined,
    rawAttributes,
    decoded,
    events,
  );
}

/**
 * A span as read: one class (one object shape for 30,000 of them), attributes decoded from their
 * JSON text on first access and kept.
 */
class ParsedSpan implements Span {
  constructor(
    readonly spanId: string,
    readonly parentId: string | null,
    readonly name: string,
    readonly startTimeNs: string,
    readonly endTimeNs: string | undefined,
    readonly statusCode: string,
    readonly statusMessage: string,
    readonly spanType: string | undefined,
    private raw: Record<string, unknown> | undefined,
    private decoded: Record<string, unknown> | undefined,
    readonly events: SpanEvent[],
  ) {}

  get attributes(): Record<string, unknown> {
    if (!this.decoded) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(this.raw ?? {})) out[k] = decodeJsonText(this.raw![k]);
      this.decoded = out;
      this.raw = undefined;
    }
    return this.decoded;
  }

  /** Plain data for JSON and structured clone (the accessor lives on the prototype). */
  toJSON(): Span {
    return { spanId: this.spanId, parentId: this.parentId, name: this.name, startTimeNs: this.startTimeNs, ...(this.endTimeNs !== undefined ? { endTimeNs: this.endTimeNs } : {}), statusCode: this.statusCode, statusMessage: this.statusMessage, ...(this.spanType !== undefined ? { spanType: this.spanType } : {}), attributes: this.attributes, events: this.events };
  }
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
  if (span.spanType !== undefined) return span.spanType;
  const t = span.attributes['mlflow.spanType'];
  return typeof t === 'string' && t ? t : 'UNKNOWN';
}
