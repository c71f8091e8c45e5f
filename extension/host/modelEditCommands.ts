import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import { registeredModelNameProblem } from '../core/model/registryRules';
import { errText } from '../core/store/fileStore';
import type { Store } from '../core/store/openStore';
import type { ModelsNode } from './modelsTree';
import { refusedInRestrictedMode, writableRegistry } from './registryActions';
import type { StoreSession } from './storeSession';

/**
 * Registry edits beyond aliases and stages: create a registered model, edit a model's description
 * and tags, delete a version or a whole model (after a modal confirmation naming what goes).
 */

async function write(session: StoreSession, log: vscode.LogOutputChannel, what: string, action: (store: Store) => Promise<unknown>, changed: () => void): Promise<boolean> {
  const store = await writableRegistry(session, log);
  if (!store) return false;
  try {
    await vscode.window.withProgress({ location: { viewId: 'mlflow.models' }, title: what }, () => action(store));
    log.info(what);
    changed();
    return true;
  } catch (e) {
    // Nothing is shown as changed: the views re-read only after a success.
    log.error(`${what} failed: ${errText(e)}`);
    void vscode.window.showErrorMessage(neutralizeText(`MLflow: ${what} failed: ${errText(e)}`));
    return false;
  }
}

async function confirm(message: string, detail: string, action: string): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(neutralizeText(message), { modal: true, detail: neutralizeText(detail, { keepNewlines: true }) }, action);
  return answer === action;
}

export function registerModelEditCommands(session: StoreSession, log: vscode.LogOutputChannel, changed: () => void, afterDelete: (name: string, version?: string) => void): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mlflow.createRegisteredModel', async () => {
      if (session.state.kind !== 'connected' || refusedInRestrictedMode(session, log)) return;
      const name = await vscode.window.showInputBox({ title: 'Create Registered Model', prompt: "MLflow's rules: not empty, no '/' or ':'.", validateInput: (v) => registeredModelNameProblem(v) });
      if (name === undefined) return;
      const description = await vscode.window.showInputBox({ title: neutralizeText(`Description of ${name} (optional)`), placeHolder: 'Markdown; leave empty for none' });
      if (description === undefined) return;
      await write(session, log, neutralizeText(`Create registered model ${name}`), (s) => s.createRegisteredModel(name, description ? { description } : {}), changed);
    }),
    vscode.commands.registerCommand('mlflow.editModelDescription', async (node?: ModelsNode) => {
      if (node?.type !== 'model' || refusedInRestrictedMode(session, log)) return;
      const m = node.model;
      const description = await vscode.window.showInputBox({ title: neutralizeText(`Description of ${m.name}`), value: m.description ?? '', prompt: 'Saved as the registered model description (Markdown).' });
      if (description === undefined) return;
      await write(session, log, neutralizeText(`Update description of ${m.name}`), (s) => s.updateRegisteredModel(m.name, description), changed);
    }),
    vscode.commands.registerCommand('mlflow.setModelTag', async (node?: ModelsNode) => {
      if (node?.type !== 'model' || refusedInRestrictedMode(session, log)) return;
      const m = node.model;
      const key = await vscode.window.showInputBox({ title: neutralizeText(`Tag on ${m.name}: key`), validateInput: (k) => (k.trim() ? undefined : 'A tag needs a key.') });
      if (key === undefined) return;
      const value = await vscode.window.showInputBox({ title: neutralizeText(`Tag ${key.trim()} on ${m.name}: value`), value: m.tags[key.trim()] ?? '' });
      if (value === undefined) return;
      await write(session, log, neutralizeText(`Set tag ${key.trim()} on ${m.name}`), (s) => s.setRegisteredModelTag(m.name, key.trim(), value), changed);
    }),
    vscode.commands.registerCommand('mlflow.deleteModelTag', async (node?: ModelsNode) => {
      if (node?.type !== 'model' || refusedInRestrictedMode(session, log)) return;
      const m = node.model;
      const keys = Object.keys(m.tags).sort();
      if (keys.length === 0) return void vscode.window.showInformationMessage(neutralizeText(`MLflow: ${m.name} has no tags.`));
      const key = await vscode.window.showQuickPick(keys.map((k) => ({ label: neutralizeText(k), description: neutralizeText(m.tags[k]), key: k })), { title: neutralizeText(`Delete which tag of ${m.name}?`) });
      if (!key) return;
      await write(session, log, neutralizeText(`Delete tag ${key.key} of ${m.name}`), (s) => s.deleteRegisteredModelTag(m.name, key.key), changed);
    }),
    vscode.commands.registerCommand('mlflow.deleteModelVersion', async (node?: ModelsNode) => {
      if (node?.type !== 'version' || refusedInRestrictedMode(session, log)) return;
      const v = node.version;
      const aliases = v.aliases.length ? `\nIts aliases go with it: ${v.aliases.map((a) => `@${a}`).join(', ')}.` : '';
      const ok = await confirm(`Delete version ${v.version} of ${v.name}?`, `models:/${v.name}/${v.version} stops resolving. MLflow never reuses the number.${aliases}\nThe model's files stay where they are (source: ${v.source}).`, 'Delete Version');
      if (!ok) return;
      if (await write(session, log, neutralizeText(`Delete ${v.name} version ${v.version}`), (s) => s.deleteModelVersion(v.name, v.version), changed)) afterDelete(v.name, v.version);
    }),
    vscode.commands.registerCommand('mlflow.deleteRegisteredModel', async (node?: ModelsNode) => {
      if (node?.type !== 'model' || refusedInRestrictedMode(session, log)) return;
      const m = node.model;
      const state = session.state;
      const versions = state.kind === 'connected' ? (await state.store.searchModelVersions({ filter: `name = '${m.name.replace(/'/g, "\\'")}'` }).catch(() => [])).map((v) => v.version) : [];
      const list = versions.length ? `Versions that go with it: ${versions.sort((a, b) => Number(a) - Number(b)).join(', ')}.` : 'It has no versions.';
      const ok = await confirm(`Delete registered model ${m.name} and all its versions?`, `${list}\nAliases, tags and the description go too. The models' files stay where they are.`, 'Delete Model');
      if (!ok) return;
      if (await write(session, log, neutralizeText(`Delete registered model ${m.name}`), (s) => s.deleteRegisteredModel(m.name), changed)) afterDelete(m.name);
    }),
  );
}
