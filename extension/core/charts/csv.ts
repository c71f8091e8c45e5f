/**
 * CSV of metric points (`mlwb history --csv`, the chart panel's "CSV of plotted data"): RFC 4180
 * quoting, `\n` line ends, numbers as JavaScript's shortest round-trip text, and non-finite values
 * spelled as in the JSON output (NaN, Infinity, -Infinity) so a reader can tell them apart.
 */

export interface CsvPoint {
  runId: string;
  key: string;
  step: number;
  timestamp: number;
  value: number;
}

export const HISTORY_CSV_HEADER = ['run_id', 'key', 'step', 'timestamp', 'value'];

export function csvNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

export function csvCell(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A text cell a spreadsheet would take for a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe, as OWASP advises: run names are free text and a CSV is often opened in a spreadsheet.
 */
export function csvTextCell(s: string): string {
  return csvCell(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
}

export function csvLine(cells: string[]): string {
  return cells.join(',') + '\n';
}

export function historyCsvHeader(): string {
  return csvLine(HISTORY_CSV_HEADER);
}

export function historyCsvRows(points: Iterable<CsvPoint>): string {
  let out = '';
  for (const p of points) out += csvLine([csvCell(p.runId), csvCell(p.key), String(p.step), String(p.timestamp), csvNumber(p.value)]);
  return out;
}
