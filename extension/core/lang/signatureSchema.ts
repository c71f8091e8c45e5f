import { COLUMN_TYPES } from './docs';
import { JsonSyntaxError, parseJsonLocated, prop, type JsonNode } from './jsonLocated';

/**
 * Validation of an MLmodel signature's `inputs`, `outputs` and `params` JSON strings, following
 * MLflow's Schema/ColSpec/TensorSpec/ParamSpec loaders: anything they reject makes Model.load fail
 * (error); shapes they accept but that look wrong are warnings. Offsets are into the JSON string.
 */
export interface SignatureProblem {
  start: number;
  end: number;
  severity: 'error' | 'warning';
  message: string;
}

export const DATA_TYPES = ['boolean', 'integer', 'long', 'float', 'double', 'string', 'binary', 'datetime'];
const COMPOSITE = ['array', 'object', 'map', 'any', 'sparkml_vector'];
const NUMPY_DTYPES = new Set([
  'bool', 'bool_', 'bool8', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64',
  'float128', 'longdouble', 'complex64', 'complex128', 'complex256', 'str', 'str_', 'unicode', 'bytes', 'bytes_', 'object', 'object_',
  'int', 'float', 'complex', 'half', 'single', 'double', 'byte', 'ubyte', 'short', 'ushort', 'intc', 'uintc', 'int_', 'uint', 'longlong',
  'ulonglong', 'intp', 'uintp', 'float_', 'cfloat', 'csingle', 'cdouble', 'clongdouble', 'datetime64', 'datetime64[ns]', 'datetime64[us]',
  'datetime64[ms]', 'datetime64[s]', 'datetime64[D]', 'timedelta64', 'timedelta64[ns]', 'void', 'U', 'S', 'O', 'b', 'i', 'u', 'f', 'c', 'M', 'm',
  'f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', '?', 'bfloat16',
]);

export function validateSignatureJson(text: string, which: 'inputs' | 'outputs' | 'params'): { problems: SignatureProblem[]; root?: JsonNode } {
  const problems: SignatureProblem[] = [];
  let root: JsonNode;
  try {
    root = parseJsonLocated(text);
  } catch (e) {
    const off = e instanceof JsonSyntaxError ? e.offset : 0;
    problems.push({ start: off, end: Math.min(text.length, off + 1), severity: 'error', message: `signature ${which} is not valid JSON: ${(e as Error).message} (MLflow fails to load the model)` });
    return { problems };
  }
  const err = (n: { start: number; end: number }, message: string) => problems.push({ start: n.start, end: n.end, severity: 'error', message });
  const warn = (n: { start: number; end: number }, message: string) => problems.push({ start: n.start, end: n.end, severity: 'warning', message });
  if (root.kind !== 'array') {
    err(root, `signature ${which} must be a JSON array of ${which === 'params' ? 'parameter' : 'column or tensor'} specs`);
    return { problems, root };
  }
  if (which === 'params') {
    validateParams(root, err, warn);
    return { problems, root };
  }
  if (root.items.length === 0) {
    err(root, `signature ${which} is an empty list: MLflow refuses a schema without inputs ("Creating Schema with empty inputs is not allowed")`);
    return { problems, root };
  }
  let tensors = 0;
  let cols = 0;
  let named = 0;
  let unnamed = 0;
  let unnamedOptional = false;
  for (const item of root.items) {
    if (item.kind !== 'object') {
      err(item, 'each spec must be a JSON object with a "type"');
      continue;
    }
    const t = prop(item, 'type');
    if (!t) {
      err(item, 'spec has no "type" (MLflow: "Missing keys in ColSpec JSON")');
      continue;
    }
    const name = prop(item, 'name');
    if (name && name.value.kind !== 'null') named++;
    else unnamed++;
    if (name && name.value.kind !== 'string' && name.value.kind !== 'null') warn(name.value, 'column name should be a string');
    if (t.value.kind === 'string' && t.value.value === 'tensor') {
      tensors++;
      validateTensor(item, err, warn);
      continue;
    }
    cols++;
    const req = prop(item, 'required');
    if (req && req.value.kind !== 'boolean' && req.value.kind !== 'null') warn(req.value, '"required" should be true or false');
    if (req && req.value.kind === 'boolean' && !req.value.value && !(name && name.value.kind !== 'null')) unnamedOptional = true;
    if (t.value.kind !== 'string') {
      err(t.value, '"type" must be a type name string');
      continue;
    }
    const tn = t.value.value;
    if (DATA_TYPES.includes(tn)) {
      for (const p of item.props) {
        if (!['type', 'name', 'required'].includes(p.key)) err({ start: p.keyStart, end: p.keyEnd }, `unexpected key "${p.key}" in a ${tn} column spec: MLflow fails (ColSpec takes only type, name, required)`);
      }
    } else if (COMPOSITE.includes(tn)) {
      validateComposite(item, tn, err, warn, 0);
    } else {
      err(t.value, `unsupported column type "${tn}" (MLflow accepts ${[...DATA_TYPES, ...COMPOSITE, 'tensor'].join(', ')})`);
    }
  }
  if (tensors && cols) err(root, 'a schema cannot mix tensor specs and column specs');
  if (named && unnamed) err(root, 'a schema cannot mix named and unnamed inputs');
  if (tensors > 1 && unnamed) err(root, 'several tensor specs must all be named');
  if (unnamedOptional && !named) err(root, 'unnamed inputs cannot be optional ("required": false)');
  return { problems, root };
}

type Report = (n: { start: number; end: number }, message: string) => void;

