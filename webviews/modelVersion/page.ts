import { formatMetricValue, formatTimestamp } from '../../extension/core/model/display';
import type { SignatureColumn } from '../../extension/core/model/mlmodelSummary';
import { component, el } from '../platform/dom';
import type { PanelClient } from '../platform/panelClient';
import type { KeyValueItem, MetricItem, ModelVersionContract, ModelVersionView } from './contract';

/**
 * The model version page: URIs to copy, aliases and stage (changed through VS Code's own pickers),
 * an editable description, tags, lineage (source run with key metrics, the logged model) and the
 * flavors and signature of its MLmodel. Every store string goes in through textContent.
 */

export class ModelVersionPage {
  private view: ModelVersionView | undefined;
  private generation = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly client: PanelClient<ModelVersionContract>,
  ) {
    client.onPush('version', (v) => this.show(v));
    client.onPush('error', ({ message }) => {
      this.generation++;
      this.view = undefined;
      this.root.replaceChildren(el('p', 'error', message));
    });
    client.ready();
  }

  private show(v: ModelVersionView): void {
    this.generation++;
    this.view = v;
    this.client.setState({ name: v.name, version: v.version });
    this.root.replaceChildren(this.header(v), this.uris(v), this.overview(v), this.description(v), this.tags(v), this.lineage(v), this.mlmodel(v), this.registeredModel(v));
  }

  private button(label: string, icon: string, action: string, onClick: () => void, title = label, secondary = true): HTMLElement {
    const b = component('vscode-button', { ...(secondary ? { secondary: '' } : {}), icon, title, 'data-action': action }, label);
    b.addEventListener('click', onClick);
    return b;
  }

  private header(v: ModelVersionView): HTMLElement {
    const header = el('header');
    header.appendChild(el('h1', undefined, `${v.name} · version ${v.version}`));
    if (v.stage && v.stage !== 'None') header.appendChild(component('vscode-badge', { variant: 'default', 'data-stage': v.stage }, v.stage));
    for (const a of v.aliases) header.appendChild(el('span', 'alias', `@${a}`));
    header.appendChild(this.button('Set Alias…', 'tag', 'set-alias', () => this.client.emit('command', { name: 'setAlias' })));
    if (v.aliases.length) header.appendChild(this.button('Remove Alias…', 'close', 'remove-alias', () => this.client.emit('command', { name: 'removeAlias' })));
    header.appendChild(this.button('Stage…', 'arrow-swap', 'stage', () => this.client.emit('command', { name: 'transitionStage' }), 'Transition stage (deprecated in MLflow; aliases succeed it)'));
    header.appendChild(this.button('Refresh', 'refresh', 'refresh', () => this.client.emit('refresh', {})));
    header.appendChild(this.button('Delete Version…', 'trash', 'delete-version', () => this.client.emit('command', { name: 'deleteVersion' })));
    return header;
  }

  private uris(v: ModelVersionView): HTMLElement {
    const box = el('section', 'uris');
    box.appendChild(el('h2', undefined, 'Model URIs'));
    for (const uri of v.uris) {
      const row = box.appendChild(el('div', 'uri-row'));
      row.appendChild(el('code', 'uri', uri));
      row.appendChild(this.button('Copy', 'copy', 'copy-uri', () => this.client.emit('copy', { text: uri }), `Copy ${uri}`));
    }
    return box;
  }

  private overview(v: ModelVersionView): HTMLElement {
    const dl = el('dl', 'overview');
    const add = (k: string, value: string) => {
      if (!value) return;
      dl.appendChild(el('dt', undefined, k));
      dl.appendChild(el('dd', undefined, value));
    };
    add('Stage', v.stage);
    add('Status', v.statusMessage ? `${v.status} (${v.statusMessage})` : v.status);
    add('Registered', formatTimestamp(v.creationTimestamp));
    add('Updated', formatTimestamp(v.lastUpdatedTimestamp));
    add('User', v.userId);
    add('Source', v.source);
    if (v.storageLocation && v.storageLocation !== v.source) add('Files at', v.storageLocation);
    return dl;
  }

  private description(v: ModelVersionView): HTMLElement {
    const box = el('section', 'description');
    box.appendChild(el('h2', undefined, 'Description'));
    const shown = box.appendChild(el('pre', 'note', v.description));
    if (!v.description) {
      shown.textContent = 'No description';
      shown.classList.add('empty');
    }
    const status = el('p', 'status');
    const edit = this.button('Edit', 'edit', 'edit-description', () => {
      const area = el('textarea', 'description-editor');
      area.value = v.description;
      area.rows = Math.max(4, Math.min(20, v.description.split('\n').length + 1));
      area.setAttribute('aria-label', 'Description');
      const save = this.button('Save', 'save', 'save-description', () => void this.saveDescription(v, area.value, status), 'Save the description to the store', false);
      const cancel = this.button('Cancel', 'discard', 'cancel-description', () => this.show(v));
      box.replaceChildren(el('h2', undefined, 'Description'), area, el('div', 'buttons'), status);
      box.querySelector('.buttons')!.append(save, cancel);
      area.focus();
    });
    box.append(edit, status);
    return box;
  }

  private async saveDescription(v: ModelVersionView, text: string, status: HTMLElement): Promise<void> {
    const gen = this.generation;
    status.className = 'status muted';
    status.textContent = 'Saving…';
    try {
      const r = await this.client.request('setDescription', { name: v.name, version: v.version, description: text });
      if (gen !== this.generation) return;
      this.show({ ...v, description: r.description });
    } catch (e) {
      // The editor keeps the text: a failed save loses nothing.
      if (gen !== this.generation) return;
      status.className = 'status error';
      status.textContent = `Not saved: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  private tags(v: ModelVersionView): HTMLElement {
    const box = el('section', 'tags');
    box.appendChild(el('h2', undefined, `Tags (${v.tags.length})`));
    const status = el('p', 'status');
    const t = box.appendChild(el('table', 'tag-table'));
    const head = t.appendChild(el('thead')).appendChild(el('tr'));
    for (const h of ['Tag', 'Value', '']) head.appendChild(el('th', undefined, h));
    const body = t.appendChild(el('tbody'));
    for (const tag of v.tags) {
      const tr = body.appendChild(el('tr'));
      tr.appendChild(el('td', undefined, tag.key));
      tr.appendChild(el('td', undefined, tag.value));
      const del = this.button('', 'trash', 'delete-tag', () => void this.tagRequest(v, status, () => this.client.request('deleteTag', { name: v.name, version: v.version, key: tag.key })), `Delete tag ${tag.key}`);
      del.setAttribute('aria-label', `Delete tag ${tag.key}`);
      tr.appendChild(el('td')).appendChild(del);
    }
    const form = box.appendChild(el('div', 'tag-form'));
    const key = form.appendChild(el('input', 'tag-key'));
    key.placeholder = 'key';
    key.setAttribute('aria-label', 'Tag key');
    const value = form.appendChild(el('input', 'tag-value'));
    value.placeholder = 'value';
    value.setAttribute('aria-label', 'Tag value');
    form.appendChild(
      this.button('Set Tag', 'add', 'set-tag', () => {
        if (!key.value.trim()) {
          status.className = 'status error';
          status.textContent = 'A tag needs a key.';
          return;
        }
        void this.tagRequest(v, status, () => this.client.request('setTag', { name: v.name, version: v.version, key: key.value.trim(), value: value.value }));
      }),
    );
    box.appendChild(status);
    return box;
  }

  private async tagRequest(v: ModelVersionView, status: HTMLElement, send: () => Promise<{ tags: KeyValueItem[] }>): Promise<void> {
    const gen = this.generation;
    status.className = 'status muted';
    status.textContent = 'Saving…';
    try {
      const r = await send();
      if (gen !== this.generation) return;
      this.show({ ...v, tags: r.tags });
    } catch (e) {
      if (gen !== this.generation) return;
      status.className = 'status error';
      status.textContent = `Not saved: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  private lineage(v: ModelVersionView): HTMLElement {
    const box = el('section', 'lineage');
    box.appendChild(el('h2', undefined, 'Lineage'));
    if (v.run) {
      const r = v.run;
      const p = box.appendChild(el('p', 'source-run'));
      p.appendChild(document.createTextNode('Source run: '));
      if (r.problem) {
        p.appendChild(document.createTextNode(`${r.runId} (${r.problem})`));
      } else {
        const a = p.appendChild(el('a', 'run-link', r.runName || r.runId.slice(0, 8)));
        a.href = '#';
        a.title = `Open run ${r.runId}`;
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          this.client.emit('openRun', { runId: r.runId });
        });
        p.appendChild(document.createTextNode(` · ${r.status}${r.experimentName ? ` · experiment ${r.experimentName}` : ''}`));
        if (r.metrics.length) box.appendChild(metricTable(r.metrics, 'run-metrics'));
      }
    } else {
      box.appendChild(el('p', 'muted', 'No source run recorded.'));
    }
    if (v.loggedModel) {
      const m = v.loggedModel;
      const p = box.appendChild(el('p', 'logged-model'));
      p.appendChild(document.createTextNode('Logged model: '));
      p.appendChild(el('code', undefined, `models:/${m.modelId}`));
      p.appendChild(document.createTextNode(m.problem ? ` (${m.problem})` : ` · ${m.name} · ${m.status}`));
      if (!m.problem && m.metrics.length) box.appendChild(metricTable(m.metrics, 'model-metrics'));
    }
    return box;
  }

  private mlmodel(v: ModelVersionView): HTMLElement {
    const box = el('section', 'mlmodel');
    box.appendChild(el('h2', undefined, 'MLmodel'));
    const { summary, problem } = v.mlmodel;
    if (!summary) {
      box.appendChild(el('p', 'error', `Cannot read the MLmodel: ${problem ?? 'unknown reason'}`));
      return box;
    }
    for (const p of summary.problems) box.appendChild(el('p', 'error', p));
    box.appendChild(el('h3', undefined, 'Flavors'));
    const fl = box.appendChild(el('ul', 'flavors'));
    for (const f of summary.flavors) {
      const li = fl.appendChild(el('li'));
      li.appendChild(el('strong', undefined, f.name));
      if (f.settings.length) li.appendChild(document.createTextNode(` — ${f.settings.map((s) => `${s.key}: ${s.value}`).join(', ')}`));
    }
    box.appendChild(el('h3', undefined, 'Signature'));
    const sig = summary.signature;
    if (!sig) {
      box.appendChild(el('p', 'muted', 'No signature: MLflow will not check inputs when this model is served.'));
    } else {
      for (const [title, cols] of [['Inputs', sig.inputs], ['Outputs', sig.outputs], ['Params', sig.params]] as const) {
        if (!cols) continue;
        box.appendChild(el('h4', undefined, title));
        box.appendChild(signatureTable(cols, title === 'Params'));
      }
    }
    const facts = [summary.inputExample ? 'has an input example' : 'no input example', summary.mlflowVersion ? `logged with MLflow ${summary.mlflowVersion}` : '', summary.createdAt ? `created ${summary.createdAt} UTC` : ''].filter(Boolean);
    box.appendChild(el('p', 'muted', facts.join(' · ')));
    return box;
  }

  private registeredModel(v: ModelVersionView): HTMLElement {
    const box = el('section', 'registered-model');
    box.appendChild(el('h2', undefined, `Registered model ${v.name}`));
    if (v.model.description) box.appendChild(el('pre', 'note', v.model.description));
    if (v.model.tags.length) {
      const t = box.appendChild(el('table'));
      for (const tag of v.model.tags) {
        const tr = t.appendChild(el('tr'));
        tr.appendChild(el('td', undefined, tag.key));
        tr.appendChild(el('td', undefined, tag.value));
      }
    }
    if (!v.model.description && !v.model.tags.length) box.appendChild(el('p', 'muted', 'No description or tags (edit them from the Models view).'));
    return box;
  }
}

