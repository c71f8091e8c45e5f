import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestCase } from './harness';
import { activatedApi, loadExpected } from './storeCases';

/** The read-only `mlflow-artifact:` file system, through VS Code's own file service and documents. */
export function artifactCases(): TestCase[] {
  const expected = loadExpected();
  const runId = expected.parent_run_id;
  const uriOf = async (path: string) => {
    const uri = (await activatedApi()).artifactUri(runId, path);
    assert.ok(uri, 'no store is open');
    return uri;
  };
  return [
    {
      name: 'mlflow-artifact: URIs survive toString/parse and read artifacts through the open store',
      fn: async () => {
        const uri = await uriOf('config/search.yaml');
        const back = vscode.Uri.parse(uri.toString());
        assert.equal(back.toString(), uri.toString());
        assert.equal(back.query, uri.query);
        const st = await vscode.workspace.fs.stat(back);
        assert.equal(st.type, vscode.FileType.File);
        assert.equal(st.size, expected.artifacts.config[0].file_size);
        assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(back)), 'grid: [0.1, 0.05, 0.01]\n');
        const names = (await vscode.workspace.fs.readDirectory(await uriOf('plots'))).map(([n, t]) => `${n}:${t}`);
        assert.deepEqual(names, expected.artifacts.plots.map((a) => `${a.path.split('/').pop()}:${vscode.FileType.File}`));
        const root = (await vscode.workspace.fs.readDirectory(await uriOf(''))).map(([n]) => n);
        assert.deepEqual(root, expected.artifacts.root.map((a) => a.path));
      },
    },
    {
      name: 'mlflow-artifact: is read-only, refuses .. and opens text with its language',
      fn: async () => {
        assert.equal(vscode.workspace.fs.isWritableFileSystem('mlflow-artifact'), false);
        const uri = await uriOf('config/search.yaml');
        await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, new Uint8Array([1]))));
        const climbing = uri.with({ path: `/${runId}/config/../../meta.yaml` });
        await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(climbing)));
        const doc = await vscode.workspace.openTextDocument(uri);
        assert.equal(doc.languageId, 'yaml');
        assert.equal(doc.getText(), 'grid: [0.1, 0.05, 0.01]\n');
        const json = await vscode.workspace.openTextDocument(await uriOf('labels.json'));
        assert.equal(json.languageId, 'json');
      },
    },
  ];
}
