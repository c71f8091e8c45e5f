import { formatDuration, formatMetricValue, formatTimestamp } from '../../extension/core/model/display';

/** Display text for raw values the host sends. Pure, so the DOM tests can state what a cell reads. */

export { formatDuration, formatMetricValue, formatTimestamp };

/** "just now", "5 minutes ago", "3 days ago"; absolute date beyond a month. */
export function relativeTime(ms: number | null, now: number): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return formatTimestamp(ms);
  if (s < 45) return 'just now';
  const unit = (n: number, u: string) => `${n} ${u}${n === 1 ? '' : 's'} ago`;
  const m = Math.round(s / 60);
  if (m < 60) return unit(m, 'minute');
  const h = Math.round(m / 60);
  if (h < 24) return unit(h, 'hour');
  const d = Math.round(h / 24);
  if (d < 31) return unit(d, 'day');
  return formatTimestamp(ms).slice(0, 10);
}

/** End − start; a RUNNING run counts up to now. */
export function runDuration(start: number | null, end: number | null, status: string, now: number): string {
  if (start === null) return '';
  const stop = end ?? (status === 'RUNNING' ? now : null);
  return stop === null ? '' : formatDuration(stop - start);
}

/** The file name of a source path (`/home/me/train.py` → `train.py`). */
export function sourceLabel(name: string): string {
  const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return cut >= 0 && cut < name.length - 1 ? name.slice(cut + 1) : name;
}
