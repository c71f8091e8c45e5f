import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { pyFloatRepr } from '../../../extension/core/format/pyFloat';
import { dumpPyYaml, type YamlValue } from '../../../extension/core/format/pyYaml';
import { mlflowEnv, mlflowPython } from '../../support/python';
import { mulberry32 } from '../../support/prng';

/** Runs Python once over a JSON list on stdin; returns its JSON list from stdout. */
function pythonMap(code: string, input: unknown): unknown[] {
  const r = spawnSync(mlflowPython(), ['-c', code], { input: JSON.stringify(input), env: mlflowEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

const rng = mulberry32;

const FIXED_STRINGS = [
  'v1', 'latest', 'NULL', '1', '-1', '0_1', 'é_x', '_', '__', '--', 'x'.repeat(128),
  '', ' ', 'a', 'yes', 'No', 'on', 'OFF', 'true', 'null', 'Null', '~', 'None', '0', '00', '012', '0x1F', '0b101', '1_000', '1:20', '1:20.5',
  '1e3', '1.0e+3', '1.5', '.5', '.inf', '-.Inf', '.NaN', 'nan', 'inf', '2024-01-01', '2024-1-1 10:00:00', '2024-01-01T10:00:00Z', '=', '<<',
  '-', '- a', '-a', '?', '? a', ':', 'a:', 'a: b', 'a:b', '#', 'a #b', 'a#b', '---', '...', '--- x', '@x', '`x', '%x', '!x', '&x', '*x', '|', '>',
  "'", '"', "it's", 'say "hi"', 'a\nb', 'a\n\nb', '\na', 'a\n', 'a \nb', 'a\n b', 'tab\there', 'cr\rlf', 'nel\x85x', 'ls\u2028x', 'ps\u2029x',
  'bom\ufeffx', 'nbsp\xa0x', 'bell\x07', 'esc\x1b', 'nul\0', 'del\x7f', 'c1\x9f', 'é', 'ü ö', '日本語', '😀', 'a😀b', 'e\u0301', '\ud7ff\ue000\ufffd',
  'leading space', ' leading', 'trailing ', 'two  spaces', 'a  ', 'file:///tmp/mlruns/0', 'runs:/abc/model', 'models:/m-123', 'back\\slash',
  'x'.repeat(200), ('word ').repeat(40).trim(), ('wörd ').repeat(40).trim(), ("it's ").repeat(30).trim(), ('a\nb ').repeat(30), ('q"q ').repeat(30),
  ('x  ').repeat(50), 'a'.repeat(79) + ' b c', 'a'.repeat(80) + ' b c', 'a'.repeat(81) + ' b c', ' '.repeat(100) + 'x', 'x' + ' '.repeat(100) + 'x',
  ('😀 ').repeat(40), ('tab\t ').repeat(30), 'desc: hi', 'run: yes', 'a, b', '[x]', '{x}', 'a[0]', 'k=v',
];

const ALPHABET = [...'ab  \n\'"#:-?,[]{}!|>%@`&*~01.e+_x\t\\', 'é', '😀', '\x85', '\u2028', '\xa0', '\ufeff', '\r', '\0'];

function randomString(r: () => number): string {
  const len = Math.floor(r() * (r() < 0.2 ? 200 : 20));
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

test('pyYaml: byte-identical to CSafeDumper for tricky and random strings as keys and values', () => {
  const r = rng(42);
  const strings = [...FIXED_STRINGS];
  for (let i = 0; i < 1500; i++) strings.push(randomString(r));
  const docs = strings.map((s, i): { [k: string]: YamlValue } => ({
    name: s,
    // Mapping keys are MLflow alias names (\w and -), which may still need quoting ('yes', '0').
    aliases: i % 3 === 0 ? ({} as { [k: string]: YamlValue }) : { [/^[\w-]{1,128}$/.test(s) ? s : `k${i}`]: String(i), other: s },
    experiment_id: String(i),
    creation_time: 1700000000000 + i,
    deleted_time: null,
    tags: [],
    ...(i % 5 === 0 ? { list: [s, 'b'], flag: i % 2 === 0, f: i / 7 } : {}),
  }));
  const expected = pythonMap(
    `import json,sys,yaml
out=[yaml.dump(d, default_flow_style=False, allow_unicode=True, sort_keys=True, Dumper=yaml.CSafeDumper) for d in json.load(sys.stdin)]
print(json.dumps(out))`,
    docs,
  ) as string[];
  let failures = 0;
  for (let i = 0; i < docs.length; i++) {
    const got = dumpPyYaml(docs[i]);
    if (got !== expected[i]) {
      failures++;
      if (failures <= 5) assert.equal(got, expected[i], `case ${i}: ${JSON.stringify(strings[i])}`);
    }
  }
  assert.equal(failures, 0);
});

test('pyFloat: matches Python repr for special, boundary and random doubles', () => {
  const r = rng(7);
  const values: number[] = [0.1, 1e-5, 1e16, 1e15, 3.0, -0.0, 0, 100, 1e-4, 9.999e-5, 123456789012345680, 1.5e300, 5e-324, Number.MAX_VALUE, -2.5e-7, 1 / 3, 2 ** 53, 0.30000000000000004];
  const buf = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 3000; i++) {
    buf.setUint32(0, Math.floor(r() * 2 ** 32));
    buf.setUint32(4, Math.floor(r() * 2 ** 32));
    const x = buf.getFloat64(0);
    values.push(Number.isFinite(x) ? x : r());
    values.push((r() - 0.5) * 10 ** Math.floor(r() * 40 - 20));
  }
  // JSON cannot carry -0.0, so Python rebuilds each double from its bit pattern.
  const hex = values.map((v) => {
    buf.setFloat64(0, v);
    return buf.getBigUint64(0).toString(16).padStart(16, '0');
  });
  const expected = pythonMap(`import json,sys,struct
print(json.dumps([repr(struct.unpack('>d', bytes.fromhex(h))[0]) for h in json.load(sys.stdin)]))`, hex) as string[];
  values.forEach((v, i) => assert.equal(pyFloatRepr(v), expected[i], `value ${hex[i]}`));
  assert.equal(pyFloatRepr(NaN), 'nan');
  assert.equal(pyFloatRepr(Infinity), 'inf');
  assert.equal(pyFloatRepr(-Infinity), '-inf');
});
