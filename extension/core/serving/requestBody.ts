/**
 * The JSON bodies MLflow's scoring server takes on `/invocations`: an object with exactly one of
 * `dataframe_split`, `dataframe_records`, `instances` or `inputs` (and optionally `params`).
 * Checked here before sending so a typo gets a precise message instead of the server's 400, and
 * converted between formats where the data allow it (a table can be any of them; a tensor only
 * `instances` / `inputs`).
 */

export const BODY_FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
export type BodyFormat = (typeof BODY_FORMATS)[number];

export type ParsedBody = { ok: true; format: BodyFormat; value: unknown; params?: unknown } | { ok: false; message: string };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseBody(text: string): ParsedBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `Not valid JSON: ${(e as Error).message}` };
  }
  if (!isPlainObject(json)) return { ok: false, message: `The body must be a JSON object with one of ${BODY_FORMATS.join(', ')}` };
  const keys = Object.keys(json);
  const formats = keys.filter((k): k is BodyFormat => (BODY_FORMATS as readonly string[]).includes(k));
  const unknown = keys.filter((k) => k !== 'params' && !formats.includes(k as BodyFormat));
  if (unknown.length) return { ok: false, message: `Unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}: the body takes exactly one of ${BODY_FORMATS.join(', ')} (and optionally params)` };
  if (formats.length !== 1) return { ok: false, message: `The body needs exactly one of ${BODY_FORMATS.join(', ')}; it has ${formats.length ? formats.join(' and ') : 'none'}` };
  const format = formats[0];
  const value = json[format];
  if (format === 'dataframe_split' && !(isPlainObject(value) && Array.isArray(value.data))) return { ok: false, message: 'dataframe_split needs an object with a "data" array (and usually "columns")' };
  if (format === 'dataframe_records' && !(Array.isArray(value) && value.every(isPlainObject))) return { ok: false, message: 'dataframe_records needs an array of objects, one per row' };
  return 'params' in json ? { ok: true, format, value, params: json.params } : { ok: true, format, value };
}

/** Rows and named columns: the shape every format can express. */
interface Table {
  columns: string[];
  rows: unknown[][];
}

function tableOfRecords(records: Record<string, unknown>[]): Table {
  const columns: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows: records.map((r) => columns.map((c) => (c in r ? r[c] : null))) };
}

/** A table, or undefined when the value is a tensor (nested arrays, scalars) and stays as it is. */
function tableOf(format: BodyFormat, value: unknown): Table | undefined {
  if (format === 'dataframe_split') {
    const v = value as { columns?: unknown; data: unknown[] };
    const rows = v.data.map((r) => (Array.isArray(r) ? r : [r]));
    const width = Math.max(0, ...rows.map((r) => r.length));
    const columns = Array.isArray(v.columns) ? v.columns.map(String) : Array.from({ length: width }, (_, i) => String(i));
    return { columns, rows };
  }
  if (format === 'dataframe_records') return tableOfRecords(value as Record<string, unknown>[]);
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) return tableOfRecords(value);
  if (format === 'inputs' && isPlainObject(value)) {
    const cols = Object.entries(value);
    if (cols.length && cols.every(([, v]) => Array.isArray(v))) {
      const n = Math.max(...cols.map(([, v]) => (v as unknown[]).length));
      return { columns: cols.map(([k]) => k), rows: Array.from({ length: n }, (_, i) => cols.map(([, v]) => (v as unknown[])[i] ?? null)) };
    }
    // One record given as an object of scalars (a json_object example).
    return { columns: cols.map(([k]) => k), rows: [cols.map(([, v]) => v)] };
  }
  return undefined;
}

function records(t: Table): Record<string, unknown>[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null])));
}

/** The same data in another format; throws with the reason when it cannot be expressed there. */
export function convertBody(text: string, to: BodyFormat): string {
  const parsed = parseBody(text);
  if (!parsed.ok) throw new Error(parsed.message);
  if (parsed.format === to) return text;
  const table = tableOf(parsed.format, parsed.value);
  let value: unknown;
  if (!table) {
    // A tensor: instances and inputs carry it as is; a 2-D array can be a data frame's rows.
    const raw = parsed.value;
    if (to === 'instances' || to === 'inputs') value = raw;
    else if (Array.isArray(raw) && raw.every(Array.isArray)) value = to === 'dataframe_split' ? { data: raw } : undefined;
    if (value === undefined) throw new Error(`This ${parsed.format} value is a tensor, not a table: it cannot be sent as ${to}`);
  } else if (to === 'dataframe_split') value = { columns: table.columns, data: table.rows };
  else if (to === 'dataframe_records' || to === 'instances') value = records(table);
  else value = Object.fromEntries(table.columns.map((c, i) => [c, table.rows.map((r) => r[i] ?? null)]));
  const out: Record<string, unknown> = { [to]: value };
  if (parsed.params !== undefined) out.params = parsed.params;
  return JSON.stringify(out, null, 2);
}

export function formatOfBody(text: string): BodyFormat | undefined {
  const p = parseBody(text);
  return p.ok ? p.format : undefined;
}
