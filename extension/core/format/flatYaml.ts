/**
 * A quick reader for the flat `key: value` mappings PyYAML writes for MLflow's meta.yaml files,
 * for listing thousands of runs: the general YAML parser costs a few hundred microseconds per
 * file, this a few. It only accepts lines whose meaning is beyond doubt and returns undefined for
 * anything else (double quotes, multi-line values, nesting, comments, YAML 1.1's many plain-scalar
 * types), so the caller falls back to the full parser and the result is always the same.
 */

/** Plain scalars read as text: a letter, `_` or `/` first, printable ASCII, no ` #`, `: ` or trailing `:`/space. */
const PLAIN_TEXT = /^[A-Za-z_/][\x20-\x7e]*$/;
/** YAML 1.1 words that are not strings: booleans and null. */
const SPECIAL_WORDS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  'null', 'Null', 'NULL',
]);
const DECIMAL = /^(?:0|-?[1-9][0-9]*)$/;
/**
 * Run ids are hex and often start with a digit. Such a plain scalar is text unless YAML 1.1 reads
 * it as a number: only digits, `0b` and binary digits, or digits around an `e` (exponent). A hex
 * letter other than `e` rules the numbers out; after a `0b` prefix, any digit but 0 and 1 does
 * (`0b0aae…`, one run id in 256, is text; `0b101` is 5).
 */
const HEX_TEXT = /^[0-9a-f]+$/;
const HEX_NOT_E = /[a-df]/;
const NOT_BINARY = /[^01]/;

/** `0`-`9`, `A`-`Z`, `a`-`z`, `_`: what a key may hold (it may not start with a digit). */
function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}

function scalar(raw: string): { value: unknown } | undefined {
  if (raw === '' || raw === 'null' || raw === '~') return { value: null };
  if (raw === '[]') return { value: [] };
  if (raw === '{}') return { value: {} };
  const c = raw.charCodeAt(0);
  if (c === 39 /* ' */) {
    if (raw.length < 2 || raw.charCodeAt(raw.length - 1) !== 39) return undefined;
    const body = raw.slice(1, -1);
    // Inside single quotes only '' is special; a lone quote means the line is not one scalar.
    if (/[^\x20-\x7e]/.test(body) || body.replace(/''/g, '').includes("'")) return undefined;
    return { value: body.replace(/''/g, "'") };
  }
  // Only these can be decimals or hex-looking words (the regular expressions below decide).
  const digitOrMinus = (c >= 48 && c <= 57) || c === 45;
  if (digitOrMinus && DECIMAL.test(raw)) {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? { value: n } : undefined;
  }
  if ((digitOrMinus || (c >= 97 && c <= 102)) && HEX_TEXT.test(raw)) {
    return HEX_NOT_E.test(raw) && (!raw.startsWith('0b') || NOT_BINARY.test(raw.slice(2))) ? { value: raw } : undefined;
  }
  if (!PLAIN_TEXT.test(raw) || SPECIAL_WORDS.has(raw)) return undefined;
  if (raw.endsWith(' ') || raw.endsWith(':') || raw.includes(' #') || raw.includes(': ') || raw.includes('\t')) return undefined;
  return { value: raw };
}

/**
 * The mapping, or undefined when the text is not a plain flat mapping (then use the full parser).
 * A line is `key:` or `key: value`, the key `[A-Za-z_][A-Za-z0-9_]*`; the value holds no CR and no
 * Unicode line separator. Scanned by hand: thousands of these files are read per listing.
 */
export function parseFlatYaml(text: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const n = text.length;
  if (n === 0) return undefined;
  let start = 0;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const c0 = text.charCodeAt(start);
    // A key starts with a letter or `_`.
    if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95)) return undefined;
    let k = start + 1;
    while (k < end && isKeyChar(text.charCodeAt(k))) k++;
    if (k >= end || text.charCodeAt(k) !== 58 /* : */) return undefined;
    const key = text.slice(start, k);
    if (SPECIAL_WORDS.has(key) || key === '__proto__') return undefined;
    let raw = '';
    if (k + 1 < end) {
      // `key:value` without a space is one plain scalar in YAML, not a pair.
      if (text.charCodeAt(k + 1) !== 32) return undefined;
      raw = text.slice(k + 2, end);
      if (raw.includes('\r') || raw.includes('\u2028') || raw.includes('\u2029')) return undefined;
    }
    const v = scalar(raw);
    if (!v) return undefined;
    out[key] = v.value;
    start = end + 1;
  }
  return out;
}
