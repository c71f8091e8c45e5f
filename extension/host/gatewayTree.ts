import * as vscode from 'vscode';
import { isGatewayMissing, listGatewayEndpoints, type GatewayEndpoint, type GatewayModel } from '../core/gateway/gatewayServer';
import { neutralizeText } from '../core/model/display';
import { errText } from '../core/store/fileStore';
import { RestStore } from '../core/store/rest/restStore';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';
import type { GatewayTarget } from './gatewayRequests';

/**
 * The "AI Gateway" view: the endpoints of the open server's database-backed gateway, each with its
 * models. Why the view is empty (no store, not a server, a server without the gateway, no endpoints)
 * goes into the `mlflow.gatewayState` context key, which picks the view's welcome text.
 */

export type GatewayNode = { type: 'endpoint'; endpoint: GatewayEndpoint } | { type: 'model'; endpoint: GatewayEndpoint; model: GatewayModel; index: number };

/** none | notServer | noGateway | empty | ok | error (package.json viewsWelcome reads these). */
export type GatewayViewState = 'none' | 'notServer' | 'noGateway' | 'empty' | 'ok' | 'error';

/** The open store as the gateway needs it: an MLflow server reached over HTTP. */
export function gatewayTarget(session: StoreSession): GatewayTarget | undefined {
  const s = session.state;
  if (s.kind !== 'connected' || !(s.store instanceof RestStore) || s.store.kind !== 'rest') return undefined;
  return { http: s.store.httpClient, store: s.store };
}

export function endpointDescription(e: GatewayEndpoint): string {
  const primary = e.models.filter((m) => m.linkage !== 'FALLBACK');
  const shown = (primary.length ? primary : e.models).map((m) => `${m.provider}/${m.modelName}`);
  const fallbacks = e.models.length - primary.length;
  return neutralizeText([shown.join(', ') || 'no model', fallbacks > 0 && primary.length ? `+${fallbacks} fallback` : '', e.usageTracking ? '' : 'untraced'].filter(Boolean).join(' · '));
}

export function endpointTooltip(e: GatewayEndpoint, server: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**');
  md.appendText(e.name);
  md.appendMarkdown('** — AI Gateway endpoint\n\n');
  for (const m of e.models) {
    md.appendText(`• ${m.provider} / ${m.modelName}${m.linkage ? ` (${m.linkage.toLowerCase()}${m.weight !== undefined && e.models.length > 1 ? `, weight ${m.weight}` : ''})` : ''}`);
    md.appendMarkdown('\n\n');
  }
  if (e.routingStrategy) md.appendText(`Routing: ${e.routingStrategy.toLowerCase().replace(/_/g, ' ')}\n\n`);
  md.appendText(e.usageTracking ? `Calls are traced${e.experimentId ? ` into experiment ${e.experimentId}` : ''}.` : 'Usage tracking is off: calls leave no trace.');
  md.appendMarkdown('\n\n');
  md.appendText(`Called at ${server}/gateway/${encodeURIComponent(e.name)}/mlflow/invocations`);
  return md;
}

export class GatewayTreeProvider implements vscode.TreeDataProvider<GatewayNode> {
  private readonly changed = new vscode.EventEmitter<GatewayNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private loaded: Promise<GatewayEndpoint[]> | undefined;
  onMessage: (message: string | undefined) => void = () => undefined;

  constructor(
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.setState('none');
  }

  refresh(): void {
    this.loaded = undefined;
    this.changed.fire(undefined);
  }

  private setState(state: GatewayViewState): void {
    void vscode.commands.executeCommand('setContext', 'mlflow.gatewayState', state);
  }

  /** The endpoints as last read (read now if nothing is loaded); [] when there is no gateway. */
  async endpoints(): Promise<GatewayEndpoint[]> {
    const t = gatewayTarget(this.session);
    if (!t) return [];
    this.loaded ??= withStoreCall({ title: 'listing AI Gateway endpoints' }, () => listGatewayEndpoints(t.http));
    try {
      return await this.loaded;
    } catch (e) {
      this.loaded = undefined;
      throw e;
    }
  }

  async getChildren(node?: GatewayNode): Promise<GatewayNode[]> {
    if (node?.type === 'endpoint') return node.endpoint.models.map((model, index) => ({ type: 'model', endpoint: node.endpoint, model, index }));
    if (node) return [];
    const s = this.session.state;
    this.onMessage(undefined);
    if (s.kind !== 'connected') {
      this.setState('none');
      return [];
    }
    const t = gatewayTarget(this.session);
    if (!t) {
      this.setState('notServer');
      return [];
    }
    try {
      const all = await this.endpoints();
      this.setState(all.length ? 'ok' : 'empty');
      return all.map((endpoint) => ({ type: 'endpoint', endpoint }));
    } catch (e) {
      const msg = errText(e);
      if (isGatewayMissing(e)) {
        this.log.info(`No AI Gateway on ${t.http.shown}: ${msg}`);
        this.setState('noGateway');
        return [];
      }
      this.log.error(`Listing AI Gateway endpoints of ${t.http.shown}: ${msg}`);
      this.setState('error');
      this.onMessage(neutralizeText(`Cannot list AI Gateway endpoints: ${msg}`));
      return [];
    }
  }

  getTreeItem(node: GatewayNode): vscode.TreeItem {
    const server = gatewayTarget(this.session)?.http.shown ?? '';
    if (node.type === 'endpoint') {
      const e = node.endpoint;
      const item = new vscode.TreeItem(neutralizeText(e.name), e.models.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `gatewayEndpoint:${e.endpointId}`;
      item.description = endpointDescription(e);
      item.iconPath = new vscode.ThemeIcon(e.usageTracking ? 'hubot' : 'circle-slash');
      item.tooltip = endpointTooltip(e, server);
      item.contextValue = 'gatewayEndpoint';
      return item;
    }
    const m = node.model;
    const item = new vscode.TreeItem(neutralizeText(`${m.provider}/${m.modelName}`), vscode.TreeItemCollapsibleState.None);
    item.id = `gatewayModel:${node.endpoint.endpointId}:${node.index}`;
    item.description = neutralizeText([m.linkage.toLowerCase(), m.weight !== undefined && node.endpoint.models.length > 1 ? `weight ${m.weight}` : ''].filter(Boolean).join(' · '));
    item.iconPath = new vscode.ThemeIcon(m.linkage === 'FALLBACK' ? 'debug-step-over' : 'symbol-method');
    item.tooltip = neutralizeText(`Provider ${m.provider}, model ${m.modelName}${m.linkage ? ` (${m.linkage.toLowerCase()})` : ''}`);
    item.contextValue = 'gatewayModel';
    return item;
  }
}
