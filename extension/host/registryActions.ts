import * as vscode from 'vscode';
import { aliasNameProblem } from '../core/model/registryRules';
import type { ModelStage } from '../core/model/entities';
import { errText } from '../core/store/fileStore';
import type { RegistryStore } from '../core/store/trackingStore';
import type { ModelsNode } from './modelsTree';
import type { StoreSession } from './storeSession';

/** Inline registry edits from the Models view: set or remove an alias, transition a stage. */

function writableRegistry(session: StoreSession): RegistryStore | undefined {
  const s = session.state;
  if (s.kind !== 'connected') {
    void vscode.window.showWarningMessage('MLflow: no tracking store is open.');
    return undefined;
  }
  const store = s.store as Partial<RegistryStore>;
  if (typeof store.setRegisteredModelAlias !== 'function') {
    void vscode.window.showWarningMessage(`MLflow: the store ${s.uri} is open read-only here.`);
    return undefined;
  }
  return store as RegistryStore;
}

async function edit(what: string, action: () => Promise<unknown>, log: vscode.LogOutputChannel, refresh: () => void): Promise<void> {
  try {
    await vscode.window.withProgress({ location: { viewId: 'mlflow.models' }, title: what }, action);
    log.info(what);
    refresh();
  } catch (e) {
    log.error(`${what} failed: ${errText(e)}`);
    void vscode.window.showErrorMessage(`MLflow: ${what} failed: ${errText(e)}`);
  }
}

export function registerRegistryActions(session: StoreSession, log: vscode.LogOutputChannel, refresh: () => void): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mlflow.setAlias', async (node?: ModelsNode) => {
      if (node?.type !== 'version') return;
      const store = writableRegistry(session);
      if (!store) return;
      const v = node.version;
      const alias = await vscode.window.showInputBox({
        title: `Alias for ${v.name} version ${v.version}`,
        prompt: 'An existing alias moves to this version.',
        placeHolder: 'champion',
        validateInput: (a) => aliasNameProblem(a.trim()),
      });
      if (!alias) return;
      await edit(`Set alias @${alias.trim()} on ${v.name} v${v.version}`, () => store.setRegisteredModelAlias(v.name, alias.trim(), v.version), log, refresh);
    }),
    vscode.commands.registerCommand('mlflow.removeAlias', async (node?: ModelsNode) => {
      if (node?.type !== 'version' || node.version.aliases.length === 0) return;
      const store = writableRegistry(session);
      if (!store) return;
      const v = node.version;
      const alias = v.aliases.length === 1 ? v.aliases[0] : await vscode.window.showQuickPick(v.aliases, { title: `Remove which alias of ${v.name} v${v.version}?` });
      if (!alias) return;
      await edit(`Remove alias @${alias} from ${v.name}`, () => store.deleteRegisteredModelAlias(v.name, alias), log, refresh);
    }),
    vscode.commands.registerCommand('mlflow.transitionStage', async (node?: ModelsNode) => {
      if (node?.type !== 'version') return;
      const store = writableRegistry(session);
      if (!store) return;
      const v = node.version;
      const stages: ModelStage[] = ['None', 'Staging', 'Production', 'Archived'];
      const stage = await vscode.window.showQuickPick(
        stages.filter((s) => s !== v.currentStage).map((s) => ({ label: s })),
        { title: `Move ${v.name} v${v.version} (now ${v.currentStage}) to stage…`, placeHolder: 'Stages are deprecated in MLflow since 2.9; aliases are the successor' },
      );
      if (!stage) return;
      let archive = false;
      if (stage.label === 'Staging' || stage.label === 'Production') {
        const a = await vscode.window.showQuickPick(
          [
            { label: 'Keep other versions where they are', value: false },
            { label: `Archive other versions now in ${stage.label}`, value: true },
          ],
          { title: `Other versions in ${stage.label}` },
        );
        if (!a) return;
        archive = a.value;
      }
      await edit(`Move ${v.name} v${v.version} to ${stage.label}`, () => store.transitionModelVersionStage(v.name, v.version, stage.label as ModelStage, archive), log, refresh);
    }),
  );
}
