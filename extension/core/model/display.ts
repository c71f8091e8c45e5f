import type { Experiment, ModelVersion, RegisteredModel, Run } from './entities';
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

/**
 * Characters that let a store string act instead of being read: C0 and C1 controls (ESC starts
 * ANSI/OSC sequences that set a terminal's title, clear it or forge hyperlinks; CR overwrites a
 * line), DEL, the line and paragraph separators, and the bidi marks, embeddings, overrides and
 * isolates that reorder what follows them (a run name with U+202E reads backwards).
 */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_TEXT_KEEP_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Store text made safe for a terminal, a tree label or a tooltip: every character above is shown
 * as a visible escape (`\x1b`, `\u202e`, `\n`), everything else is kept as is. With
 * `keepNewlines`, LF stays a line break (multi-line descriptions in tooltips, stderr messages).
 * Backslashes are left alone, so a Windows path reads normally; the escapes only need to make the
 * character harmless and visible, not reversible.
 */
export function neutralizeText(text: string, opts: { keepNewlines?: boolean } = {}): string {
  return text.replace(opts.keepNewlines ? UNSAFE_TEXT_KEEP_LF : UNSAFE_TEXT, (c) => {
    const named = NAMED_ESCAPES[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Tooltips are plain text, never Markdown: VS Code's Markdown hovers turn bare URLs and e-mail
 * addresses in any store string into clickable links, and plain-text hovers render as text only.
 */
function tooltip(lines: (string | undefined | false)[]): string {
  return neutralizeText(lines.filter((l): l is string => typeof l === 'string').join('\n'), { keepNewlines: true });
}

export function experimentTooltip(e: Experiment): string {
  const note = e.tags[TAG.note];
  return tooltip([e.name, `ID ${e.experimentId} · created ${formatTimestamp(e.creationTime)}`, `Artifacts: ${e.artifactLocation}`, !!note && '', !!note && note]);
}

export function runTooltip(r: Run, maxEach = 8): string {
  const lines: (string | false)[] = [`${runLabel(r)} — ${r.info.status}`, `Run ID ${r.info.runId}`, `Started ${formatTimestamp(r.info.startTime)} by ${r.info.userId}`];
  const metrics = Object.values(r.data.metrics).slice(0, maxEach);
  if (metrics.length) lines.push('', 'Metrics', ...metrics.map((m) => `  ${m.key} = ${formatMetricValue(m.value)}`));
  const params = Object.entries(r.data.params).slice(0, maxEach);
  if (params.length) lines.push('', 'Params', ...params.map(([k, v]) => `  ${k} = ${v}`));
  return tooltip(lines);
}

export function registeredModelTooltip(m: RegisteredModel): string {
  return tooltip([m.name, !!m.description && m.description, `Updated ${formatTimestamp(m.lastUpdatedTimestamp)}`]);
}

export function modelVersionTooltip(v: ModelVersion): string {
  return tooltip([`${v.name} v${v.version}`, `Stage: ${v.currentStage} · Status: ${v.status}`, `Source: ${v.source}`, !!v.runId && `Run: ${v.runId}`, !!v.description && '', !!v.description && v.description]);
}
