import * as vscode from 'vscode';
import { neutralizeText, runLabel } from '../core/model/display';
import type { Run } from '../core/model/entities';
import { TAG } from '../core/model/entities';
import { experimentNameProblem, runNameProblem, tagKeyProblem, tagValueProblem } from '../core/model/trackingRules';
import { errText } from '../core/store/fileStore';
import type { ExperimentsNode, ExperimentsTreeProvider } from './experimentsTree';
import { noteUri } from './noteFileSystem';
import { confirmModal, refusedInRestrictedMode, storeEdit } from './storeWrites';
import type { StoreSession } from './storeSession';

/**
 * Creating, renaming, deleting and restoring experiments and runs, run tags, and descriptions
 * opened as markdown documents. Names are checked with MLflow's rules as they are typed; deletes
 * ask first (modal) and say what goes; the view changes only after the store accepted the edit.
 */

type RunNode = Extract<ExperimentsNode, { type: 'run' }>;
type ExperimentNode = Extract<ExperimentsNode, { type: 'experiment' }>;

const error = (message: string | undefined) => (message ? { message, severity: vscode.InputBoxValidationSeverity.Error } : undefined);

/** The runs a context-menu command applies to: the clicked run, or the whole selection when it holds the clicked run. */
function runsOf(node: ExperimentsNode | undefined, nodes: readonly ExperimentsNode[] | undefined): RunNode[] {
  const all = (nodes && node && nodes.includes(node) ? nodes : node ? [node] : []).filter((n): n is RunNode => n.type === 'run');
  return [...new Map(all.map((n) => [n.run.info.runId, n])).values()];
}

function runListText(runs: RunNode[]): string {
  const shown = runs.slice(0, 10).map((n) => `• ${runLabel(n.run)} (${n.run.info.runId})`);
  if (runs.length > 10) shown.push(`• … and ${runs.length - 10} more`);
  return shown.join('\n');
}

