import { dirname, relative } from 'node:path';
import * as vscode from 'vscode';
import { loadProject, type MlProject, type ProjectEntryPointModel, type ProjectParameter } from '../../core/project/model';
import { validateParamValue } from '../../core/project/params';
import { errText } from '../../core/store/fileStore';
import type { StoreSession } from '../storeSession';
import { findProjectFiles } from './taskProvider';
import { parseValueList } from './taskDefinition';

/**
 * The questions before a run: which MLproject and entry point, parameter values (checked by type
 * in the box itself, before anything starts), the experiment and an optional run name. Each
 * returns undefined when the user cancels.
 */

/** The project of a file or folder URI, of the active MLproject editor, else one picked among the workspace's. */
export async function pickProject(target?: vscode.Uri): Promise<MlProject | undefined> {
  let path = target?.scheme === 'file' ? target.fsPath : undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (!path && active?.scheme === 'file' && /^mlproject$/i.test(active.path.split('/').pop() ?? '')) path = active.fsPath;
  if (!path) {
    const files = await findProjectFiles();
    if (files.length === 0) {
      void vscode.window.showErrorMessage('MLflow: no MLproject file in this workspace.');
      return undefined;
    }
    if (files.length === 1) path = files[0].fsPath;
    else {
      const pick = await vscode.window.showQuickPick(
        files.map((f) => {
          const folder = vscode.workspace.getWorkspaceFolder(f);
          return { label: folder ? relative(folder.uri.fsPath, dirname(f.fsPath)) || folder.name : dirname(f.fsPath), description: f.fsPath, file: f.fsPath };
        }),
        { title: 'MLflow: Which project?', placeHolder: 'MLproject to run' },
      );
      if (!pick) return undefined;
      path = pick.file;
    }
  }
  try {
    const project = loadProject(path);
    if (project.errors.length) {
      void vscode.window.showErrorMessage(`MLflow: ${project.file ?? project.dir} cannot run: ${project.errors[0]}`);
      return undefined;
    }
    return project;
  } catch (e) {
    void vscode.window.showErrorMessage(`MLflow: cannot read the project at ${path}: ${errText(e)}`);
    return undefined;
  }
}

