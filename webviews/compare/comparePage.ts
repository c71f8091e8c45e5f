import { CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip, type TooltipItem } from 'chart.js';
import { runColor, type ThemeKind } from '../../extension/core/charts/colors';
import type { PanelClient } from '../platform/panelClient';
import { codicon, component, el } from '../platform/dom';
import type { CompareContract, CompareInit, CompareRun, CompareState } from './contract';

/**
 * Run comparison: a table of params, latest metrics and tags (runs as columns; "only differences";
 * runs ordered by any row), parallel coordinates over chosen params and metrics, and a scatter of
 * one against another. Store strings are text (textContent, or chart.js canvas text).
 */

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip);

type Cell = { text: string; num: number | undefined };

function themeOf(body: HTMLElement): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  return c.contains('vscode-dark') ? 'dark' : 'light';
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export interface CompareTestHook {
  ready: boolean;
  table(): { rows: string[]; columns: string[] };
  parallel(): { axes: string[]; lines: { runId: string; values: (number | null)[] }[] };
  scatter(): { x?: string; y?: string; points: { runId: string; x: number; y: number }[] };
}

export class ComparePage {
  private init?: CompareInit;
  private state: CompareState = { runIds: [], onlyDifferences: false, axes: [] };
  private theme: ThemeKind = 'light';
  private readonly controls = el('div', 'toolbar');
  private readonly tableBox = el('div', 'table-box');
  private readonly charts = el('div', 'charts');
  private parallelChart?: Chart;
  private scatterChart?: Chart;
  private parallelData: { axes: string[]; lines: { runId: string; values: (number | null)[] }[] } = { axes: [], lines: [] };
  private scatterData: { x?: string; y?: string; points: { runId: string; x: number; y: number }[] } = { points: [] };

