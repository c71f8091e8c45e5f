import { decimalToDouble, MAX_EXP10, MIN_EXP10 } from './exactDecimal';
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
  /** Points already in step order, ties by timestamp (sortOrder in charts/series.ts has nothing to do). */
  sorted: boolean;
  /** NaN, +Infinity (or +MAX_VALUE) and -Infinity (or -MAX_VALUE) values, as countNonFinite counts them. */
  nonFinite: { nan: number; posInf: number; negInf: number };
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
// Module-level copies: an imported binding can be a property read per use (CommonJS output).
const Q_MIN = MIN_EXP10;
const Q_MAX = MAX_EXP10;
const toDouble = decimalToDouble;
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
  /**
   * Columns to fill instead of new ones (a caller that samples file after file reuses them); when
   * they are too small, larger ones are made and the result's columns are views on those.
   */
  into?: { steps: Float64Array; timestamps: Float64Array; values: Float64Array };
}

export function parseMetricColumns(buf: Uint8Array, opts: ParseColumnsOptions = {}): MetricColumns {
  let end = buf.length;
  if (opts.completeLinesOnly) end = buf.lastIndexOf(NL) + 1;
  // A line is at least 4 bytes ("1 2\n"); a guess from the size avoids regrowing for usual files.
  let cap = Math.max(16, Math.ceil(end / 24));
  let steps: Float64Array;
  let timestamps: Float64Array;
  let values: Float64Array;
  const into = opts.into;
  if (into && Math.min(into.steps.length, into.timestamps.length, into.values.length) >= cap) {
    ({ steps, timestamps, values } = into);
    cap = Math.min(steps.length, timestamps.length, values.length);
  } else {
    steps = new Float64Array(cap);
    timestamps = new Float64Array(cap);
    values = new Float64Array(cap);
  }
  let n = 0;
  let sorted = true;
  let prevStep = -Infinity;
  let prevTs = -Infinity;
  // Only values that do not come out of the exact decimal path can be non-finite (or ±MAX_VALUE).
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  let lineNo = opts.firstLine ?? 0;
  let pos = 0;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const end4 = end - 4;
  while (pos < end) {
    lineNo++;
    let ts = 0;
    let step = 0;
    let v = 0;
    let next = -1;
    // The line as MLflow writes it, `<digits> <decimal> <-?digits>\n`, in one pass over its bytes;
    // anything else (nan, inf, CRLF, tabs, 2 or 5 fields, a bad line) leaves this block and the
    // line is read again by the general parser below.
    fast: {
      let i = pos;
      let c = 0;
      let u = 0;
      const t0 = i;
      while (i <= end4 && isDigits4((u = dv.getInt32(i, true)))) {
        ts = ts * 10000 + digits4(u);
        i += 4;
      }
      while (i < end && (c = buf[i]) >= D0 && c <= D9) {
        ts = ts * 10 + (c - D0);
        i++;
      }
      // At most 15 digits: exact without checking.
      if (i === t0 || i - t0 > 15 || i >= end || c !== SPACE) break fast;
      const vs = ++i;
      let neg = false;
      if (i < end && buf[i] === MINUS) {
        neg = true;
        i++;
      }
      // Significant digits: the first 15 in m1, up to 4 more in m2 (19 in all, which the exact
      // conversion takes); `sig` keeps counting beyond, which sends the value to the text parse.
      let m1 = 0;
      let m2 = 0;
      let n2 = 0;
      let sig = 0;
      let seen = 0;
      let q = 0;
      let frac = false;
      for (;;) {
        // Four digits at a time once past leading zeros, while they still fit m1.
        if (sig > 0 && sig <= 11 && i <= end4 && isDigits4((u = dv.getInt32(i, true)))) {
          m1 = m1 * 10000 + digits4(u);
          sig += 4;
          seen += 4;
          if (frac) q -= 4;
          i += 4;
          continue;
        }
        if (i >= end) break;
        c = buf[i];
        if (c >= D0 && c <= D9) {
          seen++;
          if (frac) q--;
          i++;
          if (sig === 0 && c === D0) continue;
          if (sig < 15) m1 = m1 * 10 + (c - D0);
          else if (sig < 19) {
            m2 = m2 * 10 + (c - D0);
            n2++;
          }
          sig++;
        } else if (c === DOT && !frac) {
          frac = true;
          i++;
        } else break;
      }
      if (seen === 0 || i >= end) break fast;
      if (c === 0x65 || c === 0x45) {
        i++;
        let eneg = false;
        if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
          eneg = buf[i] === MINUS;
          i++;
        }
        let x = 0;
        const es = i;
        while (i < end && (c = buf[i]) >= D0 && c <= D9) {
          if (x < 100000) x = x * 10 + (c - D0);
          i++;
        }
        if (i === es || i >= end) break fast;
        q += eneg ? -x : x;
      }
      if (c !== SPACE) break fast;
      const ve = i++;
      let sneg = false;
      if (i < end && buf[i] === MINUS) {
        sneg = true;
        i++;
      }
      const s0 = i;
      while (i <= end4 && isDigits4((u = dv.getInt32(i, true)))) {
        step = step * 10000 + digits4(u);
        i += 4;
      }
      while (i < end && (c = buf[i]) >= D0 && c <= D9) {
        step = step * 10 + (c - D0);
        i++;
      }
      if (i === s0 || i - s0 > 15) break fast;
      if (i < end) {
        if (c !== NL) break fast;
        next = i + 1;
      } else next = end;
      if (sneg) step = -step;
      if (sig === 0) v = 0;
      else if (sig <= 19 && q >= Q_MIN && q <= Q_MAX) v = toDouble(m1, m2, n2, q);
      else v = NaN;
      // NaN: not provably exact here (more digits, a far exponent, a near tie): the text parse
      // of a plain decimal is the same correctly rounded conversion.
      if (v !== v) {
        v = Number(text(buf, neg ? vs + 1 : vs, ve));
        if (v === Infinity || v === Number.MAX_VALUE) {
          if (neg) negInf++;
          else posInf++;
        }
      }
      if (neg) v = -v;
    }
    if (next < 0) {
      next = slowLine(buf, pos, end, lineNo);
      if (slow.count === 0) {
        pos = next;
        continue;
      }
      ts = slow.ts;
      step = slow.step;
      v = slow.value;
      if (v !== v) nan++;
      else if (v === Infinity || v === Number.MAX_VALUE) posInf++;
      else if (v === -Infinity || v === -Number.MAX_VALUE) negInf++;
    }
    pos = next;
    if (step < prevStep || (step === prevStep && ts < prevTs)) sorted = false;
    prevStep = step;
    prevTs = ts;
    if (n === cap) {
      cap = Math.max(16, cap * 2);
      const s2 = new Float64Array(cap);
      const t2 = new Float64Array(cap);
      const v2 = new Float64Array(cap);
      s2.set(steps.subarray(0, n));
      t2.set(timestamps.subarray(0, n));
      v2.set(values.subarray(0, n));
      steps = s2;
      timestamps = t2;
      values = v2;
    }
    steps[n] = step;
    timestamps[n] = ts;
    values[n] = v;
    n++;
  }
  return { steps: steps.subarray(0, n), timestamps: timestamps.subarray(0, n), values: values.subarray(0, n), length: n, consumed: end, lines: lineNo, sorted, nonFinite: { nan, posInf, negInf } };
}

