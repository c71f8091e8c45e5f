import type { EvalCell, EvalTable } from '../../extension/core/evaluations/evalTable';
import type { PanelClient } from '../platform/panelClient';
import { codicon, el } from '../platform/dom';
import type { EvaluationContract, EvaluationInit, EvaluationState } from './contract';

/**
 * Evaluation results: the aggregate scores, then one row per evaluated example with its request,
 * response, expectations and one column per scorer; click a header to sort (numbers and booleans
 * by value, missing last), type to filter. LLM inputs and outputs are shown as text only.
 */

export interface EvaluationTestHook {
  ready: boolean;
  rows(): string[][];
  columns(): string[];
}

/** Sort key: booleans and numbers by value, text by text; missing values always last. */
export function compareCells(a: EvalCell, b: EvalCell, descending: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const num = (v: EvalCell) => (typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : undefined);
  const na = num(a);
  const nb = num(b);
  const d = na !== undefined && nb !== undefined ? na - nb : String(a).localeCompare(String(b));
  return descending ? -d : d;
}

export function cellText(v: EvalCell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return String(v);
}

export class EvaluationPage {
  private init?: EvaluationInit;
  private state: EvaluationState = { runId: '' };
  private readonly header = el('div', 'header');
  private readonly metrics = el('div', 'metrics');
  private readonly toolbar = el('div', 'toolbar');
  private readonly tableBox = el('div', 'table-box');
  private readonly search = el('input', 'search');

  constructor(
    private readonly root: HTMLElement,
    private readonly client: PanelClient<EvaluationContract>,
  ) {
    const saved = client.getState();
    if (saved) this.state = { ...this.state, ...saved };
    const hook: EvaluationTestHook = {
      ready: false,
      rows: () => [...this.tableBox.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      columns: () => [...this.tableBox.querySelectorAll<HTMLElement>('thead th')].map((th) => th.dataset.key ?? ''),
    };
    (window as unknown as { __mlwbEvaluation: EvaluationTestHook }).__mlwbEvaluation = hook;
    this.search.type = 'search';
    this.search.placeholder = 'Filter rows';
    this.search.setAttribute('aria-label', 'Filter rows');
    this.search.value = this.state.search ?? '';
    this.search.addEventListener('input', () => {
      this.state.search = this.search.value;
      this.save();
      this.renderTable();
    });
    this.toolbar.append(this.search);
    root.replaceChildren(this.header, this.metrics, this.toolbar, this.tableBox);
    client.onPush('init', (init) => {
      this.init = init;
      this.state.runId = init.runId;
      this.save();
      this.render();
      hook.ready = true;
    });
    client.ready();
  }

  private save(): void {
    this.client.setState(this.state);
  }

  private render(): void {
    const init = this.init!;
    const title = el('h2', undefined, `Evaluation · ${init.runName}`);
    const link = el('a', 'run-link', 'Open run');
    link.href = '#';
    link.addEventListener('click', (e) => {
      e.preventDefault();
      this.client.emit('openRun', { runId: init.runId });
    });
    this.header.replaceChildren(title, link);
    if (init.error) this.header.append(el('p', 'error', init.error));
    this.metrics.replaceChildren(
      ...init.metrics.map((m) => {
        const card = el('div', 'metric');
        card.append(el('div', 'metric-key', m.key), el('div', 'metric-value', cellText(m.value)));
        return card;
      }),
    );
    this.renderTable();
  }

  private renderTable(): void {
    const table = this.init?.table;
    if (!table) {
      this.tableBox.replaceChildren(el('p', 'empty', this.init?.error ? '' : 'This run has no per-row evaluation results (no evaluation traces, no eval_results_table.json).'));
      return;
    }
    const col = table.columns.findIndex((c) => c.key === this.state.sortBy);
    const needle = (this.state.search ?? '').toLowerCase();
    let rows = table.rows.filter((r) => !needle || r.cells.some((c) => cellText(c).toLowerCase().includes(needle)));
    if (col >= 0) rows = [...rows].sort((a, b) => compareCells(a.cells[col], b.cells[col], !!this.state.descending));
    const t = el('table', 'eval');
    const head = el('tr');
    table.columns.forEach((c) => {
      const th = el('th', `kind-${c.kind}`);
      th.dataset.key = c.key;
      th.title = `${c.kind}: ${c.label} — click to sort`;
      th.tabIndex = 0;
      th.append(document.createTextNode(c.label));
      if (c.key === this.state.sortBy) {
        th.append(codicon(this.state.descending ? 'arrow-down' : 'arrow-up', this.state.descending ? 'sorted descending' : 'sorted ascending'));
        th.setAttribute('aria-sort', this.state.descending ? 'descending' : 'ascending');
      }
      const sort = () => {
        this.state.descending = this.state.sortBy === c.key ? !this.state.descending : false;
        this.state.sortBy = c.key;
        this.save();
        this.renderTable();
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          sort();
        }
      });
      head.append(th);
    });
    const body = el('tbody');
    for (const r of rows) {
      const tr = el('tr');
      r.cells.forEach((v, i) => {
        const c = table.columns[i];
        const td = el('td', typeof v === 'boolean' ? `bool ${v ? 'pass' : 'fail'}` : typeof v === 'number' ? 'num' : undefined);
        if (c.key === 'trace' && typeof v === 'string') {
          const a = el('a', undefined, v);
          a.href = '#';
          a.addEventListener('click', (e) => {
            e.preventDefault();
            this.client.emit('openTrace', { traceId: v });
          });
          td.append(a);
        } else td.textContent = cellText(v);
        const note = r.notes[i];
        if (note) td.title = note;
        tr.append(td);
      });
      body.append(tr);
    }
    const thead = el('thead');
    thead.append(head);
    t.append(thead, body);
    const count = el('p', 'hint', `${rows.length} of ${table.rows.length} rows${table.truncated ? ' (more rows exist: only the first ones were read)' : ''} · from ${table.source === 'traces' ? 'the evaluation traces and their assessments' : 'eval_results_table.json'}`);
    this.tableBox.replaceChildren(count, t);
  }
}
