import { formatBytes, isImageArtifact } from '../../extension/core/artifacts/artifactContent';
import { formatDuration, formatMetricValue, formatTimestamp } from '../../extension/core/model/display';
import { codicon, component, el } from '../platform/dom';
import type { PanelClient } from '../platform/panelClient';
import type { ArtifactItem, ChildRun, RunDetails, RunDetailsContract, RunDetailsInit, RunDetailsState } from './contract';

/**
 * The run details page: overview (with the parent as a link and the run's children), metrics,
 * params, tags, and the artifacts as a tree whose folders load when expanded, a page at a time.
 * Every string from the store goes in through textContent (platform/dom.ts): run names, params,
 * tags and artifact names are whatever the logging script wrote.
 */

export const ARTIFACTS_PER_REQUEST = 100;
export const CHILDREN_PER_REQUEST = 50;

const TAB_TITLES = ['Overview', 'Metrics', 'Params', 'Tags', 'Artifacts'] as const;
export const ARTIFACTS_TAB = 4;

export class RunDetailsPage {
  private state: RunDetailsState | undefined;
  private run: RunDetails | undefined;
  /** Bumped whenever the page is rebuilt: answers to requests of an older build are dropped. */
  private generation = 0;
  private readonly pendingExpand = new Set<string>();
  private artifactsHeader: HTMLElement | undefined;

  private readonly artifactsPerRequest: number;
  private readonly childrenPerRequest: number;

  constructor(
    private readonly root: HTMLElement,
    private readonly client: PanelClient<RunDetailsContract>,
    opts: { artifactsPerRequest?: number; childrenPerRequest?: number } = {},
  ) {
    this.artifactsPerRequest = opts.artifactsPerRequest ?? ARTIFACTS_PER_REQUEST;
    this.childrenPerRequest = opts.childrenPerRequest ?? CHILDREN_PER_REQUEST;
    this.state = client.getState();
    client.onPush('run', (init) => this.show(init));
    client.onPush('loading', ({ runId }) => {
      this.generation++;
      this.run = undefined;
      this.root.replaceChildren(el('p', 'empty', `Loading run ${runId}…`));
    });
    client.onPush('error', ({ message }) => {
      this.generation++;
      this.run = undefined;
      this.root.replaceChildren(el('p', 'error', message));
    });
    client.ready();
  }

  private show({ run, pinned }: RunDetailsInit): void {
    this.generation++;
    const same = this.state?.runId === run.runId;
    this.state = { runId: run.runId, pinned, tab: same ? this.state?.tab : 0, expanded: same ? (this.state?.expanded ?? []) : [] };
    this.client.setState(this.state);
    this.run = run;
    this.pendingExpand.clear();
    for (const p of this.state.expanded ?? []) this.pendingExpand.add(p);
    this.root.replaceChildren(this.header(run, pinned), this.tabs(run));
    void this.loadFolder(run.runId, '', this.treeRoot!, 0, 0);
    void this.loadChildren(run.runId, undefined);
  }

  private header(run: RunDetails, pinned: boolean): HTMLElement {
    const header = el('header');
    header.appendChild(el('h1', undefined, run.runName || run.runId.slice(0, 8)));
    header.appendChild(component('vscode-badge', { variant: 'default', 'data-status': run.status }, run.status));
    if (!pinned) {
      // A preview: the next run clicked in the tree replaces this one, as with VS Code's preview editors.
      const keep = header.appendChild(component('vscode-button', { secondary: '', icon: 'pin', title: 'Keep this run open; the next run you click opens in another tab', 'data-action': 'keep-open' }, 'Keep Open'));
      keep.addEventListener('click', () => this.client.emit('pin', {}));
    }
    if (run.metrics.length > 0) {
      const charts = header.appendChild(component('vscode-button', { secondary: '', icon: 'graph-line', title: "Chart this run's metric histories", 'data-action': 'open-charts' }, 'Open Charts'));
      charts.addEventListener('click', () => this.client.emit('openCharts', { runId: run.runId }));
    }
    const copy = header.appendChild(component('vscode-button', { secondary: '', icon: 'copy', title: 'Copy run ID', 'data-action': 'copy' }, 'Copy ID'));
    copy.addEventListener('click', () => this.client.emit('copy', { text: run.runId }));
    const refresh = header.appendChild(component('vscode-button', { secondary: '', icon: 'refresh', title: 'Refresh', 'data-action': 'refresh' }, 'Refresh'));
    refresh.addEventListener('click', () => this.client.emit('refresh', {}));
    return header;
  }

