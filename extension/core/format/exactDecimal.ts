/**
 * Decimal numbers to doubles without building a string, for parsers that read millions of values
 * straight from bytes (metricColumns.ts). The result must be the double `Number(text)` gives (the
 * correctly rounded one, as Python's float() gives too), bit for bit: when this code cannot prove
 * it, it answers NaN and the caller parses the text instead.
 *
 * The value is M × 10^q, with M an integer of at most 19 digits given as `m1 × 10^n2 + m2`
 * (m1 < 10^15 holds the first digits, m2 < 10^n2 the rest, n2 ≤ 4) and |q| ≤ 100. Python's repr
 * writes 17 significant digits for most floats, above the 2^53 limit of the classic exact path (one
 * rounding of an exact integer by an exact power of ten, |q| ≤ 22, still taken when it applies), so:
 * - M becomes an exact double-double hi + lo;
 * - M × 10^q is computed in double-double arithmetic (error-free products by Dekker's splitting,
 *   since JavaScript has no fused multiply-add): times or divided by the exact 10^|q| for
 *   |q| ≤ 22, times a double-double table entry beyond; the error stays under 2^-100 of the result;
 * - the result s = fl(hi' + lo') is the correctly rounded value unless the exact value could lie on
 *   the other side of a rounding boundary: s must stay the rounding of both ends of the error
 *   interval, checked with two correctly rounded additions. Values within 2^-90 (relative) of a
 *   boundary, exact ties included, are left to the caller: about one 17-digit value in 2^37.
 */

const TWO32 = 4294967296;
const TWO53 = 9007199254740992;
/** Veltkamp's splitting constant, 2^27 + 1. */
const SPLIT = 134217729;
/** 2^-90: well above the error bound (≈ 2^-102) and far below half an ulp (2^-53). */
const TOL = 2 ** -90;

/** 10^0 … 10^22: every one an exact double. */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** Decimal exponents the double-double path takes: results stay far from overflow and subnormals. */
export const MIN_EXP10 = -100;
export const MAX_EXP10 = 100;

/**
 * 10^q for q in [MIN_EXP10, MAX_EXP10] as a double-double rh + rl (rl under 2^-53 of rh, itself
 * rounded, so the pair is within 2^-106 of 10^q), with rh split in halves for Dekker's product.
 * Computed once from exact integers (BigInt).
 */
const RH: number[] = [];
const RH_HI: number[] = [];
const RH_LO: number[] = [];
const RL: number[] = [];
{
  const f = new Float64Array(1);
  const bits = new BigUint64Array(f.buffer);
  const K = 800n; // scale for negative powers: 2^-800 · 10^-100 is still far above the rounding of rl
  for (let q = MIN_EXP10; q <= MAX_EXP10; q++) {
    const rh = Number(`1e${q}`);
    f[0] = rh;
    const b = bits[0];
    const m = (b & ((1n << 52n) - 1n)) | (1n << 52n);
    const e = Number((b >> 52n) & 0x7ffn) - 1075; // rh = m · 2^e
    let rl = 0;
    if (q > 22) rl = Number(10n ** BigInt(q) - (m << BigInt(e)));
    else if (q < 0) rl = Number((1n << K) / 10n ** BigInt(-q) - (m << (K + BigInt(e)))) * 2 ** -Number(K);
    const t = SPLIT * rh;
    const h = t - (t - rh);
    RH.push(rh);
    RH_HI.push(h);
    RH_LO.push(rh - h);
    RL.push(rl);
  }
}

const POW10_HI: number[] = [];
const POW10_LO: number[] = [];
for (const d of POW10) {
  const t = SPLIT * d;
  const h = t - (t - d);
  POW10_HI.push(h);
  POW10_LO.push(d - h);
}

/**
 * m1 × 10^n2 + m2, times 10^q, correctly rounded; NaN when that cannot be proven here.
 * Requires integers 0 ≤ m1 < 10^15, 0 ≤ n2 ≤ 4, 0 ≤ m2 < 10^n2, MIN_EXP10 ≤ q ≤ MAX_EXP10.
 */
export function decimalToDouble(m1: number, m2: number, n2: number, q: number): number {
  const p = POW10[n2];
  const approx = m1 * p + m2;
  if (approx < TWO53 && q >= -22 && q <= 22) {
    // M is exact (a product or sum at or above 2^53 would round to at least 2^53): one correctly
    // rounded operation with an exact power of ten is the answer.
    return q < 0 ? approx / POW10[-q] : approx * POW10[q];
  }
  let hi = approx;
  let lo = 0;
  if (approx >= TWO53) {
    // M = A + B exactly: m1 split at 2^32 so that both partial products are exact (p < 2^14).
    const h = Math.floor(m1 / TWO32);
    const A = h * p * TWO32;
    const B = (m1 - h * TWO32) * p + m2;
    // Knuth's two-sum: hi + lo = A + B exactly, hi the rounded sum.
    hi = A + B;
    const bb = hi - A;
    lo = A - (hi - bb) + (B - bb);
  }
  let s: number;
  let e: number;
  if (q < -22 || q > 22) {
    // (hi + lo) × (rh + rl), 10^q as a double-double: hi × rh exactly as p1 + perr, the small
    // cross terms rounded.
    const k = q - MIN_EXP10;
    const rh = RH[k];
    const p1 = hi * rh;
    const t = SPLIT * hi;
    const hh = t - (t - hi);
    const hl = hi - hh;
    const perr = hh * RH_HI[k] - p1 + hh * RH_LO[k] + hl * RH_HI[k] + hl * RH_LO[k];
    const tail = perr + (hi * RL[k] + lo * rh);
    s = p1 + tail;
    e = tail - (s - p1);
  } else if (q >= 0) {
    // 10^q is exact: hi × d = p1 + perr exactly, plus lo × d.
    const d = POW10[q];
    const dh = POW10_HI[q];
    const dl = POW10_LO[q];
    const p1 = hi * d;
    const t = SPLIT * hi;
    const hh = t - (t - hi);
    const hl = hi - hh;
    const perr = hh * dh - p1 + hh * dl + hl * dh + hl * dl;
    const tail = perr + lo * d;
    s = p1 + tail;
    e = tail - (s - p1);
  } else {
    // Divided by the exact 10^-q: a quotient and the quotient of its remainder.
    const d = POW10[-q];
    const dh = POW10_HI[-q];
    const dl = POW10_LO[-q];
    const q1 = hi / d;
    const t = SPLIT * q1;
    const qh = t - (t - q1);
    const ql = q1 - qh;
    const r1 = q1 * d;
    const r2 = qh * dh - r1 + qh * dl + ql * dh + ql * dl; // q1 × d = r1 + r2 exactly
    const rem = hi - r1 - r2 + lo; // hi - r1 is exact (Sterbenz)
    const q2 = rem / d;
    s = q1 + q2;
    e = q2 - (s - q1);
  }
  // s + e is the computed value; the exact one is within TOL·|s| of it. Both ends of that interval
  // must round to s (rounding is monotone, so everything between does too).
  const tol = (s < 0 ? -s : s) * TOL;
  if (s + (e + tol) === s && s + (e - tol) === s) return s;
  return NaN;
}
