import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, type AnalysisContext } from '../../../extension/core/lang/analysis';
import { codeLenses } from '../../../extension/core/lang/codeLens';
import { complete } from '../../../extension/core/lang/completion';
import { definition, scriptTokens } from '../../../extension/core/lang/definitions';
import { hover } from '../../../extension/core/lang/hover';
import { memoryFileProbe } from '../../../extension/core/lang/nodeFileProbe';
import { outline } from '../../../extension/core/lang/outline';
import { quickFixes } from '../../../extension/core/lang/quickFixes';
import { covered, cursor } from './helpers';

const fs = memoryFileProbe({ '/p/conda.yaml': 'dependencies: []\n', '/p/python_env.yaml': 'python: "3.11"\n', '/p/train.py': '', '/p/src/run.sh': '', '/p/README.md': '' });
const ctx = { path: '/p/MLproject', fs };
const labels = (lang: 'mlproject' | 'mlmodel', withBar: string, c: AnalysisContext = ctx) => {
  const { text, pos } = cursor(withBar);
  return complete(analyze(lang, text, c), pos).map((i) => i.label);
};

test('completion: top-level keys, minus the ones present', () => {
  const l = labels('mlproject', 'name: x\n|\n');
  assert.ok(l.includes('entry_points') && l.includes('conda_env') && l.includes('docker_env'));
  assert.ok(!l.includes('name'));
});

test('completion: entry point keys, parameter spec keys, docker keys', () => {
  assert.deepEqual(labels('mlproject', 'entry_points:\n  main:\n    command: "x"\n    |\n'), ['parameters']);
  assert.deepEqual(labels('mlproject', 'entry_points:\n  main:\n    parameters:\n      a:\n        |\n    command: x\n').sort(), ['default', 'type']);
  assert.deepEqual(labels('mlproject', 'docker_env:\n  |\n').sort(), ['environment', 'image', 'volumes']);
});

test('completion: parameter types in short form, long form and flow maps', () => {
  assert.deepEqual(labels('mlproject', 'entry_points:\n  main:\n    parameters:\n      a: |\n    command: x\n'), ['string', 'float', 'path', 'uri']);
  assert.deepEqual(labels('mlproject', 'entry_points:\n  main:\n    parameters:\n      a:\n        type: fl|\n    command: x\n'), ['string', 'float', 'path', 'uri']);
  assert.deepEqual(labels('mlproject', 'entry_points:\n  main:\n    parameters:\n      a: {type: |}\n    command: x\n'), ['string', 'float', 'path', 'uri']);
});

test('completion: `{` in a command offers the declared parameters of that entry point', () => {
  const { text, pos } = cursor('entry_points:\n  main:\n    parameters:\n      alpha: float\n      beta: {type: string, default: x}\n    command: "python train.py {|"\n  other:\n    parameters:\n      gamma: float\n    command: "e {gamma}"\n');
  const items = complete(analyze('mlproject', text, ctx), pos);
  assert.deepEqual(items.map((i) => i.label), ['alpha', 'beta']);
  assert.equal(items[0].insertText, 'alpha}');
  assert.equal(items[0].detail, 'float');
});

test('completion: environment files from the project folder', () => {
  const l = labels('mlproject', 'conda_env: |\n');
  assert.ok(l.includes('conda.yaml') && l.includes('python_env.yaml') && l.includes('src/'));
  assert.ok(!l.includes('README.md'));
});

test('completion: MLmodel keys, flavors, flavor keys, enums and signature JSON types', () => {
  assert.ok(labels('mlmodel', 'flavors: {}\n|\n', {}).includes('signature'));
  assert.ok(labels('mlmodel', 'flavors:\n  |\n', {}).includes('python_function'));
  assert.ok(labels('mlmodel', 'flavors:\n  python_function:\n    |\n', {}).includes('loader_module'));
  assert.ok(labels('mlmodel', 'saved_input_example_info:\n  type: |\n', {}).includes('dataframe'));
  assert.ok(labels('mlmodel', `signature:\n  inputs: '[{"type": "|`, {}).includes('double'));
});

