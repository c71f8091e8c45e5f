import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import { aliasNameProblem } from '../core/model/registryRules';
import type { ModelStage } from '../core/model/entities';
import { errText } from '../core/store/fileStore';
import type { RegistryStore } from '../core/store/trackingStore';
import type { ModelsNode } from './modelsTree';
import type { StoreSession } from './storeSession';
import { refusedInRestrictedMode, writableStore as writableRegistry } from './storeWrites';

/** Inline registry edits from the Models view: set or remove an alias, transition a stage. */

/** The registry's writes take the one write path of the views (storeWrites.ts). */
export { refusedInRestrictedMode, writableStore as writableRegistry } from './storeWrites';

/** Asks first, then gets a writable store (which may start a local mlflow server), then writes. */
async function edit(session: StoreSession, what: string, action: (store: RegistryStore) => Promise<unknown>, log: vscode.LogOutputChannel, refresh: () => void): Promise<void> {
  const store = await writableRegistry(session, log);
  if (!store) return;
  try {
    await vscode.window.withProgress({ location: { viewId: 'mlflow.models' }, title: what }, () => action(store));
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
      if (node?.type !== 'version' || refusedInRestrictedMode(session, log)) return;
      const v = node.version;
      const alias = await vscode.window.showInputBox({
        title: neutralizeText(`Alias for ${v.name} version ${v.version}`),
        prompt: 'An existing alias moves to this version.',
        placeHolder: 'champion',
        validateInput: (a) => aliasNameProblem(a.trim()),
      });
      if (!alias) return;
      await edit(session, neutralizeText(`Set alias @${alias.trim()} on ${v.name} v${v.version}`), (store) => store.setRegisteredModelAlias(v.name, alias.trim(), v.version), log, refresh);
    }),
    vscode.commands.registerCommand('mlflow.removeAlias', async (node?: ModelsNode) => {
      if (node?.type !== 'version' || node.version.aliases.length === 0 || refusedInRestrictedMode(session, log)) return;
      const v = node.version;
      const alias = v.aliases.length === 1 ? v.aliases[0] : await vscode.window.showQuickPick(v.aliases, { title: neutralizeText(`Remove which alias of ${v.name} v${v.version}?`) });
      if (!alias) return;
      await edit(session, neutralizeText(`Remove alias @${alias} from ${v.name}`), (store) => store.deleteRegisteredModelAlias(v.name, alias), log, refresh);
    }),
    vscode.commands.registerCommand('mlflow.transitionStage', async (node?: ModelsNode) => {
      if (node?.type !== 'version' || refusedInRestrictedMode(session, log)) return;
      const v = node.version;
      const stages: ModelStage[] = ['None', 'Staging', 'Production', 'Archived'];
      const stage = await vscode.window.showQuickPick(
        stages.filter((s) => s !== v.currentStage).map((s) => ({ label: s })),
        { title: neutralizeText(`Move ${v.name} v${v.version} (now ${v.currentStage}) to stage…`), placeHolder: 'Stages are deprecated in MLflow since 2.9; aliases are the successor' },
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
      await edit(session, neutralizeText(`Move ${v.name} v${v.version} to ${stage.label}`), (store) => store.transitionModelVersionStage(v.name, v.version, stage.label as ModelStage, archive), log, refresh);
    }),
  );
}
