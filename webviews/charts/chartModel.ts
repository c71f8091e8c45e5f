import { xValues, type XAxisMode } from '../../extension/core/charts/axes';
import { runColor, type ThemeKind } from '../../extension/core/charts/colors';
import { outlierRange } from '../../extension/core/charts/outliers';
import type { Series } from '../../extension/core/charts/series';
import { emaSmooth } from '../../extension/core/charts/smoothing';
import type { ChartRun } from './contract';

/**
 * From series to what a chart draws, without the DOM or chart.js, so it can be tested in Node:
 * x values per axis mode, SQL infinities read as infinities, points a log scale cannot show
 * counted, EMA smoothing with the raw line kept faint, groups drawn as mean line + min–max band,
 * and the y range for "ignore outliers" or a manual range.
 */

export interface PlotPoint {
  x: number;
  y: number;
  /** Index in the series, for tooltips (exact value, step, time). */
  i: number;
}

export type DatasetRole = 'raw' | 'smoothed' | 'line' | 'mean' | 'bandMin' | 'bandMax';

export interface PlotDataset {
  /** Run id, or `group:<value>` for grouped lines. */
  id: string;
  label: string;
  role: DatasetRole;
  color: string;
  points: PlotPoint[];
  runId?: string;
}

export interface PlotOptions {
  xAxis: XAxisMode;
  logY: boolean;
  smoothing: number;
  ignoreOutliers: boolean;
  groupBy?: string;
  yRange?: { min?: number; max?: number };
  theme: ThemeKind;
}

export interface PlotNotes {
  /** Points not drawn because the y scale is logarithmic and they are ≤ 0. */
  nonPositive: number;
  nan: number;
  posInf: number;
  negInf: number;
  /** Points without an x value (another metric not logged at that step). */
  noX: number;
}

export interface Plot {
  kind: 'line' | 'bar';
  datasets: PlotDataset[];
  notes: PlotNotes;
  yMin?: number;
  yMax?: number;
}

export interface SeriesWithX {
  series: Series;
  /** x values for the "another metric" axis (NaN where missing). */
  x?: Float64Array;
}

/** What a chart plots for a value MLflow stored: SQL stores keep ±inf as ±MAX_VALUE. */
export function plotValue(v: number): number {
  return v === Number.MAX_VALUE ? Infinity : v === -Number.MAX_VALUE ? -Infinity : v;
}

export function runLabel(run: ChartRun | undefined, runId: string): string {
  return run?.runName || runId.slice(0, 8);
}

export function groupValue(run: ChartRun | undefined, groupBy: string): string {
  if (!run) return '';
  const [kind, ...rest] = groupBy.split('.');
  const key = rest.join('.');
  const v = kind === 'params' ? run.params[key] : kind === 'tags' ? run.tags[key] : undefined;
  return v ?? '(none)';
}

function xOf(s: SeriesWithX, mode: XAxisMode, origin: number): Float64Array {
  if (mode === 'metric') return s.x ?? new Float64Array(s.series.steps.length).fill(NaN);
  return xValues(s.series.steps, s.series.timestamps, mode, origin);
}

/** Relative time starts at the run's start time, else (no start time, or points before it) its first logged point. */
export function originOf(run: ChartRun | undefined, s: Series): number {
  let first = Infinity;
  for (let i = 0; i < s.timestamps.length; i++) if (s.timestamps[i] < first) first = s.timestamps[i];
  if (first === Infinity) return run?.startTime ?? 0;
  // Points logged with explicit timestamps before the run's start (back-filled or imported
  // histories) would all sit at large negative times: relative time then starts at the first point.
  const start = run?.startTime;
  return typeof start === 'number' && start <= first ? start : first;
}

/** A metric with at most one value per run is a bar chart: one bar per run. */
export function isSingleValue(all: SeriesWithX[]): boolean {
  return all.length > 0 && all.every((s) => s.series.total <= 1);
}

