import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseFlatYaml } from '../../../extension/core/format/flatYaml';
import { parseMlflowYaml } from '../../../extension/core/format/mlflowYaml';
import { fixtureStore } from '../../support/fixture';
import { mulberry32 } from '../../support/prng';

/** The quick meta.yaml reader must agree with the full YAML 1.1 parser whenever it answers. */

function metaFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) metaFiles(p, out);
    else if (name === 'meta.yaml') out.push(p);
  }
  return out;
}

test('every meta.yaml mlflow wrote in the fixture store: answered, and equal to the full parser', () => {
  const files = metaFiles(fixtureStore);
  assert.ok(files.length >= 20, `${files.length} files`);
  let answered = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const quick = parseFlatYaml(text);
    if (quick === undefined) continue;
    answered++;
    assert.deepEqual(quick, parseMlflowYaml(text), f);
  }
  // Run and experiment meta.yaml files are flat; only registry files with nested maps fall back.
  const runMetas = files.filter((f) => !f.includes(`${join(fixtureStore, 'models')}`));
  assert.ok(answered >= runMetas.length * 0.9, `answered ${answered} of ${files.length}`);
});

const PIECES = [
  'abc', 'a b', 'a  b', 'file:///x/y/artifacts', 'a:b', 'a: b', 'a #b', 'a#b', 'a:', 'yes', 'No', 'on', 'OFF', 'y', 'null', 'Null', '~', '',
  "''", "'x'", "'it''s'", "'a'b'", "'yes'", "'3'", '"q"', '3', '-3', '0', '-0', '007', '0x1f', '1_000', '1:20', '3.5', '.5', '1e3', '.inf', '.NaN',
  '2023-01-01', '2001-12-14t21:59:43.10-05:00', '=', '<<', '[]', '{}', '[1]', '- x', '&a x', '*a', '!tag x', '|', '>', '%x', '@x', '`x`', 'a\tb', 'trailing ',
  'x\r', 'é', "'é'", '12345678901234567890', 'it\'s', '_x', '/root', 'a,b', 'a[0]', 'a{b}', '? x', '- ', 'a - b', 'x # c',
  '000ff15579e9619616fe9c1868bd0605', '0b101', '0b1f', '12e45', '1e5', 'e5', 'abc123', '1234567e', 'dead', 'beef', '0e0', '0x1f',
  '0b0aae54202111084cc2bde8d03113ec', '0b1e5', '0b', '0b0', '0b2', '0be', '-0b1', '-1e5', '-x', '-', '-00', '+1', 'a\u2028b', "'a\rb'",
];
const KEYS = ['run_id', 'status', 'yes', 'on', 'a', '_b', 'c1', '__proto__', 'x y', '"k"', 'k'];

test('random flat documents: the quick reader answers exactly as the full parser, or not at all', () => {
  const rnd = mulberry32(8);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  let answered = 0;
  for (let i = 0; i < 20000; i++) {
    const n = 1 + Math.floor(rnd() * 5);
    const lines: string[] = [];
    for (let j = 0; j < n; j++) {
      const v = pick(PIECES);
      lines.push(rnd() < 0.05 ? `${pick(KEYS)}:${v}` : `${pick(KEYS)}: ${v}`.replace(/: $/, ':'));
    }
    const text = lines.join('\n') + (rnd() < 0.8 ? '\n' : '');
    const quick = parseFlatYaml(text);
    if (quick === undefined) continue;
    answered++;
    let full: unknown;
    try {
      full = parseMlflowYaml(text);
    } catch (e) {
      assert.fail(`quick reader accepted what the full parser rejects (${(e as Error).message}):\n${text}`);
    }
    assert.deepEqual(quick, full, JSON.stringify(text));
  }
  assert.ok(answered > 600, `only ${answered} documents answered`);
});

test("a run id that starts with 0b (one in 256) is text, answered without the full parser", () => {
  const text = [
    'artifact_uri: file:///tmp/mlruns/1/0b0aae54202111084cc2bde8d03113ec/artifacts',
    'end_time: 1705124010900',
    "entry_point_name: ''",
    "experiment_id: '1'",
    'lifecycle_stage: active',
    'run_id: 0b0aae54202111084cc2bde8d03113ec',
    'run_name: bench-005124',
    'run_uuid: 0b0aae54202111084cc2bde8d03113ec',
    "source_name: ''",
    'source_type: 4',
    "source_version: ''",
    'start_time: 1705123999000',
    'status: 3',
    'tags: []',
    'user_id: bench',
    '',
  ].join('\n');
  const quick = parseFlatYaml(text);
  assert.ok(quick, 'answered');
  assert.deepEqual(quick, parseMlflowYaml(text));
  assert.equal(quick.run_id, '0b0aae54202111084cc2bde8d03113ec');
  // Binary digits only after 0b: YAML 1.1 reads an integer, so the quick reader leaves it to the full parser.
  assert.equal(parseFlatYaml('run_id: 0b101\n'), undefined);
  assert.deepEqual(parseMlflowYaml('run_id: 0b101\n'), { run_id: 5 });
});
