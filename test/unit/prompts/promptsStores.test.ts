import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { promptJson } from '../../../extension/core/prompts/promptJson';
import { getPromptVersion, listPrompts, listPromptsWithVersions } from '../../../extension/core/prompts/promptRead';
import { editorText, templateFromEditor } from '../../../extension/core/prompts/promptText';
import { nextVersionOptions, registerPromptVersion } from '../../../extension/core/prompts/promptWrite';
import { openStore, openWritableStore, type ReadableStore, type Store } from '../../../extension/core/store/openStore';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { mlflowEnv, mlflowPython, repoRoot } from '../../support/python';

/**
 * Prompts written by the real mlflow (`mlflow.genai.register_prompt`) into a file store, a SQLite
 * database and a real `mlflow server`; what our core and `mlwb prompts` read must be what the
 * Python client reads back, and a version we register must load with `load_prompt`.
 */

const script = join(repoRoot, 'test/support/mlflow_prompts.py');

/** In the test's folder: the client's prompt search falls back to MLflow's default store, ./mlflow.db, in its working folder. */
function py<T>(cmd: 'make' | 'read', uri: string, cwd: string): T {
  const r = spawnSync(mlflowPython(), [script, cmd, uri], { env: mlflowEnv(), cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

function loadPrompt(uri: string, promptUri: string, cwd: string): { template: unknown; commit_message: string | null; tags: Record<string, string>; type: string; response_format: unknown } {
  const code = `
import json, sys, mlflow
mlflow.set_tracking_uri(sys.argv[1]); mlflow.set_registry_uri(sys.argv[1])
p = mlflow.genai.load_prompt(sys.argv[2])
print(json.dumps({"template": p.template, "commit_message": p.commit_message, "tags": p.tags, "type": "text" if p.is_text_prompt else "chat", "response_format": p.response_format}))`;
  const r = spawnSync(mlflowPython(), ['-c', code, uri, promptUri], { env: mlflowEnv(), cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

type PyPrompt = ReturnType<typeof promptJson>;

/** The fields both sides report; the experiment link tag is written by a background thread of the Python client, so it is left out. */
function comparable(list: Partial<PyPrompt>[]) {
  return list.map((p) => {
    const tags = { ...p.tags };
    delete tags._mlflow_experiment_ids;
    return {
      name: p.name,
      // Python's SQL store and REST client give '' where the file store gives None; both mean "no description".
      description: p.description || null,
      tags,
      aliases: p.aliases,
      versions: (p.versions ?? []).map((v) => ({ version: v.version, type: v.type, template: v.template, commit_message: v.commit_message, aliases: v.aliases, tags: v.tags, response_format: v.response_format, model_config: v.model_config })),
    };
  });
}

/** Runs in the test's folder: a local mlflow server started for SQLite on Node 20 leaves an mlflow.db in the working folder. */
function mlwbPrompts(uri: string, cwd: string): PyPrompt[] {
  const loader = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', loader, join(repoRoot, 'extension/cli/index.ts'), 'prompts', '--store', uri, '--json', '--python', mlflowPython()], { cwd, encoding: 'utf8', env: { ...process.env, MLFLOW_TRACKING_URI: '' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as PyPrompt[];
}

interface Case {
  name: string;
  setup(dir: string): Promise<{ uri: string; stop?: () => Promise<void> }>;
}

const cases: Case[] = [
  { name: 'file store', setup: async (dir) => ({ uri: `file://${join(dir, 'mlruns')}` }) },
  { name: 'SQLite', setup: async (dir) => ({ uri: `sqlite:///${join(dir, 'mlflow.db')}` }) },
  {
    name: 'mlflow server',
    setup: async (dir) => {
      const server: TestServer = await startMlflowServer(['--backend-store-uri', `sqlite:///${join(dir, 'server.db')}`, '--default-artifact-root', join(dir, 'artifacts')]);
      return { uri: server.url, stop: () => server.stop() };
    },
  },
];

for (const c of cases) {
  describe(`prompts on the ${c.name}`, () => {
    let dir: string;
    let uri: string;
    let stop: (() => Promise<void>) | undefined;
    let reader: ReadableStore;
    let writer: Store | undefined;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'mlwb-prompts-'));
      ({ uri, stop } = await c.setup(dir));
      py('make', uri, dir);
      reader = await openStore(uri, { python: mlflowPython(), baseDir: dir });
    });
    after(async () => {
      await reader?.close?.();
      await writer?.close?.();
      await stop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    test('the core reads what the Python client reads', async () => {
      const ours = (await listPromptsWithVersions(reader)).map(promptJson);
      assert.deepEqual(comparable(ours), comparable(py<PyPrompt[]>('read', uri, dir)));
      assert.deepEqual(ours.map((p) => p.name), ['chat-prompt', 'qa-prompt']);
      const qa = ours.find((p) => p.name === 'qa-prompt')!;
      assert.deepEqual(qa.versions.map((v) => [v.version, v.aliases]), [['1', ['production']], ['2', []]]);
    });

    test('prompts stay out of the registered-model searches the Models view makes', async () => {
      assert.deepEqual((await reader.searchRegisteredModels()).map((m) => m.name), []);
      assert.deepEqual((await reader.searchModelVersions()).map((v) => v.name), []);
    });

    test('mlwb prompts --json prints what the Python client reads', () => {
      assert.deepEqual(comparable(mlwbPrompts(uri, dir)), comparable(py<PyPrompt[]>('read', uri, dir)));
    });

    test('a version registered from editor text loads with mlflow.genai.load_prompt', async () => {
      writer = await openWritableStore(uri, { python: mlflowPython(), baseDir: dir });
      // Text prompt: the edited template becomes version 3.
      const base = await getPromptVersion(reader, 'qa-prompt', '2');
      const edited = editorText(base).replace('briefly', 'in one sentence');
      const v3 = await registerPromptVersion(writer, nextVersionOptions(base, templateFromEditor(edited, base.type), 'one sentence'));
      assert.equal(v3.version, '3');
      const loaded = loadPrompt(uri, 'prompts:/qa-prompt/3', dir);
      assert.deepEqual(loaded, { template: 'Answer {{question}} in one sentence,\nin a {{style}} tone.', commit_message: 'one sentence', tags: {}, type: 'text', response_format: null });

      // Chat prompt: shown indented, stored as json.dumps writes it; response format carried over.
      const chat = await getPromptVersion(reader, 'chat-prompt', '1');
      const text = editorText(chat);
      assert.match(text, /\n {2}\{\n {4}"role": "system"/);
      const messages = JSON.parse(text) as { role: string; content: string }[];
      messages[1].content = 'Question: {{question}} ✓';
      const v2 = await registerPromptVersion(writer, nextVersionOptions(chat, templateFromEditor(JSON.stringify(messages, null, 2), chat.type)));
      assert.equal(v2.version, '2');
      const loadedChat = loadPrompt(uri, 'prompts:/chat-prompt/2', dir);
      assert.equal(loadedChat.type, 'chat');
      assert.deepEqual(loadedChat.template, messages);
      assert.deepEqual(loadedChat.response_format, { type: 'object' });

      // The Python client sees exactly what we read back, byte for byte (json.dumps form included).
      assert.deepEqual(comparable((await listPromptsWithVersions(reader)).map(promptJson)), comparable(py<PyPrompt[]>('read', uri, dir)));
      assert.equal((await listPrompts(reader)).length, 2);
    });

    test('a registered model that is not a prompt is refused', async () => {
      writer ??= await openWritableStore(uri, { python: mlflowPython(), baseDir: dir });
      await writer.createRegisteredModel('plain-model');
      await assert.rejects(registerPromptVersion(writer, { name: 'plain-model', template: 'x', type: 'text' }), /is a registered model, not a prompt/);
      await assert.rejects(getPromptVersion(reader, 'plain-model', '1'), /./);
      await assert.rejects(registerPromptVersion(writer, { name: 'bad name!', template: 'x', type: 'text' }), /may hold only/);
    });
  });
}