export function registerLifecycleActions(session: StoreSession, log: vscode.LogOutputChannel, tree: ExperimentsTreeProvider): vscode.Disposable {
  const refresh = () => tree.refresh();
  const edit = (what: string, action: Parameters<typeof storeEdit>[3]) => storeEdit(session, log, what, action, refresh);
  const reader = () => (session.state.kind === 'connected' ? session.state.store : undefined);

  /** The run as the store holds it now (its tags may have changed since the row was drawn). */
  const freshRun = async (node: RunNode): Promise<Run | undefined> => {
    try {
      return (await reader()?.getRun(node.run.info.runId)) ?? node.run;
    } catch (e) {
      void vscode.window.showErrorMessage(`MLflow: cannot read run ${node.run.info.runId}: ${neutralizeText(errText(e))}`);
      return undefined;
    }
  };

  const setShowDeleted = (on: boolean) => {
    tree.setShowDeleted(on);
    void vscode.commands.executeCommand('setContext', 'mlflow.showDeleted', on);
  };
  void vscode.commands.executeCommand('setContext', 'mlflow.showDeleted', tree.showDeleted);

  const openNote = async (ref: { owner: 'run' | 'experiment'; id: string }, name: string) => {
    const store = reader();
    if (!store) return void vscode.window.showWarningMessage('MLflow: no tracking store is open.');
    const uri = noteUri({ store: store.uri, ...ref }, name);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'markdown') await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: false });
  };

  return vscode.Disposable.from(
    vscode.commands.registerCommand('mlflow.showDeleted', () => setShowDeleted(true)),
    vscode.commands.registerCommand('mlflow.hideDeleted', () => setShowDeleted(false)),

    vscode.commands.registerCommand('mlflow.createExperiment', async () => {
      if (refusedInRestrictedMode(session, log)) return;
      const name = await vscode.window.showInputBox({
        title: 'New MLflow Experiment',
        prompt: 'Name of the experiment (unique in this store, at most 500 characters)',
        validateInput: async (text) => {
          const rule = experimentNameProblem(text);
          if (rule) return error(rule);
          const existing = await reader()?.getExperimentByName(text).catch(() => undefined);
          if (!existing) return undefined;
          return error(
            existing.lifecycleStage === 'deleted'
              ? `A deleted experiment is named '${text}' (id ${existing.experimentId}): restore it (Show Deleted), or choose another name.`
              : `An experiment named '${text}' already exists (id ${existing.experimentId}).`,
          );
        },
      });
      if (name === undefined) return;
      await edit(`Create experiment '${name}'`, (store) => store.createExperiment(name));
    }),

    vscode.commands.registerCommand('mlflow.renameExperiment', async (node?: ExperimentNode) => {
      if (node?.type !== 'experiment' || refusedInRestrictedMode(session, log)) return;
      const e = node.experiment;
      const name = await vscode.window.showInputBox({
        title: neutralizeText(`Rename experiment '${e.name}'`),
        value: e.name,
        validateInput: (text) => error(text === e.name ? undefined : experimentNameProblem(text)),
      });
      if (name === undefined || name === e.name) return;
      await edit(`Rename experiment '${e.name}' to '${name}'`, (store) => store.renameExperiment(e.experimentId, name));
    }),

    vscode.commands.registerCommand('mlflow.deleteExperiment', async (node?: ExperimentNode) => {
      if (node?.type !== 'experiment' || refusedInRestrictedMode(session, log)) return;
      const e = node.experiment;
      const ok = await confirmModal(
        `Delete experiment '${e.name}' and all its runs?`,
        `Experiment id ${e.experimentId}. MLflow marks the experiment and its runs as deleted; they can be restored (Show Deleted) until the store is cleaned with \`mlflow gc\`.`,
        'Delete',
      );
      if (!ok) return;
      await edit(`Delete experiment '${e.name}'`, (store) => store.deleteExperiment(e.experimentId));
    }),

    vscode.commands.registerCommand('mlflow.restoreExperiment', async (node?: ExperimentNode) => {
      if (node?.type !== 'experiment' || refusedInRestrictedMode(session, log)) return;
      const e = node.experiment;
      await edit(`Restore experiment '${e.name}'`, (store) => store.restoreExperiment(e.experimentId));
    }),

    vscode.commands.registerCommand('mlflow.editExperimentDescription', async (node?: ExperimentNode) => {
      if (node?.type !== 'experiment') return;
      await openNote({ owner: 'experiment', id: node.experiment.experimentId }, node.experiment.name);
    }),

    vscode.commands.registerCommand('mlflow.renameRun', async (node?: RunNode) => {
      if (node?.type !== 'run' || refusedInRestrictedMode(session, log)) return;
      const old = runLabel(node.run);
      const name = await vscode.window.showInputBox({
        title: neutralizeText(`Rename run '${old}'`),
        value: node.run.info.runName,
        validateInput: (text) => error(runNameProblem(text)),
      });
      if (name === undefined || name === node.run.info.runName) return;
      await edit(`Rename run '${old}' to '${name}'`, (store) => store.updateRun(node.run.info.runId, { runName: name }));
    }),

    vscode.commands.registerCommand('mlflow.deleteRun', async (node?: ExperimentsNode, nodes?: ExperimentsNode[]) => {
      const runs = runsOf(node, nodes).filter((n) => n.run.info.lifecycleStage !== 'deleted');
      if (runs.length === 0 || refusedInRestrictedMode(session, log)) return;
      const one = runs.length === 1;
      const ok = await confirmModal(
        one ? `Delete run '${runLabel(runs[0].run)}'?` : `Delete ${runs.length} runs?`,
        `${runListText(runs)}\n\nMLflow marks runs as deleted (their child runs stay as they are); they can be restored (Show Deleted) until the store is cleaned with \`mlflow gc\`.`,
        'Delete',
      );
      if (!ok) return;
      await edit(one ? `Delete run '${runLabel(runs[0].run)}'` : `Delete ${runs.length} runs`, async (store) => {
        for (const n of runs) await store.deleteRun(n.run.info.runId);
      });
    }),

    vscode.commands.registerCommand('mlflow.restoreRun', async (node?: ExperimentsNode, nodes?: ExperimentsNode[]) => {
      const runs = runsOf(node, nodes).filter((n) => n.run.info.lifecycleStage === 'deleted');
      if (runs.length === 0 || refusedInRestrictedMode(session, log)) return;
      await edit(runs.length === 1 ? `Restore run '${runLabel(runs[0].run)}'` : `Restore ${runs.length} runs`, async (store) => {
        for (const n of runs) await store.restoreRun(n.run.info.runId);
      });
    }),

    vscode.commands.registerCommand('mlflow.setRunTag', async (node?: RunNode) => {
      if (node?.type !== 'run' || refusedInRestrictedMode(session, log)) return;
      const run = await freshRun(node);
      if (!run) return;
      const name = runLabel(run);
      const NEW = '$(add) New tag…';
      const tags = Object.entries(run.data.tags).sort(([a], [b]) => Number(a.startsWith('mlflow.')) - Number(b.startsWith('mlflow.')) || a.localeCompare(b));
      const pick = await vscode.window.showQuickPick(
        [{ label: NEW, key: undefined as string | undefined }, ...tags.map(([k, v]) => ({ label: neutralizeText(k), description: neutralizeText(v.slice(0, 80)), key: k }))],
        { title: neutralizeText(`Add or edit a tag of run '${name}'`), placeHolder: 'Pick a tag to change its value, or add a new one' },
      );
      if (!pick) return;
      let key = pick.key;
      if (key === undefined) {
        key = await vscode.window.showInputBox({
          title: neutralizeText(`New tag on run '${name}'`),
          prompt: 'Tag key',
          placeHolder: 'team',
          validateInput: (text) => error(tagKeyProblem(text) ?? (text in run.data.tags ? `The run already has a tag '${text}': pick it in the list to change its value.` : undefined)),
        });
        if (key === undefined) return;
      }
      const value = await vscode.window.showInputBox({
        title: neutralizeText(`Value of tag '${key}' on run '${name}'`),
        value: run.data.tags[key] ?? '',
        validateInput: (text) => error(tagValueProblem(text, 'run')),
      });
      if (value === undefined) return;
      const k = key;
      await edit(`Set tag '${k}' on run '${name}'`, (store) => store.logBatch(run.info.runId, { tags: [{ key: k, value }] }));
    }),

    vscode.commands.registerCommand('mlflow.deleteRunTag', async (node?: RunNode) => {
      if (node?.type !== 'run' || refusedInRestrictedMode(session, log)) return;
      const run = await freshRun(node);
      if (!run) return;
      const name = runLabel(run);
      // The run name tag is the run's name: renaming is the way to change it.
      const tags = Object.entries(run.data.tags).filter(([k]) => k !== TAG.runName);
      if (tags.length === 0) return void vscode.window.showInformationMessage(neutralizeText(`Run '${name}' has no tags to delete.`));
      const pick = await vscode.window.showQuickPick(
        tags.map(([k, v]) => ({ label: neutralizeText(k), description: neutralizeText(v.slice(0, 80)), key: k, value: v })),
        { title: neutralizeText(`Delete a tag of run '${name}'`) },
      );
      if (!pick) return;
      const ok = await confirmModal(`Delete tag '${pick.key}' from run '${name}'?`, `Run ${run.info.runId}\nValue: ${pick.value.slice(0, 300)}`, 'Delete');
      if (!ok) return;
      await edit(`Delete tag '${pick.key}' from run '${name}'`, (store) => store.deleteTag(run.info.runId, pick.key));
    }),

    vscode.commands.registerCommand('mlflow.editRunDescription', async (node?: RunNode) => {
      if (node?.type !== 'run') return;
      await openNote({ owner: 'run', id: node.run.info.runId }, runLabel(node.run));
    }),
  );
}
