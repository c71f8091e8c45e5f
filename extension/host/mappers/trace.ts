import { linkedPromptsOf, TRACE_KEY, tokenUsageOf, type Assessment, type Span, type Trace } from '../../core/traces/entities';
import { spanTypeOf } from '../../core/traces/spanJson';
import { packStrings, type AssessmentView, type SpanColumns, type SpanDetail, type TraceHeader, type TraceInit } from '../../../webviews/trace/contract';

/**
 * Trace → the trace panel's payloads (webviews/trace/contract.ts). No `vscode` import: plain-Node
 * tests and the benchmark run it. Span times become µs offsets from the first start, computed in
 * BigInt from the exact nanosecond digits, then as doubles (exact to well below a µs for any trace
 * shorter than a century).
 */

const STATUS: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

export function assessmentView(a: Assessment): AssessmentView {
  let value: string;
  try {
    value = JSON.stringify(a.value) ?? 'null';
  } catch {
    value = String(a.value);
  }
  return {
    id: a.assessmentId,
    name: a.name,
    kind: a.kind,
    value,
    ...(a.rationale ? { rationale: a.rationale } : {}),
    sourceType: a.source.sourceType,
    sourceId: a.source.sourceId,
    ...(a.spanId ? { spanId: a.spanId } : {}),
    ...(a.createTime !== undefined ? { time: a.createTime } : {}),
    ...(a.error ? { error: [a.error.errorCode, a.error.errorMessage].filter(Boolean).join(': ') } : {}),
    valid: a.valid !== false,
  };
}

/** Digits a double holds exactly (< 2^53 ≈ 9.007e15). */
const TAIL = 15;

/**
 * Start times as doubles without BigInt, when every start has the same length and the same digits
 * before its last 15 (any trace shorter than ~11 days, unless it straddles such a boundary): the
 * last 15 digits are then exact doubles and their differences are the exact offsets.
 */
function sharedPrefixTails(spans: readonly Span[]): Float64Array | undefined {
  if (spans.length === 0) return undefined;
  const first = spans[0].startTimeNs;
  if (first.length <= TAIL || first[0] === '-') return undefined;
  const cut = first.length - TAIL;
  const prefix = first.slice(0, cut);
  const tails = new Float64Array(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const t = spans[i].startTimeNs;
    if (t.length !== first.length || !t.startsWith(prefix)) return undefined;
    tails[i] = Number(t.slice(cut));
  }
  return tails;
}

/** end − start in ns, exact; `startTail` is the start's last 15 digits when sharedPrefixTails applied. */
function nsBetween(start: string, end: string, startTail: number | undefined): number {
  if (startTail !== undefined && end.length === start.length) {
    const cut = start.length - TAIL;
    if (end.startsWith(start.slice(0, cut))) return Number(end.slice(cut)) - startTail;
  }
  return Number(BigInt(end) - BigInt(start));
}

