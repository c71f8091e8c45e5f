/**
 * MLflow's rules for experiment names, run names and tags (mlflow/utils/validation.py, MLflow
 * 3.17), checked before anything is sent so the input box shows the reason instead of a server
 * error after the fact. Each function answers "why not", or undefined when MLflow would accept it.
 */

/** MLflow's MAX_EXPERIMENT_NAME_LENGTH. */
export const MAX_EXPERIMENT_NAME = 500;
/** The `runs.name` column of MLflow's database schema (String(250)). */
export const MAX_RUN_NAME = 250;
/** MAX_ENTITY_KEY_LENGTH (run tags) and MAX_EXPERIMENT_TAG_KEY_LENGTH. */
export const MAX_TAG_KEY = 250;
/** MAX_TAG_VAL_LENGTH: longer run tag values are cut there by MLflow (or refused). */
export const MAX_RUN_TAG_VALUE = 8000;
/** MAX_EXPERIMENT_TAG_VAL_LENGTH. */
export const MAX_EXPERIMENT_TAG_VALUE = 20000;

/** Length as Python's len() counts it: code points, not UTF-16 units. */
function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function experimentNameProblem(name: string): string | undefined {
  if (name === '') return 'An experiment name cannot be empty.';
  if (pyLen(name) > MAX_EXPERIMENT_NAME) return `An experiment name is at most ${MAX_EXPERIMENT_NAME} characters (this one has ${pyLen(name)}).`;
  return undefined;
}

export function runNameProblem(name: string): string | undefined {
  // MLflow ignores an empty name on update (the run keeps its old one): refuse it instead of doing nothing.
  if (name.trim() === '') return 'A run name cannot be empty.';
  if (pyLen(name) > MAX_RUN_NAME) return `A run name is at most ${MAX_RUN_NAME} characters (this one has ${pyLen(name)}).`;
  return undefined;
}

/**
 * Python's posixpath.normpath, which MLflow uses to refuse names that would name another file:
 * '' → '.', '.' and empty segments dropped, '..' folded, trailing '/' dropped, a leading '//' kept.
 */
export function pyNormpath(path: string): string {
  if (path === '') return '.';
  const lead = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? 2 : 1) : 0;
  const out: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c !== '..' || (lead === 0 && out.length === 0) || (out.length > 0 && out[out.length - 1] === '..')) out.push(c);
    else if (out.length > 0) out.pop();
  }
  const body = out.join('/');
  const s = '/'.repeat(lead) + body;
  return s || '.';
}

/** Letters and digits of any script, '_', '-', '.', ' ', '/' and ':' (MLflow's rule off Windows). */
const KEY_CHARS = /^[\p{L}\p{N}_.\- /:]*$/u;

/** A run or experiment tag key (MLflow's _validate_tag_name plus its length limit). */
export function tagKeyProblem(key: string): string | undefined {
  if (key === '') return 'A tag key cannot be empty.';
  if (!KEY_CHARS.test(key)) return 'A tag key may contain only letters, digits, underscores (_), dashes (-), periods (.), spaces, colons (:) and slashes (/).';
  const norm = pyNormpath(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    const why = norm !== key ? `it would resolve to '${norm}'` : key.startsWith('/') ? "it starts with '/'" : "it starts with '..'";
    return `MLflow may store a tag key as a file name, so the key must name no other file: ${why} (no leading or trailing '/', no '//', '.' or '..' parts).`;
  }
  if (pyLen(key) > MAX_TAG_KEY) return `A tag key is at most ${MAX_TAG_KEY} characters (this one has ${pyLen(key)}).`;
  return undefined;
}

/** A tag value: MLflow cuts (or refuses) longer values; we refuse, so nothing is lost silently. */
export function tagValueProblem(value: string, on: 'run' | 'experiment'): string | undefined {
  const max = on === 'run' ? MAX_RUN_TAG_VALUE : MAX_EXPERIMENT_TAG_VALUE;
  const n = pyLen(value);
  return n > max ? `${on === 'run' ? 'A run' : 'An experiment'} tag value is at most ${max} characters in MLflow (this one has ${n}).` : undefined;
}
