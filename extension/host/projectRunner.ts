import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { isRecord, parseMlflowYaml } from '../core/format/mlflowYaml';
import { resolvePython } from './python';
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
  const doc = parseMlflowYaml(readFileSync(file, 'utf8'));
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
  const args: string[] = [];
  for (const p of ep.params) {
    const value = await vscode.window.showInputBox({ title: `${ep.name}: parameter ${p.name}`, value: p.default, prompt: p.default === undefined ? 'Required' : `Default: ${p.default}` });
    if (value === undefined) return;
    if (value !== p.default) args.push('-P', `${p.name}=${value}`);
  }
  const projectDir = dirname(file);
  const python = await resolvePython(vscode.Uri.file(projectDir));
  const envManager = vscode.workspace.getConfiguration('mlflow').get<string>('envManager') || 'local';
  const env: Record<string, string> = { MLFLOW_ALLOW_FILE_STORE: 'true' };
  const st = session.state;
  if (st.kind !== 'none') env.MLFLOW_TRACKING_URI = st.uri;
  const execArgs = ['-m', 'mlflow', 'run', projectDir, '-e', ep.name, '--env-manager', envManager, ...args];
  log.info(`Running entry point '${ep.name}' of ${file}: ${python} ${execArgs.join(' ')}`);
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(projectDir)) ?? vscode.TaskScope.Workspace;
  const task = new vscode.Task(
    { type: 'mlflow', entryPoint: ep.name, project: projectDir },
    folder,
    `run ${ep.name}`,
    'MLflow',
    new vscode.ProcessExecution(python, execArgs, { cwd: projectDir, env }),
  );
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
