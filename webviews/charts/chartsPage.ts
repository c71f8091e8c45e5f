import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
  type TooltipItem,
} from 'chart.js';
import { X_AXIS_LABELS, type XAxisMode } from '../../extension/core/charts/axes';
import { runColor, type ThemeKind } from '../../extension/core/charts/colors';
import { csvLine, csvNumber, csvTextCell } from '../../extension/core/charts/csv';
import { appendPoints, type Series } from '../../extension/core/charts/series';
import { fromWire } from '../../extension/core/charts/wire';
import type { PanelClient } from '../platform/panelClient';
import { codicon, component, el } from '../platform/dom';
import { buildPlot, plotValue, runLabel, type Plot, type PlotDataset, type SeriesWithX } from './chartModel';
import type { ChartRun, ChartsContract, ChartsInit, ChartsState, LiveUpdateWire } from './contract';

/**
 * The metric chart panel: a toolbar (metrics, x axis, log scale, outliers, smoothing, grouping), a
 * legend of runs, and one chart card per chosen metric, each created when it scrolls into view.
 * Every store string (run names, metric keys, tags, params) goes into the DOM as text, and into
 * chart.js, which draws text on a canvas. chart.js runs without eval, so the strict CSP holds.
 */

Chart.register(LineController, BarController, LineElement, PointElement, BarElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, Filler);

const X_MODES: XAxisMode[] = ['step', 'wall', 'relative', 'relativeHours', 'metric'];

interface Card {
  key: string;
  root: HTMLElement;
  canvasBox: HTMLElement;
  notes: HTMLElement;
  chart?: Chart;
  /** Whole-range series per run (as sampled by the host). */
  full?: Map<string, SeriesWithX>;
  /** Series of the zoomed range, fetched at full detail. */
  zoomed?: Map<string, SeriesWithX>;
  zoom?: { xMin: number; xMax: number };
  loading: boolean;
  serverSampled: boolean;
  errors: { runId: string; message: string }[];
  plot?: Plot;
  /** x axis the loaded data was fetched for ("metric" needs the x metric's values). */
  loadedFor?: string;
  /** "Loading…" over the empty chart of prepare(). */
  loadingNote?: HTMLElement;
}

export interface RenderedDataset {
  label: string;
  runId?: string;
  role: string;
  points: { x: number; y: number }[];
}

export interface RenderedChart {
  key: string;
  type: 'line' | 'bar';
  xAxis: XAxisMode;
  xScale: string;
  yScale: string;
  yMin?: number;
  yMax?: number;
  zoomed: boolean;
  notes: string;
  datasets: RenderedDataset[];
  /** Bar charts: the drawn height of each bar in pixels (0 or null: nothing drawn). */
  barHeights?: (number | null)[];
}

/**
 * User-timing marks of a card's whole-range load (detail: the metric key), for the benchmark:
 * series answer received, chart drawn on its canvas, and the frame after (on screen).
 */
export const MARK_DATA = 'mlwb:charts:data';
export const MARK_DRAWN = 'mlwb:charts:drawn';
export const MARK_PAINTED = 'mlwb:charts:painted';

/** Read-only view of what is drawn, for tests (window.__mlwbCharts). */
export interface ChartsTestHook {
  ready: boolean;
  charts(): RenderedChart[];
  state(): ChartsState;
  pendingRequests(): number;
}

function themeOf(body: HTMLElement): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function formatTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC') : String(ms);
}

function formatX(v: number, mode: XAxisMode): string {
  if (mode === 'wall') return formatTime(v);
  if (mode === 'relative') return `${+v.toFixed(3)} s`;
  if (mode === 'relativeHours') return `${+v.toFixed(4)} h`;
  return String(v);
}

function shortTick(v: number, mode: XAxisMode): string {
  if (mode === 'wall') {
    const d = new Date(v);
    return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
  }
  return String(+Number(v).toPrecision(6));
}

