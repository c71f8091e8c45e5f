import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ModelVersion } from '../core/model/entities';
import { contentTypeOf, defaultOutputPath, envManagerOf, predictArgs, SERVE_HOST, serveArgs, servingProcessEnv } from '../core/serving/commands';
import { interpreterPath } from '../core/runner/interpreter';
import { defaultCacheDir } from '../core/runner/prepare';
import { modelLabel, modelUri, type ModelRef } from '../core/serving/modelUri';
import { waitUntilServing } from '../core/serving/scoringClient';
import { errText } from '../core/store/fileStore';
import { isolatedPythonArgs } from '../core/store/isolatedPython';
import { freePort } from '../core/store/localServer';
import { TRY_IT_VIEW_TYPE, type TryItContract, type TryItState } from '../../webviews/tryIt/contract';
import { loadServerCredentials } from './credentials';
import type { ModelsNode } from './modelsTree';
import { resolvePython } from './python';
import type { StoreSession } from './storeSession';
import { firstBody, tryItRequests } from './tryItRequests';
import { PanelHost, PanelKind } from './webview/panelHost';

/**
 * Serving registered model versions as VS Code tasks: "Serve Model Version" runs
 * `python -I -m mlflow models serve` on a free 127.0.0.1 port (an argument vector, no shell),
 * waits for /ping, and opens the Try-it panel; "Predict from File…" runs `mlflow models predict`
 * and opens its output. Nothing here runs in Restricted Mode. The logic (arguments, readiness,
 * bodies) is in extension/core/serving; this file is the glue.
 */

/** Building a virtualenv/uv environment and loading a large model can take this long. */
const READY_TIMEOUT_MS = 15 * 60_000;

interface Served {
  ref: ModelRef;
  uri: string;
  url: string;
  execution: vscode.TaskExecution;
  running: boolean;
  version?: ModelVersion;
  panel?: PanelHost<TryItContract>;
  first?: Promise<{ body: string; exampleNote: string }>;
}

