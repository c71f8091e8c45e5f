import { relative } from 'node:path';
import * as vscode from 'vscode';
import type { RunJobDeps } from './runJob';
import { askParallelism, askParameters, askRunName, askSweepValues, pickEntryPoint, pickExperiment, pickProject } from './prompts';
import { buildTask } from './taskProvider';
import { combinationCount, TASK_TYPE, taskLabel, type MlflowTaskDefinition } from './taskDefinition';

/**
 * "MLflow: Run MLproject Entry Point" (also the CodeLens "Run") and "MLflow: Run Parameter
 * Sweep…": questions first (prompts.ts), then the same task the task provider offers, so output,
 * cancel and Problems behave the same whichever way a run starts.
 */

function refuseUntrusted(): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage('MLflow: running project entry points is disabled in Restricted Mode. Trust this workspace to run it.', 'Manage Workspace Trust').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return true;
}

function refuseWithoutStore(deps: RunJobDeps): boolean {
  if (deps.session.state.kind !== 'none') return false;
  void vscode.window.showErrorMessage('MLflow: no tracking store is open. Choose one first.', 'Select Tracking Store').then((pick) => {
    if (pick) void vscode.commands.executeCommand('mlflow.selectStore');
  });
  return true;
}

function toUri(target: vscode.Uri | string | undefined): vscode.Uri | undefined {
  return typeof target === 'string' ? vscode.Uri.parse(target) : target;
}

async function execute(def: MlflowTaskDefinition, projectDir: string, deps: RunJobDeps): Promise<void> {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(projectDir));
  // An absolute project folder: the task does not depend on which workspace folder it is scoped to;
  // its name shows the folder as the Explorer does.
  const shown = folder ? relative(folder.uri.fsPath, projectDir) || undefined : projectDir;
  await vscode.tasks.executeTask(buildTask({ ...def, project: projectDir }, folder, deps, taskLabel(def, shown)));
}

export async function runEntryPointCommand(deps: RunJobDeps, target?: vscode.Uri | string, entryPoint?: string): Promise<void> {
  if (refuseUntrusted() || refuseWithoutStore(deps)) return;
  const project = await pickProject(toUri(target));
  if (!project) return;
  const ep = await pickEntryPoint(project, 'MLflow: Run Entry Point', entryPoint);
  if (!ep) return;
  const parameters = await askParameters(ep, project.dir);
  if (!parameters) return;
  const experiment = await pickExperiment(deps.session, vscode.Uri.file(project.dir));
  if (experiment === null) return;
  const runName = await askRunName();
  if (runName === null) return;
  deps.log.info(`Running entry point '${ep.name}' of ${project.dir}`);
  await execute({ type: TASK_TYPE, entryPoint: ep.name, parameters, experiment, ...(runName ? { runName } : {}) }, project.dir, deps);
}

export async function runSweepCommand(deps: RunJobDeps, target?: vscode.Uri | string, entryPoint?: string): Promise<void> {
  if (refuseUntrusted() || refuseWithoutStore(deps)) return;
  const project = await pickProject(toUri(target));
  if (!project) return;
  const ep = await pickEntryPoint(project, 'MLflow: Run Parameter Sweep', entryPoint);
  if (!ep) return;
  if (ep.parameters.length === 0) return void vscode.window.showErrorMessage(`MLflow: entry point '${ep.name}' declares no parameters to sweep.`);
  const values = await askSweepValues(ep, project.dir);
  if (!values) return;
  // One value keeps a parameter fixed: it is a plain parameter of every child, not a sweep axis.
  const sweep: Record<string, string[]> = {};
  const parameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v.length > 1) sweep[k] = v;
    else if (v[0] !== ep.parameters.find((p) => p.name === k)?.default) parameters[k] = v[0];
  }
  if (Object.keys(sweep).length === 0) {
    const first = ep.parameters[0].name;
    sweep[first] = values[first];
    delete parameters[first];
  }
  const total = combinationCount(sweep);
  const parallelism = await askParallelism(total);
  if (parallelism === undefined) return;
  const experiment = await pickExperiment(deps.session, vscode.Uri.file(project.dir));
  if (experiment === null) return;
  const runName = await askRunName('Parent run');
  if (runName === null) return;
  deps.log.info(`Sweeping entry point '${ep.name}' of ${project.dir}: ${total} runs, ${parallelism} at a time`);
  await execute({ type: TASK_TYPE, entryPoint: ep.name, parameters, sweep, parallelism, experiment, ...(runName ? { runName } : {}) }, project.dir, deps);
}
