import { dirname, isAbsolute, join } from 'node:path';
import { FLAVOR_KEYS, INPUT_EXAMPLE_KEYS, INPUT_EXAMPLE_TYPES, KNOWN_FLAVORS, MLMODEL_TOP, SIGNATURE_KEYS } from './docs';
import type { JsonNode } from './jsonLocated';
import type { AnalysisContext } from './mlprojectAnalysis';
import { checkDuplicateKeys, unknownKeys } from './ruleHelpers';
import { validateSignatureJson } from './signatureSchema';
import { didYouMean } from './text';
import type { Diagnostic, FileProbe, Fix, Range } from './types';
import {
  getPair,
  isMap,
  isNullNode,
  isScalar,
  isSeq,
  keyName,
  keyRange,
  mapPairs,
  parseYaml,
  pyKind,
  rangeOf,
  scalarOffsets,
  type Node,
  type Pair,
  type ParsedYaml,
  type Scalar,
} from './yamlSupport';

export interface ModelFileRef {
  /** Path as written, relative to the model folder. */
  rel: string;
  range: Range;
  what: string;
}
export interface SignaturePart {
  which: 'inputs' | 'outputs' | 'params';
  pair: Pair;
  json?: JsonNode;
  /** Maps a JSON string offset to a document offset. */
  toDoc?: (jsonOffset: number) => number;
}
export interface ModelAnalysis {
  kind: 'mlmodel';
  parsed: ParsedYaml;
  diagnostics: Diagnostic[];
  flavors: Pair[];
  signature: SignaturePart[];
  files: ModelFileRef[];
  dir?: string;
  fs?: FileProbe;
}

const C = (rule: string) => `mlmodel/${rule}`;
const HEX32 = /^[0-9a-f]{32}$/;
const MODEL_ID = /^m-[0-9a-f]{32}$/;
const TOP_ALIASES: Record<string, string> = { flavours: 'flavors', flavor: 'flavors', signatures: 'signature', input_example: 'saved_input_example_info', runid: 'run_id', version: 'mlflow_version' };

