import { dirname, isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';
import { DOCKER_KEYS, ENTRY_POINT_KEYS, MLPROJECT_TOP, PARAM_SPEC_KEYS, PARAM_TYPES, SPARK_JOB_KEYS, UNDOCUMENTED_TYPES } from './docs';
import { parseFormatString, specFitsString } from './pyFormat';
import { checkDuplicateKeys, deletePairFix, renameKeyFix, unknownKeys } from './ruleHelpers';
import { didYouMean } from './text';
import type { Diagnostic, FileProbe, Fix, Range, TextEdit } from './types';
import {
  getPair,
  isMap,
  isNullNode,
  isScalar,
  isSeq,
  keyName,
  keyRange,
  mapPairs,
  pairOffsets,
  parseYaml,
  pyKind,
  pythonStr,
  rangeOf,
  scalarOffsets,
  strValue,
  type Node,
  type Pair,
  type ParsedYaml,
  type Scalar,
} from './yamlSupport';

export interface AnalysisContext {
  /** Absolute path of the document on disk, when it has one. */
  path?: string;
  fs?: FileProbe;
}

export interface ProjectParam {
  name: string;
  pair: Pair;
  keyRange: Range;
  range: Range;
  /** Type as MLflow sees it (`string` when omitted); undefined when not a string. */
  type?: string;
  short: boolean;
  defaultNode?: Node;
  /** Python's str() of the loaded default: the text `mlflow run` substitutes (then shell-quotes). */
  defaultValue?: string;
}
export interface Placeholder {
  name: string;
  /** Range of the whole `{…}` field. */
  range: Range;
  nameRange: Range;
}
export interface ProjectEntryPoint {
  name: string;
  pair: Pair;
  keyRange: Range;
  range: Range;
  commandPair?: Pair;
  command?: string;
  commandRange?: Range;
  /** Source offset right after the command's last character (for appending). */
  commandEndOffset?: number;
  params: ProjectParam[];
  paramsPair?: Pair;
  placeholders: Placeholder[];
}
/** The environment section as written (MLflow's fallbacks to python_env.yaml / conda.yaml are the model's job). */
export interface DeclaredEnvironment {
  key: (typeof ENV_KEYS)[number];
  /** python_env / conda_env: the file as written (relative to the project folder). */
  file?: string;
  /** docker_env: the image. */
  image?: string;
}
export interface ProjectAnalysis {
  kind: 'mlproject';
  parsed: ParsedYaml;
  diagnostics: Diagnostic[];
  entryPoints: ProjectEntryPoint[];
  /** `name` when it is a string. */
  projectName?: string;
  /** The environment key MLflow acts on, in its order (docker_env, python_env, conda_env), when set to a usable value. */
  environment?: DeclaredEnvironment;
  dir?: string;
  fs?: FileProbe;
}

export const ENV_KEYS = ['conda_env', 'python_env', 'docker_env'] as const;
const TOP_ALIASES: Record<string, string> = { entry_point: 'entry_points', entrypoints: 'entry_points', entryPoints: 'entry_points', environment: 'python_env', conda: 'conda_env', docker: 'docker_env', python: 'python_env' };
const EP_ALIASES: Record<string, string> = { cmd: 'command', commands: 'command', run: 'command', params: 'parameters', parameter: 'parameters', args: 'parameters', arguments: 'parameters' };
const SPEC_ALIASES: Record<string, string> = { dtype: 'type', kind: 'type', value: 'default', default_value: 'default', defaults: 'default' };

const C = (rule: string) => `mlproject/${rule}`;

export function analyzeMlproject(text: string, ctx: AnalysisContext = {}): ProjectAnalysis {
  const parsed = parseYaml(text, 'mlproject');
  const diags: Diagnostic[] = [...parsed.diagnostics];
  const dir = ctx.path ? dirname(ctx.path) : undefined;
  const result: ProjectAnalysis = { kind: 'mlproject', parsed, diagnostics: diags, entryPoints: [], dir, fs: ctx.fs };
  const root = parsed.doc.contents as Node | null;
  const docRange = parsed.lines.range(0, Math.min(text.length, Math.max(1, parsed.lines.lineEnd(0))));
  const add = (range: Range, severity: Diagnostic['severity'], rule: string, message: string, fixes?: Fix[], unnecessary?: boolean) =>
    diags.push({ range, severity, code: C(rule), message, ...(fixes && fixes.length ? { fixes } : {}), ...(unnecessary ? { unnecessary } : {}) });

  checkDuplicateKeys(parsed, root, diags, 'mlproject');

  if (!isMap(root)) {
    if (!parsed.broken) {
      const what = isNullNode(root) ? 'empty' : `a ${pyKind(root) === 'seq' ? 'list' : 'scalar'}, not a mapping`;
      add(root && (root as Node).range ? rangeOf(parsed, root as Node) : docRange, 'error', 'not-a-mapping', `MLproject is ${what}: \`mlflow run\` expects top-level keys such as name and entry_points`);
    }
    return result;
  }

  unknownKeys(parsed, root, MLPROJECT_TOP, TOP_ALIASES, diags, C('unknown-key'), 'MLproject key', 'MLflow ignores it');

  // More than one environment key: MLflow refuses the whole project, even when one is null.
  const envPairs = mapPairs(root).filter((p) => (ENV_KEYS as readonly string[]).includes(keyName(p) ?? ''));
  if (new Set(envPairs.map((p) => keyName(p))).size > 1) {
    const names = [...new Set(envPairs.map((p) => keyName(p)))];
    envPairs.forEach((p, i) => {
      if (i === 0) return;
      add(keyRange(parsed, p), 'error', 'multiple-environments', `more than one environment section (${names.join(', ')}): \`mlflow run\` fails with "Project cannot contain multiple environment fields"; keep one`, [
        deletePairFix(parsed, p, `Remove '${keyName(p)}'`),
      ]);
    });
  }

  const nameP = getPair(root, 'name');
  if (nameP && pyKind(nameP.value) === 'str') result.projectName = strValue(nameP.value);
  result.environment = declaredEnvironment(root);
  if (nameP && !isNullNode(nameP.value) && pyKind(nameP.value) !== 'str') {
    add(rangeOf(parsed, nameP.value as Node), 'warning', 'value-type', `'name' should be a string (PyYAML reads ${pyKind(nameP.value)})`, quoteFix(parsed, nameP.value as Node));
  }

  // Entry points
  const epP = getPair(root, 'entry_points');
  if (epP) {
    if (!isMap(epP.value)) {
      add(epP.value ? rangeOf(parsed, epP.value as Node) : keyRange(parsed, epP), 'error', 'entry-points-not-mapping', `'entry_points' must be a mapping of entry point names; MLflow fails on ${isNullNode(epP.value) ? 'an empty value' : 'this value'}`);
    } else {
      for (const ep of mapPairs(epP.value)) {
        const info = analyzeEntryPoint(parsed, ep, add, diags);
        if (info) result.entryPoints.push(info);
      }
    }
  }

  analyzeEnvironment(parsed, root, ctx, dir, add);
  analyzeSparkJob(parsed, root, result, add);
  return result;
}

type AddFn = (range: Range, severity: Diagnostic['severity'], rule: string, message: string, fixes?: Fix[], unnecessary?: boolean) => void;

function analyzeEntryPoint(parsed: ParsedYaml, ep: Pair, add: AddFn, diags: Diagnostic[]): ProjectEntryPoint | undefined {
  const name = keyName(ep);
  if (name === undefined) return undefined;
  const kr = keyRange(parsed, ep);
  const off = pairOffsets(ep);
  const info: ProjectEntryPoint = { name, pair: ep, keyRange: kr, range: off ? parsed.lines.range(off[0], off[1]) : kr, params: [], placeholders: [] };
  const body = ep.value as Node | null;
  if (!isMap(body)) {
    add(body && !isNullNode(body) ? rangeOf(parsed, body) : kr, 'error', 'entry-point-not-mapping', `entry point '${name}' must be a mapping with 'command' (and optional 'parameters'); MLflow fails to load it`, [
      addChildFix(parsed, ep, 'command: ""', `Add a command to '${name}'`),
    ]);
    return info;
  }
  unknownKeys(parsed, body, ENTRY_POINT_KEYS, EP_ALIASES, diags, C('unknown-key'), `entry point key`, 'MLflow ignores it');

  const paramsP = getPair(body, 'parameters');
  info.paramsPair = paramsP;
  if (paramsP) {
    if (!isMap(paramsP.value)) {
      add(isNullNode(paramsP.value) ? keyRange(parsed, paramsP) : rangeOf(parsed, paramsP.value as Node), 'error', 'parameters-not-mapping', `'parameters' of entry point '${name}' must be a mapping of parameter names; MLflow fails on ${isNullNode(paramsP.value) ? 'an empty value' : 'this value'}`, isNullNode(paramsP.value) ? [deletePairFix(parsed, paramsP, "Remove empty 'parameters'")] : undefined);
    } else {
      for (const pp of mapPairs(paramsP.value)) {
        const param = analyzeParam(parsed, pp, name, add, diags);
        if (param) info.params.push(param);
      }
    }
  }

  const cmdP = getPair(body, 'command');
  info.commandPair = cmdP;
  if (!cmdP) {
    add(kr, 'error', 'missing-command', `entry point '${name}' has no 'command': \`mlflow run -e ${name}\` fails`, [addChildFix(parsed, ep, 'command: ""', `Add 'command' to '${name}'`)]);
    return info;
  }
  const cmd = cmdP.value as Node | null;
  if (!isScalar(cmd) || isNullNode(cmd) || typeof (cmd as Scalar).value !== 'string' || pyKind(cmd) !== 'str') {
    if (isScalar(cmd) && !isNullNode(cmd) && pyKind(cmd) !== 'map' && pyKind(cmd) !== 'seq') {
      add(rangeOf(parsed, cmd), 'error', 'command-not-string', `'command' of '${name}' is a ${pyKind(cmd)}, not a string: MLflow calls .format() on it and fails`, quoteFix(parsed, cmd));
    } else {
      add(cmd && !isNullNode(cmd) ? rangeOf(parsed, cmd) : keyRange(parsed, cmdP), 'error', 'command-not-string', `'command' of '${name}' must be a string: MLflow calls .format() on it and fails`);
    }
    return info;
  }
  const s = cmd as Scalar;
  const value = s.value as string;
  info.command = value;
  info.commandRange = rangeOf(parsed, s);
  const offsets = scalarOffsets(parsed, s);
  info.commandEndOffset = offsets ? offsets[value.length] : undefined;
  const at = (a: number, b: number): Range => (offsets ? parsed.lines.range(offsets[a], b > a ? offsets[b - 1] + 1 : offsets[a]) : rangeOf(parsed, s));
  const { fields, problems } = parseFormatString(value);
  for (const p of problems) add(at(p.start, p.end), 'error', 'command-format', p.message);
  const declared = new Map(info.params.map((p) => [p.name, p]));
  const used = new Set<string>();
  for (const f of fields) {
    const ph: Placeholder = { name: f.name, range: at(f.start, f.end), nameRange: at(f.nameStart, f.nameStart + f.name.length) };
    info.placeholders.push(ph);
    used.add(f.name);
    if (f.name === '' || /^\d+$/.test(f.name)) {
      add(ph.range, 'error', 'positional-placeholder', `positional placeholder '${value.slice(f.start, f.end)}' in '${name}': MLflow passes parameters by name, so str.format fails`);
      continue;
    }
    if (!declared.has(f.name)) {
      add(ph.range, 'error', 'undeclared-placeholder', `placeholder '{${f.name}}' in entry point '${name}' is not a declared parameter: \`mlflow run\` fails with KeyError '${f.name}'`, [
        declareParamFix(parsed, info, f.name),
        ...similarParamFixes(parsed, ph, f.name, [...declared.keys()]),
      ]);
    }
    if (f.spec !== undefined && !specFitsString(f.spec)) {
      add(ph.range, 'error', 'command-format', `format spec ':${f.spec}' in '{${f.name}:${f.spec}}' cannot apply to a string: MLflow substitutes shell-quoted strings, so str.format fails`);
    }
  }
  for (const p of info.params) {
    if (!used.has(p.name)) {
      const fixes: Fix[] = [];
      if (info.commandEndOffset !== undefined && (s.type === 'PLAIN' || s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE')) {
        const pos = parsed.lines.position(info.commandEndOffset);
        fixes.push({ title: `Append '--${p.name} {${p.name}}' to the command`, edits: [{ range: { start: pos, end: pos }, newText: ` --${p.name} {${p.name}}` }], preferred: true });
      }
      add(p.keyRange, 'hint', 'unused-parameter', `parameter '${p.name}' is never used in the command of '${name}': MLflow substitutes declared parameters only at their {placeholder} (it appends only undeclared -P values), so this value is just logged`, fixes, true);
    }
  }
  return info;
}

function analyzeParam(parsed: ParsedYaml, pp: Pair, epName: string, add: AddFn, diags: Diagnostic[]): ProjectParam | undefined {
  const name = keyName(pp);
  if (name === undefined) return undefined;
  const kr = keyRange(parsed, pp);
  const off = pairOffsets(pp);
  const param: ProjectParam = { name, pair: pp, keyRange: kr, range: off ? parsed.lines.range(off[0], off[1]) : kr, short: false };
  const v = pp.value as Node | null;
  const kind = pyKind(v);
  if (kind === 'str') {
    param.short = true;
    param.type = strValue(v);
    checkType(parsed, v as Scalar, param.type, name, add);
    return param;
  }
  if (kind !== 'map') {
    const fixes: Fix[] = [];
    if (v && !isNullNode(v) && (kind === 'int' || kind === 'float' || kind === 'bool')) {
      const src = parsed.text.slice(v.range![0], v.range![1]);
      fixes.push({ title: `Use '{type: ${kind === 'bool' ? 'string' : 'float'}, default: ${src}}'`, edits: [{ range: rangeOf(parsed, v), newText: `{type: ${kind === 'bool' ? 'string' : 'float'}, default: ${src}}` }], preferred: true });
    } else {
      const r = v && !isNullNode(v) && v.range ? rangeOf(parsed, v) : undefined;
      const end = kr.end;
      fixes.push({ title: `Declare '${name}' as a string`, edits: [r ? { range: r, newText: 'string' } : { range: { start: end, end: parsed.lines.position(parsed.lines.lineEnd(end.line)) }, newText: ': string' }], preferred: true });
    }
    add(v && !isNullNode(v) && v.range ? rangeOf(parsed, v) : kr, 'error', 'parameter-spec', `parameter '${name}' of '${epName}' must be a type name (e.g. 'float') or a mapping {type, default}; MLflow fails on ${isNullNode(v) ? 'an empty value' : `a ${kind}`}`, fixes);
    param.type = undefined;
    return param;
  }
  unknownKeys(parsed, v, PARAM_SPEC_KEYS, SPEC_ALIASES, diags, C('unknown-key'), 'parameter key', 'MLflow ignores it');
  const typeP = getPair(v, 'type');
  if (!typeP) param.type = 'string';
  else if (pyKind(typeP.value) === 'str') {
    param.type = strValue(typeP.value);
    checkType(parsed, typeP.value as Scalar, param.type, name, add);
  } else {
    param.type = undefined;
    add(typeP.value ? rangeOf(parsed, typeP.value as Node) : keyRange(parsed, typeP), 'warning', 'undocumented-type', `type of '${name}' is not a name: MLflow treats it as 'string'`, typeP.value && (typeP.value as Node).range ? [{ title: "Use 'string'", edits: [{ range: rangeOf(parsed, typeP.value as Node), newText: 'string' }], preferred: true }] : undefined);
  }
  const defP = getPair(v, 'default');
  if (defP && !isNullNode(defP.value)) {
    const d = defP.value as Node;
    param.defaultNode = d;
    param.defaultValue = defaultText(parsed, d);
    checkDefault(parsed, param, d, typeP, add);
  }
  return param;
}

/** str() of what PyYAML loads for a default; collections keep their source text (MLflow would pass Python's repr-like str). */
function defaultText(parsed: ParsedYaml, d: Node): string | undefined {
  if (isMap(d) || isSeq(d)) return d.range ? parsed.text.slice(d.range[0], d.range[1]) : undefined;
  if (!isScalar(d)) return undefined;
  if ((d as Scalar).type === 'PLAIN') return pythonStr(parsed, d) ?? strValue(d);
  return strValue(d);
}

/** Mirrors MLflow's order: a non-empty docker_env wins, then python_env, then conda_env (both files). */
function declaredEnvironment(root: Node): DeclaredEnvironment | undefined {
  const docker = getPair(root, 'docker_env');
  if (docker && isMap(docker.value) && mapPairs(docker.value).length > 0) {
    const img = getPair(docker.value, 'image');
    return { key: 'docker_env', image: img && pyKind(img.value) === 'str' ? strValue(img.value) : undefined };
  }
  for (const key of ['python_env', 'conda_env'] as const) {
    const p = getPair(root, key);
    if (p && pyKind(p.value) === 'str' && strValue(p.value) !== '') return { key, file: strValue(p.value) };
  }
  return undefined;
}

function checkType(parsed: ParsedYaml, node: Scalar, type: string, name: string, add: AddFn): void {
  if (type in PARAM_TYPES) return;
  const suggestion = UNDOCUMENTED_TYPES[type] ?? UNDOCUMENTED_TYPES[type.toLowerCase()] ?? didYouMean(type, Object.keys(PARAM_TYPES)) ?? 'string';
  add(rangeOf(parsed, node), 'warning', 'undocumented-type', `type '${type}' of parameter '${name}' is not one of MLflow's types (string, float, path, uri): MLflow treats it as 'string'`, [
    { title: `Change type to '${suggestion}'`, edits: [{ range: rangeOf(parsed, node), newText: suggestion }], preferred: true },
  ]);
}

function checkDefault(parsed: ParsedYaml, param: ProjectParam, d: Node, typeP: Pair | undefined, add: AddFn): void {
  const kind = pyKind(d);
  const r = rangeOf(parsed, d);
  if (kind === 'map' || kind === 'seq') {
    add(r, 'warning', 'default-type', `default of '${param.name}' is a ${kind === 'map' ? 'mapping' : 'list'}: MLflow passes its Python str() to the command`);
    return;
  }
  if (kind === 'alias') return;
  const value = isScalar(d) ? (d as Scalar).value : undefined;
  if (param.type === 'float') {
    const text = kind === 'str' && d.range ? parsed.text.slice(d.range[0], d.range[1]).replace(/^(['"])(.*)\1$/s, '$2').trim() : '';
    const numeric = kind === 'int' || kind === 'float' || (kind === 'str' && /^[-+]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?$|^[-+]?(?:inf|infinity|nan)$/i.test(text));
    if (!numeric) {
      const fixes: Fix[] = [];
      if (typeP && typeP.value && (typeP.value as Node).range) fixes.push({ title: `Change type of '${param.name}' to 'string'`, edits: [{ range: rangeOf(parsed, typeP.value as Node), newText: 'string' }], preferred: true });
      fixes.push({ title: 'Set default to 0.0', edits: [{ range: r, newText: '0.0' }] });
      add(r, 'warning', 'default-not-number', `default of float parameter '${param.name}' is not a number (${describe(parsed, d)}): MLflow does not check it, but the command receives it as-is`, fixes);
      return;
    }
  }
  if (param.type === 'uri' && kind === 'str' && typeof value === 'string' && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
    add(r, 'error', 'uri-default-no-scheme', `default '${value}' of uri parameter '${param.name}' has no scheme: \`mlflow run\` fails with "Expected URI for parameter ${param.name}" unless -P overrides it`, [
      { title: `Change type of '${param.name}' to 'path'`, edits: typeP && typeP.value && (typeP.value as Node).range ? [{ range: rangeOf(parsed, typeP.value as Node), newText: 'path' }] : [], preferred: true },
    ].filter((f) => f.edits.length > 0));
    return;
  }
  const py = pythonStr(parsed, d);
  if (py !== undefined) {
    const src = parsed.text.slice(d.range![0], d.range![1]);
    const harmless = (kind === 'float' || kind === 'int') && param.type === 'float' && !/^[-+]?0[0-7_]+$|0x|0b|:/.test(src);
    add(r, harmless ? 'info' : 'warning', 'yaml11-value', `PyYAML (YAML 1.1) reads default '${src}' of '${param.name}' as ${py}: the command receives '${py}'. Quote it to pass the text as written`, [
      { title: `Quote '${src}'`, edits: [{ range: r, newText: JSON.stringify(src) }], preferred: true },
    ]);
  }
}

function describe(parsed: ParsedYaml, d: Node): string {
  const src = d.range ? parsed.text.slice(d.range[0], d.range[1]) : '';
  return src.length > 40 ? src.slice(0, 40) + '…' : src;
}

function analyzeEnvironment(parsed: ParsedYaml, root: Node, ctx: AnalysisContext, dir: string | undefined, add: AddFn): void {
  for (const key of ['python_env', 'conda_env'] as const) {
    const p = getPair(root, key);
    if (!p) continue;
    const v = p.value as Node | null;
    const kind = pyKind(v);
    if (isNullNode(v) || (kind === 'str' && (v as Scalar).value === '')) {
      add(keyRange(parsed, p), 'warning', 'empty-environment', `'${key}' is empty: MLflow ignores it and falls back to python_env.yaml, conda.yaml or an empty virtualenv`, [deletePairFix(parsed, p, `Remove '${key}'`)]);
      continue;
    }
    if (kind !== 'str') {
      add(rangeOf(parsed, v), 'error', 'environment-file-type', `'${key}' must be a file path (string): MLflow fails to join it to the project folder`);
      continue;
    }
    const rel = String((v as Scalar).value);
    if (!dir || !ctx.fs) continue;
    const full = isAbsolute(rel) ? rel : join(dir, rel);
    if (!ctx.fs.exists(full)) {
      add(rangeOf(parsed, v), 'error', 'environment-file-missing', `${key} file '${rel}' does not exist: \`mlflow run\` fails ("no such file was found")`);
      continue;
    }
    const content = ctx.fs.readText(full);
    if (content === undefined) continue;
    const problem = key === 'python_env' ? pythonEnvProblem(content) : condaEnvProblem(content);
    if (problem) add(rangeOf(parsed, v), problem.severity, 'environment-file-invalid', `${key} file '${rel}': ${problem.message}`);
  }

  const dp = getPair(root, 'docker_env');
  if (!dp) return;
  const dv = dp.value as Node | null;
  if (isNullNode(dv) || (isMap(dv) && mapPairs(dv).length === 0)) {
    add(keyRange(parsed, dp), 'warning', 'empty-environment', "'docker_env' is empty: MLflow ignores it", [deletePairFix(parsed, dp, "Remove 'docker_env'")]);
    return;
  }
  if (!isMap(dv)) {
    add(rangeOf(parsed, dv), 'error', 'docker-env-not-mapping', "'docker_env' must be a mapping with 'image' (and optional 'volumes', 'environment'): MLflow fails on this value");
    return;
  }
  unknownKeys(parsed, dv, DOCKER_KEYS, { img: 'image', volume: 'volumes', env: 'environment' }, [], C('unknown-key'), 'docker_env key', 'MLflow ignores it', add);
  const img = getPair(dv, 'image');
  if (!img || isNullNode(img.value) || (isScalar(img.value) && (img.value as Scalar).value === '')) {
    add(img ? keyRange(parsed, img) : keyRange(parsed, dp), 'error', 'docker-no-image', "'docker_env' has no 'image': `mlflow run` fails (\"Docker environment specified but no image attribute found\")", img ? [] : [addChildFix(parsed, dp, 'image: python:3.11-slim', "Add 'image'")]);
  }
  const vol = getPair(dv, 'volumes');
  if (vol && !isNullNode(vol.value)) {
    const ok = isSeq(vol.value) && vol.value.items.every((i) => pyKind(i) === 'str');
    if (!ok) add(rangeOf(parsed, vol.value as Node), 'error', 'docker-volumes', "'volumes' must be a list of strings like \"/host:/container\": `mlflow run` fails otherwise");
  }
  const env = getPair(dv, 'environment');
  if (env && !isNullNode(env.value)) {
    if (!isSeq(env.value) || !env.value.items.every((i) => pyKind(i) === 'str' || pyKind(i) === 'seq')) {
      add(rangeOf(parsed, env.value as Node), 'error', 'docker-environment', "'environment' must be a list of \"VAR\" names or [\"NAME\", \"value\"] pairs: `mlflow run` fails otherwise");
    } else {
      for (const item of env.value.items) {
        if (isSeq(item) && item.items.length !== 2) add(rangeOf(parsed, item as Node), 'warning', 'docker-environment', 'an environment pair should be ["NAME", "value"]: MLflow uses the first two items');
      }
    }
  }
  const name = getPair(root, 'name');
  if (!name || isNullNode(name.value) || (isScalar(name.value) && (name.value as Scalar).value === '')) {
    add(keyRange(parsed, dp), 'error', 'docker-no-name', "a project with 'docker_env' needs a 'name': MLflow uses it to tag the image and fails without it", name ? [] : [{ title: "Add 'name'", edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'name: my-project\n' }], preferred: true }]);
  }
}

function pythonEnvProblem(content: string): { severity: 'error' | 'warning'; message: string } | undefined {
  const doc = parseDocument(content, { version: '1.1', uniqueKeys: false });
  if (doc.errors.length) return { severity: 'error', message: `not valid YAML (${doc.errors[0].message.split('\n')[0]})` };
  const root = doc.contents;
  if (!isMap(root)) return { severity: 'error', message: 'must be a mapping with python, build_dependencies and dependencies' };
  for (const p of mapPairs(root)) {
    const k = keyName(p);
    if (!['python', 'build_dependencies', 'dependencies'].includes(k ?? '')) return { severity: 'error', message: `unknown key '${k}': MLflow fails to read the environment (allowed: python, build_dependencies, dependencies)` };
    const kind = pyKind(p.value);
    if (kind === 'null') continue;
    if (k === 'python' && kind !== 'str') return { severity: 'error', message: `'python' must be a string (PyYAML reads ${kind}; quote the version)` };
    if (k !== 'python' && kind !== 'seq') return { severity: 'error', message: `'${k}' must be a list` };
  }
  return undefined;
}

function condaEnvProblem(content: string): { severity: 'error' | 'warning'; message: string } | undefined {
  const doc = parseDocument(content, { version: '1.1', uniqueKeys: false });
  if (doc.errors.length) return { severity: 'error', message: `not valid YAML (${doc.errors[0].message.split('\n')[0]})` };
  if (!isMap(doc.contents)) return { severity: 'error', message: 'must be a mapping (name, channels, dependencies)' };
  if (!getPair(doc.contents, 'dependencies')) return { severity: 'warning', message: "has no 'dependencies'" };
  return undefined;
}

function analyzeSparkJob(parsed: ParsedYaml, root: Node, result: ProjectAnalysis, add: AddFn): void {
  const sp = getPair(root, 'databricks_spark_job');
  if (!sp || isNullNode(sp.value)) return;
  const v = sp.value as Node;
  if (!isMap(v)) {
    add(rangeOf(parsed, v), 'error', 'spark-job', "'databricks_spark_job' must be a mapping: MLflow fails on this value");
    return;
  }
  unknownKeys(parsed, v, SPARK_JOB_KEYS, {}, [], C('unknown-key'), 'databricks_spark_job key', 'MLflow ignores it', add);
  const pf = getPair(v, 'python_file');
  const hasFile = !!pf && !isNullNode(pf.value);
  const hasEps = result.entryPoints.length > 0;
  const kr = keyRange(parsed, sp);
  if (!hasFile && !hasEps) add(kr, 'error', 'spark-job', "a Databricks Spark job needs 'databricks_spark_job.python_file' or 'entry_points'");
  if (hasFile && hasEps) add(keyRange(parsed, pf!), 'error', 'spark-job', "a Databricks Spark job cannot set both 'python_file' and 'entry_points'");
  for (const ep of result.entryPoints) for (const p of ep.params) if (p.type === 'path') add(p.keyRange, 'error', 'spark-job', `a Databricks Spark job does not support 'path' parameters ('${p.name}')`);
  for (const key of ENV_KEYS) {
    const e = getPair(root, key);
    if (e) add(keyRange(parsed, e), 'error', 'spark-job', `a Databricks Spark job cannot use '${key}'`, [deletePairFix(parsed, e, `Remove '${key}'`)]);
  }
}

function quoteFix(parsed: ParsedYaml, node: Node): Fix[] {
  if (!node.range) return [];
  const src = parsed.text.slice(node.range[0], node.range[1]);
  return [{ title: `Quote '${src}'`, edits: [{ range: rangeOf(parsed, node), newText: JSON.stringify(src) }], preferred: true }];
}

function indentOfLine(parsed: ParsedYaml, line: number): number {
  const t = parsed.lines.lineText(line);
  return t.length - t.trimStart().length;
}

/** Inserts `child` as the first entry under a block mapping pair, or right after a flow/empty value. */
function addChildFix(parsed: ParsedYaml, pair: Pair, child: string, title: string): Fix {
  const kr = keyRange(parsed, pair);
  const keyIndent = indentOfLine(parsed, kr.start.line) + (kr.start.character - indentOfLine(parsed, kr.start.line));
  const v = pair.value as Node | null;
  const off = pairOffsets(pair);
  if (isMap(v) && v.range && !(v as { flow?: boolean }).flow && mapPairs(v).length > 0) {
    const first = keyRange(parsed, mapPairs(v)[0]);
    const pos = { line: first.start.line, character: 0 };
    return { title, edits: [{ range: { start: pos, end: pos }, newText: `${' '.repeat(first.start.character)}${child}\n` }], preferred: true };
  }
  const endLine = off ? parsed.lines.position(off[1]).line : kr.end.line;
  const lineEnd = parsed.lines.position(parsed.lines.lineEnd(kr.end.line));
  if (isNullNode(v)) {
    return { title, edits: [{ range: { start: lineEnd, end: lineEnd }, newText: `\n${' '.repeat(keyIndent + 2)}${child}` }], preferred: true };
  }
  const endPos = parsed.lines.position(parsed.lines.lineEnd(endLine));
  return { title, edits: [{ range: { start: endPos, end: endPos }, newText: `\n${' '.repeat(keyIndent + 2)}${child}` }], preferred: true };
}

function declareParamFix(parsed: ParsedYaml, ep: ProjectEntryPoint, name: string): Fix {
  const title = `Declare parameter '${name}' in '${ep.name}'`;
  const pp = ep.paramsPair;
  if (pp && isMap(pp.value) && !(pp.value as { flow?: boolean }).flow && mapPairs(pp.value).length > 0) {
    const items = mapPairs(pp.value);
    const last = items[items.length - 1];
    const indent = keyRange(parsed, items[0]).start.character;
    const off = pairOffsets(last)!;
    const endPos = parsed.lines.position(parsed.lines.lineEnd(parsed.lines.position(off[1]).line));
    return { title, edits: [{ range: { start: endPos, end: endPos }, newText: `\n${' '.repeat(indent)}${name}: string` }], preferred: true };
  }
  if (pp && isMap(pp.value) && (pp.value as { flow?: boolean }).flow && pp.value.range) {
    const closeAt = pp.value.range[1] - 1;
    const pos = parsed.lines.position(closeAt);
    const sep = mapPairs(pp.value).length ? ', ' : '';
    return { title, edits: [{ range: { start: pos, end: pos }, newText: `${sep}${name}: string` }], preferred: true };
  }
  if (pp && isNullNode(pp.value)) {
    const kr = keyRange(parsed, pp);
    const lineEnd = parsed.lines.position(parsed.lines.lineEnd(kr.end.line));
    return { title, edits: [{ range: { start: lineEnd, end: lineEnd }, newText: `\n${' '.repeat(kr.start.character + 2)}${name}: string` }], preferred: true };
  }
  // No parameters block: add one after the entry point's key line, indented like its other keys.
  const body = ep.pair.value;
  const first = isMap(body) && mapPairs(body).length ? keyRange(parsed, mapPairs(body)[0]) : undefined;
  if (first && !(body as { flow?: boolean }).flow) {
    const ind = first.start.character;
    const pos = { line: first.start.line, character: 0 };
    return { title, edits: [{ range: { start: pos, end: pos }, newText: `${' '.repeat(ind)}parameters:\n${' '.repeat(ind + 2)}${name}: string\n` }], preferred: true };
  }
  return { title, edits: [] };
}

function similarParamFixes(parsed: ParsedYaml, ph: Placeholder, name: string, declared: string[]): Fix[] {
  const near = didYouMean(name, declared);
  if (!near) return [];
  const edit: TextEdit = { range: ph.nameRange, newText: near };
  return [{ title: `Change to '{${near}}'`, edits: [edit] }];
}

export { PARAM_TYPES };
