import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import { promptDescription, promptTooltip, promptVersionDescription, promptVersionTooltip } from '../core/prompts/promptDisplay';
import type { PromptInfo, PromptVersionInfo } from '../core/prompts/promptModel';
import { listPromptsWithVersions, type PromptWithVersions } from '../core/prompts/promptRead';
import { errText } from '../core/store/fileStore';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';

/** Registered prompts → versions (newest first), aliases in the descriptions. */

export type PromptsNode = { type: 'prompt'; prompt: PromptInfo } | { type: 'promptVersion'; version: PromptVersionInfo };

export class PromptsTreeProvider implements vscode.TreeDataProvider<PromptsNode> {
  private readonly changed = new vscode.EventEmitter<PromptsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** One read of every prompt with its versions; versions then expand from memory. */
  private loaded: Promise<PromptWithVersions[]> | undefined;
  onMessage: (message: string | undefined) => void = () => undefined;

  constructor(
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  refresh(): void {
    this.loaded = undefined;
    this.changed.fire(undefined);
  }

  /** Every prompt with its versions, as last read (read now if nothing is loaded). */
  async prompts(): Promise<PromptWithVersions[]> {
    const state = this.session.state;
    if (state.kind !== 'connected') return [];
    this.loaded ??= withStoreCall({ title: 'loading prompts' }, () => listPromptsWithVersions(state.store));
    try {
      return await this.loaded;
    } catch (e) {
      this.loaded = undefined;
      throw e;
    }
  }

  async getChildren(node?: PromptsNode): Promise<PromptsNode[]> {
    const state = this.session.state;
    if (state.kind !== 'connected') {
      this.onMessage(state.kind === 'error' ? `Cannot open ${state.uri}: ${state.message}` : undefined);
      return [];
    }
    try {
      const all = await this.prompts();
      if (!node) {
        this.onMessage(all.length ? undefined : 'No prompts in this store (mlflow.genai.register_prompt creates them)');
        return all.map((prompt) => ({ type: 'prompt', prompt }));
      }
      if (node.type === 'prompt') return (all.find((p) => p.name === node.prompt.name)?.versions ?? []).map((version) => ({ type: 'promptVersion', version }));
      return [];
    } catch (e) {
      const msg = errText(e);
      this.log.error(`Reading prompts of ${state.uri}: ${msg}`);
      this.onMessage(`Cannot read prompts: ${msg}`);
      return [];
    }
  }

  getTreeItem(node: PromptsNode): vscode.TreeItem {
    if (node.type === 'prompt') {
      const p = node.prompt;
      const item = new vscode.TreeItem(neutralizeText(p.name), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `prompt:${p.name}`;
      item.description = promptDescription(p);
      item.iconPath = new vscode.ThemeIcon('comment-discussion');
      item.contextValue = 'prompt';
      item.tooltip = promptTooltip(p);
      return item;
    }
    const v = node.version;
    const item = new vscode.TreeItem(neutralizeText(`Version ${v.version}`), vscode.TreeItemCollapsibleState.None);
    item.id = `promptVersion:${v.name}:${v.version}`;
    item.description = promptVersionDescription(v);
    item.iconPath = new vscode.ThemeIcon(v.aliases.length ? 'tag' : 'versions');
    item.contextValue = 'promptVersion';
    item.tooltip = promptVersionTooltip(v);
    item.command = { command: 'mlflow.openPromptVersion', title: 'Open Prompt Version', arguments: [node] };
    return item;
  }
}
