/**
 * One colour per run, the same in every panel and after a reload: the hue comes from a hash of the
 * run id (FNV-1a), lightness from the theme (and one of three steps from the hash, so runs with
 * close hues still differ) so lines stay readable on light and dark backgrounds.
 */
export function runHue(runId: string): number {
  return Math.floor(((hash(runId) * 0.618033988749895) % 1) * 360);
}

function hash(runId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) {
    h ^= runId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function runColor(runId: string, theme: ThemeKind, alpha = 1): string {
  const hue = runHue(runId);
  const dark = theme === 'dark' || theme === 'high-contrast';
  // Three lightness steps from other bits of the hash: runs whose hues land close still differ.
  const step = ((hash(runId) >>> 20) % 3) - 1;
  const light = (dark ? 62 : 42) + step * 12;
  const sat = theme.startsWith('high-contrast') ? 90 : 70;
  return alpha >= 1 ? `hsl(${hue} ${sat}% ${light}%)` : `hsl(${hue} ${sat}% ${light}% / ${alpha})`;
}
