import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, type IGrammar, type IRawGrammar, parseRawGrammar } from 'vscode-textmate';
import { variableSpans } from '../../../extension/core/prompts/promptModel';
import { repoRoot } from '../../support/python';

/**
 * The prompt grammars with VS Code's own TextMate engine and JSON grammar (from the code-server
 * install): `{{ var }}` is a variable in text prompts and inside chat message strings, exactly
 * where MLflow's variable pattern matches, and nowhere in JSON keys.
 */

const jsonExt = join(repoRoot, '.cache/code-server/node_modules/code-server/lib/vscode/extensions/json');
type Contributed = { contributes: { grammars: { scopeName: string; path: string; injectTo?: string[] }[] } };

let registry: Registry | undefined;
async function load(scope: string): Promise<IGrammar> {
  if (!registry) {
    if (!existsSync(jsonExt)) throw new Error(`VS Code's JSON grammar not found at ${jsonExt}: run scripts/install-code-server.sh`);
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const files = new Map<string, string>();
    const jsonPkg = JSON.parse(readFileSync(join(jsonExt, 'package.json'), 'utf8')) as Contributed;
    for (const g of jsonPkg.contributes.grammars) files.set(g.scopeName, join(jsonExt, g.path));
    const ours = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Contributed;
    for (const g of ours.contributes.grammars) files.set(g.scopeName, join(repoRoot, g.path));
    registry = new Registry({
      onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
      loadGrammar: async (scopeName): Promise<IRawGrammar | null> => {
        const file = files.get(scopeName);
        return file ? parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
      },
      getInjections: (scopeName) => ours.contributes.grammars.filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName),
    });
  }
  const g = await registry.loadGrammar(scope);
  assert.ok(g, `grammar ${scope} did not load`);
  return g;
}

/** [text, isVariableName] per token, all lines. */
function variableTexts(grammar: IGrammar, text: string): string[] {
  let state = INITIAL;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    for (const t of r.tokens) if (t.scopes.includes('variable.other.constant.placeholder.mlflow-prompt')) out.push(line.slice(t.startIndex, t.endIndex));
  }
  return out;
}

const TEXT = 'Answer {{question}} in a {{ style }} tone, {{ user.name }}.\nNot variables: {{ 1x }} {{a b}} {single} {{}}';

test('text prompt: the grammar marks exactly the variables MLflow fills', async () => {
  const g = await load('text.mlflow-prompt');
  assert.deepEqual(variableTexts(g, TEXT), variableSpans(TEXT).map((s) => s.name));
  assert.deepEqual(variableTexts(g, TEXT), ['question', 'style', 'user.name']);
});

test('chat prompt: variables inside message strings, JSON scopes kept, keys untouched', async () => {
  const g = await load('source.mlflow-prompt-chat');
  const text = ['[', '  {', '    "role": "system",', '    "content": "You are {{persona}}. {{ tone }}"', '  },', '  { "{{key}}": "{{question}}" }', ']'].join('\n');
  assert.deepEqual(variableTexts(g, text), ['persona', 'tone', 'question']);
  const line = g.tokenizeLine('    "role": "system",', INITIAL);
  assert.ok(line.tokens.some((t) => t.scopes.some((s) => s.endsWith('.json'))), 'JSON scopes come from VS Code\'s JSON grammar');
});
