import { extname, isAbsolute, join, dirname } from 'node:path';
import type { Analysis } from './analysis';
import {
  COLUMN_TYPES,
  DOCKER_KEYS,
  ENTRY_POINT_KEYS,
  FLAVOR_KEYS,
  INPUT_EXAMPLE_KEYS,
  INPUT_EXAMPLE_TYPES,
  KNOWN_FLAVORS,
  MLMODEL_TOP,
  MLPROJECT_TOP,
  PARAM_SPEC_KEYS,
  PARAM_TYPES,
  SIGNATURE_KEYS,
  SPARK_JOB_KEYS,
  type DocTable,
} from './docs';
import { completeGateway } from './gatewayAssist';
import { keyPathByIndent, siblingKeys } from './locate';
import type { ProjectAnalysis } from './mlprojectAnalysis';
import type { CompletionItem, Position, Range } from './types';

const KEY_SNIPPETS: Record<string, string> = {
  entry_points: 'entry_points:\n  ${1:main}:\n    parameters:\n      ${2:alpha}: {type: float, default: ${3:0.5}}\n    command: "python ${4:train.py} --${2:alpha} {${2:alpha}}"',
  parameters: 'parameters:\n  ${1:name}: {type: ${2|string,float,path,uri|}, default: ${3}}',
  docker_env: 'docker_env:\n  image: ${1:python:3.11-slim}',
  command: 'command: "${1:python train.py}"',
  signature: 'signature:\n  inputs: \'[{"type": "${1:double}", "name": "${2:x}", "required": true}]\'\n  outputs: \'[{"type": "${3:double}"}]\'\n  params: null',
};