export function analyzeMlmodel(text: string, ctx: AnalysisContext = {}): ModelAnalysis {
  const parsed = parseYaml(text, 'mlmodel');
  const diags: Diagnostic[] = [...parsed.diagnostics];
  const dir = ctx.path ? dirname(ctx.path) : undefined;
  const result: ModelAnalysis = { kind: 'mlmodel', parsed, diagnostics: diags, flavors: [], signature: [], files: [], dir, fs: ctx.fs };
  const root = parsed.doc.contents as Node | null;
  const add = (range: Range, severity: Diagnostic['severity'], rule: string, message: string, fixes?: Fix[]) =>
    diags.push({ range, severity, code: C(rule), message, ...(fixes && fixes.length ? { fixes } : {}) });
  checkDuplicateKeys(parsed, root, diags, 'mlmodel');
  if (!isMap(root)) {
    if (!parsed.broken) add(root && (root as Node).range ? rangeOf(parsed, root as Node) : parsed.lines.range(0, parsed.lines.lineEnd(0)), 'error', 'not-a-mapping', 'MLmodel must be a mapping (artifact_path, flavors, …): Model.load fails on this file');
    return result;
  }
  // MLflow keeps unknown top-level keys as model attributes, so they are only worth a note unless misspelled.
  unknownKeys(parsed, root, MLMODEL_TOP, TOP_ALIASES, diags, C('unknown-key'), 'MLmodel key', '(MLflow keeps it as an extra attribute)', undefined, 'info');

  const fileRef = (node: Node | null | undefined, what: string) => {
    if (!node || pyKind(node) !== 'str' || !node.range) return;
    const rel = String((node as Scalar).value);
    if (!rel || /^[a-z][a-z0-9+.-]*:/i.test(rel)) return;
    const range = rangeOf(parsed, node);
    result.files.push({ rel, range, what });
    if (dir && ctx.fs && !ctx.fs.exists(isAbsolute(rel) ? rel : join(dir, rel))) {
      add(range, 'warning', 'missing-file', `${what} '${rel}' is not next to this MLmodel (fine if the file was opened outside its model folder; loading the model needs it)`);
    }
  };

  // flavors
  const fp = getPair(root, 'flavors');
  if (!fp || isNullNode(fp.value)) {
    add(fp ? keyRange(parsed, fp) : parsed.lines.range(0, parsed.lines.lineEnd(0)), 'warning', 'no-flavors', 'no flavors: no loader, including mlflow.pyfunc.load_model, can load this model');
  } else if (!isMap(fp.value)) {
    add(rangeOf(parsed, fp.value as Node), 'error', 'flavors-not-mapping', "'flavors' must be a mapping of flavor name → configuration: loading fails");
  } else {
    result.flavors = mapPairs(fp.value);
    let hasPyfunc = false;
    for (const f of result.flavors) {
      const name = keyName(f) ?? '';
      const kr = keyRange(parsed, f);
      if (name === 'python_function') hasPyfunc = true;
      if (!KNOWN_FLAVORS.includes(name)) {
        const near = didYouMean(name, KNOWN_FLAVORS, { pyfunc: 'python_function', 'scikit-learn': 'sklearn', torch: 'pytorch' });
        add(kr, 'warning', 'unknown-flavor', `unknown flavor '${name}'${near ? ` — did you mean '${near}'?` : ''}: no MLflow loader reads it`, near && near !== name ? [{ title: `Rename to '${near}'`, edits: [{ range: kr, newText: near }], preferred: true }] : undefined);
      }
      const conf = f.value as Node | null;
      if (isNullNode(conf)) continue;
      if (!isMap(conf)) {
        add(rangeOf(parsed, conf), name === 'python_function' ? 'error' : 'warning', 'flavor-not-mapping', `flavor '${name}' configuration must be a mapping`);
        continue;
      }
      const table = FLAVOR_KEYS[name];
      if (table && name !== 'python_function') unknownKeys(parsed, conf, table, {}, diags, C('unknown-key'), `${name} flavor key`, '(flavor loaders ignore keys they do not know)', undefined, 'info');
      for (const k of ['data', 'model_path', 'pickled_model', 'model_data', 'python_model', 'saved_model_dir', 'model_binary']) {
        const p = getPair(conf, k);
        if (p) fileRef(p.value as Node, `${name}.${k}`);
      }
      const code = getPair(conf, 'code');
      if (code && !isNullNode(code.value)) fileRef(code.value as Node, `${name}.code`);
      if (name === 'python_function') analyzePyfunc(parsed, f, conf, add, fileRef, diags);
    }
    if (!hasPyfunc && result.flavors.length > 0) {
      add(keyRange(parsed, fp), 'warning', 'no-pyfunc', 'no python_function flavor: mlflow.pyfunc.load_model and `mlflow models serve` cannot load this model (its own flavor loader still can)');
    }
  }

  // signature
  const sp = getPair(root, 'signature');
  if (sp && !isNullNode(sp.value)) {
    if (!isMap(sp.value)) {
      add(rangeOf(parsed, sp.value as Node), 'warning', 'signature-not-mapping', "'signature' should be a mapping with inputs, outputs, params: MLflow ignores this value");
    } else {
      unknownKeys(parsed, sp.value, SIGNATURE_KEYS, { input: 'inputs', output: 'outputs', param: 'params', parameters: 'params' }, diags, C('unknown-key'), 'signature key', '(MLflow ignores it)');
      for (const which of ['inputs', 'outputs', 'params'] as const) {
        const p = getPair(sp.value, which);
        if (!p) continue;
        const part: SignaturePart = { which, pair: p };
        result.signature.push(part);
        const v = p.value as Node | null;
        if (isNullNode(v)) continue;
        if (!isScalar(v) || typeof (v as Scalar).value !== 'string') {
          add(rangeOf(parsed, v), 'error', 'signature-json', `signature ${which} must be a JSON string (MLflow calls json.loads on it); write it as '[…]' in quotes`);
          continue;
        }
        const s = v as Scalar;
        const value = s.value as string;
        if (value === '') continue;
        const offsets = scalarOffsets(parsed, s);
        const whole = rangeOf(parsed, s);
        const toDoc = offsets ? (o: number) => offsets[Math.max(0, Math.min(o, value.length))] : undefined;
        part.toDoc = toDoc;
        const { problems, root: json } = validateSignatureJson(value, which);
        part.json = json;
        for (const pr of problems) {
          const range = toDoc ? parsed.lines.range(toDoc(pr.start), pr.end > pr.start ? toDoc(pr.end - 1) + 1 : toDoc(pr.start)) : whole;
          add(range, pr.severity, 'signature-json', pr.message);
        }
      }
    }
  }

  // saved_input_example_info
  const ie = getPair(root, 'saved_input_example_info');
  if (ie && !isNullNode(ie.value)) {
    if (!isMap(ie.value)) add(rangeOf(parsed, ie.value as Node), 'warning', 'value-type', "'saved_input_example_info' should be a mapping");
    else {
      unknownKeys(parsed, ie.value, INPUT_EXAMPLE_KEYS, {}, diags, C('unknown-key'), 'saved_input_example_info key', '(MLflow ignores it)', undefined, 'info');
      const ap = getPair(ie.value, 'artifact_path');
      if (ap) fileRef(ap.value as Node, 'input example');
      else add(keyRange(parsed, ie), 'warning', 'input-example', "'saved_input_example_info' has no 'artifact_path': MLflow cannot find the example");
      const sip = getPair(ie.value, 'serving_input_path');
      if (sip) fileRef(sip.value as Node, 'serving input example');
      const t = getPair(ie.value, 'type');
      if (t && pyKind(t.value) === 'str' && !INPUT_EXAMPLE_TYPES.includes(String((t.value as Scalar).value))) {
        const tv = String((t.value as Scalar).value);
        const near = didYouMean(tv, INPUT_EXAMPLE_TYPES);
        add(rangeOf(parsed, t.value as Node), 'warning', 'input-example', `unknown input example type '${tv}' (MLflow writes ${INPUT_EXAMPLE_TYPES.join(', ')})`, near ? [{ title: `Change to '${near}'`, edits: [{ range: rangeOf(parsed, t.value as Node), newText: near }], preferred: true }] : undefined);
      }
      const orient = getPair(ie.value, 'pandas_orient');
      if (orient && pyKind(orient.value) === 'str' && !['split', 'values', 'records', 'columns', 'index', 'table'].includes(String((orient.value as Scalar).value))) {
        add(rangeOf(parsed, orient.value as Node), 'warning', 'input-example', `unknown pandas_orient '${(orient.value as Scalar).value}' (MLflow writes split or values)`);
      }
    }
  }

  // Scalar formats
  const str = (key: string): { pair: Pair; value?: string; kind: string } | undefined => {
    const p = getPair(root, key);
    if (!p || isNullNode(p.value)) return undefined;
    const kind = pyKind(p.value);
    return { pair: p, kind, value: isScalar(p.value) ? String((p.value as Scalar).value) : undefined };
  };
  const quoteFix = (p: Pair): Fix[] => {
    const v = p.value as Node;
    if (!v.range) return [];
    const src = parsed.text.slice(v.range[0], v.range[1]);
    return [{ title: `Quote '${src}'`, edits: [{ range: rangeOf(parsed, v), newText: `'${src}'` }], preferred: true }];
  };
  const t = str('utc_time_created');
  if (t) {
    const src = (t.pair.value as Node).range ? parsed.text.slice((t.pair.value as Node).range![0], (t.pair.value as Node).range![1]).replace(/^'|'$|^"|"$/g, '') : t.value ?? '';
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?$/.test(src)) {
      add(rangeOf(parsed, t.pair.value as Node), 'warning', 'time-format', `utc_time_created '${src}' is not in MLflow's format 'YYYY-MM-DD HH:MM:SS.ffffff'`);
    } else if (t.kind === 'timestamp') {
      add(rangeOf(parsed, t.pair.value as Node), 'info', 'time-format', 'unquoted: PyYAML reads utc_time_created as a datetime, not a string (MLflow writes it quoted)', quoteFix(t.pair));
    }
  }
  const run = str('run_id');
  if (run) {
    if (run.kind !== 'str') add(rangeOf(parsed, run.pair.value as Node), 'warning', 'id-format', `run_id should be a string (PyYAML reads ${run.kind})`, quoteFix(run.pair));
    else if (!HEX32.test(run.value ?? '')) add(rangeOf(parsed, run.pair.value as Node), 'warning', 'id-format', `run_id '${run.value}' is not 32 lowercase hex characters like the ids MLflow creates`);
  }
  const uuid = str('model_uuid');
  if (uuid) {
    if (uuid.kind !== 'str') add(rangeOf(parsed, uuid.pair.value as Node), 'warning', 'id-format', `model_uuid should be a string (PyYAML reads ${uuid.kind})`, quoteFix(uuid.pair));
    else if (!HEX32.test(uuid.value ?? '') && !MODEL_ID.test(uuid.value ?? '')) add(rangeOf(parsed, uuid.pair.value as Node), 'warning', 'id-format', `model_uuid '${uuid.value}' is neither 32 hex characters (MLflow 2) nor a model id 'm-…' (MLflow 3)`);
  }
  const mid = str('model_id');
  if (mid) {
    if (mid.kind !== 'str' || !MODEL_ID.test(mid.value ?? '')) add(rangeOf(parsed, mid.pair.value as Node), 'warning', 'id-format', `model_id '${mid.value}' is not an MLflow 3 model id ('m-' + 32 hex characters)`);
    else if (uuid && uuid.kind === 'str' && MODEL_ID.test(uuid.value ?? '') && uuid.value !== mid.value) add(rangeOf(parsed, mid.pair.value as Node), 'warning', 'id-format', `model_id differs from model_uuid '${uuid.value}': MLflow 3 writes the same id in both`);
  }
  const ver = str('mlflow_version');
  if (ver) {
    if (ver.kind !== 'str') add(rangeOf(parsed, ver.pair.value as Node), 'warning', 'version-format', `mlflow_version is read as a ${ver.kind} (${ver.value}); quote it so PyYAML keeps the text`, quoteFix(ver.pair));
    else if (!/^\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc|\.dev|\.post|dev|\+)[\w.+-]*)?$/.test(ver.value ?? '')) add(rangeOf(parsed, ver.pair.value as Node), 'warning', 'version-format', `mlflow_version '${ver.value}' is not a version number such as 2.14.1`);
  }
  for (const [key, want] of [['model_size_bytes', 'int'], ['metadata', 'map'], ['env_vars', 'seq'], ['prompts', 'seq'], ['artifact_path', 'str'], ['is_signature_from_type_hint', 'bool'], ['type_hint_from_example', 'bool']] as const) {
    const v = str(key);
    if (v && v.kind !== want) add(rangeOf(parsed, v.pair.value as Node), 'warning', 'value-type', `'${key}' should be ${{ int: 'an integer', map: 'a mapping', seq: 'a list', str: 'a string', bool: 'true or false' }[want]} (PyYAML reads ${v.kind})`);
  }
  return result;
}