/** Spans sorted by start (ties by id, for a stable order), as columns. Returns the order too. */
export function spanColumns(trace: Trace): { columns: SpanColumns; order: number[] } {
  const spans = trace.spans;
  const n = spans.length;
  // Offsets from the earliest start as doubles (exact to the ns for any trace under ~104 days), so
  // sorting compares numbers, not BigInts.
  const relNs = new Float64Array(n);
  const tails = sharedPrefixTails(spans);
  if (tails) {
    let t0 = Infinity;
    for (let i = 0; i < n; i++) if (tails[i] < t0) t0 = tails[i];
    for (let i = 0; i < n; i++) relNs[i] = tails[i] - t0;
  } else {
    const startBig = spans.map((s) => BigInt(s.startTimeNs));
    let t0 = n ? startBig[0] : 0n;
    for (const b of startBig) if (b < t0) t0 = b;
    for (let i = 0; i < n; i++) relNs[i] = Number(startBig[i] - t0);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => relNs[a] - relNs[b] || (spans[a].spanId < spans[b].spanId ? -1 : 1));
  const position = new Map<string, number>();
  order.forEach((orig, pos) => position.set(spans[orig].spanId, pos));
  const names = new Array<string>(n);
  const ids = new Array<string>(n);
  const parents = new Int32Array(n);
  const startUs = new Float64Array(n);
  const durationUs = new Float64Array(n);
  const status = new Uint8Array(n);
  const types = new Uint8Array(n);
  const typeNames: string[] = [];
  const typeIndex = new Map<string, number>();
  let endMax = 0;
  for (let pos = 0; pos < n; pos++) {
    const s = spans[order[pos]];
    names[pos] = s.name;
    ids[pos] = s.spanId;
    const p = s.parentId === null ? undefined : position.get(s.parentId);
    parents[pos] = p === undefined || p === pos ? -1 : p;
    const st = relNs[order[pos]] / 1000;
    startUs[pos] = st;
    const dur = s.endTimeNs === undefined ? -1 : nsBetween(s.startTimeNs, s.endTimeNs, tails ? tails[order[pos]] : undefined) / 1000;
    durationUs[pos] = dur;
    if (dur >= 0 && st + dur > endMax) endMax = st + dur;
    status[pos] = STATUS[s.statusCode] ?? 0;
    const type = spanTypeOf(s);
    let ti = typeIndex.get(type);
    if (ti === undefined) {
      // More than 255 span types in one trace is not something MLflow produces; they share the last slot.
      ti = Math.min(typeNames.length, 255);
      if (ti === typeNames.length) typeNames.push(type);
      typeIndex.set(type, ti);
    }
    types[pos] = ti;
  }
  return { columns: { count: n, names: packStrings(names), ids: packStrings(ids), parents, startUs, durationUs, status, types, typeNames, totalUs: endMax }, order };
}

export function traceHeader(trace: Trace, feedback: TraceHeader['feedback']): TraceHeader {
  const t = trace.info;
  const u = tokenUsageOf(t);
  return {
    traceId: t.traceId,
    experimentId: t.experimentId,
    name: t.tags[TRACE_KEY.traceName] ?? '',
    state: t.state,
    requestTime: t.requestTime,
    durationMs: t.executionDurationMs ?? null,
    tokens: u ?? null,
    requestPreview: t.requestPreview ?? '',
    responsePreview: t.responsePreview ?? '',
    tags: Object.entries(t.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    metadata: Object.entries(t.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    linkedPrompts: linkedPromptsOf(t),
    feedback,
  };
}

export function traceInit(trace: Trace, feedback: TraceHeader['feedback']): { init: TraceInit; order: number[] } {
  const { columns, order } = spanColumns(trace);
  return { init: { header: traceHeader(trace, feedback), spans: columns, assessments: trace.info.assessments.map(assessmentView) }, order };
}

/** One span's details; `index` is its position in the columns (order maps it back). */
export function spanDetail(trace: Trace, order: readonly number[], index: number, firstStartNs: string): SpanDetail {
  const s = trace.spans[order[index]];
  if (!s) throw new Error(`No span at position ${index}`);
  const { [TRACE_KEY.spanInputs]: inputs, [TRACE_KEY.spanOutputs]: outputs, ...attributes } = s.attributes;
  const t0 = BigInt(firstStartNs);
  return {
    index,
    spanId: s.spanId,
    name: s.name,
    spanType: spanTypeOf(s),
    status: s.statusCode,
    statusMessage: s.statusMessage,
    ...(TRACE_KEY.spanInputs in s.attributes ? { inputs } : {}),
    ...(TRACE_KEY.spanOutputs in s.attributes ? { outputs } : {}),
    attributes,
    events: s.events.map((e) => ({ name: e.name, offsetUs: Number(BigInt(e.timeNs) - t0) / 1000, attributes: e.attributes })),
  };
}
