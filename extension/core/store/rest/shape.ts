/**
 * A small checker for the JSON a server answers with: each REST message gets a shape (restShapes.ts),
 * and a value that does not fit is reported with the path of the field and what it was, e.g.
 * "field experiments[2].name is a number, expected a string". Fields a shape does not name are
 * ignored (newer servers add fields); named ones that are absent are fine unless required, since
 * MLflow omits fields that hold their proto default.
 */

export class ShapeError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(field ? `field ${field} ${problem}` : `the answer ${problem}`);
    this.name = 'ShapeError';
  }
}

export type Shape = (value: unknown, path: string) => void;

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)})`;
  if (typeof v === 'number') return `a number (${v})`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  return typeof v;
}

function wrong(path: string, v: unknown, expected: string): never {
  throw new ShapeError(path, `is ${kindOf(v)}, expected ${expected}`);
}

export const str: Shape = (v, p) => {
  if (typeof v !== 'string') wrong(p, v, 'a string');
};

export const bool: Shape = (v, p) => {
  if (typeof v !== 'boolean') wrong(p, v, 'true or false');
};

/** Ids and versions: strings in the proto, but a number is what some servers send. */
export const id: Shape = (v, p) => {
  if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) wrong(p, v, 'a string id');
};

/** int64: a JSON number (MLflow's choice) or the decimal string protobuf's JSON mapping allows. */
export const int64: Shape = (v, p) => {
  if (typeof v === 'number' && Number.isFinite(v)) return;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return;
  wrong(p, v, 'an integer');
};

/** double: a number, or the strings protobuf uses for non-finite values and exact decimals. */
export const double: Shape = (v, p) => {
  if (typeof v === 'number') return;
  if (typeof v === 'string' && (v === 'NaN' || v === 'Infinity' || v === '-Infinity' || (v.trim() !== '' && Number.isFinite(Number(v))))) return;
  wrong(p, v, 'a number');
};

export function list(item: Shape): Shape {
  return (v, p) => {
    if (!Array.isArray(v)) wrong(p, v, 'a list');
    for (let i = 0; i < v.length; i++) item(v[i], `${p}[${i}]`);
  };
}

/** Fields named `name!` are required; the rest may be absent (or null, which JSON encoders emit for unset). */
export function obj(fields: Record<string, Shape>): Shape {
  const entries = Object.entries(fields).map(([k, shape]) => {
    const required = k.endsWith('!');
    return { key: required ? k.slice(0, -1) : k, required, shape };
  });
  return (v, p) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) wrong(p, v, 'an object');
    const o = v as Record<string, unknown>;
    for (const { key, required, shape } of entries) {
      const at = p ? `${p}.${key}` : key;
      const f = o[key];
      if (f === undefined || (f === null && !required)) {
        if (required) throw new ShapeError(at, 'is missing');
        continue;
      }
      shape(f, at);
    }
  };
}

/** Checks `value` against `shape`; throws ShapeError. */
export function check(value: unknown, shape: Shape): void {
  shape(value, '');
}
