/**
 * A quick reader for the flat `key: value` mappings PyYAML writes for MLflow's meta.yaml files,
 * for listing thousands of runs: the general YAML parser costs a few hundred microseconds per
 * file, this a few. It only accepts lines whose meaning is beyond doubt and returns undefined for
 * anything else (double quotes, multi-line values, nesting, comments, YAML 1.1's many plain-scalar
 * types), so the caller falls back to the full parser and the result is always the same.
 */

const KEY = /^([A-Za-z_][A-Za-z0-9_]*): ?(.*)$/;
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
 * it as a number: only digits, `0b…` (binary) or digits around an `e` (exponent). A hex letter
 * other than `e` rules the numbers out, except for the `0b` prefix.
 */
const HEX_TEXT = /^[0-9a-f]+$/;
const HEX_NOT_E = /[a-df]/;

function scalar(raw: string): { value: unknown } | undefined {
  if (raw === '' || raw === 'null' || raw === '~') return { value: null };
  if (raw === '[]') return { value: [] };
  if (raw === '{}') return { value: {} };
  if (raw.startsWith("'")) {
    if (raw.length < 2 || !raw.endsWith("'")) return undefined;
    const body = raw.slice(1, -1);
    // Inside single quotes only '' is special; a lone quote means the line is not one scalar.
    if (/[^\x20-\x7e]/.test(body) || body.replace(/''/g, '').includes("'")) return undefined;
    return { value: body.replace(/''/g, "'") };
  }
  if (DECIMAL.test(raw)) {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? { value: n } : undefined;
  }
  if (HEX_TEXT.test(raw)) return HEX_NOT_E.test(raw) && !raw.startsWith('0b') ? { value: raw } : undefined;
  if (!PLAIN_TEXT.test(raw) || SPECIAL_WORDS.has(raw)) return undefined;
  if (raw.endsWith(' ') || raw.endsWith(':') || raw.includes(' #') || raw.includes(': ') || raw.includes('\t')) return undefined;
  return { value: raw };
}

/** The mapping, or undefined when the text is not a plain flat mapping (then use the full parser). */
export function parseFlatYaml(text: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return undefined;
  for (const line of lines) {
    const m = KEY.exec(line);
    if (!m || SPECIAL_WORDS.has(m[1]) || m[1] === '__proto__') return undefined;
    // `key:value` without a space is one plain scalar in YAML, not a pair.
    if (m[2] !== '' && line[m[1].length + 1] !== ' ') return undefined;
    const v = scalar(m[2]);
    if (!v) return undefined;
    out[m[1]] = v.value;
  }
  return out;
}
