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
 * job, so a test can check what the host sends without parsing display text. Messages go through
 * postMessage's structured clone, so NaN and ±Infinity (legal MLflow metric values) survive.
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