  private treeRoot: HTMLElement | undefined;
  private childrenBox: HTMLElement | undefined;

  private tabs(run: RunDetails): HTMLElement {
    const tabs = component('vscode-tabs', { 'selected-index': String(this.state?.tab ?? 0) });
    tabs.addEventListener('vsc-tabs-select', (ev) => {
      const index = (ev as CustomEvent<{ selectedIndex: number }>).detail?.selectedIndex;
      if (typeof index === 'number' && this.state) this.save({ tab: index });
    });
    this.treeRoot = el('div', 'artifact-tree');
    this.treeRoot.setAttribute('role', 'tree');
    this.treeRoot.setAttribute('aria-label', 'Artifacts');
    const artifacts = el('div', 'artifacts');
    artifacts.appendChild(el('p', 'muted artifact-root', run.artifactUri));
    artifacts.appendChild(this.treeRoot);
    const sections: [string, HTMLElement][] = [
      [TAB_TITLES[0], this.overview(run)],
      [`${TAB_TITLES[1]} (${run.metrics.length})`, table(['Metric', 'Latest', 'Step', 'Logged'], run.metrics.map((m) => [m.key, formatMetricValue(m.value), String(m.step), formatTimestamp(m.timestamp)]), 'No metrics')],
      [`${TAB_TITLES[2]} (${run.params.length})`, table(['Param', 'Value'], run.params.map((p) => [p.key, p.value]), 'No params')],
      [`${TAB_TITLES[3]} (${run.tags.length})`, table(['Tag', 'Value'], run.tags.map((t) => [t.key, t.value]), 'No tags')],
      [TAB_TITLES[4], artifacts],
    ];
    sections.forEach(([title, content], i) => {
      const h = tabs.appendChild(component('vscode-tab-header', { slot: 'header' }, title));
      if (i === ARTIFACTS_TAB) this.artifactsHeader = h;
      tabs.appendChild(component('vscode-tab-panel')).appendChild(content);
    });
    return tabs;
  }

  private overview(run: RunDetails): HTMLElement {
    const dl = el('dl', 'overview');
    const add = (k: string, v: string | HTMLElement) => {
      if (!v) return;
      dl.appendChild(el('dt', undefined, k));
      const dd = dl.appendChild(el('dd'));
      if (typeof v === 'string') dd.textContent = v;
      else dd.appendChild(v);
    };
    add('Run ID', run.runId);
    add('Experiment', run.experimentName ? `${run.experimentName} (${run.experimentId})` : run.experimentId);
    add('Status', run.status);
    add('Lifecycle', run.lifecycleStage);
    add('User', run.userId);
    add('Started', formatTimestamp(run.startTime));
    add('Ended', formatTimestamp(run.endTime));
    add('Duration', run.startTime !== null && run.endTime !== null ? formatDuration(run.endTime - run.startTime) : '');
    if (run.parent) {
      const p = run.parent;
      if (p.runName !== undefined) add('Parent run', this.runLink(p.runId, p.runName || p.runId.slice(0, 8), 'parent-link'));
      else add('Parent run', `${p.runId}${p.problem ? ` (${p.problem})` : ''}`);
    }
    add('Artifact URI', run.artifactUri);
    const wrap = el('div');
    wrap.appendChild(dl);
    if (run.note) {
      wrap.appendChild(el('h3', undefined, 'Description'));
      wrap.appendChild(el('pre', 'note', run.note));
    }
    this.childrenBox = wrap.appendChild(el('section', 'children'));
    this.childrenBox.hidden = true;
    return wrap;
  }

