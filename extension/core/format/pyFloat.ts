/**
 * Python's `repr(float)` (which is also `str(float)` and what an f-string writes): the shortest text
 * that reads back to the same double, as MLflow's file store writes metric values. JavaScript finds
 * the same shortest digits, but lays them out differently (`1e-7` vs `1e-07`, `1e+21` vs fixed
 * notation up to 1e16, `NaN`, no `.0` on integral values), so only the layout is redone here.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() with no argument gives the shortest round-trip digits, as repr does.
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  // Python switches to exponent notation when the decimal point would sit more than 16 digits
  // right of the first digit, or 4 or more zeros left of it (float_repr_style 'short', mode 'r').
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}
