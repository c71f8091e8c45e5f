export { analyze, languageForPath, type Analysis, type AnalysisContext } from './analysis';
export { complete } from './completion';
export { hover } from './hover';
export { outline } from './outline';
export { definition } from './definitions';
export { quickFixes, applyEdits, type CodeActionResult } from './quickFixes';
export { codeLenses } from './codeLens';
export { nodeFileProbe, memoryFileProbe } from './nodeFileProbe';
export * from './types';
