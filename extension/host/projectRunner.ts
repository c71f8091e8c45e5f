import { existsSync } from 'node:fs';
import { MAX_METADATA_FILE_BYTES, readRegularFileSync } from '../core/store/boundedRead';
import { dirname, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { isRecord, parseMlflowYaml } from '../core/format/mlflowYaml';
import { resolvePython } from './python';
import { isolatedPythonArgs } from '../core/store/isolatedPython';
import type { StoreSession } from './storeSession';

/**
 * Runs an MLproject entry point with the real `mlflow run`, so the run is created exactly as MLflow
 * creates it and the script's own log calls land in it. The process gets an argument vector, never
 * a shell string, so parameter values cannot inject commands. Never in an untrusted workspace.
 */

function findProjectFile(target: vscode.Uri | undefined): string | undefined {
  if (target?.scheme === 'file') {
    const p = target.fsPath;
    if (/^mlproject$/i.test(p.split(/[\\/]/).pop() ?? '')) return p;
    for (const name of ['MLproject', 'MLProject', 'mlproject']) if (existsSync(join(p, name))) return join(p, name);
  }
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    for (const name of ['MLproject', 'MLProject', 'mlproject']) {
      const p = join(f.uri.fsPath, name);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

interface EntryPoint {
  name: string;
  params: { name: string; default?: string }[];
}

function entryPointsOf(file: string): EntryPoint[] {
  // Bounded and non-blocking: a FIFO named MLproject must not freeze the extension host.
  const doc = parseMlflowYaml(readRegularFileSync(file, MAX_METADATA_FILE_BYTES, 'an MLproject file').toString('utf8'));
  const eps = isRecord(doc) && isRecord(doc.entry_points) ? doc.entry_points : {};
  return Object.entries(eps).map(([name, ep]) => {
    const params = isRecord(ep) && isRecord(ep.parameters) ? ep.parameters : {};
    return {
      name,
      params: Object.entries(params).map(([p, spec]) => ({
        name: p,
        default: isRecord(spec) && spec.default !== undefined && spec.default !== null ? String(spec.default) : undefined,
      })),
    };
  });
}

/** What a user writes in tasks.json: `{ "type": "mlflow", "entryPoint": "main", "parameters": { "lr": 0.1 } }`. */
export interface MlflowTaskDefinition extends vscode.TaskDefinition {
  type: 'mlflow';
  entryPoint: string;
  project?: string;
  parameters?: Record<string, string | number | boolean>;
}

/**
 * `python -m mlflow run <project> -e <entry point> --env-manager <m> -P k=v …` as an argument
 * vector (ProcessExecution, no shell), against the store the views show.
 */
export async function buildMlflowTask(def: MlflowTaskDefinition, session: StoreSession, scope?: vscode.WorkspaceFolder): Promise<vscode.Task> {
  const folder = scope ?? vscode.workspace.workspaceFolders?.[0];
  const projectDir = def.project ? (isAbsolute(def.project) ? def.project : join(folder?.uri.fsPath ?? '.', def.project)) : folder?.uri.fsPath ?? '.';
  const python = await resolvePython(vscode.Uri.file(projectDir));
  const envManager = vscode.workspace.getConfiguration('mlflow').get<string>('envManager') || 'local';
  const env: Record<string, string> = { MLFLOW_ALLOW_FILE_STORE: 'true' };
  const st = session.state;
  if (st.kind !== 'none') env.MLFLOW_TRACKING_URI = st.uri;
  const params = Object.entries(def.parameters ?? {}).flatMap(([k, v]) => ['-P', `${k}=${String(v)}`]);
  // -I: the project folder is the working folder here, and must not shadow the installed mlflow.
  const execArgs = isolatedPythonArgs(['-m', 'mlflow', 'run', projectDir, '-e', def.entryPoint, '--env-manager', envManager, ...params]);
  const task = new vscode.Task(def, scope ?? vscode.TaskScope.Workspace, `run ${def.entryPoint}`, 'mlflow', new vscode.ProcessExecution(python, execArgs, { cwd: projectDir, env }));
  task.detail = `mlflow run -e ${def.entryPoint}${params.length ? ' ' + params.filter((_, i) => i % 2).join(' ') : ''}`;
  return task;
}

/** Offers one task per entry point of each workspace folder's MLproject, and resolves tasks.json entries. */
export class MlflowTaskProvider implements vscode.TaskProvider {
  constructor(private readonly session: StoreSession) {}

  async provideTasks(): Promise<vscode.Task[]> {
    if (!vscode.workspace.isTrusted) return [];
    const tasks: vscode.Task[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const file = findProjectFile(folder.uri);
      if (!file) continue;
      let eps: EntryPoint[] = [];
      try {
        eps = entryPointsOf(file);
      } catch {
        continue; // the language server reports the broken file
      }
      for (const ep of eps) tasks.push(await buildMlflowTask({ type: 'mlflow', entryPoint: ep.name, project: dirname(file) }, this.session, folder));
    }
    return tasks;
  }

  async resolveTask(task: vscode.Task): Promise<vscode.Task | undefined> {
    const def = task.definition as MlflowTaskDefinition;
    if (def.type !== 'mlflow' || typeof def.entryPoint !== 'string') return undefined;
    const scope = typeof task.scope === 'object' ? (task.scope as vscode.WorkspaceFolder) : undefined;
    return buildMlflowTask(def, this.session, scope);
  }
}

export async function runEntryPoint(session: StoreSession, log: vscode.LogOutputChannel, target?: vscode.Uri | string, entryPoint?: string): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('MLflow: running project entry points is disabled in Restricted Mode. Trust this workspace to run it.');
    return;
  }
  const uri = typeof target === 'string' ? vscode.Uri.parse(target) : target ?? vscode.window.activeTextEditor?.document.uri;
  const file = findProjectFile(uri);
  if (!file) {
    void vscode.window.showErrorMessage('MLflow: no MLproject file found in this workspace.');
    return;
  }
  let eps: EntryPoint[];
  try {
    eps = entryPointsOf(file);
  } catch (e) {
    void vscode.window.showErrorMessage(`MLflow: cannot read ${file}: ${(e as Error).message}`);
    return;
  }
  let ep = eps.find((e) => e.name === entryPoint);
  if (!ep) {
    const pick = await vscode.window.showQuickPick(
      eps.map((e) => ({ label: e.name, description: e.params.map((p) => p.name).join(', '), ep: e })),
      { title: 'MLflow: Run Entry Point', placeHolder: eps.length ? 'Entry point to run' : 'No entry points declared' },
    );
    if (!pick) return;
    ep = pick.ep;
  }
  const parameters: Record<string, string> = {};
  for (const p of ep.params) {
    const value = await vscode.window.showInputBox({ title: `${ep.name}: parameter ${p.name}`, value: p.default, prompt: p.default === undefined ? 'Required' : `Default: ${p.default}` });
    if (value === undefined) return;
    if (value !== p.default) parameters[p.name] = value;
  }
  const task = await buildMlflowTask({ type: 'mlflow', entryPoint: ep.name, project: dirname(file), parameters }, session);
  log.info(`Running entry point '${ep.name}' of ${file}`);
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated };
  const execution = await vscode.tasks.executeTask(task);
  const done = vscode.tasks.onDidEndTaskProcess((e) => {
    if (e.execution === execution) {
      done.dispose();
      log.info(`Entry point '${ep?.name}' exited with code ${e.exitCode}`);
      void vscode.commands.executeCommand('mlflow.refresh');
    }
  });
}
