import type { Experiment, ModelVersion, RegisteredModel, Run } from '../model/entities';
import { TAG } from '../model/entities';
import { RUNS, type Comparator } from './dialects';
import type { Clause } from './parser';

/**
 * Matching parsed clauses against our entities with the semantics of MLflow's file store:
 * a clause on a key the entity lacks is false (even `!=`), LIKE is case-sensitive and ILIKE not,
 * numbers compare as floats (so NaN only satisfies `!=`).
 */

type Scalar = string | number | null | undefined;

function own<T>(rec: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}

const likeCache = new Map<string, RegExp>();

/**
 * MLflow turns a LIKE pattern into a Python regex: % → .*, _ → ., everything else literal, matched
 * from the start and anchored at the end unless the pattern ends in %. Python's `.` stops at a
 * newline and its `$` also matches before a final newline; both are kept here.
 */
export function likeRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const cacheKey = (caseInsensitive ? 'i' : 's') + pattern;
  const hit = likeCache.get(cacheKey);
  if (hit) return hit;
  let body = '^';
  for (const ch of pattern) {
    if (ch === '%') body += '[^\\n]*';
    else if (ch === '_') body += '[^\\n]';
    else body += /[\\^$.*+?()[\]{}|/]/.test(ch) ? '\\' + ch : ch;
  }
  if (!pattern.endsWith('%')) body += '\\n?$';
  const re = new RegExp(body, caseInsensitive ? 'iu' : 'u');
  if (likeCache.size > 500) likeCache.clear();
  likeCache.set(cacheKey, re);
  return re;
}

function compare(lhs: string | number, cmp: Comparator, value: Clause['value']): boolean {
  switch (cmp) {
    case '=':
      return lhs === value;
    case '!=':
      return lhs !== value;
    case '<':
      return (lhs as number) < (value as number);
    case '<=':
      return (lhs as number) <= (value as number);
    case '>':
      return (lhs as number) > (value as number);
    case '>=':
      return (lhs as number) >= (value as number);
    case 'LIKE':
      return typeof lhs === 'string' && likeRegExp(value as string, false).test(lhs);
    case 'ILIKE':
      return typeof lhs === 'string' && likeRegExp(value as string, true).test(lhs);
    case 'IN':
      return (value as string[]).includes(lhs as string);
    case 'NOT IN':
      return !(value as string[]).includes(lhs as string);
    default:
      return false;
  }
}

/** A clause against one looked-up value; null/undefined is "the entity lacks it". */
function test(lhs: Scalar, c: Clause): boolean {
  if (c.comparator === 'IS NULL') return lhs === null || lhs === undefined;
  if (c.comparator === 'IS NOT NULL') return lhs !== null && lhs !== undefined;
  if (lhs === null || lhs === undefined) return false;
  return compare(lhs, c.comparator, c.value);
}

/** A run attribute by MLflow name; aliases (created, `run name`) resolve first. */
function runAttribute(run: Run, name: string): Scalar {
  switch (RUNS.alias(name)) {
    case 'run_id':
      return run.info.runId;
    case 'run_name':
      return run.info.runName;
    case 'status':
      return run.info.status;
    case 'user_id':
      return run.info.userId;
    case 'artifact_uri':
      return run.info.artifactUri;
    case 'start_time':
      return run.info.startTime;
    case 'end_time':
      return run.info.endTime;
    default:
      return undefined;
  }
}

export function runMatches(run: Run, clauses: readonly Clause[]): boolean {
  return clauses.every((c) => {
    switch (c.type) {
      case 'metric':
        return test(own(run.data.metrics, c.key)?.value, c);
      case 'parameter':
        return test(own(run.data.params, c.key), c);
      case 'tag':
        return test(own(run.data.tags, c.key), c);
      case 'attribute':
        return test(runAttribute(run, c.key), c);
      case 'dataset':
        // Our Run entity carries no dataset inputs, so no run has a matching one.
        return false;
    }
  });
}

function experimentAttribute(e: Experiment, key: string): Scalar {
  switch (key) {
    case 'name':
      return e.name;
    case 'experiment_id':
      return e.experimentId;
    case 'creation_time':
      return e.creationTime;
    case 'last_update_time':
      return e.lastUpdateTime;
    default:
      return undefined;
  }
}

export function experimentMatches(e: Experiment, clauses: readonly Clause[]): boolean {
  return clauses.every((c) => test(c.type === 'tag' ? own(e.tags, c.key) : experimentAttribute(e, c.key), c));
}

/**
 * Registry searches treat the prompt marker tag specially: an entity without it counts as
 * `!= 'true'` and `= 'false'`, so the implicit "no prompts" clause keeps ordinary models.
 */
function registryTag(tags: Record<string, string>, c: Clause): boolean {
  const lhs = own(tags, c.key);
  if (c.key === TAG.promptIsPrompt && lhs === undefined) {
    return (c.comparator === '=' && c.value === 'false') || (c.comparator === '!=' && c.value === 'true');
  }
  return test(lhs, c);
}

export function registeredModelMatches(m: RegisteredModel, clauses: readonly Clause[]): boolean {
  return clauses.every((c) => (c.type === 'tag' ? registryTag(m.tags, c) : test(c.key === 'name' ? m.name : undefined, c)));
}

function versionAttribute(v: ModelVersion, key: string): Scalar {
  switch (key) {
    case 'name':
      return v.name;
    case 'run_id':
      return v.runId;
    case 'source_path':
      return v.source;
    case 'version_number':
      return Number(v.version);
    default:
      return undefined;
  }
}

export function modelVersionMatches(v: ModelVersion, clauses: readonly Clause[]): boolean {
  return clauses.every((c) => {
    if (c.type === 'tag') return registryTag(v.tags, c);
    // MLflow applies int() to the value, truncating 1.5 to 1.
    const clause = c.key === 'version_number' && typeof c.value === 'number' ? { ...c, value: Math.trunc(c.value) } : c;
    return test(versionAttribute(v, c.key), clause);
  });
}

export { runAttribute, experimentAttribute, versionAttribute };