function metricTable(metrics: MetricItem[], cls: string): HTMLElement {
  const t = el('table', cls);
  const head = t.appendChild(el('thead')).appendChild(el('tr'));
  for (const h of ['Metric', 'Value', 'Step']) head.appendChild(el('th', undefined, h));
  const body = t.appendChild(el('tbody'));
  for (const m of metrics) {
    const tr = body.appendChild(el('tr'));
    tr.appendChild(el('td', undefined, m.key));
    tr.appendChild(el('td', undefined, formatMetricValue(m.value)));
    tr.appendChild(el('td', undefined, String(m.step)));
  }
  return t;
}

function signatureTable(cols: SignatureColumn[], params: boolean): HTMLElement {
  const t = el('table', 'signature');
  const head = t.appendChild(el('thead')).appendChild(el('tr'));
  for (const h of params ? ['Name', 'Type', 'Default'] : ['Name', 'Type', 'Required']) head.appendChild(el('th', undefined, h));
  const body = t.appendChild(el('tbody'));
  for (const c of cols) {
    const tr = body.appendChild(el('tr'));
    tr.appendChild(el('td', undefined, c.name ?? '(unnamed)'));
    tr.appendChild(el('td', undefined, c.type));
    tr.appendChild(el('td', undefined, params ? (c.default ?? '') : c.required ? 'yes' : 'optional'));
  }
  return t;
}