function validateTensor(item: JsonNode, err: Report, warn: Report): void {
  const spec = prop(item, 'tensor-spec');
  if (!spec) {
    err(item, 'tensor spec has no "tensor-spec" (MLflow: "Missing keys in TensorSpec JSON")');
    return;
  }
  if (spec.value.kind !== 'object') {
    err(spec.value, '"tensor-spec" must be an object with "dtype" and "shape"');
    return;
  }
  const dtype = prop(spec.value, 'dtype');
  const shape = prop(spec.value, 'shape');
  if (!dtype || !shape) {
    err(spec.value, '"tensor-spec" needs "dtype" and "shape"');
    return;
  }
  if (dtype.value.kind !== 'string') err(dtype.value, '"dtype" must be a numpy dtype name');
  else if (!NUMPY_DTYPES.has(dtype.value.value) && !/^[<>|=]?[biufcmMOSUV]\d*$/.test(dtype.value.value)) warn(dtype.value, `"${dtype.value.value}" does not look like a numpy dtype name`);
  else if (/^[<>|=]?[SU]\d+$/.test(dtype.value.value)) err(dtype.value, 'MLflow does not support size information in flexible numpy dtypes (use "str" or "bytes")');
  if (shape.value.kind !== 'array') err(shape.value, '"shape" must be a list such as [-1, 4]');
  else for (const d of shape.value.items) if (d.kind !== 'number' || !Number.isInteger(d.value) || d.value < -1) warn(d, 'shape dimensions are integers, -1 for a variable size');
}

function typeName(n: JsonNode): string | undefined {
  return n.kind === 'string' ? n.value : undefined;
}

/** A type spec object (array items, map values, object property) as MLflow's Array/Map/Object/Property read it. */
function validateTypeSpec(node: JsonNode, err: Report, warn: Report, depth: number, what: string): void {
  if (node.kind !== 'object') {
    err(node, `${what} must be an object with "type"`);
    return;
  }
  const t = prop(node, 'type');
  if (!t) {
    err(node, `${what} has no "type"`);
    return;
  }
  const tn = typeName(t.value);
  if (tn === undefined) {
    err(t.value, '"type" must be a type name string');
    return;
  }
  if (DATA_TYPES.includes(tn)) return;
  if (COMPOSITE.includes(tn)) {
    validateComposite(node, tn, err, warn, depth + 1);
    return;
  }
  err(t.value, `unsupported type "${tn}"`);
}

function validateComposite(node: JsonNode, tn: string, err: Report, warn: Report, depth: number): void {
  if (depth > 50) return;
  if (tn === 'array') {
    const items = prop(node, 'items');
    if (!items) err(node, 'array type needs "items"');
    else validateTypeSpec(items.value, err, warn, depth, '"items"');
  } else if (tn === 'map') {
    const values = prop(node, 'values');
    if (!values) err(node, 'map type needs "values"');
    else validateTypeSpec(values.value, err, warn, depth, '"values"');
  } else if (tn === 'object') {
    const props = prop(node, 'properties');
    if (!props) err(node, 'object type needs "properties"');
    else if (props.value.kind !== 'object') err(props.value, '"properties" must be an object of property specs');
    else {
      for (const p of props.value.props) {
        validateTypeSpec(p.value, err, warn, depth, `property "${p.key}"`);
        const req = prop(p.value, 'required');
        if (req && req.value.kind !== 'boolean') warn(req.value, '"required" should be true or false');
      }
    }
  }
}

function validateParams(root: JsonNode & { kind: 'array' }, err: Report, warn: Report): void {
  const seen = new Set<string>();
  for (const item of root.items) {
    if (item.kind !== 'object') {
      err(item, 'each param spec must be an object with "name", "type" and "default"');
      continue;
    }
    const name = prop(item, 'name');
    const t = prop(item, 'type') ?? prop(item, 'dtype');
    const def = prop(item, 'default');
    if (!name || !t || !def) {
      err(item, `param spec needs "name", "type" (or "dtype") and "default"${name && name.value.kind === 'string' ? ` ('${name.value.value}')` : ''}: MLflow fails to load the signature`);
      continue;
    }
    const n = name.value.kind === 'string' ? name.value.value : JSON.stringify((name.value as { value?: unknown }).value ?? null);
    if (seen.has(n)) err(name.value, `duplicate param "${n}": MLflow refuses duplicated parameters`);
    seen.add(n);
    const tn = typeName(t.value);
    if (tn === undefined) {
      err(t.value, '"type" must be a type name string');
      continue;
    }
    if (tn === 'binary') {
      err(t.value, `param "${n}" has type "binary", which MLflow does not support for params`);
      continue;
    }
    if (tn === 'object') {
      validateComposite(item, 'object', err, warn, 0);
      continue;
    }
    if (!DATA_TYPES.includes(tn)) {
      err(t.value, `unsupported param type "${tn}" (MLflow accepts ${DATA_TYPES.filter((d) => d !== 'binary').join(', ')}, object)`);
      continue;
    }
    const shape = prop(item, 'shape');
    const isList = shape && shape.value.kind === 'array';
    if (shape && shape.value.kind !== 'null' && !isList) warn(shape.value, '"shape" should be null or [-1]');
    const dv = def.value;
    if (dv.kind === 'null') continue;
    const check = (v: JsonNode) => {
      const ok =
        tn === 'boolean' ? v.kind === 'boolean' :
        tn === 'integer' || tn === 'long' ? v.kind === 'number' && Number.isInteger(v.value) :
        tn === 'float' || tn === 'double' ? v.kind === 'number' :
        tn === 'string' || tn === 'datetime' ? v.kind === 'string' : true;
      if (!ok) warn(v, `default of param "${n}" does not match its type "${tn}"`);
    };
    if (isList && dv.kind === 'array') dv.items.forEach(check);
    else check(dv);
  }
}

export { COLUMN_TYPES };
