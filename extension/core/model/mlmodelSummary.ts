import { asString, isRecord, parseMlflowYaml } from '../format/mlflowYaml';

/**
 * What a model version page shows from an `MLmodel` file: flavors with their main settings, the
 * signature (inputs, outputs, params: JSON strings inside the YAML, MLflow's format) and a few
 * provenance fields. Damage is reported per part, so a broken signature still shows the flavors.
 */

export interface SignatureColumn {
  name: string | null;
  /** `double`, `string`, … or `tensor (float64, [-1, 4])`. */
  type: string;
  required: boolean;
  /** For params: the default value as MLflow stored it. */
  default?: string;
}

export interface MlmodelSummary {
  flavors: { name: string; settings: { key: string; value: string }[] }[];
  signature?: { inputs: SignatureColumn[] | null; outputs: SignatureColumn[] | null; params: SignatureColumn[] | null };
  modelId: string | null;
  runId: string | null;
  createdAt: string | null;
  mlflowVersion: string | null;
  inputExample: boolean;
  problems: string[];
}

function scalarText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function columns(raw: unknown, part: string, problems: string[]): SignatureColumn[] | null {
  if (raw === null || raw === undefined) return null;
  const text = asString(raw);
  if (text === undefined) {
    problems.push(`signature.${part} is not the JSON string MLflow writes`);
    return null;
  }
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (e) {
    problems.push(`signature.${part} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
  if (!Array.isArray(list)) {
    problems.push(`signature.${part} is not a list`);
    return null;
  }
  return list.filter(isRecord).map((c) => {
    const spec = isRecord(c['tensor-spec']) ? c['tensor-spec'] : undefined;
    const type = c.type === 'tensor' && spec ? `tensor (${String(spec.dtype ?? '?')}, ${JSON.stringify(spec.shape ?? [])})` : (scalarText(c.type) ?? '?');
    const col: SignatureColumn = { name: asString(c.name) ?? null, type, required: c.required !== false && c.optional !== true };
    if ('default' in c) col.default = scalarText(c.default) ?? 'None';
    return col;
  });
}

/** Settings worth a line on the page; the rest of a flavor's keys are left to the file itself. */
const FLAVOR_KEYS = ['loader_module', 'python_version', 'python_model', 'model_path', 'sklearn_version', 'pytorch_version', 'transformers_version', 'serialization_format', 'code', 'env', 'predict_fn'];

export function summarizeMlmodel(text: string): MlmodelSummary {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parseMlflowYaml(text);
  } catch (e) {
    return { flavors: [], modelId: null, runId: null, createdAt: null, mlflowVersion: null, inputExample: false, problems: [`MLmodel is not valid YAML: ${e instanceof Error ? e.message : String(e)}`] };
  }
  if (!isRecord(doc)) return { flavors: [], modelId: null, runId: null, createdAt: null, mlflowVersion: null, inputExample: false, problems: ['MLmodel is empty or not a mapping'] };
  const flavors: MlmodelSummary['flavors'] = [];
  if (isRecord(doc.flavors)) {
    for (const [name, body] of Object.entries(doc.flavors)) {
      const settings: { key: string; value: string }[] = [];
      if (isRecord(body)) {
        for (const k of FLAVOR_KEYS) {
          const v = body[k];
          if (v === undefined || v === null) continue;
          settings.push({ key: k, value: k === 'env' && isRecord(v) ? Object.keys(v).join(', ') : (scalarText(v) ?? '') });
        }
      }
      flavors.push({ name, settings });
    }
  } else {
    problems.push('MLmodel has no flavors mapping');
  }
  let signature: MlmodelSummary['signature'];
  if (isRecord(doc.signature)) {
    signature = { inputs: columns(doc.signature.inputs, 'inputs', problems), outputs: columns(doc.signature.outputs, 'outputs', problems), params: columns(doc.signature.params, 'params', problems) };
  }
  return {
    flavors,
    ...(signature ? { signature } : {}),
    modelId: asString(doc.model_id) ?? asString(doc.model_uuid) ?? null,
    runId: asString(doc.run_id) ?? null,
    createdAt: asString(doc.utc_time_created) ?? null,
    mlflowVersion: asString(doc.mlflow_version) ?? null,
    inputExample: isRecord(doc.saved_input_example_info),
    problems,
  };
}
