import type { Metric } from '../model/entities';

/**
 * Parser for the file store's metric files: one `<timestamp> <value> <step>` line per logged value
 * (2 fields in pre-1.0 files = step 0; 5 fields when tied to a dataset). Works on raw bytes because
 * listing thousands of runs means scanning millions of lines, and the latest value needs them all.
 */

export class MetricLineError extends Error {
  constructor(
    readonly lineNumber: number,
    message: string,
  ) {
    super(message);
  }
}

/** Python float(): accepts nan/inf spellings that JavaScript's Number() does not. */
export function parsePythonFloat(s: string): number {
  const t = s.trim();
  const n = Number(t);
  if (!Number.isNaN(n) && t !== '') return n;
  const l = t.toLowerCase();
  if (l === 'nan' || l === '+nan' || l === '-nan') return NaN;
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  throw new Error(`not a number: '${s}'`);
}

const SPACE = 0x20;
const NL = 0x0a;
const CR = 0x0d;
const TAB = 0x09;

/** Integer parse straight from bytes; returns NaN when the field is not a plain integer. */
function parseIntBytes(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let neg = false;
  if (i < end && (buf[i] === 0x2d || buf[i] === 0x2b)) {
    neg = buf[i] === 0x2d;
    i++;
  }
  if (i >= end) return NaN;
  let n = 0;
  for (; i < end; i++) {
    const c = buf[i] - 0x30;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return neg ? -n : n;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}

interface LineFields {
  count: number;
  starts: number[];
  ends: number[];
}

function splitFields(buf: Uint8Array, start: number, end: number, f: LineFields): void {
  f.count = 0;
  let i = start;
  while (i < end) {
    while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
    if (i >= end) break;
    const s = i;
    while (i < end && buf[i] !== SPACE && buf[i] !== TAB) i++;
    if (f.count < 6) {
      f.starts[f.count] = s;
      f.ends[f.count] = i;
    }
    f.count++;
  }
}

type LineVisitor = (ts: number, step: number, buf: Uint8Array, f: LineFields, lineNo: number) => void;

function forEachLine(buf: Uint8Array, visit: LineVisitor): void {
  const f: LineFields = { count: 0, starts: [0, 0, 0, 0, 0, 0], ends: [0, 0, 0, 0, 0, 0] };
  let lineStart = 0;
  let lineNo = 0;
  const n = buf.length;
  while (lineStart < n) {
    let e = buf.indexOf(NL, lineStart);
    if (e === -1) e = n;
    let lineEnd = e;
    if (lineEnd > lineStart && buf[lineEnd - 1] === CR) lineEnd--;
    lineNo++;
    splitFields(buf, lineStart, lineEnd, f);
    if (f.count !== 0) {
      if (f.count !== 2 && f.count !== 3 && f.count !== 5) {
        throw new MetricLineError(lineNo, `line ${lineNo} has ${f.count} fields; expected 'timestamp value step'`);
      }
      const ts = parseIntBytes(buf, f.starts[0], f.ends[0]);
      const step = f.count >= 3 ? parseIntBytes(buf, f.starts[2], f.ends[2]) : 0;
      if (Number.isNaN(ts)) throw new MetricLineError(lineNo, `line ${lineNo}: timestamp '${latin1(buf, f.starts[0], f.ends[0])}' is not an integer`);
      if (Number.isNaN(step)) throw new MetricLineError(lineNo, `line ${lineNo}: step '${latin1(buf, f.starts[2], f.ends[2])}' is not an integer`);
      visit(ts, step, buf, f, lineNo);
    }
    lineStart = e + 1;
  }
}

function valueOf(buf: Uint8Array, f: LineFields, lineNo: number): number {
  const raw = latin1(buf, f.starts[1], f.ends[1]);
  try {
    return parsePythonFloat(raw);
  } catch {
    throw new MetricLineError(lineNo, `line ${lineNo}: value '${raw}' is not a number`);
  }
}

function toMetric(key: string, ts: number, value: number, step: number, buf: Uint8Array, f: LineFields): Metric {
  const m: Metric = { key, value, timestamp: ts, step };
  if (f.count === 5) {
    m.datasetName = Buffer.from(buf.subarray(f.starts[3], f.ends[3])).toString('utf8');
    m.datasetDigest = Buffer.from(buf.subarray(f.starts[4], f.ends[4])).toString('utf8');
  }
  return m;
}

/** Every point in file (append) order, as MLflow's get_metric_history returns them for file stores. */
export function parseMetricHistory(key: string, buf: Uint8Array): Metric[] {
  const out: Metric[] = [];
  forEachLine(buf, (ts, step, b, f, lineNo) => out.push(toMetric(key, ts, valueOf(b, f, lineNo), step, b, f)));
  return out;
}

/** Python's max() over (step, timestamp, value) tuples: on equal step and timestamp a later point
 * wins only if its value compares greater, so a NaN neither wins nor is displaced by comparison. */
function valueGreater(a: number, b: number): boolean {
  return a > b;
}

/**
 * Latest value: the point with the greatest (step, timestamp, value), not the last line.
 * Values are only parsed for lines that could win, which keeps listing fast.
 */
export function parseLatestMetric(key: string, buf: Uint8Array): Metric | undefined {
  let best: Metric | undefined;
  forEachLine(buf, (ts, step, b, f, lineNo) => {
    if (best === undefined || step > best.step || (step === best.step && ts > best.timestamp)) {
      best = toMetric(key, ts, valueOf(b, f, lineNo), step, b, f);
    } else if (step === best.step && ts === best.timestamp) {
      const v = valueOf(b, f, lineNo);
      if (valueGreater(v, best.value)) best = toMetric(key, ts, v, step, b, f);
    }
  });
  return best;
}
