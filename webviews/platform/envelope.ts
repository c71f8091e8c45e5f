/**
 * The message envelope every webview panel speaks, compiled into both the extension host and the
 * webview bundles. A panel's contract (webviews/<panel>/contract.ts) names its requests, pushes,
 * events and persisted state; this file turns a contract into the wire messages.
 *
 *   webview → host   { kind: 'ready' }                       once per page load (the handshake)
 *                    { kind: 'request', id, method, params }  answered by exactly one response
 *                    { kind: 'event', name, payload }         fire-and-forget (selection changed…)
 *   host → webview   { kind: 'response', id, result }         or { kind: 'response', id, error }
 *                    { kind: 'push', name, payload }          unsolicited (init, store changed…)
 *
 * Payloads carry raw values (numbers, ms timestamps, plain strings); formatting is the webview's
 * job, so a test can check what the host sends without parsing display text. VS Code carries
 * postMessage between processes as JSON, which turns NaN and ±Infinity (legal MLflow metric values)
 * into null: both sides send messages through `toWire` and read them through `fromWire`.
 */

/** What a panel declares. Write contracts as `type` aliases (not interfaces) so they fit these records. */
export interface PanelContract {
  /** Webview → host, answered: method → params and result. */
  requests: Record<string, { params: unknown; result: unknown }>;
  /** Host → webview, unanswered. */
  pushes: Record<string, unknown>;
  /** Webview → host, unanswered. */
  events: Record<string, unknown>;
  /** What the webview keeps with vscode.setState; the panel's serializer gets it back after a reload. */
  state: unknown;
}

export type RequestMethod<C extends PanelContract> = keyof C['requests'] & string;
export type RequestParams<C extends PanelContract, M extends RequestMethod<C>> = C['requests'][M]['params'];
export type RequestResult<C extends PanelContract, M extends RequestMethod<C>> = C['requests'][M]['result'];
export type PushName<C extends PanelContract> = keyof C['pushes'] & string;
export type EventName<C extends PanelContract> = keyof C['events'] & string;

/** The host's answer to each request method of a contract. */
export type RequestHandlers<C extends PanelContract> = {
  [M in RequestMethod<C>]: (params: RequestParams<C, M>) => Promise<RequestResult<C, M>> | RequestResult<C, M>;
};

/** Why a request failed. `span` points into the request's text input (a filter) when the host knows where. */
export interface RequestError {
  message: string;
  /** StoreError code (MLflow's error_code names) when the store gave one. */
  code?: string;
  span?: { input: string; offset: number; length: number };
}

export type WebviewToHost<C extends PanelContract> =
  | { kind: 'ready' }
  | { [M in RequestMethod<C>]: { kind: 'request'; id: number; method: M; params: RequestParams<C, M> } }[RequestMethod<C>]
  | { [E in EventName<C>]: { kind: 'event'; name: E; payload: C['events'][E] } }[EventName<C>];

export type HostToWebview<C extends PanelContract> =
  | { kind: 'response'; id: number; result: unknown; error?: undefined }
  | { kind: 'response'; id: number; error: RequestError; result?: undefined }
  | { [P in PushName<C>]: { kind: 'push'; name: P; payload: C['pushes'][P] } }[PushName<C>];

/** A cheap shape check on what arrives from the other side (messages cross a process boundary). */
export function isEnvelope(m: unknown): m is { kind: string } {
  return typeof m === 'object' && m !== null && typeof (m as { kind?: unknown }).kind === 'string';
}

/**
 * How a non-finite number travels (JSON has none). Payload keys can be anything a store holds, so
 * keys that start with `$`s and then `mlwb` get one more `$` on the way (and lose it after): a
 * payload key can then never read as the marker.
 */
const NON_FINITE = '$mlwbNonFinite';
const ESCAPED_KEY = /^\$+mlwb/;
const escapeKey = (k: string) => (k.charCodeAt(0) === 36 && ESCAPED_KEY.test(k) ? '$' + k : k);
const unescapeKey = (k: string) => (k.charCodeAt(0) === 36 && k.charCodeAt(1) === 36 && ESCAPED_KEY.test(k) ? k.slice(1) : k);

/**
 * NaN and ±Infinity anywhere in a message → `{ $mlwbNonFinite: 'NaN' | 'Infinity' | '-Infinity' }`.
 * Binary data (typed arrays, ArrayBuffers) is passed through untouched: VS Code sends it as bytes.
 * Returns the same object when nothing needed changing, so large plain payloads are not copied.
 */
export function toWire<T>(value: T): T {
  return encode(value) as T;
}

function encode(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : { [NON_FINITE]: String(v) };
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const e = encode(v[i]);
      if (e !== v[i]) (out ??= v.slice())[i] = e;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  const entries = Object.entries(v);
  if (entries.some(([k]) => escapeKey(k) !== k)) {
    out = {};
    for (const [k, x] of entries) out[escapeKey(k)] = encode(x);
    return out;
  }
  for (const [k, x] of entries) {
    const e = encode(x);
    if (e !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = e;
  }
  return out ?? v;
}

/** The inverse of toWire, after the message crossed: restores the non-finite numbers in place. */
export function fromWire<T>(value: T): T {
  return decode(value) as T;
}

function decode(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = decode(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  const tag = o[NON_FINITE];
  if (typeof tag === 'string' && Object.keys(o).length === 1) return tag === 'NaN' ? NaN : tag === 'Infinity' ? Infinity : tag === '-Infinity' ? -Infinity : v;
  for (const k of Object.keys(o)) {
    const plain = unescapeKey(k);
    const x = decode(o[k]);
    if (plain !== k) delete o[k];
    o[plain] = x;
  }
  return o;
}
