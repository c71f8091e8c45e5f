import type { Experiment, ModelVersion, RegisteredModel, Run } from '../model/entities';
import { TAG } from '../model/entities';
import { EXPERIMENTS, MODEL_VERSIONS, REGISTERED_MODELS, RUNS } from './dialects';
import { experimentMatches, modelVersionMatches, registeredModelMatches, runMatches } from './evaluate';
import { parseOrderByList } from './orderBy';
import { parseFilter, type Clause } from './parser';
import { experimentComparator, modelVersionComparator, registeredModelComparator, runComparator } from './sort';

/**
 * MLflow's search filter and order_by grammar, evaluated locally. See docs/filter.md.
 * Parse errors are FilterErrors (a StoreError, INVALID_PARAMETER_VALUE) with a span.
 */

export { FilterError, formatFilterError } from './errors';
export { DIALECTS, EXPERIMENTS, MODEL_VERSIONS, REGISTERED_MODELS, RUNS, TRACES, type Comparator, type Dialect, type EntityType, type SearchKind } from './dialects';
export { parseFilter, type Clause, type Span } from './parser';
export { parseOrderBy, parseOrderByList, type OrderKey } from './orderBy';
export { likeRegExp, runMatches } from './evaluate';
export { runComparator } from './sort';
export { planRunSearch, type RunSearchPlan } from './runSearchPlan';

export interface LocalSearch {
  filter?: string;
  orderBy?: readonly string[];
  maxResults?: number;
}

function cap<T>(items: T[], max?: number): T[] {
  return max !== undefined && max >= 0 && items.length > max ? items.slice(0, max) : items;
}

/** Filters, orders and caps runs. Parses everything before touching the data, so bad input always fails. */
export function searchRunsLocal(runs: readonly Run[], opts: LocalSearch): Run[] {
  const clauses = parseFilter(opts.filter ?? '', RUNS);
  const order = parseOrderByList(opts.orderBy, RUNS);
  return cap(runs.filter((r) => runMatches(r, clauses)).sort(runComparator(order)), opts.maxResults);
}

export function searchExperimentsLocal(exps: readonly Experiment[], opts: LocalSearch): Experiment[] {
  const clauses = parseFilter(opts.filter ?? '', EXPERIMENTS);
  const order = parseOrderByList(opts.orderBy, EXPERIMENTS);
  return cap(exps.filter((e) => experimentMatches(e, clauses)).sort(experimentComparator(order)), opts.maxResults);
}

/**
 * Registry searches hide prompts: MLflow appends `tags.\`mlflow.prompt.is_prompt\` != 'true'`
 * unless the filter text mentions that key anywhere.
 */
function promptClause(filter: string): Clause[] {
  if (filter.includes(TAG.promptIsPrompt)) return [];
  const span = { offset: 0, length: 0 };
  return [{ type: 'tag', key: TAG.promptIsPrompt, comparator: '!=', value: 'true', span, keySpan: span }];
}

export function filterRegisteredModels(models: readonly RegisteredModel[], filter = ''): RegisteredModel[] {
  const clauses = [...parseFilter(filter, REGISTERED_MODELS), ...promptClause(filter)];
  return models.filter((m) => registeredModelMatches(m, clauses));
}

export function sortRegisteredModelsLocal(models: readonly RegisteredModel[], opts: LocalSearch): RegisteredModel[] {
  return cap(models.slice().sort(registeredModelComparator(parseOrderByList(opts.orderBy, REGISTERED_MODELS))), opts.maxResults);
}

export function filterModelVersions(versions: readonly ModelVersion[], filter = ''): ModelVersion[] {
  const clauses = [...parseFilter(filter, MODEL_VERSIONS), ...promptClause(filter)];
  return versions.filter((v) => modelVersionMatches(v, clauses));
}

export function sortModelVersionsLocal(versions: readonly ModelVersion[], opts: LocalSearch): ModelVersion[] {
  return cap(versions.slice().sort(modelVersionComparator(parseOrderByList(opts.orderBy, MODEL_VERSIONS))), opts.maxResults);
}

export function searchRegisteredModelsLocal(models: readonly RegisteredModel[], opts: LocalSearch): RegisteredModel[] {
  parseOrderByList(opts.orderBy, REGISTERED_MODELS);
  return sortRegisteredModelsLocal(filterRegisteredModels(models, opts.filter), opts);
}

export function searchModelVersionsLocal(versions: readonly ModelVersion[], opts: LocalSearch): ModelVersion[] {
  parseOrderByList(opts.orderBy, MODEL_VERSIONS);
  return sortModelVersionsLocal(filterModelVersions(versions, opts.filter), opts);
}
