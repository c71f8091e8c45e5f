import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import { StoreError } from '../core/store/errors';
import { errText } from '../core/store/fileStore';
import type { ReadableStore } from '../core/store/openStore';
import { redactUri } from '../core/store/trackingUri';
import { MODEL_VERSION_VIEW_TYPE, type ModelVersionContract, type ModelVersionState } from '../../webviews/modelVersion/contract';
import { loadModelVersionView, modelVersionRequests } from './modelVersionRequests';
import type { ModelsNode } from './modelsTree';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';
import { PanelHost, PanelKind } from './webview/panelHost';

/**
 * Model version pages (one per version, reused when the same version is opened again). Alias,
 * stage and delete go through the Models view's commands so they ask in VS Code's own UI and
 * follow the same rules; the page is reloaded after any registry change.
 */
export class ModelVersionPanels implements vscode.Disposable {
  private readonly kind: PanelKind<ModelVersionState>;
  private readonly hosts = new Map<string, { host: PanelHost<ModelVersionContract>; name: string; version: string }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
    /** Called after the page saved something, so the Models view shows it too. */
    private readonly onChanged: () => void,
  ) {
    this.kind = new PanelKind<ModelVersionState>({ viewType: MODEL_VERSION_VIEW_TYPE, bundle: 'modelVersion', loadingText: 'Loading model version…' }, (panel, state) => {
      if (typeof state?.name !== 'string' || typeof state.version !== 'string' || !state.name) return false;
      this.attach(panel, state.name, state.version);
      return true;
    });
    this.disposables.push(this.kind.register());
  }

  show(name: string, version: string): void {
    const open = this.hosts.get(key(name, version));
    if (open) {
      open.host.panel.reveal(undefined, true);
      void this.load(open.host, name, version);
      return;
    }
    // Focus stays where the click was (the Models view), as with the run details preview.
    const panel = this.kind.create(this.context.extensionUri, title(name, version), { viewColumn: vscode.ViewColumn.Active, preserveFocus: true });
    this.attach(panel, name, version);
  }

  /** Closes the pages of a deleted version (or of every version of a deleted model). */
  closeDeleted(name: string, version?: string): void {
    for (const [k, h] of [...this.hosts]) {
      if (h.name === name && (version === undefined || h.version === version)) {
        this.hosts.delete(k);
        h.host.dispose();
      }
    }
  }

  /** Re-reads every open page (after an alias, stage, tag or description change anywhere). */
  reloadAll(): void {
    for (const { host, name, version } of this.hosts.values()) void this.load(host, name, version);
  }

  private attach(panel: vscode.WebviewPanel, name: string, version: string): void {
    const k = key(name, version);
    const versionNode = async (): Promise<ModelsNode> => ({ type: 'version', version: await this.store().getModelVersion(name, version) });
    const host: PanelHost<ModelVersionContract> = new PanelHost<ModelVersionContract>(
      panel,
      this.kind.spec,
      this.context.extensionUri,
      modelVersionRequests(
        async () => {
          const reason = this.session.restrictedWriteReason();
          if (reason) throw new StoreError('PERMISSION_DENIED', reason);
          return this.session.writable();
        },
        // The page shows the store's answer itself; the Models view re-reads.
        () => this.onChanged(),
      ),
      {
        openRun: ({ runId }) => {
          if (typeof runId === 'string' && runId) void vscode.commands.executeCommand('mlflow.openRun', runId);
        },
        copy: ({ text }) => {
          void vscode.env.clipboard.writeText(String(text));
          vscode.window.setStatusBarMessage(neutralizeText(`Copied ${String(text)}`), 2000);
        },
        refresh: () => void this.load(host, name, version),
        command: ({ name: which }) => {
          const command = { setAlias: 'mlflow.setAlias', removeAlias: 'mlflow.removeAlias', transitionStage: 'mlflow.transitionStage', deleteVersion: 'mlflow.deleteModelVersion' }[which];
          if (!command) return;
          void versionNode().then(
            (node) => vscode.commands.executeCommand(command, node),
            (e: unknown) => void vscode.window.showErrorMessage(neutralizeText(`MLflow: ${errText(e)}`)),
          );
        },
      },
      this.log,
    );
    this.hosts.set(k, { host, name, version });
    host.onDidBecomeReady(() => void this.load(host, name, version));
    host.onDidDispose(() => {
      if (this.hosts.get(k)?.host === host) this.hosts.delete(k);
    });
  }

  private async load(host: PanelHost<ModelVersionContract>, name: string, version: string): Promise<void> {
    try {
      const view = await withStoreCall({ title: `loading ${name} version ${version}` }, () => loadModelVersionView(this.store(), name, version));
      host.push('version', view);
    } catch (e) {
      this.log.error(`Model ${name} version ${version}: ${errText(e)}`);
      host.push('error', { message: `Cannot load ${name} version ${version}: ${errText(e)}` });
    }
  }

  private store(): ReadableStore {
    const s = this.session.state;
    if (s.kind === 'connected') return s.store;
    throw new StoreError('UNREACHABLE', s.kind === 'error' ? `Cannot open ${redactUri(s.uri)}: ${s.message}` : 'No tracking store is open');
  }

  dispose(): void {
    for (const { host } of [...this.hosts.values()]) host.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function key(name: string, version: string): string {
  return `${name}\u0000${version}`;
}

function title(name: string, version: string): string {
  return neutralizeText(`${name} v${version}`);
}
