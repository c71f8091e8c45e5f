import type { ModelVersion, Run } from './entities';
import { TAG } from './entities';

/** Text the views show for MLflow entities; pure so it is tested without VS Code. */

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Local date and time without seconds, e.g. "2026-11-22 14:05". */
export function formatTimestamp(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** "2026-11-22 14:05 · 3m 12s" — a running run shows time so far, measured against `now`. */
export function runDescription(run: Run, now: number = Date.now()): string {
  const start = formatTimestamp(run.info.startTime);
  if (run.info.startTime === null) return '';
  const end = run.info.endTime ?? (run.info.status === 'RUNNING' ? now : null);
  const dur = end !== null ? formatDuration(end - run.info.startTime) : '';
  return dur ? `${start} · ${dur}` : start;
}

export function runLabel(run: Run): string {
  return run.info.runName || run.data.tags[TAG.runName] || run.info.runId.slice(0, 8);
}

/**
 * Groups runs of one experiment by `mlflow.parentRunId`. A run whose parent is not among `runs`
 * (deleted, or in another experiment) is shown at the top level rather than lost.
 */
export function nestRuns(runs: Run[]): { roots: Run[]; children: Map<string, Run[]> } {
  const ids = new Set(runs.map((r) => r.info.runId));
  const children = new Map<string, Run[]>();
  const roots: Run[] = [];
  for (const r of runs) {
    const parent = r.data.tags[TAG.parentRunId];
    if (parent && parent !== r.info.runId && ids.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(r);
      else children.set(parent, [r]);
    } else {
      roots.push(r);
    }
  }
  return { roots, children };
}

/** "@champion · Production" */
export function versionDescription(v: ModelVersion): string {
  const parts = v.aliases.map((a) => `@${a}`);
  if (v.currentStage && v.currentStage !== 'None') parts.push(v.currentStage);
  return parts.join(' · ');
}

export function formatMetricValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}
