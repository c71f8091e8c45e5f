/**
 * Exponential moving average as TensorBoard and MLflow's UI draw it: a running average with
 * weight `w` in [0, 1), divided by 1 - w^n so the first points are not pulled toward zero.
 * Non-finite values pass through unchanged and do not disturb the average (a NaN would otherwise
 * poison every later point). Weight 0 returns the values as they are.
 */
export function emaSmooth(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  const w = Math.min(Math.max(Number.isFinite(weight) ? weight : 0, 0), 0.999);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    if (w === 0) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    n++;
    out[i] = last / (1 - Math.pow(w, n));
  }
  return out;
}
