import type { Analysis } from './analysis';
import type { EntryPointLens } from './types';

/** One "Run" lens per MLproject entry point; the client maps it to `mlflow.runEntryPoint`. */
export function codeLenses(analysis: Analysis): EntryPointLens[] {
  if (analysis.kind !== 'mlproject') return [];
  return analysis.entryPoints.map((ep) => ({ entryPoint: ep.name, range: ep.keyRange }));
}
