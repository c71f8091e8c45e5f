import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
  createProtocolConnection,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type LocationLink,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { repoRoot } from '../../support/python';

/**
 * The language server as an editor sees it: the real server process (language-server/server.ts)
 * spoken to over stdio by a JSON-RPC client, no shortcuts into the analysis.
 */
let server: ChildProcess;
let conn: ProtocolConnection;
let dir: string;
const published = new Map<string, PublishDiagnosticsParams[]>();
const waiters: (() => void)[] = [];

function diagnosticsFor(uri: string, pred: (d: Diagnostic[]) => boolean, what: string): Promise<Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} where ${what}; got ${JSON.stringify(published.get(uri))}`)), 15000);
    const check = (): boolean => {
      const last = published.get(uri)?.at(-1);
      if (last && pred(last.diagnostics)) {
        clearTimeout(timer);
        resolve(last.diagnostics);
        return true;
      }
      return false;
    };
    // A publish for another document also wakes the waiters: keep waiting until this one's arrives.
    const again = (): void => void (check() || waiters.push(again));
    if (!check()) waiters.push(again);
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlwb-lsp-'));
  writeFileSync(join(dir, 'conda.yaml'), 'name: demo\ndependencies:\n  - python=3.11\n');
  writeFileSync(join(dir, 'train.py'), 'print("hi")\n');
  server = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'language-server/server.ts'), '--stdio'], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  conn = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.set(p.uri, [...(published.get(p.uri) ?? []), p]);
    for (const w of waiters.splice(0)) w();
  });
  conn.listen();
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities: { textDocument: { publishDiagnostics: { relatedInformation: false } } },
    workspaceFolders: null,
  });
  assert.ok(init.capabilities.completionProvider, 'server announces completion');
  assert.ok(init.capabilities.codeActionProvider, 'server announces code actions');
  await conn.sendNotification(InitializedNotification.type, {});
});

after(async () => {
  try {
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
  } catch {
    // the process may be gone already; it is killed below either way
  }
  conn?.dispose();
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const project = [
  'name: demo',
  'conda_env: conda.yaml',
  'entry_points:',
  '  main:',
  '    parameters:',
  '      alpha: {type: float, default: 0.1}',
  '    command: "python train.py --alpha {alpha} --l1 {l1_ratio}"',
  '',
].join('\n');

test('open → diagnostics published; edit → diagnostics follow; quick fix edit removes the error', async () => {
  const uri = pathToFileURL(join(dir, 'MLproject')).href;
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'mlproject', version: 1, text: project } });
  const first = await diagnosticsFor(uri, (ds) => ds.some((d) => d.code === 'mlproject/undeclared-placeholder'), 'the undeclared placeholder is reported');
  const err = first.find((d) => d.code === 'mlproject/undeclared-placeholder')!;
  assert.equal(err.severity, 1, 'undeclared placeholder is an error');
  assert.equal(err.source, 'mlflow');
  assert.match(err.message, /l1_ratio/);
  const line = project.split('\n')[err.range.start.line];
  assert.equal(line.slice(err.range.start.character, err.range.end.character).replace(/[{}]/g, ''), 'l1_ratio');

  const actions = await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: err.range, context: { diagnostics: [err] } });
  const declare = (actions ?? []).find((a) => 'title' in a && /l1_ratio/.test(a.title) && 'edit' in a);
  assert.ok(declare && 'edit' in declare && declare.edit, `a quick fix declares l1_ratio; got ${JSON.stringify(actions)}`);
  const fixed = applyWorkspaceEdit(project, (declare.edit as WorkspaceEdit).changes![uri]);
  assert.match(fixed, /l1_ratio/);

  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
  const after = await diagnosticsFor(uri, (ds) => !ds.some((d) => d.severity === 1), 'no errors remain after the fix');
  assert.equal(after.filter((d) => d.severity === 1).length, 0);
});

test('completion inside `{` lists the declared parameters; hover documents keys; outline and lenses per entry point', async () => {
  const uri = pathToFileURL(join(dir, 'sub', 'MLproject')).href;
  const text = 'name: demo\nentry_points:\n  main:\n    parameters:\n      alpha: float\n      epochs: {type: float, default: 3}\n    command: "python train.py {"\n  eval:\n    command: "python eval.py"\n';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'mlproject', version: 1, text } });
  const cmdLine = 6;
  const col = text.split('\n')[cmdLine].indexOf('{') + 1;
  const res = await conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: cmdLine, character: col } });
  const items: CompletionItem[] = Array.isArray(res) ? res : ((res as CompletionList | null)?.items ?? []);
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('alpha') && labels.includes('epochs'), `completion offers declared parameters: ${labels.join(', ')}`);

  const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 3 } });
  assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents && /entry point/i.test(hover.contents.value), `hover on entry_points: ${JSON.stringify(hover)}`);

  const symbols = (await conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  const names = JSON.stringify(symbols);
  assert.ok(names.includes('"main"') && names.includes('"eval"') && names.includes('"alpha"'), `outline: ${names}`);

  const lenses = (await conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  assert.deepEqual(
    lenses.map((l) => l.command?.arguments?.[1]),
    ['main', 'eval'],
  );
  assert.ok(lenses.every((l) => l.command?.command === 'mlflow.runEntryPoint'));
});

test('go to definition jumps from conda_env to the environment file', async () => {
  const uri = pathToFileURL(join(dir, 'MLproject')).href;
  const defs = (await conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line: 1, character: 14 } })) as LocationLink[] | null;
  assert.ok(defs && defs.length === 1, `one definition: ${JSON.stringify(defs)}`);
  assert.equal(defs[0].targetUri, pathToFileURL(join(dir, 'conda.yaml')).href);
});

test('MLmodel: broken signature JSON gets a diagnostic inside the string; server survives garbage', async () => {
  const uri = pathToFileURL(join(dir, 'model', 'MLmodel')).href;
  const text = "flavors:\n  python_function:\n    loader_module: mlflow.sklearn\nsignature:\n  inputs: '[{\"type\": \"double\", \"name\": \"x\"'\n";
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'mlmodel', version: 1, text } });
  const ds = await diagnosticsFor(uri, (d) => d.some((x) => x.range.start.line === 4), 'the signature line has a diagnostic');
  const sig = ds.find((d) => d.range.start.line === 4)!;
  assert.ok(sig.range.start.character >= "  inputs: '".length, 'range points inside the string');

  const garbage = pathToFileURL(join(dir, 'g', 'MLproject')).href;
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: garbage, languageId: 'mlproject', version: 1, text: ':\n\t- [ {{ }\n"' } });
  const gd = await diagnosticsFor(garbage, (d) => d.length > 0, 'broken YAML is reported');
  assert.ok(gd.some((d) => d.severity === 1));
  const again = await conn.sendRequest(CompletionRequest.type, { textDocument: { uri: garbage }, position: { line: 1, character: 3 } });
  assert.ok(again !== undefined, 'server still answers after garbage');
});

function applyWorkspaceEdit(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return edits
    .map((e) => ({ s: offset(e.range.start), e: offset(e.range.end), t: e.newText }))
    .sort((a, b) => b.s - a.s)
    .reduce((acc, e) => acc.slice(0, e.s) + e.t + acc.slice(e.e), text);
}