  private runLink(runId: string, text: string, cls: string): HTMLAnchorElement {
    const a = el('a', cls, text);
    a.href = '#';
    a.title = `Open run ${runId}`;
    a.dataset.runId = runId;
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      this.client.emit('openRun', { runId });
    });
    return a;
  }

  // ---- children ----

  private async loadChildren(runId: string, pageToken: string | undefined): Promise<void> {
    const gen = this.generation;
    const box = this.childrenBox!;
    let page;
    try {
      page = await this.client.request('children', { runId, limit: this.childrenPerRequest, pageToken });
    } catch (e) {
      if (gen !== this.generation) return;
      box.hidden = false;
      box.appendChild(el('p', 'error', `Child runs: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    if (gen !== this.generation) return;
    if (!pageToken && page.runs.length === 0) return;
    box.hidden = false;
    let body = box.querySelector('tbody');
    if (!body) {
      box.appendChild(el('h3', undefined, 'Child runs'));
      const t = box.appendChild(el('table', 'children-table'));
      const head = t.appendChild(el('thead')).appendChild(el('tr'));
      for (const h of ['Run', 'Status', 'Started', 'Duration']) head.appendChild(el('th', undefined, h));
      body = t.appendChild(el('tbody'));
    }
    for (const c of page.runs) body.appendChild(this.childRow(c));
    box.querySelector('.more-children')?.remove();
    if (page.nextPageToken) {
      const token = page.nextPageToken;
      const more = box.appendChild(component('vscode-button', { secondary: '', class: 'more-children' }, 'Load more child runs'));
      more.addEventListener('click', () => {
        more.setAttribute('disabled', '');
        void this.loadChildren(runId, token);
      });
    }
  }

  private childRow(c: ChildRun): HTMLElement {
    const tr = el('tr');
    tr.appendChild(el('td')).appendChild(this.runLink(c.runId, c.runName || c.runId.slice(0, 8), 'child-link'));
    tr.appendChild(el('td', undefined, c.status));
    tr.appendChild(el('td', undefined, formatTimestamp(c.startTime)));
    tr.appendChild(el('td', undefined, c.startTime !== null && c.endTime !== null ? formatDuration(c.endTime - c.startTime) : ''));
    return tr;
  }

  // ---- artifacts ----

  /** Appends a folder's entries from `offset` to `group`, with a "Show more" row when the folder holds more. */
  private async loadFolder(runId: string, path: string, group: HTMLElement, depth: number, offset: number): Promise<void> {
    const gen = this.generation;
    const status = group.appendChild(el('div', 'artifact-status muted', 'Loading…'));
    status.style.paddingLeft = indent(depth);
    let page;
    try {
      page = await this.client.request('artifacts', { runId, path, offset, limit: this.artifactsPerRequest });
    } catch (e) {
      if (gen !== this.generation) return;
      status.className = 'artifact-status error';
      status.textContent = e instanceof Error ? e.message : String(e);
      return;
    }
    if (gen !== this.generation) return;
    status.remove();
    if (path === '' && this.artifactsHeader) this.artifactsHeader.textContent = `${TAB_TITLES[ARTIFACTS_TAB]} (${page.total})`;
    if (page.total === 0) {
      const empty = group.appendChild(el('div', 'artifact-status muted', path ? 'Empty folder' : 'No artifacts'));
      empty.style.paddingLeft = indent(depth);
      return;
    }
    for (const item of page.entries) group.appendChild(this.artifactRow(runId, item, depth));
    const next = page.offset + page.entries.length;
    if (next < page.total) {
      const more = group.appendChild(el('div', 'artifact-row more'));
      more.setAttribute('role', 'treeitem');
      more.tabIndex = 0;
      more.style.paddingLeft = indent(depth);
      more.appendChild(codicon('ellipsis'));
      more.appendChild(el('span', 'name', `Show ${Math.min(this.artifactsPerRequest, page.total - next)} more (${page.total - next} not shown)`));
      activate(more, () => {
        more.remove();
        void this.loadFolder(runId, path, group, depth, next);
      });
    }
  }

  private artifactRow(runId: string, item: ArtifactItem, depth: number): HTMLElement {
    const row = el('div', `artifact-row ${item.isDir ? 'folder' : 'file'}`);
    row.setAttribute('role', 'treeitem');
    row.tabIndex = 0;
    row.dataset.path = item.path;
    row.style.paddingLeft = indent(depth);
    const name = item.path.slice(item.path.lastIndexOf('/') + 1);
    if (!item.isDir) {
      row.appendChild(el('span', 'twistie'));
      row.appendChild(codicon(isImageArtifact(item.path) ? 'file-media' : 'file'));
      row.appendChild(el('span', 'name', name));
      if (item.size !== null) row.appendChild(el('span', 'size muted', formatBytes(item.size)));
      row.title = `Open ${item.path} (read-only); double-click keeps the editor open`;
      activate(row, () => this.client.emit('openArtifact', { runId, path: item.path, keep: false }));
      row.addEventListener('dblclick', () => this.client.emit('openArtifact', { runId, path: item.path, keep: true }));
      return row;
    }
    row.setAttribute('aria-expanded', 'false');
    // VS Code's webview/context menu reads this: "Register Model…" on a folder holding an MLmodel.
    row.dataset.vscodeContext = JSON.stringify({ webviewSection: 'artifactFolder', runId, path: item.path });
    const twistie = row.appendChild(codicon('chevron-right'));
    twistie.classList.add('twistie');
    const icon = row.appendChild(codicon('folder'));
    row.appendChild(el('span', 'name', name));
    let group: HTMLElement | undefined;
    const toggle = (open: boolean) => {
      if (open === (row.getAttribute('aria-expanded') === 'true')) return;
      row.setAttribute('aria-expanded', String(open));
      twistie.className = `codicon codicon-chevron-${open ? 'down' : 'right'} twistie`;
      icon.className = `codicon codicon-${open ? 'folder-opened' : 'folder'}`;
      if (open && !group) {
        group = el('div', 'artifact-group');
        group.setAttribute('role', 'group');
        row.after(group);
        void this.loadFolder(runId, item.path, group, depth + 1, 0);
      } else if (group) {
        group.hidden = !open;
      }
      const expanded = new Set(this.state?.expanded ?? []);
      if (open) expanded.add(item.path);
      else expanded.delete(item.path);
      this.save({ expanded: [...expanded] });
    };
    activate(row, () => toggle(row.getAttribute('aria-expanded') !== 'true'));
    row.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowRight') toggle(true);
      else if (ev.key === 'ArrowLeft') toggle(false);
    });
    if (this.pendingExpand.delete(item.path)) queueMicrotask(() => toggle(true));
    return row;
  }

  private save(patch: Partial<RunDetailsState>): void {
    if (!this.state) return;
    this.state = { ...this.state, ...patch };
    this.client.setState(this.state);
  }
}

function indent(depth: number): string {
  return `${depth * 16 + 4}px`;
}

/** Click, Enter and Space run `fn`, as on a button. */
function activate(e: HTMLElement, fn: () => void): void {
  e.addEventListener('click', (ev) => {
    if ((ev as MouseEvent).detail > 1) return; // the second click of a double-click
    fn();
  });
  e.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      fn();
    }
  });
}

function table(headers: string[], rows: string[][], empty: string): HTMLElement {
  if (rows.length === 0) return el('p', 'empty', empty);
  const t = el('table');
  const head = t.appendChild(el('thead')).appendChild(el('tr'));
  for (const h of headers) head.appendChild(el('th', undefined, h));
  const body = t.appendChild(el('tbody'));
  for (const r of rows) {
    const tr = body.appendChild(el('tr'));
    for (const c of r) tr.appendChild(el('td', undefined, c));
  }
  return t;
}