export async function pickEntryPoint(project: MlProject, title: string, name?: string): Promise<ProjectEntryPointModel | undefined> {
  const named = project.entryPoints.find((e) => e.name === name);
  if (named) return named;
  if (project.entryPoints.length === 1) return project.entryPoints[0];
  if (project.entryPoints.length === 0) {
    void vscode.window.showErrorMessage(`MLflow: ${project.file ?? project.dir} declares no entry points.`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    project.entryPoints.map((e) => ({ label: e.name, description: e.parameters.map((p) => p.name).join(', '), detail: e.command, ep: e })),
    { title, placeHolder: 'Entry point' },
  );
  return pick?.ep;
}

/** What the input box shows under a value: an error refuses it, a warning lets it through. */
export function checkValue(p: ProjectParameter, value: string, baseDir: string): vscode.InputBoxValidationMessage | undefined {
  if (value === '' && p.default === undefined && p.type !== 'string') return { message: `${p.name} is required`, severity: vscode.InputBoxValidationSeverity.Error };
  const r = validateParamValue(p.type, value, { baseDir });
  if (r.error) return { message: r.error, severity: vscode.InputBoxValidationSeverity.Error };
  if (r.warning) return { message: r.warning, severity: vscode.InputBoxValidationSeverity.Warning };
  return undefined;
}

function paramTitle(ep: string, p: ProjectParameter, i: number, n: number): string {
  return `${ep}: ${p.name} (${p.declaredType})  [${i + 1}/${n}]`;
}

/** One box per parameter, the default filled in; values equal to the default are left out (the runner uses it). */
export async function askParameters(ep: ProjectEntryPointModel, baseDir: string): Promise<Record<string, string> | undefined> {
  const out: Record<string, string> = {};
  const n = ep.parameters.length;
  for (const [i, p] of ep.parameters.entries()) {
    const value = await vscode.window.showInputBox({
      title: paramTitle(ep.name, p, i, n),
      value: p.default ?? '',
      prompt: p.default === undefined ? `Required ${p.declaredType} value` : `Default: ${p.default}`,
      ignoreFocusOut: true,
      validateInput: (v) => checkValue(p, v, baseDir),
    });
    if (value === undefined) return undefined;
    if (value !== p.default) out[p.name] = value;
  }
  return out;
}

/** A list of values for a sweep: the first value that does not fit the type is named in the box. */
export function checkValueList(p: ProjectParameter, text: string, baseDir: string): vscode.InputBoxValidationMessage | undefined {
  const values = parseValueList(text);
  if (values.length === 0) return { message: `Give at least one value for ${p.name}`, severity: vscode.InputBoxValidationSeverity.Error };
  let warning: vscode.InputBoxValidationMessage | undefined;
  for (const v of values) {
    const m = checkValue(p, v, baseDir);
    if (m?.severity === vscode.InputBoxValidationSeverity.Error) return m;
    warning ??= m;
  }
  return warning;
}

/** Per parameter a comma-separated list (one value keeps it fixed); undefined on cancel. */
export async function askSweepValues(ep: ProjectEntryPointModel, baseDir: string): Promise<Record<string, string[]> | undefined> {
  const out: Record<string, string[]> = {};
  const n = ep.parameters.length;
  for (const [i, p] of ep.parameters.entries()) {
    const text = await vscode.window.showInputBox({
      title: paramTitle(ep.name, p, i, n),
      value: p.default ?? '',
      prompt: `Values for ${p.name}, comma-separated (e.g. 0.1, 0.01); one value keeps it fixed`,
      ignoreFocusOut: true,
      validateInput: (v) => checkValueList(p, v, baseDir),
    });
    if (text === undefined) return undefined;
    out[p.name] = parseValueList(text);
  }
  return out;
}

export async function askParallelism(total: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: `MLflow sweep: ${total} runs`,
    prompt: 'How many runs at a time',
    value: String(Math.min(2, Math.max(total, 1))),
    ignoreFocusOut: true,
    validateInput: (v) => (/^\s*[1-9][0-9]*\s*$/.test(v) ? undefined : 'A whole number of 1 or more'),
  });
  return text === undefined ? undefined : Number(text.trim());
}

const NEW_EXPERIMENT = '$(add) New experiment…';

/**
 * The experiment name to run in: the `mlflow.runner.experiment` setting when set, else picked
 * among the store's active experiments or typed as a new one. `null` on cancel.
 */
export async function pickExperiment(session: StoreSession, scope?: vscode.Uri): Promise<string | null> {
  const setting = vscode.workspace.getConfiguration('mlflow', scope).get<string>('runner.experiment')?.trim();
  if (setting) return setting;
  const s = session.state;
  let names: string[] = [];
  if (s.kind === 'connected') {
    try {
      names = (await s.store.searchExperiments({ viewType: 'ACTIVE_ONLY' })).map((e) => e.name);
    } catch (e) {
      void vscode.window.showWarningMessage(`MLflow: cannot list the experiments of ${s.uri}: ${errText(e)}`);
    }
  }
  const pick = await vscode.window.showQuickPick(
    [{ label: NEW_EXPERIMENT, alwaysShow: true }, ...names.map((label) => ({ label, iconPath: new vscode.ThemeIcon('beaker') }))],
    { title: 'MLflow: Run in which experiment?', placeHolder: 'Experiment (set mlflow.runner.experiment to skip this question)', ignoreFocusOut: true },
  );
  if (!pick) return null;
  if (pick.label !== NEW_EXPERIMENT) return pick.label;
  const name = await vscode.window.showInputBox({
    title: 'MLflow: New experiment',
    prompt: 'Name of the experiment the run creates',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'A name is required' : names.includes(v.trim()) ? `${v.trim()} exists already: pick it from the list` : undefined),
  });
  return name === undefined ? null : name.trim();
}

/** Optional: empty means MLflow generates one. `null` on cancel. */
export async function askRunName(what = 'run'): Promise<string | null> {
  const name = await vscode.window.showInputBox({ title: `MLflow: ${what} name (optional)`, prompt: 'Leave empty for a generated name', ignoreFocusOut: true });
  return name === undefined ? null : name.trim();
}
