import { MetricLineError, parsePythonFloat } from './metricFile';

/**
 * The file store's metric lines (`<timestamp> <value> <step>`, see metricFile.ts) parsed straight
 * into columns, for charts and sampled histories: a chart of 100 runs × 100,000 steps parses 10
 * million lines, so this pass allocates nothing per line. Values take an exact fast path (digits,
 * an optional fraction and exponent, at most 2^53 in the mantissa and a power of ten up to 22: one
 * correctly rounded multiplication or division gives the same double as Python's float()); anything
 * else (17-digit mantissas, nan, inf) goes through parsePythonFloat.
 *
 * Same acceptance rules as parseMetricHistory: 2, 3 or 5 fields, CRLF, blank lines skipped, a bad
 * line is a MetricLineError naming its number.
 */

export interface MetricColumns {
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
  length: number;
  /** Bytes parsed: the whole input, or with `completeLinesOnly` up to and including the last newline. */
  consumed: number;
  /** Lines seen (for numbering errors of a continued read). */
  lines: number;
}

const SPACE = 0x20;
const NL = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const D0 = 0x30;
const D9 = 0x39;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const TWO53 = 9007199254740992;
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

function text(buf: Uint8Array, s: number, e: number): string {
  if (Buffer.isBuffer(buf)) return buf.toString('latin1', s, e);
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i]);
  return out;
}

/** A value field; NaN with `bad` set when it is not a number Python would read. */
function parseValue(buf: Uint8Array, s: number, e: number, lineNo: number): number {
  let i = s;
  let neg = false;
  if (i < e && (buf[i] === MINUS || buf[i] === PLUS)) {
    neg = buf[i] === MINUS;
    i++;
  }
  let m = 0;
  let exp = 0;
  let digits = 0;
  let c = 0;
  while (i < e && (c = buf[i]) >= D0 && c <= D9) {
    m = m * 10 + (c - D0);
    digits++;
    i++;
  }
  if (i < e && buf[i] === DOT) {
    i++;
    while (i < e && (c = buf[i]) >= D0 && c <= D9) {
      m = m * 10 + (c - D0);
      exp--;
      digits++;
      i++;
    }
  }
  if (digits > 0 && i < e && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    let eneg = false;
    if (i < e && (buf[i] === MINUS || buf[i] === PLUS)) {
      eneg = buf[i] === MINUS;
      i++;
    }
    let x = 0;
    const es = i;
    while (i < e && (c = buf[i]) >= D0 && c <= D9 && x < 10000) {
      x = x * 10 + (c - D0);
      i++;
    }
    if (i === es) digits = 0; // "1e" is not a number: let the slow path say so
    exp += eneg ? -x : x;
  }
  if (digits > 0 && i === e) {
    if (m <= TWO53) {
      let v: number | undefined;
      if (exp === 0) v = m;
      else if (exp > 0 && exp <= 22) v = m * POW10[exp];
      else if (exp < 0 && exp >= -22) v = m / POW10[-exp];
      if (v !== undefined) return neg ? -v : v;
    }
    // Plain decimal syntax (checked above) with a long mantissa, as Python's repr writes most
    // floats (17 digits): JavaScript's Number() rounds a decimal string correctly, as float() does.
    return Number(text(buf, s, e));
  }
  const raw = text(buf, s, e);
  try {
    return parsePythonFloat(raw);
  } catch {
    throw new MetricLineError(lineNo, `line ${lineNo}: value '${raw}' is not a number`);
  }
}

function parseIntField(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (i < e && (buf[i] === MINUS || buf[i] === PLUS)) {
    neg = buf[i] === MINUS;
    i++;
  }
  if (i >= e) return NaN;
  let n = 0;
  for (; i < e; i++) {
    const c = buf[i] - D0;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return neg ? -n : n;
}

export interface ParseColumnsOptions {
  /** Stop after the last newline (a writer may be half-way through the next line). */
  completeLinesOnly?: boolean;
  /** Line number of the first line minus one, for error messages of a continued read. */
  firstLine?: number;
}

export function parseMetricColumns(buf: Uint8Array, opts: ParseColumnsOptions = {}): MetricColumns {
  let end = buf.length;
  if (opts.completeLinesOnly) end = buf.lastIndexOf(NL) + 1;
  // A line is at least 4 bytes ("1 2\n"); a guess from the size avoids regrowing for usual files.
  let cap = Math.max(16, Math.ceil(end / 24));
  let steps = new Float64Array(cap);
  let timestamps = new Float64Array(cap);
  let values = new Float64Array(cap);
  let n = 0;
  let lineNo = opts.firstLine ?? 0;
  let pos = 0;
  const starts = [0, 0, 0, 0, 0, 0];
  const ends = [0, 0, 0, 0, 0, 0];
  while (pos < end) {
    lineNo++;
    let nl = buf.indexOf(NL, pos);
    if (nl === -1 || nl >= end) nl = end;
    let le = nl;
    if (le > pos && buf[le - 1] === CR) le--;
    // Fields, split on spaces and tabs.
    let count = 0;
    let i = pos;
    while (i < le) {
      let c = buf[i];
      while (i < le && ((c = buf[i]) === SPACE || c === TAB)) i++;
      if (i >= le) break;
      const s = i;
      while (i < le && (c = buf[i]) !== SPACE && c !== TAB) i++;
      if (count < 6) {
        starts[count] = s;
        ends[count] = i;
      }
      count++;
    }
    pos = nl + 1;
    if (count === 0) continue;
    if (count !== 2 && count !== 3 && count !== 5) throw new MetricLineError(lineNo, `line ${lineNo} has ${count} fields; expected 'timestamp value step'`);
    const ts = parseIntField(buf, starts[0], ends[0]);
    if (ts !== ts) throw new MetricLineError(lineNo, `line ${lineNo}: timestamp '${text(buf, starts[0], ends[0])}' is not an integer`);
    let step = 0;
    if (count >= 3) {
      step = parseIntField(buf, starts[2], ends[2]);
      if (step !== step) throw new MetricLineError(lineNo, `line ${lineNo}: step '${text(buf, starts[2], ends[2])}' is not an integer`);
    }
    const v = parseValue(buf, starts[1], ends[1], lineNo);
    if (n === cap) {
      cap *= 2;
      const s2 = new Float64Array(cap);
      const t2 = new Float64Array(cap);
      const v2 = new Float64Array(cap);
      s2.set(steps);
      t2.set(timestamps);
      v2.set(values);
      steps = s2;
      timestamps = t2;
      values = v2;
    }
    steps[n] = step;
    timestamps[n] = ts;
    values[n] = v;
    n++;
  }
  return { steps: steps.subarray(0, n), timestamps: timestamps.subarray(0, n), values: values.subarray(0, n), length: n, consumed: end, lines: lineNo };
}
