import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import type { LoggedModel, Run } from '../core/model/entities';
import { withoutPrompts } from '../core/model/promptFilter';
import { aliasNameProblem, registeredModelNameProblem } from '../core/model/registryRules';
import { errText } from '../core/store/fileStore';
import { registerModel, type RegisterResult } from '../core/store/registerModel';
import { folderHasMlmodel, runModelChoices } from '../core/store/runModels';
import type { ExperimentsNode } from './experimentsTree';
import type { ModelsNode, ModelsTreeProvider } from './modelsTree';
import { refusedInRestrictedMode, writableRegistry } from './registryActions';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';

/**
 * "Register Model…" from a logged model (Experiments view), from a run (choosing among its logged
 * models and MLmodel folders), or from one artifact folder (`runId`, `path`). The MLflow logic is
 * core/store/registerModel.ts; this asks the questions and shows the new version.
 */

export interface RegisterUi {
  models: ModelsTreeProvider;
  modelsView: vscode.TreeView<ModelsNode>;
  /** Opens the version page once registered. */
  openVersion: (name: string, version: string) => void;
  /** The logged model's tags changed (its `mlflow.modelVersions`): the Experiments view re-reads. */
  changed: () => void;
}

const NEW_MODEL = '$(add) New model…';

/** Asks for the target model (an existing one or a new name) and an optional alias; undefined when cancelled. */
async function askTarget(session: StoreSession, suggested: string, what: string): Promise<{ name: string; alias?: string } | undefined> {
  const state = session.state;
  if (state.kind !== 'connected') return undefined;
  // Prompts share the registry; a model version cannot be added to one.
  const existing = withoutPrompts(await withStoreCall({ title: 'loading registered models' }, () => state.store.searchRegisteredModels()).catch(() => [])).models;
  const pick = await vscode.window.showQuickPick(
    [{ label: NEW_MODEL, description: 'create a registered model', name: undefined as string | undefined }, ...existing.map((m) => ({ label: neutralizeText(m.name), description: 'add a version', name: m.name }))],
    { title: neutralizeText(`Register ${what} as…`), placeHolder: 'A new registered model, or a new version of an existing one' },
  );
  if (!pick) return undefined;
  let name = pick.name;
  if (name === undefined) {
    const taken = new Set(existing.map((m) => m.name));
    name = await vscode.window.showInputBox({
      title: 'New registered model name',
      value: taken.has(suggested) ? '' : suggested,
      prompt: "MLflow's rules: not empty, no '/' or ':'.",
      validateInput: (v) => registeredModelNameProblem(v) ?? (taken.has(v) ? `'${v}' exists already: pick it in the list to add a version.` : undefined),
    });
    if (name === undefined) return undefined;
  }
  const alias = await vscode.window.showInputBox({
    title: neutralizeText(`Alias for the new version of ${name} (optional)`),
    placeHolder: 'champion — leave empty for no alias',
    prompt: 'An alias that exists moves to the new version.',
    validateInput: (a) => (a.trim() === '' ? undefined : aliasNameProblem(a.trim())),
  });
  if (alias === undefined) return undefined;
  return { name, ...(alias.trim() ? { alias: alias.trim() } : {}) };
}

async function register(session: StoreSession, log: vscode.LogOutputChannel, ui: RegisterUi, source: string, suggested: string, what: string): Promise<RegisterResult | undefined> {
  if (refusedInRestrictedMode(session, log)) return undefined;
  const target = await askTarget(session, suggested, what);
  if (!target) return undefined;
  const store = await writableRegistry(session, log);
  if (!store) return undefined;
  const title = neutralizeText(`Registering ${what} as ${target.name}`);
  let result: RegisterResult;
  try {
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLflow: ${title}…` }, () => registerModel(store, { source, ...target }));
  } catch (e) {
    log.error(`${title} failed: ${errText(e)}`);
    void vscode.window.showErrorMessage(neutralizeText(`MLflow: registering ${what} failed: ${errText(e)}`));
    return undefined;
  }
  const v = result.version;
  log.info(`Registered ${source} as ${v.name} version ${v.version}${target.alias ? ` @${target.alias}` : ''} (source ${result.source})`);
  ui.models.refresh();
  ui.changed();
  const node = await ui.models.findVersion(v.name, v.version);
  if (node) await ui.modelsView.reveal(node, { select: true, focus: false, expand: true });
  ui.openVersion(v.name, v.version);
  return result;
}

export function registerRegisterCommands(session: StoreSession, log: vscode.LogOutputChannel, ui: RegisterUi): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mlflow.registerLoggedModel', async (node?: ExperimentsNode | LoggedModel) => {
      const m = node && 'type' in node ? (node.type === 'loggedModel' ? node.model : undefined) : node;
      if (!m) return;
      await register(session, log, ui, `models:/${m.modelId}`, m.name, `logged model ${m.name}`);
    }),
    // From the run details page's artifact tree (webview/context menu): the folder's context.
    vscode.commands.registerCommand('mlflow.registerArtifactFolder', (ctx?: { runId?: unknown; path?: unknown }) => {
      if (typeof ctx?.runId === 'string' && typeof ctx.path === 'string' && ctx.path) return vscode.commands.executeCommand('mlflow.registerRunModel', ctx.runId, ctx.path);
      return undefined;
    }),
    vscode.commands.registerCommand('mlflow.registerRunModel', async (node?: ExperimentsNode | string, path?: string) => {
      const state = session.state;
      if (state.kind !== 'connected') return;
      let run: Run | undefined;
      try {
        run = typeof node === 'string' ? await state.store.getRun(node) : node?.type === 'run' ? node.run : undefined;
      } catch (e) {
        void vscode.window.showErrorMessage(neutralizeText(`MLflow: ${errText(e)}`));
        return;
      }
      if (!run) return;
      const r = run;
      if (path) {
        // An artifact folder: it must hold an MLmodel (MLflow would otherwise look for a logged model of that name).
        const ok = await folderHasMlmodel(state.store, r.info.runId, path).catch(() => false);
        if (!ok) return void vscode.window.showWarningMessage(neutralizeText(`MLflow: ${path}/ of run ${r.info.runName || r.info.runId} holds no MLmodel file, so it is not a model.`));
        await register(session, log, ui, `runs:/${r.info.runId}/${path}`, path.split('/').pop() || path, `${path}/ of run ${r.info.runName || r.info.runId}`);
        return;
      }
      const choices = await withStoreCall({ title: 'looking for the run\'s models' }, () => runModelChoices(state.store, r)).catch((e: unknown) => {
        void vscode.window.showErrorMessage(neutralizeText(`MLflow: ${errText(e)}`));
        return undefined;
      });
      if (!choices) return;
      if (choices.length === 0) return void vscode.window.showInformationMessage(neutralizeText(`MLflow: run ${r.info.runName || r.info.runId} has no logged model and no artifact folder with an MLmodel.`));
      const pick =
        choices.length === 1
          ? { choice: choices[0] }
          : await vscode.window.showQuickPick(
              choices.map((c) => ({ label: neutralizeText(c.suggestedName), description: neutralizeText(c.source), detail: neutralizeText(c.detail), choice: c })),
              { title: neutralizeText(`Which model of run ${r.info.runName || r.info.runId}?`) },
            );
      if (!pick) return;
      await register(session, log, ui, pick.choice.source, pick.choice.suggestedName, `${pick.choice.suggestedName} of run ${r.info.runName || r.info.runId}`);
    }),
  );
}
