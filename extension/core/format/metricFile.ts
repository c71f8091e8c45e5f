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

/**
 * Python's float() grammar for decimal text, used where Number() alone would not decide: digits may
 * be grouped by single underscores (Python reads 1_000, Number() does not).
 */
const D = String.raw`\d(?:_?\d)*`;
const PY_DECIMAL = new RegExp(`^[+-]?(?:(?:${D})?\\.${D}|${D}\\.?)(?:[eE][+-]?${D})?$`);

/**
 * Python float(): accepts nan/inf spellings that JavaScript's Number() does not, and refuses the
 * 0x…, 0b… and 0o… literals that Number() reads and Python does not (MLflow never writes them: a
 * metric file holding one is corrupt, not 16).
 */
export function parsePythonFloat(s: string): number {
  const t = s.trim();
  const n = Number(t);
  if (!Number.isNaN(n) && t !== '') {
    const second = t.length > 1 && t.charCodeAt(0) === 0x30 ? t.charCodeAt(1) | 0x20 : 0;
    if (second !== 0x78 && second !== 0x62 && second !== 0x6f) return n;
    throw new Error(`not a number: '${s}'`);
  }
  if (t.includes('_') && PY_DECIMAL.test(t)) return Number(t.replace(/_/g, ''));
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

/** Returns the number of the last line visited or skipped (`firstLineNo` when there is none). */
function forEachLine(buf: Uint8Array, visit: LineVisitor, firstLineNo = 0): number {
  const f: LineFields = { count: 0, starts: [0, 0, 0, 0, 0, 0], ends: [0, 0, 0, 0, 0, 0] };
  let lineStart = 0;
  let lineNo = firstLineNo;
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
  return lineNo;
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

/**
 * Every point in file (append) order, as MLflow's get_metric_history returns them for file stores.
 * For a file read in pieces of whole lines: `out` collects across pieces, `firstLineNo` is the number
 * of lines before this piece (for error messages); returns the line count after this piece.
 */
export function parseMetricHistory(key: string, buf: Uint8Array): Metric[];
export function parseMetricHistory(key: string, buf: Uint8Array, out: Metric[], firstLineNo: number): number;
export function parseMetricHistory(key: string, buf: Uint8Array, out?: Metric[], firstLineNo = 0): Metric[] | number {
  const into = out ?? [];
  const lines = forEachLine(buf, (ts, step, b, f, lineNo) => into.push(toMetric(key, ts, valueOf(b, f, lineNo), step, b, f)), firstLineNo);
  return out ? lines : into;
}

/** Python's max() over (step, timestamp, value) tuples: on equal step and timestamp a later point
 * wins only if its value compares greater, so a NaN neither wins nor is displaced by comparison. */
function valueGreater(a: number, b: number): boolean {
  return a > b;
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * Latest value: the point with the greatest (step, timestamp, value), not the last line.
 *
 * This runs over every line of every metric file when a large experiment is listed (100M lines for
 * 10,000 runs), and steps usually increase, so every line is the best so far: the canonical line
 * `<digits> <value> <digits>` is therefore scanned in one pass without allocating, only positions of
 * the best line are kept, and its value is parsed once at the end. Values are parsed early only on a
 * (step, timestamp) tie; values that are not plainly numeric are parsed on the spot so garbage is
 * still reported (bytes outside `0-9 . e E + -`). Any other line shape goes through the general
 * splitter with its exact errors.
 */
export function parseLatestMetric(key: string, buf: Uint8Array): Metric | undefined {
  return scanLatestMetric(key, buf, undefined, 0).metric;
}

/**
 * parseLatestMetric over a file read in pieces of whole lines: `prev` is the latest point of the
 * pieces before (already materialized, since their bytes are gone), `firstLineNo` the number of
 * lines before this piece. Returns the latest point so far and the line count after this piece.
 */
export function scanLatestMetric(key: string, buf: Uint8Array, prev: Metric | undefined, firstLineNo: number): { metric: Metric | undefined; lines: number } {
  // No closure may capture these locals: captured variables live in a heap context, and every
  // access in the per-byte loop would then be a memory load instead of a register.
  const n = buf.length;
  let found = prev !== undefined;
  let bestInPrev = found;
  let bestStep = prev ? prev.step : 0;
  let bestTs = prev ? prev.timestamp : 0;
  let bestValue = prev ? prev.value : NaN;
  let bestValueParsed = found;
  let bestLineStart = 0;
  let bestLineEnd = 0;
  let bestLineNo = 0;
  let bestFields: LineFields | undefined;
  let lineStart = 0;
  let lineNo = firstLineNo;
  while (lineStart < n) {
    lineNo++;
    let i = lineStart;
    let ts = 0;
    let step = 0;
    let valueStart = 0;
    let valueEnd = 0;
    let plain = true;
    let canonical = false;
    let contentEnd = 0;
    let c = 0;
    while (i < n && (c = buf[i]) >= DIGIT_0 && c <= DIGIT_9) {
      ts = ts * 10 + (c - DIGIT_0);
      i++;
    }
    if (i > lineStart && i < n && buf[i] === SPACE) {
      valueStart = ++i;
      while (i < n) {
        c = buf[i];
        if (c === SPACE || c === NL || c === CR || c === TAB) break;
        if (!((c >= DIGIT_0 && c <= DIGIT_9) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d)) plain = false;
        i++;
      }
      valueEnd = i;
      if (valueEnd > valueStart && i < n && buf[i] === SPACE) {
        const stepStart = ++i;
        while (i < n && (c = buf[i]) >= DIGIT_0 && c <= DIGIT_9) {
          step = step * 10 + (c - DIGIT_0);
          i++;
        }
        if (i > stepStart) {
          contentEnd = i;
          if (i < n && buf[i] === CR) i++;
          if (i === n || buf[i] === NL) canonical = true;
        }
      }
    }
    let lineEnd: number;
    let fields: LineFields | undefined;
    if (canonical) {
      lineEnd = i;
      if (!plain) valueOf(buf, valueFields(valueStart, valueEnd), lineNo);
    } else {
      // Anything unusual (2 or 5 fields, signs, tabs, blank lines, errors): the general splitter.
      lineEnd = buf.indexOf(NL, lineStart);
      if (lineEnd === -1) lineEnd = n;
      contentEnd = lineEnd > lineStart && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      fields = generalLine(buf, lineStart, contentEnd, lineNo);
      if (!fields) {
        lineStart = lineEnd + 1;
        continue;
      }
      ts = parseIntBytes(buf, fields.starts[0], fields.ends[0]);
      step = fields.count >= 3 ? parseIntBytes(buf, fields.starts[2], fields.ends[2]) : 0;
    }
    if (!found || step > bestStep || (step === bestStep && ts > bestTs)) {
      found = true;
      bestInPrev = false;
      bestStep = step;
      bestTs = ts;
      bestValueParsed = false;
      bestLineStart = lineStart;
      bestLineEnd = contentEnd;
      bestLineNo = lineNo;
      bestFields = fields;
    } else if (step === bestStep && ts === bestTs) {
      const v = valueOf(buf, fields ?? valueFields(valueStart, valueEnd), lineNo);
      if (!bestValueParsed) {
        bestValue = valueOf(buf, bestFields ?? splitLine(buf, bestLineStart, bestLineEnd), bestLineNo);
        bestValueParsed = true;
      }
      if (valueGreater(v, bestValue)) {
        bestInPrev = false;
        bestValue = v;
        bestLineStart = lineStart;
        bestLineEnd = contentEnd;
        bestLineNo = lineNo;
        bestFields = fields;
      }
    }
    lineStart = lineEnd + 1;
  }
  if (!found) return { metric: undefined, lines: lineNo };
  if (bestInPrev) return { metric: prev, lines: lineNo };
  const f = bestFields ?? splitLine(buf, bestLineStart, bestLineEnd);
  return { metric: toMetric(key, bestTs, bestValueParsed ? bestValue : valueOf(buf, f, bestLineNo), bestStep, buf, f), lines: lineNo };
}

function valueFields(start: number, end: number): LineFields {
  return { count: 3, starts: [0, start, 0], ends: [0, end, 0] };
}

function splitLine(buf: Uint8Array, start: number, end: number): LineFields {
  const f: LineFields = { count: 0, starts: [0, 0, 0, 0, 0, 0], ends: [0, 0, 0, 0, 0, 0] };
  splitFields(buf, start, end, f);
  return f;
}

/** One line through the general splitter and its checks (field count, integer timestamp and step), with
 * positions relative to `buf`; undefined for a blank line. */
function generalLine(buf: Uint8Array, start: number, end: number, lineNo: number): LineFields | undefined {
  let out: LineFields | undefined;
  forEachLine(
    buf.subarray(start, end),
    (_ts, _step, _b, lf) => {
      out = { count: lf.count, starts: lf.starts.map((x) => x + start), ends: lf.ends.map((x) => x + start) };
    },
    lineNo - 1,
  );
  return out;
}
