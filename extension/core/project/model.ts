import { basename, dirname, join } from 'node:path';
import { analyzeMlproject, type ProjectAnalysis } from '../lang/mlprojectAnalysis';
import { nodeFileProbe } from '../lang/nodeFileProbe';
import type { FileProbe } from '../lang/types';

/**
 * The MLproject as the runner, the CodeLens and the CLI see it. It is read by the same analysis the
 * language server runs (extension/core/lang/mlprojectAnalysis.ts), so a file the editor marks as
 * broken is broken here for the same reason, and there is one reading of the YAML, not two.
 */

/**
 * Parameter types as our input checks treat them. MLflow itself documents string, float, path and
 * uri, checks only path and uri, and treats every other name as string; `int` (and its spellings) is
 * kept apart so a box can refuse `0.5` for a parameter the author declared whole.
 */
export type ParamType = 'float' | 'int' | 'string' | 'path' | 'uri';

export type EnvKind = 'python_env' | 'conda_env' | 'docker_env' | 'none';

export interface ProjectParameter {
  name: string;
  type: ParamType;
  /** The type as written (`string` when omitted). */
  declaredType: string;
  /** The default as `mlflow run` substitutes it (Python's str() of what PyYAML loads); undefined: required. */
  default?: string;
}

export interface ProjectEntryPointModel {
  name: string;
  /** The command template (Python str.format fields); undefined when the file does not give a string. */
  command?: string;
  parameters: ProjectParameter[];
}

export interface ProjectEnvironment {
  kind: EnvKind;
  /** python_env / conda_env: absolute path of the environment file. */
  file?: string;
  /** docker_env: the base image. */
  image?: string;
  /** True when the file came from MLflow's fallback (python_env.yaml / conda.yaml next to the MLproject). */
  implicit?: boolean;
}

export interface MlProject {
  /** The project folder. */
  dir: string;
  /** The MLproject file; undefined for a folder without one (MLflow then runs `.py`/`.sh` files as entry points). */
  file?: string;
  name?: string;
  entryPoints: ProjectEntryPointModel[];
  env: ProjectEnvironment;
  /** Error diagnostics as `file:line:col: message`: what makes `mlflow run` refuse the file. */
  errors: string[];
}

const INT_NAMES = new Set(['int', 'integer', 'long']);
const FLOAT_NAMES = new Set(['float', 'double', 'number', 'numeric']);

function paramType(declared: string | undefined): ParamType {
  if (declared === 'path' || declared === 'uri' || declared === 'float') return declared;
  const lower = (declared ?? '').toLowerCase();
  if (INT_NAMES.has(lower)) return 'int';
  if (FLOAT_NAMES.has(lower)) return 'float';
  return 'string';
}

/** The MLproject file of a folder as MLflow finds it: the first entry whose lowercased name is `mlproject`. */
export function findProjectFile(dir: string, fs: FileProbe = nodeFileProbe): string | undefined {
  const name = fs.list(dir).find((n) => n.toLowerCase() === 'mlproject');
  return name === undefined ? undefined : join(dir, name);
}

/** Builds the model from an analysis (for callers, such as the language server, that already have one). */
export function projectFromAnalysis(analysis: ProjectAnalysis, file: string, fs: FileProbe = nodeFileProbe): MlProject {
  const dir = dirname(file);
  const entryPoints = analysis.entryPoints.map((ep) => ({
    name: ep.name,
    command: ep.command,
    parameters: ep.params.map((p) => ({
      name: p.name,
      type: paramType(p.type),
      declaredType: p.type ?? 'string',
      ...(p.defaultValue !== undefined ? { default: p.defaultValue } : {}),
    })),
  }));
  const errors = analysis.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`);
  return { dir, file, name: analysis.projectName, entryPoints, env: environmentOf(analysis, dir, fs), errors };
}

function environmentOf(analysis: ProjectAnalysis, dir: string, fs: FileProbe): ProjectEnvironment {
  const declared = analysis.environment;
  if (declared?.key === 'docker_env') return { kind: 'docker_env', image: declared.image };
  if (declared?.file !== undefined) return { kind: declared.key, file: join(dir, declared.file) };
  return implicitEnvironment(dir, fs);
}

/** MLflow's fallbacks when the MLproject names no environment (or there is no MLproject). */
function implicitEnvironment(dir: string, fs: FileProbe): ProjectEnvironment {
  if (fs.exists(join(dir, 'python_env.yaml'))) return { kind: 'python_env', file: join(dir, 'python_env.yaml'), implicit: true };
  if (fs.exists(join(dir, 'conda.yaml'))) return { kind: 'conda_env', file: join(dir, 'conda.yaml'), implicit: true };
  return { kind: 'none' };
}

/** Parses MLproject text; `file` is its path (the project folder is its parent). */
export function parseProject(text: string, file: string, fs: FileProbe = nodeFileProbe): MlProject {
  return projectFromAnalysis(analyzeMlproject(text, { path: file, fs }), file, fs);
}

/** Reads a project folder (or an MLproject file's path). Throws with the path when it cannot be read. */
export function loadProject(dirOrFile: string, fs: FileProbe = nodeFileProbe): MlProject {
  const isFile = /^mlproject$/i.test(basename(dirOrFile)) && !(fs.isDirectory?.(dirOrFile) ?? false);
  const dir = isFile ? dirname(dirOrFile) : dirOrFile;
  if (!isFile && !(fs.isDirectory?.(dir) ?? fs.exists(dir))) throw new Error(`project folder ${dir} does not exist`);
  const file = isFile ? dirOrFile : findProjectFile(dir, fs);
  if (file === undefined) return { dir, entryPoints: [], env: implicitEnvironment(dir, fs), errors: [] };
  const text = fs.readText(file);
  if (text === undefined) throw new Error(`cannot read ${file} (missing, not a regular file, or over 1 MiB)`);
  return parseProject(text, file, fs);
}

export interface ResolvedEntryPoint extends ProjectEntryPointModel {
  /** True for a `.py`/`.sh` file run as an entry point (MLflow's fallback for names not declared). */
  script?: boolean;
}

/**
 * The entry point `mlflow run -e NAME` would run: a declared one, else a `.py` or `.sh` file of
 * that name (MLflow runs it with `python` or $SHELL, no parameters declared). Undefined otherwise.
 */
export function resolveEntryPoint(project: MlProject, name: string): ResolvedEntryPoint | undefined {
  const declared = project.entryPoints.find((e) => e.name === name);
  if (declared) return declared;
  if (/\.(py|sh)$/.test(name)) return { name, parameters: [], script: true };
  return undefined;
}
