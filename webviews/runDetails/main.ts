import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import type { HostToRunDetails, RunDetailsData, RunDetailsState, RunDetailsToHost } from '../protocol';

/**
 * Run details: overview, params, metrics, tags, artifacts. Every string from the store is set with
 * textContent — never parsed as HTML — because run names, params and tags are user-controlled.
 */

declare function acquireVsCodeApi(): {
  postMessage(msg: RunDetailsToHost): void;
  setState(s: RunDetailsState): void;
  getState(): RunDetailsState | undefined;
};

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function custom(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function table(headers: string[], rows: (string | number)[][], empty: string): HTMLElement {
  if (rows.length === 0) return el('p', empty, 'empty');
  const t = el('table');
  const head = el('tr');
  for (const h of headers) head.appendChild(el('th', h));
  t.appendChild(el('thead')).appendChild(head);
  const body = t.appendChild(el('tbody'));
  for (const r of rows) {
    const tr = body.appendChild(el('tr'));
    for (const c of r) tr.appendChild(el('td', String(c)));
  }
  return t;
}

function overview(d: RunDetailsData): HTMLElement {
  const dl = el('dl', undefined, 'overview');
  const add = (k: string, v: string) => {
    if (!v) return;
    dl.appendChild(el('dt', k));
    dl.appendChild(el('dd', v));
  };
  add('Run ID', d.runId);
  add('Experiment', `${d.experimentName} (${d.experimentId})`);
  add('Status', d.status);
  add('Lifecycle', d.lifecycleStage);
  add('User', d.userId);
  add('Started', d.startTime);
  add('Ended', d.endTime);
  add('Duration', d.duration);
  if (d.parentRunId) {
    dl.appendChild(el('dt', 'Parent run'));
    const link = el('a', d.parentRunName || d.parentRunId);
    link.href = '#';
    link.title = `Open run ${d.parentRunId}`;
    link.addEventListener('click', (ev) => {
      ev.preventDefault();
      vscode.postMessage({ type: 'openRun', runId: d.parentRunId });
    });
    dl.appendChild(el('dd')).appendChild(link);
  }
  add('Artifact URI', d.artifactUri);
  const wrap = el('div');
  wrap.appendChild(dl);
  if (d.note) {
    wrap.appendChild(el('h3', 'Description'));
    wrap.appendChild(el('pre', d.note, 'note'));
  }
  return wrap;
}

function artifacts(d: RunDetailsData): HTMLElement {
  if (d.artifactsError) return el('p', d.artifactsError, 'error');
  if (d.artifacts.length === 0) return el('p', 'No artifacts', 'empty');
  const list = el('ul', undefined, 'artifacts');
  for (const a of d.artifacts) {
    const li = list.appendChild(el('li'));
    const icon = li.appendChild(el('span', '', `codicon codicon-${a.isDir ? 'folder' : 'file'}`));
    icon.setAttribute('aria-hidden', 'true');
    if (a.isDir) {
      li.appendChild(el('span', a.path));
    } else {
      const link = li.appendChild(el('a', a.path));
      link.href = '#';
      link.addEventListener('click', (ev) => {
        ev.preventDefault();
        vscode.postMessage({ type: 'openArtifact', path: a.path });
      });
      li.appendChild(el('span', ` ${a.size}`, 'muted'));
    }
  }
  return list;
}

function render(d: RunDetailsData): void {
  vscode.setState({ runId: d.runId, pinned: d.pinned });
  root.replaceChildren();
  const header = root.appendChild(el('header'));
  header.appendChild(el('h1', d.runName || d.runId));
  header.appendChild(custom('vscode-badge', { variant: 'default', 'data-status': d.status }, d.status));
  const copy = header.appendChild(custom('vscode-button', { secondary: '', icon: 'copy', title: 'Copy run ID' }, 'Copy ID'));
  copy.addEventListener('click', () => vscode.postMessage({ type: 'copy', text: d.runId }));
  if (!d.pinned) {
    // A preview: the next run clicked in the tree replaces this one, as with VS Code's preview editors.
    const keep = header.appendChild(custom('vscode-button', { secondary: '', icon: 'pin', title: 'Keep this run open; the next run you click opens in another tab' }, 'Keep Open'));
    keep.addEventListener('click', () => vscode.postMessage({ type: 'pin' }));
  }
  const refresh = header.appendChild(custom('vscode-button', { secondary: '', icon: 'refresh', title: 'Refresh' }, 'Refresh'));
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));

  const tabs = root.appendChild(custom('vscode-tabs', { 'selected-index': '0' }));
  const sections: [string, HTMLElement][] = [
    ['Overview', overview(d)],
    [`Metrics (${d.metrics.length})`, table(['Metric', 'Latest', 'Step', 'Logged'], d.metrics, 'No metrics')],
    [`Params (${d.params.length})`, table(['Param', 'Value'], d.params, 'No params')],
    [`Tags (${d.tags.length})`, table(['Tag', 'Value'], d.tags, 'No tags')],
    [`Artifacts (${d.artifacts.length})`, artifacts(d)],
  ];
  for (const [title, content] of sections) {
    tabs.appendChild(custom('vscode-tab-header', { slot: 'header' }, title));
    const panel = tabs.appendChild(custom('vscode-tab-panel'));
    panel.appendChild(content);
  }
}

window.addEventListener('message', (ev: MessageEvent<HostToRunDetails>) => {
  const msg = ev.data;
  if (msg.type === 'runDetails') render(msg.data);
  else if (msg.type === 'error') {
    root.replaceChildren(el('p', msg.message, 'error'));
  }
});

vscode.postMessage({ type: 'ready' });
