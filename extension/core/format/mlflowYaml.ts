import { parse } from 'yaml';

/**
 * Reads a YAML file written by MLflow (PyYAML, YAML 1.1). YAML 1.1 matters: PyYAML writes the
 * string 'yes' quoted precisely because unquoted it would read back as a boolean.
 */
export function parseMlflowYaml(text: string): unknown {
  return parse(text, { version: '1.1', uniqueKeys: false, maxAliasCount: 100 });
}

export function asString(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
