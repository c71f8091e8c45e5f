import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import type { PromptVersionInfo } from '../core/prompts/promptModel';
import { templateFromEditor, TemplateError } from '../core/prompts/promptText';
import { nextVersionOptions, registerPromptVersion } from '../core/prompts/promptWrite';
import { errText } from '../core/store/fileStore';
import { redactUri } from '../core/store/trackingUri';
import type { PromptDocuments } from './promptDocuments';
import type { PromptsNode, PromptsTreeProvider } from './promptsTree';
import { refusedInRestrictedMode, writableRegistry } from './registryActions';
import type { StoreSession } from './storeSession';

/** Commands of the Prompts view and of prompt editors: open, compare, draft and register a new version. */

function storeUri(session: StoreSession): string | undefined {
  return session.state.kind === 'connected' ? session.state.store.uri : undefined;
}

const versionLabel = (v: PromptVersionInfo) => neutralizeText(`${v.name} v${v.version}`);

async function pickVersion(tree: PromptsTreeProvider, title: string, first?: PromptVersionInfo): Promise<PromptVersionInfo | undefined> {
  const all = await tree.prompts();
  // The same prompt's versions first: comparing versions of one prompt is the usual case.
  const items = all
    .flatMap((p) => p.versions)
    .filter((v) => !first || v.name !== first.name || v.version !== first.version)
    .sort((a, b) => Number(b.name === first?.name) - Number(a.name === first?.name))
    .map((v) => ({ label: versionLabel(v), description: neutralizeText([...v.aliases.map((a) => `@${a}`), v.commitMessage ?? ''].filter(Boolean).join(' · ')), v }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('MLflow: no other prompt version to compare with.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title, matchOnDescription: true }))?.v;
}

/** Registers the text of `doc` as the next version of `base` and opens the new version. */
async function registerFromDocument(session: StoreSession, log: vscode.LogOutputChannel, docs: PromptDocuments, tree: PromptsTreeProvider, doc: vscode.TextDocument, base: PromptVersionInfo): Promise<void> {
  let template: string;
  try {
    template = templateFromEditor(doc.getText(), base.type);
  } catch (e) {
    if (e instanceof TemplateError) {
      void vscode.window.showErrorMessage(`MLflow: cannot register ${neutralizeText(base.name)}: ${e.message}`);
      return;
    }
    throw e;
  }
  if (template === base.template) {
    const go = await vscode.window.showWarningMessage(`The template is the same as ${versionLabel(base)}. Register it as a new version anyway?`, { modal: true }, 'Register');
    if (go !== 'Register') return;
  }
  const commitMessage = await vscode.window.showInputBox({ title: neutralizeText(`New version of ${base.name}`), prompt: 'Commit message (optional), stored as the version description', placeHolder: 'What changed' });
  if (commitMessage === undefined) return;
  const store = await writableRegistry(session, log);
  if (!store) return;
  try {
    const created = await vscode.window.withProgress({ location: { viewId: 'mlflow.prompts' }, title: 'Registering prompt version' }, () =>
      registerPromptVersion(store, nextVersionOptions(base, template, commitMessage.trim() || undefined)),
    );
    log.info(`Registered ${created.name} version ${created.version} (from v${base.version})`);
    tree.refresh();
    const uri = storeUri(session);
    if (uri) await docs.open(uri, created, { preview: false });
    void vscode.window.showInformationMessage(`MLflow: registered ${versionLabel(created)}.`);
  } catch (e) {
    log.error(`Registering a version of ${base.name} failed: ${errText(e)}`);
    void vscode.window.showErrorMessage(`MLflow: registering a version of ${neutralizeText(base.name)} failed: ${errText(e)}`);
  }
}

export function registerPromptCommands(session: StoreSession, log: vscode.LogOutputChannel, docs: PromptDocuments, tree: PromptsTreeProvider): vscode.Disposable {
  const newest = async (name: string): Promise<PromptVersionInfo | undefined> => (await tree.prompts()).find((p) => p.name === name)?.versions[0];
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mlflow.refreshPrompts', () => tree.refresh()),
    vscode.commands.registerCommand('mlflow.openPromptVersion', async (node?: PromptsNode) => {
      const uri = storeUri(session);
      if (node?.type !== 'promptVersion' || !uri) return;
      await docs.open(uri, node.version);
    }),
    // Called with (name, version) by other views, e.g. a trace's linked prompts (tracePanel.ts).
    vscode.commands.registerCommand('mlflow.showPromptVersion', async (name?: unknown, version?: unknown) => {
      const uri = storeUri(session);
      if (typeof name !== 'string' || !uri) return;
      const find = async () => (await tree.prompts()).find((p) => p.name === name)?.versions.find((v) => version === undefined || v.version === String(version));
      let v = await find();
      if (!v) {
        // The view may hold an older read (the prompt or version was registered since): read once more.
        tree.refresh();
        v = await find();
      }
      if (!v) {
        void vscode.window.showWarningMessage(`MLflow: prompt ${neutralizeText(name)}${version !== undefined ? ` version ${neutralizeText(String(version))}` : ''} is not in ${neutralizeText(redactUri(uri))}.`);
        return;
      }
      await docs.open(uri, v, { preview: false });
    }),
    vscode.commands.registerCommand('mlflow.comparePromptVersions', async (node?: PromptsNode, selected?: PromptsNode[]) => {
      const uri = storeUri(session);
      if (!uri) return;
      const chosen = (selected ?? (node ? [node] : [])).flatMap((n) => (n.type === 'promptVersion' ? [n.version] : []));
      let left: PromptVersionInfo | undefined = chosen[0];
      let right: PromptVersionInfo | undefined = chosen[1];
      left ??= await pickVersion(tree, 'Compare which prompt version…');
      if (!left) return;
      right ??= await pickVersion(tree, `Compare ${versionLabel(left)} with…`, left);
      if (!right) return;
      // Older on the left, as a diff of history reads.
      if (left.name === right.name && Number(left.version) > Number(right.version)) [left, right] = [right, left];
      const [a, b] = await Promise.all([docs.document(uri, left), docs.document(uri, right)]);
      await vscode.commands.executeCommand('vscode.diff', a.uri, b.uri, `${versionLabel(left)} ↔ ${versionLabel(right)}`);
    }),
    vscode.commands.registerCommand('mlflow.copyPromptUri', async (node?: PromptsNode) => {
      if (node?.type === 'promptVersion') await vscode.env.clipboard.writeText(`prompts:/${node.version.name}/${node.version.version}`);
    }),
    vscode.commands.registerCommand('mlflow.editPromptAsNewVersion', async (node?: PromptsNode) => {
      if (refusedInRestrictedMode(session, log)) return;
      let base: PromptVersionInfo | undefined;
      if (node?.type === 'promptVersion') base = node.version;
      else if (node?.type === 'prompt') base = await newest(node.prompt.name);
      else if (vscode.window.activeTextEditor) base = docs.versionOf(vscode.window.activeTextEditor.document);
      base ??= await pickVersion(tree, 'Start a new version from…');
      if (base) await docs.startDraft(base);
    }),
    vscode.commands.registerCommand('mlflow.promptNewVersionFromEditor', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showWarningMessage('MLflow: open the edited template in an editor first.');
        return;
      }
      if (refusedInRestrictedMode(session, log)) return;
      const doc = editor.document;
      let base = docs.draftBase(doc) ?? docs.versionOf(doc);
      if (!base) {
        const picked = await pickVersion(tree, 'Register this editor as the next version of…');
        if (!picked) return;
        base = (await newest(picked.name)) ?? picked;
      }
      await registerFromDocument(session, log, docs, tree, doc, base);
    }),
  );
}
