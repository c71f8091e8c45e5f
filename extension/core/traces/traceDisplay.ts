import type { Span } from './entities';

/** Display helpers for traces shared by the CLI, the tree and the panel mapper. */

/** ms between two nanosecond timestamps given as digits (exact subtraction in BigInt first). */
export function nsDiffMs(fromNs: string, toNs: string): number {
  return Number(BigInt(toNs) - BigInt(fromNs)) / 1e6;
}

export function spanDurationMs(s: Span): number | undefined {
  return s.endTimeNs === undefined ? undefined : nsDiffMs(s.startTimeNs, s.endTimeNs);
}

/** 850 ms, 1.25 s, 2 min 5 s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 60_000) return `${Math.round(ms / 10) / 100} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * The text a trace row shows: its request preview on one line, else (no inputs: `{}`, `[]`, `""`)
 * its name, else its id.
 */
export function traceLabel(t: { requestPreview?: string; tags: Record<string, string>; traceId: string }, max = 80): string {
  const raw = (t.requestPreview ?? '').replace(/\s+/g, ' ').trim();
  const preview = ['{}', '[]', '""', 'null'].includes(raw) ? '' : raw;
  const text = preview || t.tags['mlflow.traceName'] || t.traceId;
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** 1.2k, 15, 3.4M tokens. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${Math.round(n / 100) / 10}k`;
  return `${Math.round(n / 100_000) / 10}M`;
}