test('hover: docs for keys and types, and placeholders show their parameter', () => {
  const { text, pos } = cursor('entry_points:\n  main:\n    parameters:\n      alpha: {type: float, default: 0.5}\n    comm|and: "python t.py {alpha}"\n');
  const a = analyze('mlproject', text);
  assert.match(hover(a, pos)!.markdown, /str\.format/);
  const ph = hover(a, { line: 4, character: 27 })!;
  assert.match(ph.markdown, /alpha.*float.*0\.5/s);
  assert.equal(covered(text, ph), '{alpha}');
  const t = hover(a, { line: 3, character: 21 })!;
  assert.match(t.markdown, /number/i);
  const m = analyze('mlmodel', `flavors: {}\nsignature:\n  inputs: '[{"type": "double", "name": "x"}]'\n`);
  assert.match(hover(m, { line: 2, character: 23 })!.markdown, /64-bit float/);
  assert.match(hover(m, { line: 0, character: 2 })!.markdown, /flavor/);
});

test('outline: entry points with parameters; MLmodel flavors', () => {
  const a = analyze('mlproject', 'name: x\nentry_points:\n  main:\n    parameters:\n      a: float\n    command: "e {a}"\n  etl:\n    command: e\n');
  const eps = outline(a).find((s) => s.name === 'entry_points')!;
  assert.deepEqual(eps.children.map((c) => [c.name, c.kind, c.children.map((p) => p.name)]), [['main', 'function', ['a']], ['etl', 'function', []]]);
  const m = outline(analyze('mlmodel', 'flavors:\n  python_function: {}\n  sklearn: {}\n'));
  assert.deepEqual(m[0].children.map((c) => c.name), ['python_function', 'sklearn']);
});

test('definition: environment file, script in a command, placeholder to its declaration', () => {
  const text = 'conda_env: conda.yaml\nentry_points:\n  main:\n    parameters:\n      a: float\n    command: "python train.py {a} && bash src/run.sh"\n';
  const a = analyze('mlproject', text, ctx);
  assert.deepEqual(definition(a, { line: 0, character: 13 }).map((t) => t.path), ['/p/conda.yaml']);
  assert.deepEqual(definition(a, { line: 5, character: 21 }).map((t) => t.path), ['/p/train.py']);
  assert.deepEqual(definition(a, { line: 5, character: 46 }).map((t) => t.path), ['/p/src/run.sh']);
  const local = definition(a, { line: 5, character: 33 });
  assert.equal(local[0].path, undefined);
  assert.equal(local[0].range.start.line, 4);
  assert.deepEqual(scriptTokens('python -m pkg.mod x.py --f=conf/a.yaml ./s.sh').map((s) => s.text), ['x.py', './s.sh']);
});

test('code lens: one per entry point, on its name', () => {
  const text = 'entry_points:\n  main:\n    command: a\n  train:\n    command: b\n';
  const lenses = codeLenses(analyze('mlproject', text));
  assert.deepEqual(lenses.map((l) => [l.entryPoint, l.range.start.line, l.range.start.character]), [['main', 1, 2], ['train', 3, 2]]);
  assert.deepEqual(codeLenses(analyze('mlmodel', 'flavors: {}\n')), []);
});

test('quickFixes returns the fixes of diagnostics touching the range', () => {
  const text = 'entry_points:\n  main:\n    command: "e {x}"\n';
  const a = analyze('mlproject', text);
  const r = quickFixes(a, { start: { line: 2, character: 18 }, end: { line: 2, character: 18 } });
  assert.deepEqual(r.map((f) => f.title), ["Declare parameter 'x' in 'main'"]);
  assert.deepEqual(quickFixes(a, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }), []);
});