export function buildPlot(all: SeriesWithX[], runs: Map<string, ChartRun>, hidden: Set<string>, opts: PlotOptions): Plot {
  const notes: PlotNotes = { nonPositive: 0, nan: 0, posInf: 0, negInf: 0, noX: 0 };
  const visible = all.filter((s) => !hidden.has(s.series.runId));
  for (const s of visible) {
    notes.nan += s.series.nonFinite.nan;
    notes.posInf += s.series.nonFinite.posInf;
    notes.negInf += s.series.nonFinite.negInf;
  }
  if (isSingleValue(all)) {
    const datasets: PlotDataset[] = visible
      .filter((s) => s.series.values.length === 1 && Number.isFinite(plotValue(s.series.values[0])))
      .map((s) => ({
        id: s.series.runId,
        runId: s.series.runId,
        label: runLabel(runs.get(s.series.runId), s.series.runId),
        role: 'line',
        color: runColor(s.series.runId, opts.theme),
        points: [{ x: 0, y: s.series.values[0], i: 0 }],
      }));
    if (opts.logY) for (const d of datasets) if (d.points[0].y <= 0) ((notes.nonPositive += 1), (d.points = []));
    return { kind: 'bar', datasets: datasets.filter((d) => d.points.length), notes, ...range(datasets, opts) };
  }
  // Per run: finite points with an x, in step order.
  const lines = visible.map((s) => {
    const run = runs.get(s.series.runId);
    const xs = xOf(s, opts.xAxis, originOf(run, s.series));
    const pts: PlotPoint[] = [];
    const v = s.series.values;
    for (let i = 0; i < v.length; i++) {
      const y = plotValue(v[i]);
      if (!Number.isFinite(y)) continue; // counted in notes from the whole history
      if (!Number.isFinite(xs[i])) {
        notes.noX++;
        continue;
      }
      if (opts.logY && y <= 0) {
        notes.nonPositive++;
        continue;
      }
      pts.push({ x: xs[i], y, i });
    }
    return { s, run, pts };
  });
  const datasets: PlotDataset[] = [];
  if (opts.groupBy) {
    const groups = new Map<string, PlotPoint[][]>();
    for (const l of lines) {
      const g = groupValue(l.run, opts.groupBy);
      groups.set(g, [...(groups.get(g) ?? []), l.pts]);
    }
    for (const [g, members] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const id = `group:${g}`;
      const band = aggregate(members);
      const label = `${opts.groupBy.replace(/^(params|tags)\./, '')}=${g} (${members.length})`;
      const color = runColor(id, opts.theme);
      datasets.push({ id, label: `${label} min`, role: 'bandMin', color: runColor(id, opts.theme, 0.2), points: band.min });
      datasets.push({ id, label: `${label} max`, role: 'bandMax', color: runColor(id, opts.theme, 0.2), points: band.max });
      datasets.push({ id, label, role: 'mean', color, points: opts.smoothing > 0 ? smooth(band.mean, opts.smoothing) : band.mean });
    }
  } else {
    for (const l of lines) {
      const id = l.s.series.runId;
      const label = runLabel(l.run, id);
      if (opts.smoothing > 0) {
        datasets.push({ id, runId: id, label: `${label} (raw)`, role: 'raw', color: runColor(id, opts.theme, 0.25), points: l.pts });
        datasets.push({ id, runId: id, label, role: 'smoothed', color: runColor(id, opts.theme), points: smooth(l.pts, opts.smoothing) });
      } else {
        datasets.push({ id, runId: id, label, role: 'line', color: runColor(id, opts.theme), points: l.pts });
      }
    }
  }
  return { kind: 'line', datasets, notes, ...range(datasets, opts) };
}

function smooth(pts: PlotPoint[], w: number): PlotPoint[] {
  const ys = emaSmooth(
    pts.map((p) => p.y),
    w,
  );
  return pts.map((p, k) => ({ x: p.x, y: ys[k], i: p.i }));
}

function range(datasets: PlotDataset[], opts: PlotOptions): { yMin?: number; yMax?: number } {
  let yMin: number | undefined;
  let yMax: number | undefined;
  if (opts.ignoreOutliers) {
    const r = outlierRange(datasets.filter((d) => d.role !== 'raw').map((d) => d.points.map((p) => p.y)));
    if (r && r.max > r.min) {
      // A little room so the clipped curves do not sit on the frame.
      const pad = (r.max - r.min) * 0.05;
      yMin = opts.logY ? r.min : r.min - pad;
      yMax = r.max + pad;
    }
  }
  if (opts.yRange?.min !== undefined && Number.isFinite(opts.yRange.min)) yMin = opts.yRange.min;
  if (opts.yRange?.max !== undefined && Number.isFinite(opts.yRange.max)) yMax = opts.yRange.max;
  return { yMin, yMax };
}

/**
 * Mean, min and max over runs at common x positions: each run is linearly interpolated at the
 * union of the members' x values (within its own x range), so runs sampled at different steps
 * still line up. At most 1,000 positions, evenly picked from the union.
 */
export function aggregate(members: PlotPoint[][]): { mean: PlotPoint[]; min: PlotPoint[]; max: PlotPoint[] } {
  const xsAll = [...new Set(members.flatMap((m) => m.map((p) => p.x)))].sort((a, b) => a - b);
  const xs = xsAll.length > 1000 ? Array.from({ length: 1000 }, (_, k) => xsAll[Math.round((k * (xsAll.length - 1)) / 999)]) : xsAll;
  const sorted = members.map((m) => [...m].sort((a, b) => a.x - b.x));
  const mean: PlotPoint[] = [];
  const min: PlotPoint[] = [];
  const max: PlotPoint[] = [];
  const cursor = sorted.map(() => 0);
  xs.forEach((x, k) => {
    let sum = 0;
    let n = 0;
    let lo = Infinity;
    let hi = -Infinity;
    sorted.forEach((pts, r) => {
      if (pts.length === 0 || x < pts[0].x || x > pts[pts.length - 1].x) return;
      let j = cursor[r];
      while (j + 1 < pts.length && pts[j + 1].x <= x) j++;
      cursor[r] = j;
      const a = pts[j];
      const b = pts[Math.min(j + 1, pts.length - 1)];
      const y = b.x === a.x ? a.y : a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
      sum += y;
      n++;
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    });
    if (n === 0) return;
    mean.push({ x, y: sum / n, i: k });
    min.push({ x, y: lo, i: k });
    max.push({ x, y: hi, i: k });
  });
  return { mean, min, max };
}

