/** The MLproject model shared by the runner, the CodeLens, the tasks and the CLI (docs/runner.md). */
export { findProjectFile, loadProject, parseProject, projectFromAnalysis, resolveEntryPoint } from './model';
export type { EnvKind, MlProject, ParamType, ProjectEntryPointModel, ProjectEnvironment, ProjectParameter, ResolvedEntryPoint } from './model';
export { computeCommand, computeParameters, localPathOf, ParameterError, shellQuote, uriScheme, validateParamValue } from './params';
export type { ComputedParameters, ParamCheck, ValidateOptions } from './params';