export function complete(analysis: Analysis, pos: Position): CompletionItem[] {
  if (analysis.kind === 'gateway') return completeGateway(analysis, pos);
  const { lines } = analysis.parsed;
  if (pos.line < 0 || pos.line >= lines.lineCount) return [];
  const full = lines.lineText(pos.line);
  const prefix = full.slice(0, Math.min(pos.character, full.length));
  const wordMatch = /[\w.\-[\]/]*$/.exec(prefix);
  const word = wordMatch ? wordMatch[0] : '';
  const wordRange: Range = { start: { line: pos.line, character: prefix.length - word.length }, end: { line: pos.line, character: prefix.length } };
  if (/^\s*#/.test(prefix)) return [];

  if (analysis.kind === 'mlproject') {
    const ph = placeholderCompletion(analysis, pos, prefix);
    if (ph) return ph;
  } else {
    const js = signatureJsonCompletion(prefix, wordRange);
    if (js) return js;
  }

  // Flow mapping being typed: `alpha: {type: fl|`
  const flowType = /\{[^}]*\btype\s*:\s*([\w[\]]*)$/.exec(prefix);
  const keyLine = /^(\s*)((?:-\s+)*)([\w.-]*)$/.exec(prefix);
  const valueLine = /^(\s*)((?:-\s+)*)(["']?)([\w.-]+)\3\s*:\s+(.*)$/.exec(prefix) ?? /^(\s*)((?:-\s+)*)(["']?)([\w.-]+)\3\s*:()$/.exec(prefix);
  if (keyLine) {
    const indent = keyLine[1].length + keyLine[2].length;
    const path = keyPathByIndent(lines, pos.line, indent);
    const existing = siblingKeys(lines, pos.line, indent);
    return keyItems(analysis, path, existing, wordRange);
  }
  if (flowType && analysis.kind === 'mlproject') return enumItems(PARAM_TYPES, wordRange);
  if (valueLine) {
    const indent = valueLine[1].length + valueLine[2].length;
    const path = [...keyPathByIndent(lines, pos.line, indent), valueLine[4]];
    const valuePrefix = valueLine[5];
    const vm = /[^\s'"]*$/.exec(valuePrefix);
    const vword = vm ? vm[0] : '';
    const vrange: Range = { start: { line: pos.line, character: prefix.length - vword.length }, end: wordRange.end };
    return valueItems(analysis, path, vword, vrange);
  }
  return [];
}

function fromTable(table: DocTable, range: Range, existing: Set<string>, kind: CompletionItem['kind'] = 'property'): CompletionItem[] {
  return Object.entries(table)
    .filter(([k]) => !existing.has(k))
    .map(([k, doc], i) => {
      const snippet = KEY_SNIPPETS[k];
      return {
        label: k,
        kind,
        documentation: doc,
        insertText: snippet && kind === 'property' ? snippet : kind === 'property' ? `${k}: ` : k,
        snippet: !!snippet && kind === 'property',
        range,
        sortText: String(i).padStart(3, '0'),
      };
    });
}

function enumItems(table: DocTable, range: Range): CompletionItem[] {
  return Object.entries(table).map(([k, doc], i) => ({ label: k, kind: 'enum' as const, documentation: doc, insertText: k, range, sortText: String(i).padStart(3, '0') }));
}

function keyItems(analysis: Analysis, path: string[], existing: Set<string>, range: Range): CompletionItem[] {
  if (analysis.kind === 'mlproject') {
    if (path.length === 0) return fromTable(MLPROJECT_TOP, range, existing);
    if (path[0] === 'entry_points') {
      if (path.length === 1)
        return [{ label: 'main', kind: 'snippet', detail: 'entry point', insertText: '${1:main}:\n  command: "${2:python train.py}"', snippet: true, range, documentation: ENTRY_POINT_KEYS.command }];
      if (path.length === 2) return fromTable(ENTRY_POINT_KEYS, range, existing);
      if (path.length === 3 && path[2] === 'parameters')
        return [{ label: 'parameter', kind: 'snippet', detail: 'name: {type, default}', insertText: '${1:name}: {type: ${2|string,float,path,uri|}, default: ${3}}', snippet: true, range }];
      if (path.length === 4 && path[2] === 'parameters') return fromTable(PARAM_SPEC_KEYS, range, existing);
    }
    if (path.length === 1 && path[0] === 'docker_env') return fromTable(DOCKER_KEYS, range, existing);
    if (path.length === 1 && path[0] === 'databricks_spark_job') return fromTable(SPARK_JOB_KEYS, range, existing);
    return [];
  }
  if (path.length === 0) return fromTable(MLMODEL_TOP, range, existing);
  if (path[0] === 'flavors') {
    if (path.length === 1) return KNOWN_FLAVORS.filter((f) => !existing.has(f)).map((f, i) => ({ label: f, kind: 'module' as const, insertText: `${f}:\n  `, range, sortText: String(i).padStart(3, '0'), documentation: f === 'python_function' ? 'Generic Python function flavor read by mlflow.pyfunc.load_model.' : `The ${f} flavor.` }));
    if (path.length === 2) return fromTable(FLAVOR_KEYS[path[1]] ?? { code: 'Code folder.', extra_files: 'Extra files.' }, range, existing);
    if (path.length === 3 && path[1] === 'python_function' && path[2] === 'env')
      return fromTable({ conda: 'Conda environment file (conda.yaml).', virtualenv: 'python_env.yaml for virtualenv/uv.' }, range, existing);
  }
  if (path.length === 1 && path[0] === 'signature') return fromTable(SIGNATURE_KEYS, range, existing);
  if (path.length === 1 && path[0] === 'saved_input_example_info') return fromTable(INPUT_EXAMPLE_KEYS, range, existing);
  return [];
}

function valueItems(analysis: Analysis, path: string[], word: string, range: Range): CompletionItem[] {
  const last = path[path.length - 1];
  if (analysis.kind === 'mlproject') {
    if (path[0] === 'entry_points' && path[2] === 'parameters' && (path.length === 4 || (path.length === 5 && last === 'type'))) return enumItems(PARAM_TYPES, range);
    if (path.length === 1 && (last === 'python_env' || last === 'conda_env')) return fileItems(analysis, word, range, last);
    if (path.length === 2 && path[0] === 'databricks_spark_job' && last === 'python_file') return fileItems(analysis, word, range, last);
    return [];
  }
  const values = (xs: string[], doc?: (x: string) => string) => xs.map((x, i) => ({ label: x, kind: 'enum' as const, insertText: x, range, sortText: String(i).padStart(3, '0'), ...(doc ? { documentation: doc(x) } : {}) }));
  if (path[0] === 'saved_input_example_info' && last === 'type') return values(INPUT_EXAMPLE_TYPES);
  if (path[0] === 'saved_input_example_info' && last === 'pandas_orient') return values(['split', 'values']);
  if (path[0] === 'flavors' && last === 'loader_module') return values(['mlflow.pyfunc.model', ...KNOWN_FLAVORS.filter((f) => f !== 'python_function').map((f) => `mlflow.${f}`)]);
  if (path[0] === 'flavors' && last === 'serialization_format') return values(['cloudpickle', 'pickle', 'skops']);
  if (path[0] === 'flavors' && last === 'model_format') return values(['xgb', 'json', 'ubj']);
  if (['is_signature_from_type_hint', 'type_hint_from_example', 'streamable'].includes(last)) return values(['true', 'false']);
  if (path[0] === 'flavors' && (last === 'conda' || last === 'virtualenv' || last === 'env')) return fileItems(analysis, word, range, last);
  if (path.length === 2 && path[0] === 'signature') return values(['null', `'[{"type": "double", "name": "x", "required": true}]'`]);
  return [];
}

function fileItems(analysis: Analysis, word: string, range: Range, key: string): CompletionItem[] {
  const { dir, fs } = analysis;
  if (!dir || !fs) return [];
  const sub = word.includes('/') ? word.slice(0, word.lastIndexOf('/') + 1) : '';
  const base = isAbsolute(sub) ? sub : join(dir, sub);
  const wantExt = key === 'python_file' ? ['.py'] : ['.yaml', '.yml'];
  const out: CompletionItem[] = [];
  for (const name of fs.list(base).slice(0, 500)) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const full = join(base, name);
    const isDir = fs.isDirectory?.(full) ?? false;
    if (!isDir && !wantExt.includes(extname(name).toLowerCase())) continue;
    const preferred = (key === 'python_env' && name === 'python_env.yaml') || (key === 'conda_env' && /^conda\.ya?ml$/.test(name)) || (key === 'conda' && name === 'conda.yaml') || (key === 'virtualenv' && name === 'python_env.yaml');
    out.push({ label: sub + name + (isDir ? '/' : ''), kind: 'file', insertText: sub + name + (isDir ? '/' : ''), range, sortText: (preferred ? '0' : isDir ? '2' : '1') + name, detail: isDir ? 'folder' : 'file' });
  }
  void dirname;
  return out;
}

/** `{` in an entry point's command offers its declared parameters. */
function placeholderCompletion(analysis: ProjectAnalysis, pos: Position, prefix: string): CompletionItem[] | undefined {
  const m = /(^|[^{])\{([A-Za-z_]\w*)?$/.exec(prefix);
  if (!m) return undefined;
  const ep = entryPointAtLine(analysis, pos.line);
  if (!ep) return undefined;
  const typed = m[2] ?? '';
  const range: Range = { start: { line: pos.line, character: prefix.length - typed.length }, end: { line: pos.line, character: prefix.length } };
  const { lines } = analysis.parsed;
  const rest = lines.lineText(pos.line).slice(pos.character);
  const close = rest.startsWith('}') ? '' : '}';
  return ep.params.map((p, i) => ({
    label: p.name,
    kind: 'variable' as const,
    detail: p.type ?? 'string',
    documentation: `Parameter of entry point '${ep.name}'${p.defaultNode ? ` (default ${analysis.parsed.text.slice(p.defaultNode.range![0], p.defaultNode.range![1])})` : ' (required)'}.`,
    insertText: p.name + close,
    range,
    sortText: String(i).padStart(3, '0'),
  }));
}

function entryPointAtLine(analysis: ProjectAnalysis, line: number) {
  let best: (typeof analysis.entryPoints)[number] | undefined;
  for (const ep of analysis.entryPoints) {
    if (ep.range.start.line <= line && line <= Math.max(ep.range.end.line, ep.commandRange?.end.line ?? 0)) best = ep;
  }
  if (best) return best;
  // While typing, the YAML may not parse: fall back to the nearest entry point above the line.
  const path = keyPathByIndent(analysis.parsed.lines, line, 99);
  const name = path[0] === 'entry_points' ? path[1] : undefined;
  return analysis.entryPoints.find((e) => e.name === name);
}

function signatureJsonCompletion(prefix: string, range: Range): CompletionItem[] | undefined {
  if (!/^\s*(inputs|outputs|params)\s*:|^\s+["'{[ ,]/.test(prefix) || !prefix.includes('"')) return undefined;
  const t = /"type"\s*:\s*"(\w*)$/.exec(prefix);
  if (t) {
    const r: Range = { start: { line: range.end.line, character: range.end.character - t[1].length }, end: range.end };
    return Object.entries(COLUMN_TYPES).map(([k, doc], i) => ({ label: k, kind: 'enum' as const, documentation: doc, insertText: k, range: r, sortText: String(i).padStart(3, '0') }));
  }
  const d = /"dtype"\s*:\s*"(\w*)$/.exec(prefix);
  if (d) {
    const r: Range = { start: { line: range.end.line, character: range.end.character - d[1].length }, end: range.end };
    return ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool', 'str', 'object'].map((k, i) => ({ label: k, kind: 'enum' as const, insertText: k, range: r, sortText: String(i).padStart(3, '0') }));
  }
  return undefined;
}
