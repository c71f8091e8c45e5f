import * as vscode from 'vscode';
import { StoreError } from '../core/store/errors';
import type { ReadableStore } from '../core/store/openStore';
import { redactUri } from '../core/store/trackingUri';
import { RUNS_TABLE_VIEW_TYPE, type RunsTableContract, type RunsTableState } from '../../webviews/runsTable/contract';
import { runsTableRequests } from './runsTableRequests';
import type { StoreSession } from './storeSession';
import { PanelHost, PanelKind } from './webview/panelHost';

/**
 * "MLflow: Open Runs Table": one panel per experiment (set), on the webview platform
 * (docs/webviews.md). The host reads pages through `searchRunsPage` and maps them to raw rows; the
 * webview holds the rows, virtualizes them and asks for the next page as it scrolls.
 *
 * The checked runs of the table last focused are the selection other panels open from:
 * `onDidChangeSelection`, `selection()`, and the command `mlflow.runsTable.selection`.
 */

export interface RunsTableSelection {
  experimentIds: string[];
  runIds: string[];
}

/** Rows per page; MLflow's web UI asks for 100. */
export const RUNS_TABLE_PAGE = 200;
/** Re-read visible RUNNING runs this often. */
export const RUNS_TABLE_POLL_MS = 5000;

interface OpenTable {
  host: PanelHost<RunsTableContract>;
  experimentIds: string[];
  title: string;
  selection: string[];
}

export class RunsTables implements vscode.Disposable {
  private readonly kind: PanelKind<RunsTableState>;
  private readonly tables = new Map<string, OpenTable>();
  private lastActive: OpenTable | undefined;
  private readonly selectionEmitter = new vscode.EventEmitter<RunsTableSelection>();
  readonly onDidChangeSelection = this.selectionEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.kind = new PanelKind<RunsTableState>(
      { viewType: RUNS_TABLE_VIEW_TYPE, bundle: 'runsTable', loadingText: 'Loading runs…', retainContextWhenHidden: true },
      (panel, state) => {
        if (!state?.experimentIds?.length) return false;
        this.attach(panel, state.experimentIds, state.title ?? '');
        return true;
      },
    );
    this.disposables.push(
      this.kind.register(),
      session.onDidChange((s) => {
        if (s.kind !== 'connected') return;
        for (const t of this.tables.values()) t.host.push('reset', { storeUri: redactUri(s.uri) });
      }),
    );
  }

  /** Opens (or reveals) the table of these experiments. */
  show(experimentIds: string[], title: string): void {
    const existing = this.tables.get(tableKey(experimentIds));
    if (existing) {
      existing.host.panel.reveal();
      return;
    }
    this.attach(this.kind.create(this.context.extensionUri, panelTitle(title)), experimentIds, title);
  }

  /** The checked runs of the table last focused; undefined when no table is open. */
  selection(): RunsTableSelection | undefined {
    const t = this.lastActive;
    return t ? { experimentIds: t.experimentIds, runIds: [...t.selection] } : undefined;
  }

  private attach(panel: vscode.WebviewPanel, experimentIds: string[], title: string): void {
    panel.title = panelTitle(title);
    const table: OpenTable = { experimentIds, title, selection: [], host: undefined as unknown as PanelHost<RunsTableContract> };
    table.host = new PanelHost<RunsTableContract>(
      panel,
      this.kind.spec,
      this.context.extensionUri,
      runsTableRequests(() => this.store()),
      {
        selection: ({ runIds }) => {
          table.selection = runIds.filter((id) => typeof id === 'string');
          this.lastActive = table;
          this.selectionEmitter.fire({ experimentIds, runIds: [...table.selection] });
          void vscode.commands.executeCommand('setContext', 'mlflow.runsTable.selectionCount', table.selection.length);
        },
        openRun: ({ runId }) => void vscode.commands.executeCommand('mlflow.openRun', runId),
      },
      this.log,
    );
    const key = tableKey(experimentIds);
    this.tables.set(key, table);
    this.lastActive = table;
    table.host.onDidBecomeReady(() => {
      const s = this.session.state;
      table.host.push('init', {
        experimentIds,
        title,
        storeUri: s.kind === 'none' ? '' : redactUri(s.uri),
        pollMs: RUNS_TABLE_POLL_MS,
        pageSize: RUNS_TABLE_PAGE,
      });
    });
    panel.onDidChangeViewState(() => {
      if (panel.active) this.lastActive = table;
    });
    table.host.onDidDispose(() => {
      if (this.tables.get(key) === table) this.tables.delete(key);
      if (this.lastActive === table) this.lastActive = undefined;
    });
  }

  private store(): ReadableStore {
    const s = this.session.state;
    if (s.kind === 'connected') return s.store;
    throw new StoreError('UNREACHABLE', s.kind === 'error' ? `Cannot open ${redactUri(s.uri)}: ${s.message}` : s.kind === 'connecting' ? 'The tracking store is still opening; try again in a moment' : 'No tracking store is open');
  }

  dispose(): void {
    for (const t of [...this.tables.values()]) t.host.dispose();
    for (const d of this.disposables) d.dispose();
    this.selectionEmitter.dispose();
  }
}

function tableKey(ids: string[]): string {
  return [...ids].sort().join(',');
}

function panelTitle(title: string): string {
  return title ? `Runs: ${title}` : 'Runs';
}

