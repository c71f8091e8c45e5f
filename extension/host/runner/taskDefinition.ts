/**
 * What a user writes in tasks.json for `"type": "mlflow"`, checked and turned into the core
 * runner's request. No `vscode` at run time: the task provider, the commands and the unit tests
 * share it.
 */

export const TASK_TYPE = 'mlflow';
export const ENV_MANAGERS = ['local', 'virtualenv', 'uv', 'conda', 'docker'] as const;
export type EnvManager = (typeof ENV_MANAGERS)[number];

type Scalar = string | number | boolean;

export interface MlflowTaskDefinition {
  type: typeof TASK_TYPE;
  /** Entry point to run; `main` when left out (as `mlflow run`). */
  entryPoint?: string;
  /** Folder holding the MLproject (relative to the workspace folder), or a git URI. */
  project?: string;
  /** Branch, tag or commit of a git project. */
  version?: string;
  parameters?: Record<string, Scalar>;
  /** Experiment name; created by the run when it does not exist. */
  experiment?: string;
  runName?: string;
  envManager?: EnvManager;
  /** Values per parameter: every combination becomes a child run of one parent run. */
  sweep?: Record<string, Scalar[] | string>;
  /** Child runs at a time in a sweep. */
  parallelism?: number;
  [key: string]: unknown;
}

/**
 * Splits "0.1, 0.01,0.001" into its values. Values are trimmed; empty items are dropped so a
 * trailing comma does no harm. A value that must hold a comma goes in tasks.json as an array item.
 */
export function parseValueList(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/** The sweep's values per parameter as strings (tasks.json may give numbers, or one comma list). */
export function sweepValues(sweep: MlflowTaskDefinition['sweep']): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(sweep ?? {})) out[k] = Array.isArray(v) ? v.map(String) : parseValueList(String(v));
  return out;
}

/** How many child runs a sweep makes: the product of the value counts. */
export function combinationCount(sweep: Record<string, string[]>): number {
  const lists = Object.values(sweep);
  return lists.length ? lists.reduce((n, l) => n * l.length, 1) : 0;
}

export function isSweep(def: MlflowTaskDefinition): boolean {
  return def.sweep !== undefined && Object.keys(def.sweep).length > 0;
}

/**
 * What is wrong with a definition read from tasks.json, one sentence per problem (empty when it is
 * usable). JSON schema in package.json helps while typing; this guards the run itself.
 */
export function definitionProblems(def: MlflowTaskDefinition): string[] {
  const problems: string[] = [];
  const str = (key: string) => {
    const v = def[key];
    if (v !== undefined && typeof v !== 'string') problems.push(`"${key}" must be a string, not ${JSON.stringify(v)}.`);
  };
  for (const k of ['entryPoint', 'project', 'version', 'experiment', 'runName']) str(k);
  const scalars = (key: string, obj: unknown, allowLists: boolean) => {
    if (obj === undefined) return;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return void problems.push(`"${key}" must be an object of parameter names to values.`);
    for (const [name, v] of Object.entries(obj)) {
      const ok = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
      if (ok(v)) continue;
      if (allowLists && Array.isArray(v) && v.length > 0 && v.every(ok)) continue;
      problems.push(`"${key}.${name}" must be ${allowLists ? 'a non-empty list of values or a comma-separated string' : 'a string, number or boolean'}.`);
    }
  };
  scalars('parameters', def.parameters, false);
  scalars('sweep', def.sweep, true);
  if (def.envManager !== undefined && !(ENV_MANAGERS as readonly unknown[]).includes(def.envManager)) {
    problems.push(`"envManager" must be one of ${ENV_MANAGERS.join(', ')}, not ${JSON.stringify(def.envManager)}.`);
  }
  if (def.parallelism !== undefined && !(Number.isInteger(def.parallelism) && def.parallelism >= 1)) {
    problems.push(`"parallelism" must be a whole number of 1 or more, not ${JSON.stringify(def.parallelism)}.`);
  }
  if (isSweep(def) && problems.length === 0) {
    const sv = sweepValues(def.sweep);
    for (const [k, v] of Object.entries(sv)) if (v.length === 0) problems.push(`"sweep.${k}" holds no values.`);
    for (const k of Object.keys(sv)) if (def.parameters && k in def.parameters) problems.push(`"${k}" is both in "parameters" and in "sweep".`);
  }
  return problems;
}

/** A git URI as `mlflow run` takes it (https://, ssh, git@, file://): not a folder of the workspace. */
export function isGitProject(project: string): boolean {
  return /^(https?|ssh|git|file):\/\//i.test(project) || /^git@/.test(project) || /\.git(#.*)?$/.test(project);
}

/** The task's name in "Run Task": entry point, then what differs from the defaults. */
export function taskLabel(def: MlflowTaskDefinition, projectLabel?: string): string {
  const ep = def.entryPoint ?? 'main';
  const where = projectLabel ? ` (${projectLabel})` : '';
  return isSweep(def) ? `sweep ${ep}${where}` : `run ${ep}${where}`;
}

/** Parameter values as the runner takes them: strings, exactly as given. */
export function parameterStrings(params: MlflowTaskDefinition['parameters']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {})) out[k] = String(v);
  return out;
}
