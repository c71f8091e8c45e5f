import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillTemplate, templateVariables } from '../../../extension/core/prompts/promptModel';
import { editorText, pyJsonDumps, templateFromEditor } from '../../../extension/core/prompts/promptText';
import { parsePromptUri, promptUriParts } from '../../../extension/core/prompts/promptUri';
import { runPythonJson } from '../../support/python';

/** Chat templates written back exactly as Python's json.dumps writes them (checked with Python itself). */

const samples: unknown[] = [
  [{ role: 'system', content: 'Café ☕ 😀 "quoted" \\ back\nline\ttab\u0001 \u007f <b>&</b>' }],
  [{ role: 'user', content: [{ type: 'text', text: '{{q}}' }], n: 3, f: 0.5, t: true, z: null }],
  { nested: { a: [], b: {} } },
];

test('pyJsonDumps writes what json.dumps writes', () => {
  const python = runPythonJson<string[]>(`import json\nprint(json.dumps([json.dumps(v) for v in json.loads(${JSON.stringify(JSON.stringify(samples))})]))`);
  assert.deepEqual(samples.map(pyJsonDumps), python);
});

test('chat editor text round-trips to the stored form; bad chat text is refused with a reason', () => {
  const stored = pyJsonDumps(samples[0]);
  assert.equal(templateFromEditor(editorText({ type: 'chat', template: stored }), 'chat'), stored);
  assert.throws(() => templateFromEditor('not json', 'chat'), /must be JSON/);
  assert.throws(() => templateFromEditor('[]', 'chat'), /list of messages/);
  assert.throws(() => templateFromEditor('[{"content": "x"}]', 'chat'), /message 1 has no "role"/);
  assert.throws(() => templateFromEditor('  \n', 'text'), /empty/);
  assert.equal(templateFromEditor('Hi {{name}}\n', 'text'), 'Hi {{name}}\n');
});

test('variables and filling follow MLflow\'s pattern', () => {
  assert.deepEqual(templateVariables('{{a}} {{ b.c }} {{a}} {{ 1 }} {x}'), ['a', 'b.c']);
  assert.equal(fillTemplate('Hi {{ name }}, {{other}}', { name: 'Ann' }), 'Hi Ann, {{other}}');
});

test('prompt document URIs carry store, name and version', () => {
  const parts = promptUriParts({ store: 'sqlite:////tmp/a b.db', name: 'qa.prompt-1', version: '12' });
  assert.equal(parts.path, '/qa.prompt-1/12/qa.prompt-1 v12');
  assert.deepEqual(parsePromptUri(parts), { store: 'sqlite:////tmp/a b.db', name: 'qa.prompt-1', version: '12' });
  assert.throws(() => promptUriParts({ store: 's', name: 'a/b', version: '1' }));
  assert.throws(() => parsePromptUri({ scheme: 'mlflow-prompt', path: '/x/y/z', query: 'store=s' }));
});