function analyzePyfunc(
  parsed: ParsedYaml,
  f: Pair,
  conf: Node,
  add: (range: Range, severity: Diagnostic['severity'], rule: string, message: string, fixes?: Fix[]) => void,
  fileRef: (node: Node | null | undefined, what: string) => void,
  diags: Diagnostic[],
): void {
  const kr = keyRange(parsed, f);
  unknownKeys(parsed, conf, FLAVOR_KEYS.python_function, { loader: 'loader_module', module: 'loader_module', env_file: 'env' }, diags, C('unknown-key'), 'python_function key', '(pyfunc ignores it; flavors may add their own keys)', undefined, 'info');
  const lm = getPair(conf, 'loader_module');
  if (!lm || isNullNode(lm.value)) {
    add(lm ? keyRange(parsed, lm) : kr, 'error', 'pyfunc-loader', "python_function has no 'loader_module': mlflow.pyfunc.load_model fails");
  } else if (pyKind(lm.value) !== 'str' || !/^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*$/.test(String((lm.value as Scalar).value))) {
    add(rangeOf(parsed, lm.value as Node), 'error', 'pyfunc-loader', `loader_module '${(lm.value as Scalar).value}' is not a Python module name: mlflow.pyfunc.load_model cannot import it`);
  }
  const pv = getPair(conf, 'python_version');
  if (!pv) add(kr, 'info', 'pyfunc-python-version', "python_function has no 'python_version': MLflow cannot warn about a Python version mismatch");
  else if (!isNullNode(pv.value) && pyKind(pv.value) !== 'str') add(rangeOf(parsed, pv.value as Node), 'warning', 'value-type', `python_version should be a string such as "3.11.4" (PyYAML reads ${pyKind(pv.value)})`);
  const env = getPair(conf, 'env');
  if (env && !isNullNode(env.value)) {
    if (pyKind(env.value) === 'str') fileRef(env.value as Node, 'conda environment');
    else if (isMap(env.value)) {
      for (const p of mapPairs(env.value)) {
        const k = keyName(p);
        if (k === 'conda' || k === 'virtualenv') fileRef(p.value as Node, k === 'conda' ? 'conda environment' : 'virtualenv environment');
        else add(keyRange(parsed, p), 'warning', 'unknown-key', `unknown env key '${k}' (MLflow reads conda and virtualenv)`);
      }
    } else add(rangeOf(parsed, env.value as Node), 'warning', 'value-type', "'env' should be {conda: conda.yaml, virtualenv: python_env.yaml}");
  }
  const arts = getPair(conf, 'artifacts');
  if (arts && isMap(arts.value)) {
    for (const a of mapPairs(arts.value)) {
      if (isMap(a.value)) {
        const path = getPair(a.value, 'path');
        if (path) fileRef(path.value as Node, `artifact '${keyName(a)}'`);
      }
    }
  }
  for (const k of ['streamable']) {
    const p = getPair(conf, k);
    if (p && !isNullNode(p.value) && pyKind(p.value) !== 'bool') add(rangeOf(parsed, p.value as Node), 'warning', 'value-type', `'${k}' should be true or false`);
  }
  const mcp = getPair(conf, 'model_code_path');
  if (mcp) fileRef(mcp.value as Node, 'model code');
  if (isSeq(conf)) return;
}