/** Four ASCII digits in a little-endian 32-bit word. */
function isDigits4(u: number): boolean {
  return (u & 0xf0f0f0f0) === 0x30303030 && ((u + 0x06060606) & 0xf0f0f0f0) === 0x30303030;
}

/** The value of four ASCII digits (the first in the low byte), isDigits4 having said they are. */
function digits4(u: number): number {
  let v = u - 0x30303030;
  v = (Math.imul(v, 10) + (v >>> 8)) & 0x00ff00ff;
  return (Math.imul(v, 100) + (v >>> 16)) & 0xffff;
}

/** What slowLine read: `count` fields (0 for a blank line). */
const slow = { count: 0, ts: 0, step: 0, value: 0 };
const starts = [0, 0, 0, 0, 0, 0];
const ends = [0, 0, 0, 0, 0, 0];

/** Any line, by the general rules (see the top of the file); returns where the next line starts. */
function slowLine(buf: Uint8Array, pos: number, end: number, lineNo: number): number {
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
  slow.count = count;
  if (count === 0) return nl + 1;
  if (count !== 2 && count !== 3 && count !== 5) throw new MetricLineError(lineNo, `line ${lineNo} has ${count} fields; expected 'timestamp value step'`);
  const ts = parseIntField(buf, starts[0], ends[0]);
  if (ts !== ts) throw new MetricLineError(lineNo, `line ${lineNo}: timestamp '${text(buf, starts[0], ends[0])}' is not an integer`);
  let step = 0;
  if (count >= 3) {
    step = parseIntField(buf, starts[2], ends[2]);
    if (step !== step) throw new MetricLineError(lineNo, `line ${lineNo}: step '${text(buf, starts[2], ends[2])}' is not an integer`);
  }
  slow.ts = ts;
  slow.step = step;
  slow.value = parseValue(buf, starts[1], ends[1], lineNo);
  return nl + 1;
}