export class ChartsPage {
  private runs = new Map<string, ChartRun>();
  private metricKeys: string[] = [];
  private maxPoints = 1000;
  private serverSampled = false;
  private state: ChartsState = { runIds: [], metrics: [], xAxis: 'step', logY: false, ignoreOutliers: false, smoothing: 0, hiddenRuns: [], yRanges: {} };
  private readonly cards = new Map<string, Card>();
  private readonly toolbar = el('div', 'toolbar');
  private readonly legend = el('div', 'legend');
  private readonly grid = el('div', 'grid');
  private readonly banner = el('div', 'banner');
  private picker?: HTMLElement;
  private observer?: IntersectionObserver;
  private theme: ThemeKind = 'light';
  private pending = 0;
  private initialized = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly client: PanelClient<ChartsContract>,
  ) {
    const saved = client.getState();
    if (saved) this.state = { ...this.state, ...saved };
    this.theme = themeOf(document.body);
    client.onPush('init', (init) => this.init(init));
    client.onPush('live', ({ updates }) => this.applyLive(updates));
    client.onPush('status', (list) => {
      for (const s of list) {
        const r = this.runs.get(s.runId);
        if (r) r.status = s.status;
      }
      this.renderLegend();
    });
    // Theme changes arrive as a new class on <body>.
    new MutationObserver(() => {
      const t = themeOf(document.body);
      if (t !== this.theme) {
        this.theme = t;
        this.renderLegend();
        for (const c of this.cards.values()) this.draw(c);
      }
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    (window as unknown as { __mlwbCharts: ChartsTestHook }).__mlwbCharts = {
      ready: false,
      charts: () => [...this.cards.values()].filter((c) => c.chart && c.plot).map((c) => this.rendered(c)),
      state: () => structuredClone(this.state),
      pendingRequests: () => this.pending,
    };
    client.ready();
  }

  private save(): void {
    this.client.setState(this.state);
  }

  private init(init: ChartsInit): void {
    this.runs = new Map(init.runs.map((r) => [r.runId, r]));
    this.metricKeys = init.metricKeys;
    this.maxPoints = init.maxPoints;
    this.serverSampled = init.serverSampled;
    this.state.runIds = init.runs.map((r) => r.runId);
    // Keep the saved choice of metrics where it still applies; else the first few.
    const known = new Set(init.metricKeys);
    this.state.metrics = this.state.metrics.filter((k) => known.has(k));
    if (!this.initialized && this.state.metrics.length === 0) this.state.metrics = init.metricKeys.slice(0, 6);
    this.initialized = true;
    this.save();
    this.root.replaceChildren(this.toolbar, this.banner, this.legend, this.grid);
    this.banner.replaceChildren();
    if (init.error) this.banner.append(el('p', 'error', init.error));
    if (init.runs.length === 0) this.banner.append(el('p', 'empty', 'No runs selected. Select runs in the Experiments view (Ctrl/Cmd-click for several) and choose "Open Metric Charts".'));
    else if (init.metricKeys.length === 0) this.banner.append(el('p', 'empty', 'These runs have not logged any metric.'));
    this.renderToolbar();
    this.renderLegend();
    this.rebuildCards();
    this.client.emit('follow', { keys: this.state.metrics });
    (window as unknown as { __mlwbCharts: ChartsTestHook }).__mlwbCharts.ready = true;
  }

  // ------------------------------------------------------------------ toolbar

  private renderToolbar(): void {
    const t = this.toolbar;
    t.replaceChildren();

    // Metric picker: a search field over a list of checkboxes.
    const pickBox = el('div', 'picker');
    const pickButton = component('vscode-button', { secondary: '', 'data-test': 'metrics-button' });
    pickButton.append(codicon('graph-line'), document.createTextNode(` Metrics (${this.state.metrics.length}/${this.metricKeys.length})`));
    const panel = el('div', 'picker-panel');
    panel.hidden = true;
    const search = component('vscode-textfield', { placeholder: 'Search metrics', 'aria-label': 'Search metrics', 'data-test': 'metric-search' }) as HTMLElement & { value: string };
    const list = el('div', 'picker-list');
    const fill = () => {
      const q = (search.value ?? '').toLowerCase();
      list.replaceChildren();
      // Thousands of keys (MLflow PR #22642): show the first 300 matches, the search finds the rest.
      const matches = this.metricKeys.filter((k) => k.toLowerCase().includes(q));
      for (const k of matches.slice(0, 300)) {
        const row = el('label', 'picker-row');
        const box = el('input');
        box.type = 'checkbox';
        box.checked = this.state.metrics.includes(k);
        box.dataset.key = k;
        box.addEventListener('change', () => {
          this.state.metrics = box.checked ? [...this.state.metrics, k] : this.state.metrics.filter((m) => m !== k);
          this.save();
          this.rebuildCards();
          this.client.emit('follow', { keys: this.state.metrics });
          pickButton.lastChild!.textContent = ` Metrics (${this.state.metrics.length}/${this.metricKeys.length})`;
        });
        row.append(box, el('span', '', k));
        list.append(row);
      }
      if (matches.length > 300) list.append(el('p', 'hint', `${matches.length - 300} more: refine the search`));
      if (matches.length === 0) list.append(el('p', 'hint', 'No metric matches'));
    };
    search.addEventListener('input', fill);
    pickButton.addEventListener('click', () => {
      panel.hidden = !panel.hidden;
      if (!panel.hidden) {
        fill();
        search.focus();
      }
    });
    panel.append(search, list);
    pickBox.append(pickButton, panel);
    this.picker = panel;

    // X axis.
    const xSel = this.select(
      'x-axis',
      'X axis',
      X_MODES.map((m) => [m, X_AXIS_LABELS[m]] as [string, string]),
      this.state.xAxis,
      (v) => {
        this.state.xAxis = v as XAxisMode;
        if (v === 'metric' && !this.state.xMetric) this.state.xMetric = this.metricKeys[0];
        this.save();
        this.renderToolbar();
        this.refreshAll(true);
      },
    );
    const parts: HTMLElement[] = [pickBox, xSel];
    if (this.state.xAxis === 'metric') {
      parts.push(
        this.select('x-metric', 'X metric', this.metricKeys.map((k) => [k, k] as [string, string]), this.state.xMetric ?? '', (v) => {
          this.state.xMetric = v;
          this.save();
          this.refreshAll(true);
        }),
      );
    }
    parts.push(
      this.checkbox('log-y', 'Log scale', this.state.logY, (v) => {
        this.state.logY = v;
        this.save();
        this.refreshAll(false);
      }),
      this.checkbox('outliers', 'Ignore outliers', this.state.ignoreOutliers, (v) => {
        this.state.ignoreOutliers = v;
        this.save();
        this.refreshAll(false);
      }),
    );

    // Smoothing slider (no slider among vscode-elements: a native range, themed in style.css).
    const smoothBox = el('label', 'smoothing');
    const slider = el('input');
    slider.type = 'range';
    slider.min = '0';
    slider.max = '0.99';
    slider.step = '0.01';
    slider.value = String(this.state.smoothing);
    slider.dataset.test = 'smoothing';
    slider.setAttribute('aria-label', 'Smoothing');
    const shown = el('span', 'smoothing-value', this.state.smoothing.toFixed(2));
    slider.addEventListener('input', () => {
      this.state.smoothing = Number(slider.value);
      shown.textContent = this.state.smoothing.toFixed(2);
      this.save();
      this.refreshAll(false);
    });
    smoothBox.append(el('span', '', 'Smoothing'), slider, shown);
    parts.push(smoothBox);

    // Group by a param or tag that differs between runs.
    const groupKeys = this.groupKeys();
    parts.push(
      this.select('group-by', 'Group by', [['', 'No grouping'], ...groupKeys.map((k) => [k, k] as [string, string])], this.state.groupBy ?? '', (v) => {
        this.state.groupBy = v || undefined;
        this.save();
        this.refreshAll(false);
      }),
    );
    t.append(...parts);
  }

  private groupKeys(): string[] {
    const keys = new Set<string>();
    for (const r of this.runs.values()) {
      for (const k of Object.keys(r.params)) keys.add(`params.${k}`);
      for (const k of Object.keys(r.tags)) if (!k.startsWith('mlflow.')) keys.add(`tags.${k}`);
    }
    return [...keys].sort();
  }

  private select(test: string, label: string, options: [string, string][], value: string, onChange: (v: string) => void): HTMLElement {
    const box = el('label', 'field');
    box.append(el('span', 'field-label', label));
    const sel = component('vscode-single-select', { 'aria-label': label, 'data-test': test }) as HTMLElement & { value: string };
    for (const [v, text] of options) {
      const o = component('vscode-option', { value: v }, text);
      if (v === value) o.setAttribute('selected', '');
      sel.append(o);
    }
    sel.addEventListener('change', () => onChange(sel.value));
    box.append(sel);
    return box;
  }

  private checkbox(test: string, label: string, checked: boolean, onChange: (v: boolean) => void): HTMLElement {
    const box = component('vscode-checkbox', { 'data-test': test, label }) as HTMLElement & { checked: boolean };
    if (checked) box.setAttribute('checked', '');
    box.addEventListener('change', () => onChange(box.checked));
    return box;
  }

  // ------------------------------------------------------------------ legend

  private renderLegend(): void {
    const hidden = new Set(this.state.hiddenRuns);
    this.legend.replaceChildren();
    for (const id of this.state.runIds) {
      const run = this.runs.get(id);
      const item = el('label', 'legend-item');
      item.title = `${run?.runName ?? ''}\n${id}${run ? `\n${run.status}` : ''}`;
      const box = el('input');
      box.type = 'checkbox';
      box.checked = !hidden.has(id);
      box.dataset.runId = id;
      box.setAttribute('aria-label', `Show ${runLabel(run, id)}`);
      box.addEventListener('change', () => {
        const h = new Set(this.state.hiddenRuns);
        if (box.checked) h.delete(id);
        else h.add(id);
        this.state.hiddenRuns = [...h];
        this.save();
        this.refreshAll(false);
      });
      const swatch = el('span', 'swatch');
      swatch.style.backgroundColor = runColor(id, this.theme);
      const name = el('span', 'run-name', runLabel(run, id));
      const open = el('button', 'link');
      open.append(codicon('open-preview', 'Open run details'));
      open.addEventListener('click', (e) => {
        e.preventDefault();
        this.client.emit('openRun', { runId: id });
      });
      item.append(box, swatch, name);
      if (run?.status === 'RUNNING') item.append(el('span', 'badge', 'live'));
      item.append(open);
      this.legend.append(item);
    }
  }

  // ------------------------------------------------------------------ cards

  private rebuildCards(): void {
    this.observer?.disconnect();
    const wanted = new Set(this.state.metrics);
    for (const [k, c] of this.cards) {
      if (!wanted.has(k)) {
        c.chart?.destroy();
        this.cards.delete(k);
      }
    }
    this.grid.replaceChildren();
    // Charts are created only when their card scrolls into view: with many metrics, most never are.
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting) continue;
          const card = [...this.cards.values()].find((c) => c.root === e.target);
          if (card && !card.full && !card.loading) void this.load(card);
        }
      },
      { rootMargin: '200px' },
    );
    for (const key of this.state.metrics) {
      let card = this.cards.get(key);
      if (!card) {
        card = this.makeCard(key);
        this.cards.set(key, card);
      }
      this.grid.append(card.root);
      this.observer.observe(card.root);
    }
  }

  private makeCard(key: string): Card {
    const root = el('section', 'card');
    root.dataset.metric = key;
    const head = el('header', 'card-head');
    const title = el('h2', 'card-title', key);
    title.title = key;
    const tools = el('div', 'card-tools');
    const range = this.state.yRanges[key] ?? {};
    const yMin = component('vscode-textfield', { placeholder: 'y min', 'aria-label': `y min for ${key}`, 'data-test': 'y-min', value: range.min !== undefined ? String(range.min) : '' }) as HTMLElement & { value: string };
    const yMax = component('vscode-textfield', { placeholder: 'y max', 'aria-label': `y max for ${key}`, 'data-test': 'y-max', value: range.max !== undefined ? String(range.max) : '' }) as HTMLElement & { value: string };
    const onRange = () => {
      const num = (s: string) => (s.trim() === '' || !Number.isFinite(Number(s)) ? undefined : Number(s));
      this.state.yRanges[key] = { min: num(yMin.value ?? ''), max: num(yMax.value ?? '') };
      this.save();
      const c = this.cards.get(key);
      if (c) this.draw(c);
    };
    yMin.addEventListener('change', onRange);
    yMax.addEventListener('change', onRange);
    const reset = this.toolButton('zoom-out', 'Reset zoom', () => {
      const c = this.cards.get(key);
      if (!c) return;
      c.zoom = undefined;
      c.zoomed = undefined;
      this.draw(c);
    });
    const png = this.toolButton('file-media', 'Save as PNG', () => void this.savePng(key));
    const csv = this.toolButton('table', 'Save plotted data as CSV', () => void this.saveCsv(key));
    tools.append(yMin, yMax, reset, png, csv);
    head.append(title, tools);
    const notes = el('p', 'notes');
    // Shown when there is something to say: a note appearing later resizes (and redraws) the chart.
    notes.hidden = true;
    const canvasBox = el('div', 'canvas-box');
    canvasBox.append(el('p', 'loading', 'Loading…'));
    root.append(head, notes, canvasBox);
    return { key, root, canvasBox, notes, loading: false, serverSampled: false, errors: [] };
  }

  private toolButton(icon: string, label: string, onClick: () => void): HTMLElement {
    const b = el('button', 'tool');
    b.title = label;
    b.setAttribute('aria-label', label);
    b.append(codicon(icon));
    b.addEventListener('click', onClick);
    return b;
  }

  private fetchKey(): string {
    return this.state.xAxis === 'metric' ? `metric:${this.state.xMetric ?? ''}` : 'plain';
  }

  private async request(card: Card, stepRange?: [number, number]): Promise<Map<string, SeriesWithX>> {
    this.pending++;
    try {
      const res = await this.client.request('series', {
        key: card.key,
        runIds: this.state.runIds,
        stepRange,
        xMetric: this.state.xAxis === 'metric' ? this.state.xMetric : undefined,
      });
      if (!stepRange) performance.mark(MARK_DATA, { detail: card.key });
      card.serverSampled = res.serverSampled;
      card.errors = res.errors;
      return new Map(res.series.map((w) => [w.runId, { series: fromWire(w), x: w.x }]));
    } finally {
      this.pending--;
    }
  }

  private async load(card: Card): Promise<void> {
    card.loading = true;
    try {
      if (!card.full) this.prepare(card);
      card.full = await this.request(card);
      card.loadedFor = this.fetchKey();
      card.zoom = undefined;
      card.zoomed = undefined;
      this.draw(card);
      // chart.js draws synchronously (no animation); the frame after is when it is on screen.
      performance.mark(MARK_DRAWN, { detail: card.key });
      requestAnimationFrame(() => setTimeout(() => performance.mark(MARK_PAINTED, { detail: card.key })));
    } catch (e) {
      card.chart?.destroy();
      card.chart = undefined;
      card.loadingNote = undefined;
      card.canvasBox.replaceChildren(el('p', 'error', `Cannot load ${card.key}: ${e instanceof Error ? e.message : String(e)}`));
    } finally {
      card.loading = false;
    }
  }

  /** After an option change: redraw loaded cards; refetch when the x axis needs other data. */
  private refreshAll(refetch: boolean): void {
    for (const c of this.cards.values()) {
      if (!c.full) continue;
      if (refetch && c.loadedFor !== this.fetchKey()) void this.load(c);
      else this.draw(c);
    }
  }

  private plotFor(card: Card): Plot {
    const data = card.zoomed ?? card.full ?? new Map();
    return buildPlot([...data.values()], this.runs, new Set(this.state.hiddenRuns), {
      xAxis: this.state.xAxis,
      logY: this.state.logY,
      smoothing: this.state.smoothing,
      ignoreOutliers: this.state.ignoreOutliers,
      groupBy: this.state.groupBy,
      yRange: this.state.yRanges[card.key],
      theme: this.theme,
    });
  }

  private draw(card: Card): void {
    if (!card.full) return;
    const plot = this.plotFor(card);
    card.plot = plot;
    this.writeNotes(card, plot);
    this.render(card, plot);
  }

  /**
   * An empty line chart while the card's data is on its way: chart.js' set-up (canvas context,
   * options, the first layout and its number formats) is then done before the data arrives, and
   * the data only updates the chart.
   */
  private prepare(card: Card): void {
    if (card.chart) return;
    const loading = el('p', 'loading overlay', 'Loading…');
    // One empty line per visible run, so chart.js also sets up its per-dataset controllers now.
    const hidden = new Set(this.state.hiddenRuns);
    const lines = this.state.runIds.filter((id) => !hidden.has(id)).length * (this.state.smoothing > 0 ? 2 : 1);
    const datasets: PlotDataset[] = Array.from({ length: this.state.groupBy ? 0 : lines }, (_, k) => ({ id: String(k), label: '', role: 'line', color: 'transparent', points: [] }));
    this.render(card, { kind: 'line', datasets, notes: { nonPositive: 0, nan: 0, posInf: 0, negInf: 0, noX: 0 } });
    card.canvasBox.append(loading);
    card.loadingNote = loading;
  }

  private render(card: Card, plot: Plot): void {
    card.loadingNote?.remove();
    card.loadingNote = undefined;
    const fg = cssVar('--vscode-editor-foreground', '#333');
    const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const font = cssVar('--vscode-font-family', 'sans-serif');
    const mode = this.state.xAxis;
    const datasets: ChartDataset<'line' | 'bar', { x: number; y: number }[] | number[]>[] =
      plot.kind === 'bar'
        ? [{ label: card.key, data: plot.datasets.map((d) => d.points[0].y), backgroundColor: plot.datasets.map((d) => d.color) } as ChartDataset<'bar', number[]>]
        : plot.datasets.map((d) => this.lineDataset(d));
    const config = {
      type: plot.kind,
      data: plot.kind === 'bar' ? { labels: plot.datasets.map((d) => d.label), datasets } : { datasets },
      options: {
        animation: false as const,
        // Lines get {x, y} points as chart.js stores them; bars are plain values per label, which
        // chart.js must parse (unparsed, it draws no bar at all).
        parsing: plot.kind === 'bar',
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest' as const, intersect: false },
        color: fg,
        font: { family: font },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: (items: TooltipItem<'line'>[]) => this.tooltipTitle(items, mode, plot), label: (item: TooltipItem<'line'>) => this.tooltipLabel(card, item, plot) } },
        },
        scales:
          plot.kind === 'bar'
            ? {
                x: { type: 'category' as const, ticks: { color: fg }, grid: { color: grid } },
                y: { type: this.state.logY ? ('logarithmic' as const) : ('linear' as const), min: plot.yMin, max: plot.yMax, ticks: { color: fg }, grid: { color: grid } },
              }
            : {
                x: {
                  type: 'linear' as const,
                  min: card.zoom?.xMin,
                  max: card.zoom?.xMax,
                  title: { display: true, text: mode === 'metric' ? (this.state.xMetric ?? '') : X_AXIS_LABELS[mode], color: fg },
                  ticks: { color: fg, maxTicksLimit: 8, callback: (v: number | string) => shortTick(Number(v), mode) },
                  grid: { color: grid },
                },
                y: { type: this.state.logY ? ('logarithmic' as const) : ('linear' as const), min: plot.yMin, max: plot.yMax, ticks: { color: fg }, grid: { color: grid } },
              },
      },
    };
    if (!card.chart || (card.chart.config as { type?: string }).type !== plot.kind) {
      card.chart?.destroy();
      const canvas = el('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `Chart of ${card.key}`);
      card.canvasBox.replaceChildren(canvas);
      // chart.js' generic types do not follow a config built at run time.
      card.chart = new Chart(canvas, config as never);
      if (plot.kind === 'line') this.enableZoom(card, canvas);
    } else {
      card.chart.data = config.data as never;
      card.chart.options = config.options as never;
      card.chart.update('none');
    }
  }

  private lineDataset(d: PlotDataset): ChartDataset<'line', { x: number; y: number }[]> {
    const band = d.role === 'bandMin' || d.role === 'bandMax';
    return {
      label: d.label,
      data: d.points,
      borderColor: d.color,
      backgroundColor: d.color,
      borderWidth: band ? 0 : 1,
      pointRadius: d.points.length === 1 ? 3 : 0,
      pointHoverRadius: 3,
      fill: d.role === 'bandMax' ? '-1' : false,
      tension: 0,
      spanGaps: true,
      order: d.role === 'raw' || band ? 2 : 1,
    };
  }

  private writeNotes(card: Card, plot: Plot): void {
    const n = plot.notes;
    const parts: string[] = [];
    if (n.nonPositive) parts.push(`${n.nonPositive} value${n.nonPositive > 1 ? 's' : ''} ≤ 0 not shown on the log scale`);
    const nonFinite = [n.nan ? `${n.nan} NaN` : '', n.posInf ? `${n.posInf} +Infinity` : '', n.negInf ? `${n.negInf} −Infinity` : ''].filter(Boolean);
    if (nonFinite.length) parts.push(`${nonFinite.join(', ')} not drawn`);
    if (n.noX) parts.push(`${n.noX} points without a value of ${this.state.xMetric ?? 'the x metric'} at their step`);
    if (card.serverSampled) parts.push('sampled by the server (a spike between its samples may be missing; zoom in for detail)');
    if (card.zoom) parts.push('zoomed: full detail of this range (double-click or the zoom-out button to reset)');
    for (const e of card.errors) parts.push(`${runLabel(this.runs.get(e.runId), e.runId)}: ${e.message}`);
    card.notes.textContent = parts.join(' · ');
    card.notes.hidden = parts.length === 0;
    card.notes.classList.toggle('warn', n.nonPositive > 0 || card.errors.length > 0);
  }

  private tooltipTitle(items: TooltipItem<'line'>[], mode: XAxisMode, plot: Plot): string {
    if (plot.kind === 'bar' || items.length === 0) return items[0]?.label ?? '';
    return `${mode === 'metric' ? (this.state.xMetric ?? 'x') : X_AXIS_LABELS[mode]}: ${formatX(items[0].parsed.x as number, mode)}`;
  }

  private tooltipLabel(card: Card, item: TooltipItem<'line'>, plot: Plot): string {
    const d = plot.kind === 'bar' ? plot.datasets[item.dataIndex] : plot.datasets[item.datasetIndex];
    if (!d) return '';
    if (!d.runId) return `${d.label}: ${item.parsed.y}`;
    const data = card.zoomed ?? card.full;
    const s = data?.get(d.runId)?.series;
    const p = plot.kind === 'bar' ? d.points[0] : d.points[item.dataIndex];
    if (!s || !p) return `${d.label}: ${item.parsed.y}`;
    const raw = plotValue(s.values[p.i]);
    const smoothed = d.role === 'smoothed' ? ` (smoothed ${p.y})` : '';
    return `${d.label}: ${raw}${smoothed} · step ${s.steps[p.i]} · ${formatTime(s.timestamps[p.i])}`;
  }

  // ------------------------------------------------------------------ zoom

  private enableZoom(card: Card, canvas: HTMLCanvasElement): void {
    const box = el('div', 'zoom-box');
    box.hidden = true;
    card.canvasBox.append(box);
    let startX: number | undefined;
    canvas.addEventListener('pointerdown', (e) => {
      startX = e.offsetX;
      box.hidden = false;
      box.style.left = `${e.offsetX}px`;
      box.style.width = '0px';
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (startX === undefined) return;
      box.style.left = `${Math.min(startX, e.offsetX)}px`;
      box.style.width = `${Math.abs(e.offsetX - startX)}px`;
    });
    canvas.addEventListener('pointerup', (e) => {
      if (startX === undefined || !card.chart) return;
      const a = startX;
      startX = undefined;
      box.hidden = true;
      if (Math.abs(e.offsetX - a) < 6) return; // a click, not a drag
      const sx = card.chart.scales.x;
      const x1 = sx.getValueForPixel(Math.min(a, e.offsetX));
      const x2 = sx.getValueForPixel(Math.max(a, e.offsetX));
      if (x1 === undefined || x2 === undefined) return;
      void this.zoomTo(card, x1, x2);
    });
    canvas.addEventListener('dblclick', () => {
      card.zoom = undefined;
      card.zoomed = undefined;
      this.draw(card);
    });
  }

  /** Zooms to [x1, x2] and fetches the steps of that range again at full detail. */
  async zoomTo(card: Card, x1: number, x2: number): Promise<void> {
    card.zoom = { xMin: x1, xMax: x2 };
    // The steps covered: the x range itself on a step axis, else the steps of the points inside it.
    let stepRange: [number, number] | undefined;
    if (this.state.xAxis === 'step') stepRange = [Math.floor(x1), Math.ceil(x2)];
    else if (card.plot) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const d of card.plot.datasets) {
        const s = d.runId ? card.full?.get(d.runId)?.series : undefined;
        if (!s) continue;
        for (const p of d.points) {
          if (p.x < x1 || p.x > x2) continue;
          lo = Math.min(lo, s.steps[p.i]);
          hi = Math.max(hi, s.steps[p.i]);
        }
      }
      if (lo <= hi) stepRange = [lo, hi];
    }
    this.draw(card);
    if (!stepRange) return;
    try {
      card.zoomed = await this.request(card, stepRange);
      if (card.zoom?.xMin === x1 && card.zoom?.xMax === x2) this.draw(card);
    } catch (e) {
      card.notes.textContent = `Cannot load the zoomed range: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  // ------------------------------------------------------------------ live

  private applyLive(updates: LiveUpdateWire[]): void {
    const touched = new Set<Card>();
    for (const u of updates) {
      const card = this.cards.get(u.key);
      const entry = card?.full?.get(u.runId);
      if (!card?.full) continue;
      let next: Series;
      if (u.kind === 'replace') next = fromWire(u.series);
      else if (entry) {
        // The card may have loaded after the host started following: skip points it already has.
        const s = entry.series;
        const n = s.steps.length;
        const lastStep = n ? s.steps[n - 1] : -Infinity;
        const lastTs = n ? s.timestamps[n - 1] : -Infinity;
        const keep: number[] = [];
        for (let i = 0; i < u.steps.length; i++) if (u.steps[i] > lastStep || (u.steps[i] === lastStep && u.timestamps[i] > lastTs)) keep.push(i);
        if (keep.length === 0) continue;
        next = appendPoints(s, { steps: keep.map((i) => u.steps[i]), timestamps: keep.map((i) => u.timestamps[i]), values: keep.map((i) => u.values[i]) });
      } else continue;
      card.full.set(u.runId, { series: next, x: entry?.x });
      if (!card.zoom) touched.add(card);
    }
    // Only the charts that changed are updated, in place (chart.update without animation).
    for (const c of touched) this.draw(c);
  }

  // ------------------------------------------------------------------ export

  private async savePng(key: string): Promise<void> {
    const c = this.cards.get(key);
    if (!c?.chart) return;
    const url = c.chart.toBase64Image('image/png', 1);
    await this.client.request('saveFile', { suggestedName: `${key.replace(/[^\w.-]+/g, '_')}.png`, kind: 'png', data: url });
  }

  /** The plotted data: per drawn line, the points as drawn (x, y) with the logged step, time and value. */
  plottedCsv(key: string): string {
    const c = this.cards.get(key);
    if (!c?.plot) return '';
    const data = c.zoomed ?? c.full;
    let out = csvLine(['series', 'role', 'run_id', 'key', 'x', 'y', 'step', 'timestamp', 'value']);
    for (const d of c.plot.datasets) {
      const s = d.runId ? data?.get(d.runId)?.series : undefined;
      for (const p of d.points) {
        if (c.plot.kind === 'line' && c.zoom && (p.x < c.zoom.xMin || p.x > c.zoom.xMax)) continue;
        out += csvLine([
          csvTextCell(d.label),
          d.role,
          d.runId ?? '',
          csvTextCell(key),
          csvNumber(p.x),
          csvNumber(p.y),
          s ? String(s.steps[p.i]) : '',
          s ? String(s.timestamps[p.i]) : '',
          s ? csvNumber(s.values[p.i]) : '',
        ]);
      }
    }
    return out;
  }

  private async saveCsv(key: string): Promise<void> {
    await this.client.request('saveFile', { suggestedName: `${key.replace(/[^\w.-]+/g, '_')}.csv`, kind: 'csv', data: this.plottedCsv(key) });
  }

  // ------------------------------------------------------------------ test hook

  private rendered(c: Card): RenderedChart {
    const chart = c.chart!;
    const plot = c.plot!;
    const scales = chart.options.scales as Record<string, { type?: string; min?: number; max?: number }>;
    return {
      key: c.key,
      type: plot.kind,
      xAxis: this.state.xAxis,
      xScale: String(scales.x?.type),
      yScale: String(scales.y?.type),
      yMin: chart.scales.y?.min,
      yMax: chart.scales.y?.max,
      zoomed: !!c.zoom,
      notes: c.notes.textContent ?? '',
      datasets: plot.datasets.map((d) => ({ label: d.label, runId: d.runId, role: d.role, points: d.points.map((p) => ({ x: p.x, y: p.y })) })),
      ...(plot.kind === 'bar' ? { barHeights: chart.getDatasetMeta(0).data.map((e) => (e as unknown as { height?: number | null }).height ?? null) } : {}),
    };
  }
}
