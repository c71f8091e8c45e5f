import { Window } from 'happy-dom';

/**
 * A browser DOM (happy-dom) installed as the globals webview code expects, for unit tests of the
 * webviews in plain Node. Layout is not computed: components get sizes from their options.
 *
 * happy-dom has no ElementInternals; vscode-elements' form controls call attachInternals() in their
 * constructor, so a minimal one is put on HTMLElement (form participation is not under test here).
 */
export function installDom(): { window: Window; close(): Promise<void> } {
  const window = new Window({
    url: 'https://webview.test/',
    width: 1200,
    height: 800,
    settings: { disableCSSFileLoading: true, disableJavaScriptFileLoading: true, disableIframePageLoading: true },
  });
  // As in the panels' HTML (extension/host/webview/panelHtml.ts): vscode-icon finds codicons by this id.
  const link = window.document.createElement('link');
  link.rel = 'stylesheet';
  link.id = 'vscode-codicon-stylesheet';
  link.href = 'https://webview.test/codicon.css';
  window.document.head.appendChild(link);
  const g = globalThis as Record<string, unknown>;
  const added: string[] = [];
  for (const key of Object.getOwnPropertyNames(window)) {
    if (key in g) continue;
    try {
      g[key] = (window as unknown as Record<string, unknown>)[key];
      added.push(key);
    } catch {
      // read-only accessors of the window object
    }
  }
  const overrides = ['window', 'document', 'navigator', 'location', 'customElements', 'HTMLElement', 'Event', 'CustomEvent', 'KeyboardEvent', 'MouseEvent', 'InputEvent', 'MessageEvent', 'requestAnimationFrame', 'cancelAnimationFrame'];
  const saved = new Map<string, unknown>();
  for (const key of overrides) {
    saved.set(key, g[key]);
    g[key] = key === 'window' ? window : (window as unknown as Record<string, unknown>)[key];
  }
  const proto = window.HTMLElement.prototype as unknown as { attachInternals?: () => unknown };
  if (!proto.attachInternals) {
    proto.attachInternals = () => ({
      setFormValue() {},
      setValidity() {},
      checkValidity: () => true,
      reportValidity: () => true,
      states: new Set<string>(),
      form: null,
      labels: [],
      validity: {},
      validationMessage: '',
      willValidate: false,
    });
  }
  return {
    window,
    async close() {
      await window.happyDOM.abort();
      await window.happyDOM.close();
      for (const k of added) delete g[k];
      for (const [k, v] of saved) g[k] = v;
    },
  };
}

/** Lets pending promises, timers of 0 ms and lit updates settle. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