  constructor(
    private readonly root: HTMLElement,
    private readonly client: PanelClient<CompareContract>,
  ) {
    const saved = client.getState();
    if (saved) this.state = { ...this.state, ...saved };
    this.theme = themeOf(document.body);
    const hook: CompareTestHook = {
      ready: false,
      table: () => ({
        rows: [...this.tableBox.querySelectorAll('tbody th')].map((t) => t.textContent ?? ''),
        columns: [...this.tableBox.querySelectorAll('thead th.run')].map((t) => (t as HTMLElement).dataset.runId ?? ''),
      }),
      parallel: () => this.parallelData,
      scatter: () => this.scatterData,
    };
    (window as unknown as { __mlwbCompare: CompareTestHook }).__mlwbCompare = hook;
    client.onPush('init', (init) => {
      this.init = init;
      this.state.runIds = init.runs.map((r) => r.runId);
      const keys = this.rowKeys();
      this.state.axes = this.state.axes.filter((a) => keys.includes(a));
      if (this.state.axes.length === 0) this.state.axes = this.defaultAxes();
      if (!this.state.scatterX || !keys.includes(this.state.scatterX)) this.state.scatterX = this.state.axes[0];
      // Y defaults to another metric than X: a scatter of a metric against itself says nothing.
      if (!this.state.scatterY || !keys.includes(this.state.scatterY))
        this.state.scatterY = this.state.axes.find((a) => a.startsWith('metrics.') && a !== this.state.scatterX) ?? this.state.axes.find((a) => a !== this.state.scatterX) ?? this.state.axes[0];
      this.client.setState(this.state);
      this.render();
      hook.ready = true;
    });
    new MutationObserver(() => {
      const t = themeOf(document.body);
      if (t !== this.theme) {
        this.theme = t;
        this.drawCharts();
      }
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    client.ready();
  }

  /** Every row: metrics first (what runs are compared on), then params, then tags. */
  private rowKeys(): string[] {
    const init = this.init!;
    const params = new Set<string>();
    const tags = new Set<string>();
    for (const r of init.runs) {
      Object.keys(r.params).forEach((k) => params.add(k));
      Object.keys(r.tags).forEach((k) => tags.add(k));
    }
    return [...init.metricKeys.map((k) => `metrics.${k}`), ...[...params].sort().map((k) => `params.${k}`), ...[...tags].sort().map((k) => `tags.${k}`)];
  }

  private defaultAxes(): string[] {
    const keys = this.rowKeys();
    const numericParams = keys.filter((k) => k.startsWith('params.') && this.init!.runs.every((r, i) => this.cell(k, r, i).num !== undefined));
    return [...numericParams.slice(0, 4), ...keys.filter((k) => k.startsWith('metrics.')).slice(0, 4)];
  }

  private cell(key: string, run: CompareRun, index: number): Cell {
    const init = this.init!;
    const dot = key.indexOf('.');
    const kind = key.slice(0, dot);
    const name = key.slice(dot + 1);
    if (kind === 'metrics') {
      const k = init.metricKeys.indexOf(name);
      const at = index * init.metricKeys.length + k;
      if (k < 0 || !init.metricPresent[at]) return { text: '', num: undefined };
      const v = init.metricValues[at];
      return { text: String(v), num: Number.isFinite(v) ? v : undefined };
    }
    const v = kind === 'params' ? run.params[name] : run.tags[name];
    if (v === undefined) return { text: '', num: undefined };
    const n = v.trim() === '' ? NaN : Number(v);
    return { text: v, num: Number.isFinite(n) ? n : undefined };
  }

  private orderedRuns(): { run: CompareRun; index: number }[] {
    const runs = this.init!.runs.map((run, index) => ({ run, index }));
    const by = this.state.sortBy;
    if (!by) return runs;
    const dir = this.state.descending ? -1 : 1;
    return runs.sort((a, b) => {
      const x = this.cell(by, a.run, a.index);
      const y = this.cell(by, b.run, b.index);
      if (x.text === '' || y.text === '') return (x.text === '' ? 1 : 0) - (y.text === '' ? 1 : 0); // missing last
      if (x.num !== undefined && y.num !== undefined) return (x.num - y.num) * dir;
      return (x.text < y.text ? -1 : x.text > y.text ? 1 : 0) * dir;
    });
  }

  private render(): void {
    const init = this.init!;
    this.root.replaceChildren();
    if (init.error) this.root.append(el('p', 'error', init.error));
    if (init.runs.length === 0) {
      this.root.append(el('p', 'empty', 'No runs to compare. Select runs in the Experiments view or a runs table and choose "Compare Runs".'));
      return;
    }
    this.renderControls();
    this.root.append(this.controls, this.tableBox, this.charts);
    this.renderTable();
    this.drawCharts();
  }

  private renderControls(): void {
    const only = component('vscode-checkbox', { label: 'Only differences', 'data-test': 'only-differences' }) as HTMLElement & { checked: boolean };
    if (this.state.onlyDifferences) only.setAttribute('checked', '');
    only.addEventListener('change', () => {
      this.state.onlyDifferences = only.checked;
      this.client.setState(this.state);
      this.renderTable();
    });
    this.controls.replaceChildren(only, el('span', 'hint', 'Click a row name to order the runs by it; click again to reverse.'));
  }

  private renderTable(): void {
    const runs = this.orderedRuns();
    const table = el('table', 'compare');
    const head = el('thead');
    const hr = el('tr');
    hr.append(el('th', 'corner', 'Run'));
    for (const { run } of runs) {
      const th = el('th', 'run');
      th.dataset.runId = run.runId;
      const swatch = el('span', 'swatch');
      swatch.style.backgroundColor = runColor(run.runId, this.theme);
      const link = el('button', 'link', run.runName || run.runId.slice(0, 8));
      link.title = `${run.runName}\n${run.runId}\n${run.status}`;
      link.addEventListener('click', () => this.client.emit('openRun', { runId: run.runId }));
      th.append(swatch, link);
      hr.append(th);
    }
    head.append(hr);
    const body = el('tbody');
    let section = '';
    for (const key of this.rowKeys()) {
      const cells = runs.map(({ run, index }) => this.cell(key, run, index));
      const differs = new Set(cells.map((c) => c.text)).size > 1;
      if (this.state.onlyDifferences && !differs) continue;
      const kind = key.slice(0, key.indexOf('.'));
      if (kind !== section) {
        section = kind;
        const sr = el('tr', 'section');
        const td = el('td', '', kind === 'metrics' ? 'Metrics (latest)' : kind === 'params' ? 'Parameters' : 'Tags');
        td.colSpan = runs.length + 1;
        sr.append(td);
        body.append(sr);
      }
      const tr = el('tr', differs ? 'differs' : '');
      const th = el('th', 'key');
      const name = el('button', 'link', key.slice(key.indexOf('.') + 1));
      name.title = `Order runs by ${key}`;
      name.addEventListener('click', () => {
        if (this.state.sortBy === key) this.state.descending = !this.state.descending;
        else {
          this.state.sortBy = key;
          this.state.descending = false;
        }
        this.client.setState(this.state);
        this.renderTable();
      });
      th.append(name);
      if (this.state.sortBy === key) th.append(codicon(this.state.descending ? 'arrow-down' : 'arrow-up', this.state.descending ? 'descending' : 'ascending'));
      tr.append(th);
      for (const c of cells) tr.append(el('td', c.num !== undefined ? 'num' : '', c.text));
      body.append(tr);
    }
    table.append(head, body);
    this.tableBox.replaceChildren(table);
  }

  // ---------------------------------------------------------------- charts

  private axisPicker(test: string, label: string, selected: string[], multiple: boolean, onChange: (v: string[]) => void): HTMLElement {
    const box = el('label', 'field');
    box.append(el('span', 'field-label', label));
    const sel = el('select');
    sel.multiple = multiple;
    sel.dataset.test = test;
    if (multiple) sel.size = 6;
    for (const k of this.rowKeys()) {
      const o = el('option', '', k);
      o.value = k;
      o.selected = selected.includes(k);
      sel.append(o);
    }
    sel.addEventListener('change', () => onChange([...sel.selectedOptions].map((o) => o.value)));
    box.append(sel);
    return box;
  }

  private drawCharts(): void {
    if (!this.init || this.init.runs.length === 0) return;
    const fg = cssVar('--vscode-editor-foreground', '#333');
    const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const runs = this.init.runs;

    // Parallel coordinates: each axis scaled to [0, 1] over the runs; categorical values by rank.
    const axes = this.state.axes;
    const scaled = axes.map((a) => {
      const cells = runs.map((r, i) => this.cell(a, r, i));
      const numeric = cells.every((c) => c.text === '' || c.num !== undefined);
      if (numeric) {
        const nums = cells.flatMap((c) => (c.num !== undefined ? [c.num] : []));
        const lo = Math.min(...nums);
        const hi = Math.max(...nums);
        return { cells, pos: (c: Cell) => (c.num === undefined ? null : hi === lo ? 0.5 : (c.num - lo) / (hi - lo)) };
      }
      const cats = [...new Set(cells.filter((c) => c.text !== '').map((c) => c.text))].sort();
      return { cells, pos: (c: Cell) => (c.text === '' ? null : cats.length === 1 ? 0.5 : cats.indexOf(c.text) / (cats.length - 1)) };
    });
    this.parallelData = {
      axes,
      lines: runs.map((r, i) => ({ runId: r.runId, values: scaled.map((s) => s.pos(s.cells[i])) })),
    };
    const pcCard = el('section', 'card');
    pcCard.append(el('h2', '', 'Parallel coordinates'));
    pcCard.append(
      this.axisPicker('axes', 'Axes', axes, true, (v) => {
        this.state.axes = v;
        this.client.setState(this.state);
        this.drawCharts();
      }),
    );
    const pcBox = el('div', 'canvas-box');
    const pcCanvas = el('canvas');
    pcCanvas.setAttribute('role', 'img');
    pcCanvas.setAttribute('aria-label', 'Parallel coordinates of the runs');
    pcBox.append(pcCanvas);
    pcCard.append(pcBox);

    // Scatter.
    const sx = this.state.scatterX;
    const sy = this.state.scatterY;
    const points = sx && sy ? runs.flatMap((r, i) => {
      const x = this.cell(sx, r, i).num;
      const y = this.cell(sy, r, i).num;
      return x !== undefined && y !== undefined ? [{ runId: r.runId, x, y }] : [];
    }) : [];
    this.scatterData = { x: sx, y: sy, points };
    const scCard = el('section', 'card');
    scCard.append(el('h2', '', 'Scatter'));
    const pickers = el('div', 'pickers');
    pickers.append(
      this.axisPicker('scatter-x', 'X', sx ? [sx] : [], false, ([v]) => {
        this.state.scatterX = v;
        this.client.setState(this.state);
        this.drawCharts();
      }),
      this.axisPicker('scatter-y', 'Y', sy ? [sy] : [], false, ([v]) => {
        this.state.scatterY = v;
        this.client.setState(this.state);
        this.drawCharts();
      }),
    );
    scCard.append(pickers);
    const scBox = el('div', 'canvas-box');
    const scCanvas = el('canvas');
    scCanvas.setAttribute('role', 'img');
    scCanvas.setAttribute('aria-label', 'Scatter of the runs');
    scBox.append(scCanvas);
    scCard.append(scBox);
    if (points.length < runs.length) scCard.append(el('p', 'hint', `${runs.length - points.length} run(s) without a number on both axes are not shown.`));
    this.charts.replaceChildren(pcCard, scCard);

    this.parallelChart?.destroy();
    this.scatterChart?.destroy();
    const byId = new Map(runs.map((r) => [r.runId, r]));
    const name = (id: string) => byId.get(id)?.runName || id.slice(0, 8);
    this.parallelChart = new Chart(pcCanvas, {
      type: 'line',
      data: {
        labels: axes,
        datasets: this.parallelData.lines.map((l) => ({ label: name(l.runId), data: l.values, borderColor: runColor(l.runId, this.theme), backgroundColor: runColor(l.runId, this.theme), pointRadius: 3, spanGaps: false, tension: 0 })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item: TooltipItem<'line'>) => {
                const run = runs[item.datasetIndex];
                return `${name(run.runId)}: ${this.cell(axes[item.dataIndex], run, item.datasetIndex).text}`;
              },
            },
          },
        },
        scales: { x: { type: 'category', ticks: { color: fg }, grid: { color: grid } }, y: { min: 0, max: 1, ticks: { display: false }, grid: { color: grid } } },
      },
    });
    this.scatterChart = new Chart(scCanvas, {
      type: 'scatter',
      data: {
        datasets: points.map((p) => ({ label: name(p.runId), data: [{ x: p.x, y: p.y }], backgroundColor: runColor(p.runId, this.theme), pointRadius: 5 })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item: TooltipItem<'scatter'>) => `${item.dataset.label}: ${sx} = ${item.parsed.x}, ${sy} = ${item.parsed.y}` } } },
        scales: {
          x: { type: 'linear', title: { display: true, text: sx ?? '', color: fg }, ticks: { color: fg }, grid: { color: grid } },
          y: { type: 'linear', title: { display: true, text: sy ?? '', color: fg }, ticks: { color: fg }, grid: { color: grid } },
        },
      },
    });
  }
}
