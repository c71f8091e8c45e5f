import {
  fromWire,
  isEnvelope,
  toWire,
  type EventName,
  type HostToWebview,
  type PanelContract,
  type PushName,
  type RequestError,
  type RequestMethod,
  type RequestParams,
  type RequestResult,
  type WebviewToHost,
} from './envelope';

/**
 * The webview half of the envelope: typed requests that resolve with the host's answer to that
 * request id, push handlers, events, and the state VS Code keeps across reloads.
 *
 * Panels receive a `PanelClient` instead of calling acquireVsCodeApi themselves, so their code runs
 * unchanged in a DOM test that hands in a `VsCodeApi` of its own.
 */

/** The part of VS Code's `acquireVsCodeApi()` that panels use. */
export interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** A request the host answered with an error. */
export class HostRequestError extends Error {
  constructor(readonly error: RequestError) {
    super(error.message);
    this.name = 'HostRequestError';
  }
}

export interface PanelClient<C extends PanelContract> {
  request<M extends RequestMethod<C>>(method: M, params: RequestParams<C, M>): Promise<RequestResult<C, M>>;
  onPush<P extends PushName<C>>(name: P, handler: (payload: C['pushes'][P]) => void): void;
  emit<E extends EventName<C>>(name: E, payload: C['events'][E]): void;
  getState(): C['state'] | undefined;
  setState(state: C['state']): void;
  /** Tells the host the page is listening; call once, after the push handlers are registered. */
  ready(): void;
}

export interface ClientOptions<C extends PanelContract> {
  api?: VsCodeApi<C['state']>;
  /** Where host messages arrive; `window` in a webview. */
  target?: Pick<Window, 'addEventListener'>;
}

export function createPanelClient<C extends PanelContract>(opts: ClientOptions<C> = {}): PanelClient<C> {
  const api = opts.api ?? acquireVsCodeApi<C['state']>();
  const target = opts.target ?? window;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const handlers = new Map<string, (payload: unknown) => void>();
  let nextId = 1;
  const post = (m: WebviewToHost<C>) => api.postMessage(toWire(m));

  target.addEventListener('message', (ev: Event) => {
    const data: unknown = (ev as MessageEvent).data;
    if (!isEnvelope(data)) return;
    const m = fromWire(data) as HostToWebview<C>;
    if (m.kind === 'response') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(new HostRequestError(m.error));
      else p.resolve(m.result);
    } else if (m.kind === 'push') {
      handlers.get(m.name)?.(m.payload);
    }
  });

  return {
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        post({ kind: 'request', id, method, params } as WebviewToHost<C>);
      });
    },
    onPush(name, handler) {
      handlers.set(name, handler as (payload: unknown) => void);
    },
    emit(name, payload) {
      post({ kind: 'event', name, payload } as WebviewToHost<C>);
    },
    getState: () => api.getState(),
    setState: (s) => api.setState(s),
    ready: () => post({ kind: 'ready' }),
  };
}
