import { isRecord, parseMlflowYaml } from '../format/mlflowYaml';
import { parseBody } from './requestBody';

/**
 * A first request body for a model, from what its `MLmodel` says it was logged with:
 *  1. `saved_input_example_info.serving_input_path` (serving_input_example.json, MLflow ≥ 2.16):
 *     already a complete body;
 *  2. `saved_input_example_info.artifact_path` (input_example.json): wrapped by its `type` and
 *     `pandas_orient` as MLflow's own conversion does;
 *  3. the signature's input schema: one row of placeholder values per column or tensor.
 * `read` gets a path relative to the model folder and returns its text, or undefined if absent.
 */

export interface ExampleBody {
  body: string;
  /** Where it came from, for the panel to say: a file name or "the signature". */
  source: string;
}

const MAX_EXAMPLE_CHARS = 1024 * 1024;

function pretty(v: unknown): string {
  return JSON.stringify(v, null, 2);
}

export async function exampleBody(mlmodelText: string, read: (path: string) => Promise<string | undefined>): Promise<ExampleBody | undefined> {
  let mlmodel: unknown;
  try {
    mlmodel = parseMlflowYaml(mlmodelText);
  } catch {
    return undefined;
  }
  if (!isRecord(mlmodel)) return undefined;
  const info = isRecord(mlmodel.saved_input_example_info) ? mlmodel.saved_input_example_info : undefined;
  const safe = (p: unknown): p is string => typeof p === 'string' && p !== '' && !p.startsWith('/') && !p.split(/[\\/]/).includes('..');
  if (info && safe(info.serving_input_path)) {
    const text = await read(info.serving_input_path);
    if (text !== undefined && text.length <= MAX_EXAMPLE_CHARS && parseBody(text).ok) return { body: pretty(JSON.parse(text)), source: info.serving_input_path };
  }
  if (info && safe(info.artifact_path)) {
    const text = await read(info.artifact_path);
    if (text !== undefined && text.length <= MAX_EXAMPLE_CHARS) {
      try {
        const value: unknown = JSON.parse(text);
        const key = info.type === 'dataframe' ? (info.pandas_orient === 'records' ? 'dataframe_records' : 'dataframe_split') : 'inputs';
        return { body: pretty({ [key]: value }), source: info.artifact_path };
      } catch {
        // fall through to the signature
      }
    }
  }
  const signature = isRecord(mlmodel.signature) ? mlmodel.signature : undefined;
  const inputs = typeof signature?.inputs === 'string' ? signature.inputs : undefined;
  const fromSignature = inputs ? bodyFromSchema(inputs) : undefined;
  return fromSignature ? { body: fromSignature, source: 'the signature (placeholder values)' } : undefined;
}

function placeholder(type: unknown): unknown {
  switch (type) {
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'integer':
    case 'long':
      return 0;
    case 'double':
    case 'float':
      return 0.0;
    case 'datetime':
      return '2020-01-01T00:00:00';
    default:
      return null;
  }
}

/** One row of placeholders for a column schema; a zero tensor of the declared shape (-1 → 1) otherwise. */
export function bodyFromSchema(inputsJson: string): string | undefined {
  let spec: unknown;
  try {
    spec = JSON.parse(inputsJson);
  } catch {
    return undefined;
  }
  if (!Array.isArray(spec) || spec.length === 0 || !spec.every(isRecord)) return undefined;
  if (spec.every((c) => c.type !== 'tensor')) {
    const named = spec.every((c) => typeof c.name === 'string');
    const columns = spec.map((c, i) => (named ? String(c.name) : String(i)));
    return pretty({ dataframe_split: { columns, data: [spec.map((c) => placeholder(c.type))] } });
  }
  const t = spec[0]['tensor-spec'];
  if (spec.length !== 1 || !isRecord(t) || !Array.isArray(t.shape)) return undefined;
  const zero = typeof t.dtype === 'string' && /str|object/.test(t.dtype) ? '' : 0;
  const build = (dims: unknown[]): unknown => {
    if (dims.length === 0) return zero;
    const n = typeof dims[0] === 'number' && dims[0] > 0 ? Math.min(dims[0], 16) : 1;
    return Array.from({ length: n }, () => build(dims.slice(1)));
  };
  return pretty({ inputs: build(t.shape) });
}
