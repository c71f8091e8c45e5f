import type { Experiment, ModelVersion, RegisteredModel, Run } from '../model/entities';
import type { SearchExperimentsOptions, SearchModelsOptions, SearchRunsOptions } from './trackingStore';

/**
 * Search semantics for stores that hold their data locally (the file store): the default orders
 * MLflow applies when no order_by is given, and max_results. Filter and order_by expressions are
 * evaluated by the filter module.
 */

function cmpNum(a: number | null | undefined, b: number | null | undefined, desc: boolean): number {
  // Missing values sort last in both directions, as MLflow does.
  const am = a === null || a === undefined;
  const bm = b === null || b === undefined;
  if (am || bm) return am === bm ? 0 : am ? 1 : -1;
  return desc ? b - a : a - b;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cap<T>(items: T[], max?: number): T[] {
  return max !== undefined && max >= 0 && items.length > max ? items.slice(0, max) : items;
}

/** MLflow's base order for runs: start_time DESC, run_id ASC. */
export function defaultRunOrder(a: Run, b: Run): number {
  return cmpNum(a.info.startTime, b.info.startTime, true) || cmpStr(a.info.runId, b.info.runId);
}

export function applyRunSearch(runs: Run[], opts: SearchRunsOptions): Run[] {
  const sorted = runs.slice().sort(defaultRunOrder);
  return cap(sorted, opts.maxResults);
}

export function applyExperimentSearch(exps: Experiment[], opts: SearchExperimentsOptions): Experiment[] {
  const sorted = exps.slice().sort((a, b) => cmpNum(a.creationTime, b.creationTime, true) || cmpStr(a.experimentId, b.experimentId));
  return cap(sorted, opts.maxResults);
}

export function applyModelSearch(models: RegisteredModel[], opts: SearchModelsOptions): RegisteredModel[] {
  // Prompts share the registry; MLflow hides them from model searches.
  return models.filter((m) => m.tags['mlflow.prompt.is_prompt'] !== 'true');
  void opts;
}

export function applyVersionSearch(versions: ModelVersion[], opts: SearchModelsOptions): ModelVersion[] {
  return versions.filter((v) => v.tags['mlflow.prompt.is_prompt'] !== 'true');
  void opts;
}

export function sortRegisteredModels(models: RegisteredModel[], opts: SearchModelsOptions): RegisteredModel[] {
  return cap(models.slice().sort((a, b) => cmpStr(a.name, b.name)), opts.maxResults);
}

export function sortModelVersions(versions: ModelVersion[], opts: SearchModelsOptions): ModelVersion[] {
  const sorted = versions
    .slice()
    .sort((a, b) => cmpNum(a.lastUpdatedTimestamp, b.lastUpdatedTimestamp, true) || cmpStr(a.name, b.name) || Number(b.version) - Number(a.version));
  return cap(sorted, opts.maxResults);
}
