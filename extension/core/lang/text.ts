import type { Position, Range } from './types';

/** Offset ↔ position conversion for one document text (0-based lines, UTF-16 columns). */
export class LineIndex {
  readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }
  get lineCount(): number {
    return this.starts.length;
  }
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    // An offset inside a CRLF line break maps to the end of the line's content.
    return { line: lo, character: Math.min(o, this.lineEnd(lo)) - this.starts[lo] };
  }
  offset(p: Position): number {
    if (p.line < 0) return 0;
    if (p.line >= this.starts.length) return this.text.length;
    const lineEnd = this.lineEnd(p.line);
    return Math.min(this.starts[p.line] + Math.max(0, p.character), lineEnd);
  }
  /** Offset of the end of a line's content (before its line break). */
  lineEnd(line: number): number {
    let end = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    while (end > this.starts[line] && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return end;
  }
  lineText(line: number): string {
    return this.text.slice(this.starts[line], this.lineEnd(line));
  }
  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }
  /** Range of whole lines [firstLine, lastLine] including the final line break, for deletions. */
  wholeLines(firstLine: number, lastLine: number): Range {
    const endLine = lastLine + 1;
    if (endLine < this.starts.length) return { start: { line: firstLine, character: 0 }, end: { line: endLine, character: 0 } };
    return { start: { line: firstLine, character: 0 }, end: this.position(this.text.length) };
  }
}

export function containsPosition(r: Range, p: Position): boolean {
  if (p.line < r.start.line || p.line > r.end.line) return false;
  if (p.line === r.start.line && p.character < r.start.character) return false;
  if (p.line === r.end.line && p.character > r.end.character) return false;
  return true;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  const before = (x: Position, y: Position) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** Edit distance counting a swap of neighbours as one edit (typos like "flaot"); capped for long inputs. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 4 || a.length > 64 || b.length > 64) return 99;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest known spelling of an unknown key, for "did you mean" messages and quick fixes. */
export function didYouMean(word: string, known: readonly string[], aliases: Record<string, string> = {}): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  if (aliases[word]) return aliases[word];
  const w = norm(word);
  for (const k of known) if (norm(k) === w || norm(k) === w + 's' || norm(k) + 's' === w) return k;
  if (w.length < 3) return undefined;
  let best: string | undefined;
  let bestD = 99;
  for (const k of known) {
    const d = editDistance(w, norm(k));
    const limit = Math.max(1, Math.floor(k.length / 4));
    if (d <= limit && d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}
