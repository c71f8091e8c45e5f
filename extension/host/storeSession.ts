import * as vscode from 'vscode';
import { errText } from '../core/store/fileStore';
import type { RequestEvent } from '../core/store/operation';
import { isWritableStore, openStore, openWritableStore, type OpenStoreOptions, type ReadableStore, type Store } from '../core/store/openStore';
import type { RestOptions } from '../core/store/rest/restOptions';
import { directSqliteAvailable } from '../core/store/sqliteReader';
import { redactUri, resolveTrackingUri, storeKindOf, type TrackingUriSource } from '../core/store/trackingUri';
import { loadServerCredentials } from './credentials';
import { resolvePython } from './python';

/**
 * Which store the views show, and its state. One instance per window; views and the status bar
 * listen to `onDidChange`. The state is mirrored into the `mlflow.storeState` context key so the
 * welcome content of the views can react to "no store".
 */

export type StoreState =
  | { kind: 'none' }
  | { kind: 'connecting'; uri: string; source: StoreSource }
  | { kind: 'connected'; uri: string; source: StoreSource; store: ReadableStore }
  | { kind: 'error'; uri: string; source: StoreSource; message: string };

export type StoreSource = TrackingUriSource | 'selected';

const SELECTED_KEY = 'mlflow.selectedStore';

/** A write refused because the workspace is not trusted; the UI offers to manage trust. */
export class RestrictedModeError extends Error {}

export class StoreSession implements vscode.Disposable {
  private current: StoreState = { kind: 'none' };
  private readonly emitter = new vscode.EventEmitter<StoreState>();
  readonly onDidChange = this.emitter.event;
  private readonly requestEmitter = new vscode.EventEmitter<RequestEvent>();
  /** Retries of the open server store's requests, for the status bar's "retrying…". */
  readonly onRequestEvent = this.requestEmitter.event;
  private generation = 0;
  private ready: Promise<void> = Promise.resolve();
  /** For stores read directly (SQLite through node:sqlite), the local `mlflow server` that writes go through. */
  private writer: Promise<Store> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get state(): StoreState {
    return this.current;
  }

