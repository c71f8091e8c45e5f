import { basename } from 'node:path';
import { analyzeGatewayConfig, type GatewayAnalysis } from './gatewayAnalysis';
import { analyzeMlmodel, type ModelAnalysis } from './mlmodelAnalysis';
import { analyzeMlproject, type AnalysisContext, type ProjectAnalysis } from './mlprojectAnalysis';
import type { LanguageId } from './types';

export type Analysis = ProjectAnalysis | ModelAnalysis | GatewayAnalysis;
export type { AnalysisContext };

export function analyze(languageId: LanguageId, text: string, ctx: AnalysisContext = {}): Analysis {
  if (languageId === 'gateway') return analyzeGatewayConfig(text);
  return languageId === 'mlmodel' ? analyzeMlmodel(text, ctx) : analyzeMlproject(text, ctx);
}

/** Which language a file name is: MLflow finds `MLproject` case-insensitively; MLmodel is exact in practice. */
export function languageForPath(path: string): LanguageId | undefined {
  const name = basename(path);
  if (name.toLowerCase() === 'mlproject') return 'mlproject';
  if (name.toLowerCase() === 'mlmodel') return 'mlmodel';
  return undefined;
}
