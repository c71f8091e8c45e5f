import * as vscode from 'vscode';
import { formatTimestamp, versionDescription } from '../core/model/display';
import type { ModelVersion, RegisteredModel } from '../core/model/entities';
import { errText } from '../core/store/fileStore';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';

/** Registered models → versions, with aliases and stages in the description. */

export type ModelsNode = { type: 'model'; model: RegisteredModel } | { type: 'version'; version: ModelVersion };

export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode> {
  private readonly changed = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private versions: Promise<ModelVersion[]> | undefined;
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
        const models = await withStoreCall({ title: 'loading registered models' }, () => state.store.searchRegisteredModels());
        this.onMessage(models.length ? undefined : 'No registered models in this store');
        return models.map((model) => ({ type: 'model', model }));
      }
      if (node.type === 'model') {
        this.versions ??= withStoreCall({ title: 'loading model versions' }, () => state.store.searchModelVersions());
        const all = await this.versions;
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

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    if (node.type === 'model') {
      const m = node.model;
      const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `model:${m.name}`;
      const aliases = Object.keys(m.aliases).sort();
      item.description = aliases.map((a) => `@${a}`).join(' ');
      item.iconPath = new vscode.ThemeIcon('package');
      item.contextValue = 'registeredModel';
      const tip = new vscode.MarkdownString();
      tip.appendMarkdown('**').appendText(m.name).appendMarkdown('**\n\n');
      if (m.description) tip.appendText(m.description + '\n\n');
      tip.appendText(`Updated ${formatTimestamp(m.lastUpdatedTimestamp)}`);
      item.tooltip = tip;
      return item;
    }
    const v = node.version;
    const item = new vscode.TreeItem(`Version ${v.version}`, vscode.TreeItemCollapsibleState.None);
    item.id = `version:${v.name}:${v.version}`;
    item.description = versionDescription(v);
    item.iconPath = new vscode.ThemeIcon(v.aliases.length ? 'tag' : 'versions');
    item.contextValue = v.aliases.length ? 'modelVersionWithAlias' : 'modelVersion';
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown('**').appendText(`${v.name} v${v.version}`).appendMarkdown('**\n\n');
    tip.appendText(`Stage: ${v.currentStage} · Status: ${v.status}\n\nSource: ${v.source}\n\n`);
    if (v.runId) tip.appendText(`Run: ${v.runId}\n\n`);
    if (v.description) tip.appendText(v.description);
    item.tooltip = tip;
    return item;
  }
}
