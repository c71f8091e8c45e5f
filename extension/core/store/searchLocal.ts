import type { Experiment, ModelVersion, RegisteredModel, Run } from '../model/entities';
import {
  filterModelVersions,
  filterRegisteredModels,
  parseOrderByList,
  MODEL_VERSIONS,
  REGISTERED_MODELS,
  searchExperimentsLocal,
  searchRunsLocal,
  sortModelVersionsLocal,
  sortRegisteredModelsLocal,
} from '../filter';
import { baseRunOrder } from '../filter/sort';
import type { SearchExperimentsOptions, SearchModelsOptions, SearchRunsOptions } from './trackingStore';

/**
 * Search semantics for stores whose data we read directly (file store, SQLite reader): filter,
 * order_by and max_results as MLflow's file store applies them, through the filter module.
 * Bad filters or order_bys throw a FilterError (INVALID_PARAMETER_VALUE) with the offending span.
 */

/** MLflow's base order for runs: start_time DESC, run_id ASC. */
export const defaultRunOrder: (a: Run, b: Run) => number = baseRunOrder;

export function applyRunSearch(runs: Run[], opts: SearchRunsOptions): Run[] {
  return searchRunsLocal(runs, opts);
}

export function applyExperimentSearch(exps: Experiment[], opts: SearchExperimentsOptions): Experiment[] {
  return searchExperimentsLocal(exps, opts);
}

/** Filters registered models (prompts hidden, as MLflow does); sortRegisteredModels orders and caps. */
export function applyModelSearch(models: RegisteredModel[], opts: SearchModelsOptions): RegisteredModel[] {
  // order_by is checked here too, so a bad one fails even when nothing matches the filter.
  parseOrderByList(opts.orderBy, REGISTERED_MODELS);
  return filterRegisteredModels(models, opts.filter);
}

export function applyVersionSearch(versions: ModelVersion[], opts: SearchModelsOptions): ModelVersion[] {
  parseOrderByList(opts.orderBy, MODEL_VERSIONS);
  return filterModelVersions(versions, opts.filter);
}

export function sortRegisteredModels(models: RegisteredModel[], opts: SearchModelsOptions): RegisteredModel[] {
  return sortRegisteredModelsLocal(models, opts);
}

export function sortModelVersions(versions: ModelVersion[], opts: SearchModelsOptions): ModelVersion[] {
  return sortModelVersionsLocal(versions, opts);
}
