import { dirname, relative } from 'node:path';
import * as vscode from 'vscode';
import { loadProject } from '../../core/project/model';
import { errText } from '../../core/store/fileStore';
import { startJob, type RunJobDeps } from './runJob';
import { RunTerminal } from './runTerminal';
import { isSweep, TASK_TYPE, taskLabel, type MlflowTaskDefinition } from './taskDefinition';

/**
 * Tasks of type `mlflow`: one per entry point of every MLproject in the workspace (not only at
 * folder roots), and the ones written in tasks.json. Each runs through a CustomExecution whose
 * terminal drives the core runner (runJob.ts), so closing the terminal stops the run.
 */

/** Python tracebacks become Problems (package.json `problemMatchers`; two shapes, with and without 3.11+ caret lines). */
export const PROBLEM_MATCHERS = ['$mlflow-python', '$mlflow-python-caret'];
export const MLPROJECT_GLOB = '**/{MLproject,MLProject,mlproject}';
/** Folders that hold copies or environments, not the user's projects. */
export const MLPROJECT_EXCLUDE = '**/{node_modules,.git,.venv,venv,mlruns,site-packages}/**';

export function buildTask(def: MlflowTaskDefinition, folder: vscode.WorkspaceFolder | undefined, deps: RunJobDeps, name?: string): vscode.Task {
  const execution = new vscode.CustomExecution(async (resolved) =>
    new RunTerminal((write) => startJob(resolved as MlflowTaskDefinition, folder?.uri.fsPath, deps, write)),
  );
  const task = new vscode.Task(def, folder ?? vscode.TaskScope.Workspace, name ?? taskLabel(def, def.project), TASK_TYPE, execution, PROBLEM_MATCHERS);
  const params = Object.entries(def.parameters ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  const sweep = Object.entries(def.sweep ?? {}).map(([k, v]) => `${k}=[${Array.isArray(v) ? v.join(',') : String(v)}]`);
  task.detail = [isSweep(def) ? 'sweep' : 'run', `-e ${def.entryPoint ?? 'main'}`, ...params, ...sweep].join(' ');
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  return task;
}

/** The MLproject files of the open folders (findFiles: every depth, honouring files.exclude). */
export async function findProjectFiles(): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(MLPROJECT_GLOB, MLPROJECT_EXCLUDE, 200);
  return found.filter((u) => u.scheme === 'file').sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

export class MlflowTaskProvider implements vscode.TaskProvider {
  constructor(private readonly deps: RunJobDeps) {}

  async provideTasks(): Promise<vscode.Task[]> {
    if (!vscode.workspace.isTrusted) return [];
    const tasks: vscode.Task[] = [];
    for (const file of await findProjectFiles()) {
      const folder = vscode.workspace.getWorkspaceFolder(file);
      let project;
      try {
        project = loadProject(file.fsPath);
      } catch (e) {
        this.deps.log.warn(`Tasks: skipping ${file.fsPath}: ${errText(e)}`);
        continue;
      }
      const rel = folder ? relative(folder.uri.fsPath, dirname(file.fsPath)) : dirname(file.fsPath);
      for (const ep of project.entryPoints) {
        const def: MlflowTaskDefinition = { type: TASK_TYPE, entryPoint: ep.name, ...(rel ? { project: rel } : {}) };
        tasks.push(buildTask(def, folder, this.deps, taskLabel(def, rel || undefined)));
      }
    }
    return tasks;
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as MlflowTaskDefinition;
    if (def.type !== TASK_TYPE) return undefined;
    const folder = typeof task.scope === 'object' ? (task.scope as vscode.WorkspaceFolder) : undefined;
    return buildTask(def, folder, this.deps, task.name);
  }
}
