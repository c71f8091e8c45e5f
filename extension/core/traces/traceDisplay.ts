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
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 60_000) return `${Math.round(ms / 10) / 100} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
