import { requestError } from '../../extension/host/webview/requestError';
import { fromWire, toWire, type HostToWebview, type PanelContract, type RequestHandlers, type WebviewToHost } from '../../webviews/platform/envelope';
import type { VsCodeApi } from '../../webviews/platform/panelClient';

/**
 * The extension host's side of a panel in a DOM test: a VsCodeApi for the webview whose requests
 * are answered by the given handlers (which call the real store and the real host mappers), with
 * a log of everything the webview sent. This stands in for VS Code's postMessage channel only, and
 * carries messages as that channel does: as JSON, with binary data passed alongside as bytes.
 */
export function crossChannel<T>(m: T): T {
  const buffers: unknown[] = [];
  const text = JSON.stringify(m, (_k, v: unknown) => (ArrayBuffer.isView(v) ? { $buffer: buffers.push(v) - 1 } : v));
  return JSON.parse(text, (_k, v: unknown) => (v && typeof v === 'object' && typeof (v as { $buffer?: unknown }).$buffer === 'number' ? buffers[(v as { $buffer: number }).$buffer] : v)) as T;
}

export class TestPanelHost<C extends PanelContract> {
  readonly sent: WebviewToHost<C>[] = [];
  state: C['state'] | undefined;
  readonly api: VsCodeApi<C['state']>;

  constructor(
    private readonly target: { dispatchEvent(e: Event): boolean },
    private readonly handlers: Partial<RequestHandlers<C>>,
    initialState?: C['state'],
  ) {
    this.state = initialState;
    this.api = {
      postMessage: (m) => this.receive(m as WebviewToHost<C>),
      getState: () => this.state,
      setState: (s) => {
        this.state = s;
      },
    };
  }

  /** Pushes or answers go to the page as VS Code delivers them: a 'message' event on window. */
  deliver(m: HostToWebview<C>): void {
    // As PanelHost sends it: through toWire, then across the channel.
    const ev = new (globalThis as unknown as { MessageEvent: typeof MessageEvent }).MessageEvent('message', { data: crossChannel(toWire(m)) });
    this.target.dispatchEvent(ev);
  }

  push<P extends keyof C['pushes'] & string>(name: P, payload: C['pushes'][P]): void {
    this.deliver({ kind: 'push', name, payload } as HostToWebview<C>);
  }

  requests<M extends keyof C['requests'] & string>(method: M): C['requests'][M]['params'][] {
    return this.sent.flatMap((m) => (m.kind === 'request' && m.method === method ? [m.params as C['requests'][M]['params']] : []));
  }

  events<E extends keyof C['events'] & string>(name: E): C['events'][E][] {
    return this.sent.flatMap((m) => (m.kind === 'event' && m.name === name ? [m.payload as C['events'][E]] : []));
  }

  private pending = 0;

  /** Resolves once every request the page made has been answered and the page has handled the answers. */
  async idle(timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 3) {
      if (Date.now() > end) throw new Error(`the page still waits for ${this.pending} answer(s) after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, this.pending ? 5 : 0));
      quiet = this.pending ? 0 : quiet + 1;
    }
  }

  private receive(sent: WebviewToHost<C>): void {
    // As PanelHost receives it: across the channel, then through fromWire.
    const m = fromWire(crossChannel(sent));
    this.sent.push(m);
    if (m.kind !== 'request') return;
    this.pending++;
    const h = this.handlers[m.method] as ((p: unknown) => unknown) | undefined;
    // As PanelHost does: the same error mapping, answers in a later task.
    Promise.resolve()
      .then(() => (h ? h(m.params) : Promise.reject(new Error(`no handler for ${String(m.method)}`))))
      .then(
        (result) => this.deliver({ kind: 'response', id: m.id, result } as HostToWebview<C>),
        (e: unknown) => this.deliver({ kind: 'response', id: m.id, error: requestError(e) } as HostToWebview<C>),
      )
      .finally(() => this.pending--);
  }
}
