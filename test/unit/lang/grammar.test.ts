import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, type IGrammar, type IRawGrammar, parseRawGrammar } from 'vscode-textmate';
import { repoRoot } from '../../support/python';

/**
 * Tokenizes with the same TextMate engine and YAML grammar VS Code uses: our grammars only add
 * scopes on top of YAML, so they are tested against VS Code's real YAML grammar (taken from the
 * code-server install, which is VS Code's own build).
 */
const yamlExt = join(repoRoot, '.cache/code-server/node_modules/code-server/lib/vscode/extensions/yaml');

function grammarFiles(): Map<string, string> {
  if (!existsSync(yamlExt)) throw new Error(`VS Code's YAML grammar not found at ${yamlExt}: run scripts/install-code-server.sh`);
  const files = new Map<string, string>();
  const yamlPkg = JSON.parse(readFileSync(join(yamlExt, 'package.json'), 'utf8')) as { contributes: { grammars: { scopeName: string; path: string }[] } };
  for (const g of yamlPkg.contributes.grammars) files.set(g.scopeName, join(yamlExt, g.path));
  const ours = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: { grammars: { scopeName: string; path: string }[] } };
  for (const g of ours.contributes.grammars) files.set(g.scopeName, join(repoRoot, g.path));
  return files;
}

let registry: Registry | undefined;
async function load(scope: string): Promise<IGrammar> {
  if (!registry) {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const files = grammarFiles();
    const ours = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: { grammars: { scopeName: string; injectTo?: string[] }[] } };
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

/** Scopes of the token that covers `needle` (its first character) on the line that holds it. */
function tokenize(grammar: IGrammar, text: string): { line: string; tokens: { start: number; end: number; scopes: string[] }[] }[] {
  let state = INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return { line, tokens: r.tokens.map((t) => ({ start: t.startIndex, end: t.endIndex, scopes: t.scopes })) };
  });
}

function scopesAt(lines: ReturnType<typeof tokenize>, lineNo: number, needle: string): string[] {
  const l = lines[lineNo];
  const at = l.line.indexOf(needle);
  assert.ok(at >= 0, `"${needle}" not on line ${lineNo}: ${l.line}`);
  const tok = l.tokens.find((t) => t.start <= at && at < t.end);
  assert.ok(tok, `no token at ${at}`);
  return tok.scopes;
}

test('MLproject: placeholders in commands get variable scopes on top of YAML, in every string style', async () => {
  const g = await load('source.mlproject');
  const lines = tokenize(
    g,
    [
      'name: demo',
      'entry_points:',
      '  main:',
      '    parameters:',
      '      alpha: {type: float, default: 0.1}',
      '    command: python train.py --alpha {alpha} --json {{"a": 1}}',
      '  quoted:',
      '    command: "python eval.py {data_path}"',
      '  block:',
      '    command: |',
      '      python a.py',
      '        --epochs {epochs}',
    ].join('\n'),
  );
  assert.ok(scopesAt(lines, 0, 'name').some((s) => s.includes('entity.name.tag.yaml')), 'YAML keys keep their YAML scopes');
  assert.ok(scopesAt(lines, 5, 'alpha}').includes('variable.parameter.placeholder.mlproject'));
  assert.ok(scopesAt(lines, 5, '{alpha').includes('punctuation.definition.placeholder.begin.mlproject'));
  assert.ok(scopesAt(lines, 5, '{{').includes('constant.character.escape.placeholder.mlproject'));
  assert.ok(scopesAt(lines, 7, 'data_path').includes('variable.parameter.placeholder.mlproject'));
  assert.ok(scopesAt(lines, 11, 'epochs}').includes('variable.parameter.placeholder.mlproject'));
  assert.ok(!scopesAt(lines, 5, 'python').includes('variable.parameter.placeholder.mlproject'));
  assert.ok(!scopesAt(lines, 4, 'type').includes('variable.parameter.placeholder.mlproject'), 'flow mappings are not placeholders');
});

test('MLmodel: signature JSON inside YAML strings gets JSON scopes, also when folded over lines', async () => {
  const g = await load('source.mlmodel');
  const lines = tokenize(
    g,
    [
      'artifact_path: model',
      'signature:',
      '  inputs: \'[{"type": "double", "name": "x", "required": true}, {"type": "tensor",',
      '    "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]\'',
      '  outputs: \'[{"type": "long"}]\'',
      'utc_time_created: \'2024-01-01 00:00:00.000000\'',
    ].join('\n'),
  );
  assert.ok(scopesAt(lines, 2, '"type"').includes('support.type.property-name.json.mlmodel'));
  assert.ok(scopesAt(lines, 2, '"double"').includes('string.quoted.double.json.mlmodel'));
  assert.ok(scopesAt(lines, 2, 'true').includes('constant.language.json.mlmodel'));
  assert.ok(scopesAt(lines, 3, '"tensor-spec"').includes('support.type.property-name.json.mlmodel'), 'continuation lines stay JSON');
  assert.ok(scopesAt(lines, 3, '-1').includes('constant.numeric.json.mlmodel'));
  assert.ok(scopesAt(lines, 4, '"long"').includes('string.quoted.double.json.mlmodel'));
  assert.ok(!scopesAt(lines, 5, '2024').some((s) => s.endsWith('.mlmodel') && s !== 'source.mlmodel'), 'other strings are plain YAML');
  assert.ok(scopesAt(lines, 5, 'utc_time_created').some((s) => s.includes('entity.name.tag.yaml')));
});
