import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { diagnosticCode, mlflowDiagnostics, waitFor, type TestCase } from './harness';
import { activatedApi, workspaceRoot } from './storeCases';

/**
 * Language-server features through VS Code's own command API, on files the launcher writes
 * (test/vscode/workspaceFiles.mjs): lang/undeclared/MLproject and lang/broken-model/MLmodel.
 */

async function open(rel: string): Promise<vscode.TextDocument> {
  await activatedApi();
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(workspaceRoot(), rel)));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

function positionOf(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, `"${needle}" not found in ${doc.uri.fsPath}`);
  return doc.positionAt(i + delta);
}

async function undeclaredDiagnostic(doc: vscode.TextDocument): Promise<vscode.Diagnostic> {
  return waitFor(() => `the undeclared-placeholder diagnostic (have ${describe(doc.uri)})`, () => mlflowDiagnostics(doc.uri).find((d) => diagnosticCode(d) === 'mlproject/undeclared-placeholder'));
}

function describe(uri: vscode.Uri): string {
  return JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => `${d.source}/${diagnosticCode(d)}: ${d.message}`));
}

const PROJECT = 'lang/undeclared/MLproject';
const MODEL = 'lang/broken-model/MLmodel';

export function languageCases(): TestCase[] {
  return [
    {
      name: 'MLproject: undeclared {placeholder} is an error from source mlflow',
      fn: async () => {
        const doc = await open(PROJECT);
        assert.equal(doc.languageId, 'mlproject');
        const d = await undeclaredDiagnostic(doc);
        assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
        assert.match(d.message, /'\{seed\}'/);
        assert.equal(doc.getText(d.range), '{seed}', 'the diagnostic must cover the placeholder');
      },
    },
    {
      name: 'MLproject: completion inside { offers the declared parameters',
      fn: async () => {
        const doc = await open(PROJECT);
        const pos = positionOf(doc, '{alpha}', 1);
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos, '{');
        const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        for (const p of ['alpha', 'epochs']) assert.ok(labels.includes(p), `completion lacks '${p}': ${JSON.stringify(labels.slice(0, 20))}`);
      },
    },
    {
      name: 'MLproject: quick fix declares the parameter and the error goes away',
      fn: async () => {
        const doc = await open(PROJECT);
        const d = await undeclaredDiagnostic(doc);
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
        const declare = actions.find((a) => /^Declare parameter 'seed'/.test(a.title));
        assert.ok(declare, `no "Declare parameter" action among ${JSON.stringify(actions.map((a) => a.title))}`);
        assert.ok(declare.edit, 'the quick fix carries no edit');
        const original = doc.getText();
        try {
          assert.equal(await vscode.workspace.applyEdit(declare.edit), true, 'applyEdit refused the fix');
          assert.match(doc.getText(), /^\s+seed:/m, 'the fix did not add a seed parameter');
          await waitFor('the diagnostic to disappear after the fix', () =>
            mlflowDiagnostics(doc.uri).some((x) => diagnosticCode(x) === 'mlproject/undeclared-placeholder') ? undefined : true,
          );
        } finally {
          // Later cases (and the UI flows) expect the file as written. The edit goes back through the
          // document itself: the Revert command acts on whichever editor has focus, and a panel
          // opened by another flow could have it.
          const back = new vscode.WorkspaceEdit();
          back.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original);
          await vscode.workspace.applyEdit(back);
          if (doc.isDirty) await doc.save();
        }
        assert.equal(doc.getText(), original, 'the file was not restored');
        assert.ok(!doc.isDirty, 'the restored file is still dirty');
      },
    },
    {
      name: 'MLproject: hover on a key returns its documentation',
      fn: async () => {
        const doc = await open(PROJECT);
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'entry_points', 2));
        const text = hovers
          .flatMap((h) => h.contents)
          .map((c) => (typeof c === 'string' ? c : c.value))
          .join('\n');
        assert.ok(text.trim().length > 20, `hover is empty or trivial: ${JSON.stringify(text)}`);
        assert.match(text, /entry/i);
      },
    },
    {
      name: 'MLproject: one Run code lens per entry point',
      fn: async () => {
        const doc = await open(PROJECT);
        const lenses = await waitFor('code lenses', async () => {
          const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
          return l && l.length ? l : undefined;
        });
        assert.equal(lenses.length, 2, `lenses: ${JSON.stringify(lenses.map((l) => l.command?.title))}`);
        assert.ok(lenses.every((l) => l.command?.command === 'mlflow.runEntryPoint'));
        const eps = lenses.map((l) => l.command?.arguments?.[1]).sort();
        assert.deepEqual(eps, ['evaluate', 'main']);
        assert.ok(lenses[0].command?.arguments?.[0] instanceof vscode.Uri, 'the lens must pass the document as a vscode.Uri');
      },
    },
    {
      name: 'MLproject: document symbols list the entry points',
      fn: async () => {
        const doc = await open(PROJECT);
        const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
        const names: string[] = [];
        const walk = (s: vscode.DocumentSymbol[]) => s.forEach((x) => (names.push(x.name), walk(x.children ?? [])));
        walk(symbols ?? []);
        for (const n of ['main', 'evaluate', 'alpha', 'epochs']) assert.ok(names.includes(n), `symbol '${n}' missing: ${JSON.stringify(names)}`);
      },
    },
    {
      name: 'MLmodel: broken signature JSON is reported inside the string',
      fn: async () => {
        const doc = await open(MODEL);
        assert.equal(doc.languageId, 'mlmodel');
        const d = await waitFor(() => `the signature-json diagnostic (have ${describe(doc.uri)})`, () => mlflowDiagnostics(doc.uri).find((x) => diagnosticCode(x) === 'mlmodel/signature-json'));
        const line = doc.lineAt(d.range.start.line).text;
        assert.match(line, /^\s+inputs:/, `diagnostic is on "${line}", not the inputs line`);
        const open_ = line.indexOf("'");
        const close = line.lastIndexOf("'");
        assert.ok(d.range.start.character > open_ && d.range.start.character < close, `diagnostic at column ${d.range.start.character} is not inside the string (${open_}..${close})`);
        assert.equal(line.slice(d.range.start.character).startsWith('"name"'), true, `points at "${line.slice(d.range.start.character, d.range.start.character + 12)}", expected the token after the missing comma`);
      },
    },
  ];
}