export class ModelServing implements vscode.Disposable {
  private readonly servers = new Map<string, Served>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly kind = new PanelKind<TryItState>({ viewType: TRY_IT_VIEW_TYPE, bundle: 'tryIt', loadingText: 'Loading…' }, () => false);

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      // A panel left from before a reload has no server behind it any more: it is closed.
      this.kind.register(),
      vscode.tasks.onDidEndTaskProcess((e) => {
        for (const [uri, s] of this.servers) {
          if (s.execution !== e.execution) continue;
          s.running = false;
          this.servers.delete(uri);
          const how = e.exitCode === undefined ? 'stopped' : `exited with code ${e.exitCode}`;
          this.log.info(`Model server for ${uri} ${how}`);
          s.panel?.push('server', { running: false, message: `The model server ${how}. Serve the model again to send more requests.` });
          void this.updateContext();
        }
      }),
      vscode.commands.registerCommand('mlflow.serveModelVersion', (node?: ModelsNode) => this.serve(node, false)),
      vscode.commands.registerCommand('mlflow.serveModelAlias', (node?: ModelsNode) => this.serve(node, true)),
      vscode.commands.registerCommand('mlflow.tryModel', () => this.tryRunning()),
      vscode.commands.registerCommand('mlflow.stopModelServer', () => this.stopOne()),
      vscode.commands.registerCommand('mlflow.predictFromFile', (node?: ModelsNode) => this.predict(node)),
    );
  }

  /** The served models (the UI flow test asks for the port). */
  running(): { uri: string; url: string }[] {
    return [...this.servers.values()].filter((s) => s.running).map((s) => ({ uri: s.uri, url: s.url }));
  }

  private async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'mlflow.modelServing', this.running().length > 0);
  }

  private refuseUntrusted(what: string): boolean {
    if (vscode.workspace.isTrusted) return false;
    void vscode.window.showWarningMessage(`MLflow: ${what} runs Python and is disabled in Restricted Mode. Trust this workspace to use it.`, 'Manage Workspace Trust').then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return true;
  }

  /** The version and the reference to serve: from the tree node, else picked from the store. */
  private async pickModel(node: ModelsNode | undefined, byAlias: boolean, title: string): Promise<{ ref: ModelRef; version: ModelVersion } | undefined> {
    const state = this.session.state;
    if (state.kind !== 'connected') {
      void vscode.window.showWarningMessage('MLflow: no tracking store is open.');
      return undefined;
    }
    let version = node?.type === 'version' ? node.version : undefined;
    if (!version) {
      const versions = await state.store.searchModelVersions();
      const pick = await vscode.window.showQuickPick(
        versions
          .filter((v) => !byAlias || v.aliases.length > 0)
          .sort((a, b) => a.name.localeCompare(b.name) || Number(b.version) - Number(a.version))
          .map((v) => ({ label: `${v.name} v${v.version}`, description: v.aliases.map((a) => `@${a}`).join(' '), v })),
        { title, placeHolder: versions.length ? 'Model version' : 'No registered model versions in this store' },
      );
      if (!pick) return undefined;
      version = pick.v;
    }
    if (!byAlias) return { ref: { name: version.name, version: version.version }, version };
    const aliases = [...version.aliases].sort();
    if (aliases.length === 0) {
      void vscode.window.showInformationMessage(`MLflow: version ${version.version} of '${version.name}' has no alias.`);
      return undefined;
    }
    const alias = aliases.length === 1 ? aliases[0] : await vscode.window.showQuickPick(aliases, { title, placeHolder: `Alias of ${version.name} to serve` });
    return alias ? { ref: { name: version.name, alias }, version } : undefined;
  }

  /**
   * The serve/predict process's environment. ProcessExecution merges it into the extension host's,
   * so variables an isolated interpreter must not see are blanked (Python ignores empty ones).
   */
  private async processEnv(python: string): Promise<{ [k: string]: string }> {
    const state = this.session.state;
    const uri = state.kind === 'none' ? undefined : state.uri;
    // Server credentials come from SecretStorage into the child's environment only (never logged).
    const creds = uri && /^https?:/.test(uri) ? await loadServerCredentials(this.context.secrets, uri) : undefined;
    const env = servingProcessEnv(python, process.env, defaultCacheDir(process.env), uri, creds);
    const out: { [k: string]: string } = {};
    for (const k of Object.keys(process.env)) if (env[k] === undefined) out[k] = '';
    for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
    return out;
  }

  /** The chosen Python by its full path (PATH is searched for a bare name, as a shell would). */
  private async python(resource?: vscode.Uri): Promise<string> {
    return interpreterPath(await resolvePython(resource), process.env, this.cwd());
  }

  private cwd(): string {
    return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath ?? tmpdir();
  }

  async serve(node: ModelsNode | undefined, byAlias: boolean): Promise<void> {
    const title = byAlias ? 'MLflow: Serve Model Version by Alias' : 'MLflow: Serve Model Version';
    if (this.refuseUntrusted('Serving a model')) return;
    let picked: { ref: ModelRef; version: ModelVersion } | undefined;
    try {
      picked = await this.pickModel(node, byAlias, title);
    } catch (e) {
      void vscode.window.showErrorMessage(`MLflow: cannot list model versions: ${errText(e)}`);
      return;
    }
    if (!picked) return;
    const uri = modelUri(picked.ref);
    const existing = this.servers.get(uri);
    if (existing?.running) {
      this.openPanel(existing);
      return;
    }
    let python: string;
    try {
      python = await this.python();
    } catch (e) {
      void vscode.window.showErrorMessage(`MLflow: ${errText(e)}`);
      return;
    }
    const envManager = envManagerOf(vscode.workspace.getConfiguration('mlflow').get<string>('envManager'));
    const port = await freePort();
    const url = `http://${SERVE_HOST}:${port}`;
    const args = isolatedPythonArgs(serveArgs({ model: picked.ref, port, envManager }));
    const task = new vscode.Task(
      { type: 'mlflow-model', action: 'serve', model: uri },
      vscode.TaskScope.Workspace,
      `serve ${modelLabel(picked.ref)}`,
      'mlflow',
      new vscode.ProcessExecution(python, args, { cwd: this.cwd(), env: await this.processEnv(python) }),
    );
    task.detail = `mlflow models serve -m ${uri} -p ${port} --env-manager ${envManager}`;
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, focus: false };
    task.isBackground = true;
    this.log.info(`Serving ${uri} at ${url} (${python} ${args.join(' ')})`);
    const execution = await vscode.tasks.executeTask(task);
    const served: Served = { ref: picked.ref, uri, url, execution, running: true, version: picked.version };
    this.servers.set(uri, served);
    void this.updateContext();
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Starting the model server for ${modelLabel(picked.ref)}…`, cancellable: true }, (_p, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return waitUntilServing(url, { timeoutMs: READY_TIMEOUT_MS, signal: abort.signal, exited: () => (served.running ? undefined : 'see the task output') });
      });
    } catch (e) {
      if (served.running) execution.terminate();
      const msg = errText(e);
      if (msg !== 'cancelled') {
        this.log.error(`Serving ${uri} failed: ${msg}`);
        void vscode.window.showErrorMessage(`MLflow: serving ${uri} failed: ${msg}`);
      }
      return;
    }
    this.log.info(`Model server for ${uri} is ready at ${url}`);
    this.openPanel(served);
  }

  private openPanel(s: Served): void {
    if (s.panel) {
      s.panel.panel.reveal();
      return;
    }
    const state = this.session.state;
    const store = state.kind === 'connected' ? state.store : undefined;
    s.first ??= firstBody(store, s.version);
    const panel = this.kind.create(this.context.extensionUri, `Try ${modelLabel(s.ref)}`);
    const host = new PanelHost<TryItContract>(panel, this.kind.spec, this.context.extensionUri, tryItRequests(() => s.url), {}, this.log);
    s.panel = host;
    host.onDidDispose(() => (s.panel = undefined));
    host.onDidBecomeReady(async () => {
      const first = await s.first!;
      host.push('init', { label: modelLabel(s.ref), modelUri: s.uri, url: s.url, running: s.running, ...first });
    });
  }

  private async pickRunning(title: string): Promise<Served | undefined> {
    const live = [...this.servers.values()].filter((s) => s.running);
    if (live.length === 0) {
      void vscode.window.showInformationMessage('MLflow: no model is being served. Use "Serve Model Version" on a version in the Models view.');
      return undefined;
    }
    if (live.length === 1) return live[0];
    const pick = await vscode.window.showQuickPick(live.map((s) => ({ label: s.uri, description: s.url, s })), { title });
    return pick?.s;
  }

  private async tryRunning(): Promise<void> {
    const s = await this.pickRunning('MLflow: Try Served Model');
    if (s) this.openPanel(s);
  }

  private async stopOne(): Promise<void> {
    const s = await this.pickRunning('MLflow: Stop Model Server');
    s?.execution.terminate();
  }

  async predict(node: ModelsNode | undefined): Promise<void> {
    if (this.refuseUntrusted('Predicting with a model')) return;
    let picked: { ref: ModelRef; version: ModelVersion } | undefined;
    try {
      picked = await this.pickModel(node, false, 'MLflow: Predict from File');
    } catch (e) {
      void vscode.window.showErrorMessage(`MLflow: cannot list model versions: ${errText(e)}`);
      return;
    }
    if (!picked) return;
    const files = await vscode.window.showOpenDialog({
      title: `Input for ${modelLabel(picked.ref)} (JSON request body or CSV)`,
      canSelectMany: false,
      filters: { 'JSON or CSV': ['json', 'csv'], 'All files': ['*'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    const input = files?.[0];
    if (!input) return;
    if (input.scheme !== 'file') {
      void vscode.window.showErrorMessage(`MLflow: ${input.toString()} is not a local file; mlflow models predict reads local files only.`);
      return;
    }
    const inputPath = input.fsPath;
    let outputPath = defaultOutputPath(inputPath);
    if (existsSync(outputPath)) {
      // Never overwrite a file without asking: it may not be one of ours.
      const target = await vscode.window.showSaveDialog({ title: 'Save predictions as', defaultUri: vscode.Uri.file(outputPath), filters: { JSON: ['json'] } });
      if (!target) return;
      outputPath = target.fsPath;
    }
    let python: string;
    try {
      python = await this.python(input);
    } catch (e) {
      void vscode.window.showErrorMessage(`MLflow: ${errText(e)}`);
      return;
    }
    const envManager = envManagerOf(vscode.workspace.getConfiguration('mlflow').get<string>('envManager'));
    const contentType = contentTypeOf(inputPath);
    const args = isolatedPythonArgs(predictArgs({ model: picked.ref, inputPath, outputPath, contentType, envManager }));
    const uri = modelUri(picked.ref);
    const task = new vscode.Task(
      { type: 'mlflow-model', action: 'predict', model: uri },
      vscode.TaskScope.Workspace,
      `predict ${modelLabel(picked.ref)} on ${basename(inputPath)}`,
      'mlflow',
      new vscode.ProcessExecution(python, args, { cwd: this.cwd(), env: await this.processEnv(python) }),
    );
    task.detail = `mlflow models predict -m ${uri} -i ${basename(inputPath)} -t ${contentType}`;
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, focus: false };
    this.log.info(`Predicting with ${uri} on ${inputPath} → ${outputPath}`);
    const execution = await vscode.tasks.executeTask(task);
    const code = await new Promise<number | undefined>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution !== execution) return;
        sub.dispose();
        resolve(e.exitCode);
      });
    });
    if (code === 0 && existsSync(outputPath)) {
      this.log.info(`Predictions written to ${outputPath}`);
      await vscode.window.showTextDocument(vscode.Uri.file(outputPath), { preview: false });
    } else {
      const how = code === undefined ? 'was stopped' : `exited with code ${code}`;
      this.log.error(`mlflow models predict for ${uri} ${how}`);
      void vscode.window.showErrorMessage(`MLflow: predicting with ${uri} on ${basename(inputPath)} ${how}; the task's terminal shows MLflow's message.`);
    }
  }

  dispose(): void {
    for (const s of this.servers.values()) if (s.running) s.execution.terminate();
    this.servers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
