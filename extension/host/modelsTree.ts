import * as vscode from 'vscode';
import { modelVersionTooltip, neutralizeText, registeredModelTooltip, versionDescription } from '../core/model/display';
import type { ModelVersion, RegisteredModel } from '../core/model/entities';
import { withoutPrompts } from '../core/model/promptFilter';
import { errText } from '../core/store/fileStore';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';

/** Registered models → versions, with aliases and stages in the description. */

export type ModelsNode = { type: 'model'; model: RegisteredModel } | { type: 'version'; version: ModelVersion };

export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode> {
  private readonly changed = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private versions: Promise<ModelVersion[]> | undefined;
  /** The model nodes of the last listing, by name: a version's parent for reveal(). */
  private readonly modelNodes = new Map<string, Extract<ModelsNode, { type: 'model' }>>();
  onMessage: (message: string | undefined) => void = () => undefined;

  constructor(
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  refresh(): void {
    this.versions = undefined;
    this.changed.fire(undefined);
  }

  async getChildren(node?: ModelsNode): Promise<ModelsNode[]> {
    const state = this.session.state;
    if (state.kind !== 'connected') {
      this.onMessage(state.kind === 'error' ? `Cannot open ${state.uri}: ${state.message}` : undefined);
      return [];
    }
    try {
      if (!node) {
        // Prompts share the registry but are not models to the user (MLflow's own searches leave them out).
        const models = withoutPrompts(await withStoreCall({ title: 'loading registered models' }, () => state.store.searchRegisteredModels())).models;
        this.onMessage(models.length ? undefined : 'No registered models in this store');
        this.modelNodes.clear();
        return models.map((model) => {
          const n = { type: 'model' as const, model };
          this.modelNodes.set(model.name, n);
          return n;
        });
      }
      if (node.type === 'model') {
        this.versions ??= withStoreCall({ title: 'loading model versions' }, () => state.store.searchModelVersions());
        const all = withoutPrompts([node.model], await this.versions).versions;
        return all
          .filter((v) => v.name === node.model.name)
          .sort((a, b) => Number(b.version) - Number(a.version))
          .map((version) => ({ type: 'version', version }));
      }
      return [];
    } catch (e) {
      this.versions = undefined;
      const msg = errText(e);
      this.log.error(`Reading registry of ${state.uri}: ${msg}`);
      this.onMessage(`Cannot read the model registry: ${msg}`);
      return [];
    }
  }

  getParent(node: ModelsNode): ModelsNode | undefined {
    return node.type === 'version' ? this.modelNodes.get(node.version.name) : undefined;
  }

  /** The nodes for one version after a fresh listing (for reveal after registering it); undefined when it is not listed. */
  async findVersion(name: string, version: string): Promise<ModelsNode | undefined> {
    await this.getChildren();
    const model = this.modelNodes.get(name);
    if (!model) return undefined;
    return (await this.getChildren(model)).find((n) => n.type === 'version' && n.version.version === version);
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    if (node.type === 'model') {
      const m = node.model;
      const item = new vscode.TreeItem(neutralizeText(m.name), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `model:${m.name}`;
      const aliases = Object.keys(m.aliases).sort();
      item.description = neutralizeText(aliases.map((a) => `@${a}`).join(' '));
      item.iconPath = new vscode.ThemeIcon('package');
      item.contextValue = 'registeredModel';
      item.tooltip = registeredModelTooltip(m);
      return item;
    }
    const v = node.version;
    const item = new vscode.TreeItem(neutralizeText(`Version ${v.version}`), vscode.TreeItemCollapsibleState.None);
    item.id = `version:${v.name}:${v.version}`;
    item.description = neutralizeText(versionDescription(v));
    item.iconPath = new vscode.ThemeIcon(v.aliases.length ? 'tag' : 'versions');
    item.contextValue = v.aliases.length ? 'modelVersionWithAlias' : 'modelVersion';
    item.tooltip = modelVersionTooltip(v);
    item.command = { command: 'mlflow.openModelVersion', title: 'Open Model Version', arguments: [node] };
    return item;
  }
}