  /** Resolves when the latest (re)connection attempt has settled. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  get selectedUri(): string | undefined {
    return this.context.workspaceState.get<string>(SELECTED_KEY) || undefined;
  }

  async select(uri: string | undefined): Promise<void> {
    await this.context.workspaceState.update(SELECTED_KEY, uri);
    await this.reconnect();
  }

  reconnect(): Promise<void> {
    this.ready = this.connect();
    return this.ready;
  }

  private resolve(): { uri: string; source: StoreSource } | undefined {
    const selected = this.selectedUri;
    if (selected) return { uri: selected, source: 'selected' };
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const setting = vscode.workspace.getConfiguration('mlflow', vscode.workspace.workspaceFolders?.[0]).get<string>('trackingUri');
    return resolveTrackingUri({ env: process.env, setting, workspaceFolders: folders });
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    await this.closeCurrent();
    const target = this.resolve();
    if (!target) {
      this.log.info('No MLflow tracking store found (no MLFLOW_TRACKING_URI, no mlflow.trackingUri setting, no mlruns/ or mlflow.db in the workspace)');
      this.set({ kind: 'none' });
      return;
    }
    const shown = redactUri(target.uri);
    this.set({ kind: 'connecting', uri: target.uri, source: target.source });
    this.log.info(`Opening tracking store ${shown} (from ${target.source}, ${storeKindOf(target.uri)} store)`);
    try {
      const opts = await this.openOptions(target.uri, false);
      // File and server stores write through the same object; database files are read directly and
      // get a local mlflow server only when something is written (see writable()).
      const kind = storeKindOf(target.uri);
      const store = kind === 'file' || kind === 'rest' ? await openWritableStore(target.uri, opts) : await openStore(target.uri, opts);
      if (gen !== this.generation) {
        await store.close?.();
        return;
      }
      this.set({ kind: 'connected', uri: target.uri, source: target.source, store });
    } catch (e) {
      if (gen !== this.generation) return;
      const message = errText(e);
      this.log.error(`Cannot open tracking store ${shown}: ${message}`);
      this.set({ kind: 'error', uri: target.uri, source: target.source, message });
    }
  }

  /** `forWrite`: options for the local server that writes to a database; else for reading it. */
  private async openOptions(uri: string, forWrite: boolean): Promise<OpenStoreOptions> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const kind = storeKindOf(uri);
    const creds = kind === 'rest' ? await loadServerCredentials(this.context.secrets, uri) : undefined;
    // Python only when a local server will run: SQLite read directly needs none.
    const needsPython = kind === 'sql' || (kind === 'sqlite' && (forWrite || !directSqliteAvailable()));
    return {
      baseDir: folder?.uri.fsPath,
      onProblem: (p) => this.log.warn(`${p.location}: ${p.message}`),
      python: needsPython ? await resolvePython(folder?.uri) : undefined,
      onServerLog: (line) => this.log.info(`[mlflow server] ${line}`),
      rest: {
        ...(creds ? { token: creds.token, username: creds.username, password: creds.password } : {}),
        ...networkLimits(),
        onRequestEvent: (e) => {
          if (e.kind === 'retrying') this.log.warn(`${e.url}: ${e.reason}; retry ${e.attempt} of ${e.maxRetries} in ${Math.round(e.delayMs / 100) / 10} s`);
          this.requestEmitter.fire(e);
        },
      },
    };
  }

  /**
   * Why writing to the open store is refused in Restricted Mode, if it is: a database is written
   * through `python -m mlflow server`, and Restricted Mode runs no code. File stores and servers
   * are written without starting anything.
   */
  restrictedWriteReason(): string | undefined {
    const s = this.current;
    if (s.kind === 'none' || vscode.workspace.isTrusted) return undefined;
    const kind = storeKindOf(s.uri);
    if (kind !== 'sqlite' && kind !== 'sql') return undefined;
    return `Writing to ${redactUri(s.uri)} needs a local mlflow server, which MLflow Workbench does not start in Restricted Mode. Trust this folder to edit it; browsing works as it is.`;
  }

  /**
   * A store that can write, for registry actions and the like: the open store itself when it can,
   * else (a database read directly) a local `mlflow server` on the same database, started once.
   */
  async writable(): Promise<Store> {
    const s = this.current;
    if (s.kind !== 'connected') throw new Error('no tracking store is open');
    const refused = this.restrictedWriteReason();
    if (refused) throw new RestrictedModeError(refused);
    if (isWritableStore(s.store)) return s.store;
    if (!this.writer) {
      const uri = s.uri;
      this.writer = (async () => {
        const opts = await this.openOptions(uri, true);
        return vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `MLflow: starting mlflow server for ${redactUri(uri)}…` },
          () => openWritableStore(uri, opts),
        );
      })();
      this.writer.catch(() => (this.writer = undefined));
    }
    return this.writer;
  }

  private set(state: StoreState): void {
    this.current = state;
    void vscode.commands.executeCommand('setContext', 'mlflow.storeState', state.kind);
    this.emitter.fire(state);
  }

  private async closeCurrent(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    if (writer) {
      try {
        await (await writer).close?.();
      } catch (e) {
        this.log.warn(`Stopping the local mlflow server: ${errText(e)}`);
      }
    }
    if (this.current.kind === 'connected') {
      try {
        await this.current.store.close?.();
      } catch (e) {
        this.log.warn(`Closing store: ${errText(e)}`);
      }
    }
  }

  dispose(): void {
    void this.closeCurrent();
    this.emitter.dispose();
    this.requestEmitter.dispose();
  }
}

/** mlflow.maxResponseMB and mlflow.operationTimeoutSeconds, only where the user set them, so MLWB_* variables still apply otherwise. */
function networkLimits(): RestOptions {
  const cfg = vscode.workspace.getConfiguration('mlflow');
  const set = <T>(key: string): T | undefined => {
    const i = cfg.inspect<T>(key);
    return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
  };
  const mb = set<number>('maxResponseMB');
  const seconds = set<number>('operationTimeoutSeconds');
  return {
    maxResponseBytes: typeof mb === 'number' && mb > 0 ? Math.min(mb, 512) * 1024 * 1024 : undefined,
    operationTimeoutMs: typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : undefined,
  };
}
