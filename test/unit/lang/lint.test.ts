import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runLint } from '../../../extension/cli/lint';

const root = mkdtempSync(join(tmpdir(), 'mlwb-lint-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function lint(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLint(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('folders are searched for MLproject (any case) and MLmodel, skipping node_modules and .git', async () => {
  const d = join(root, 'tree');
  for (const sub of ['a', 'b/c', 'node_modules/x', '.git/y']) mkdirSync(join(d, sub), { recursive: true });
  writeFileSync(join(d, 'a', 'MLProject'), 'entry_points:\n  main:\n    command: "python t.py {alpha}"\n');
  writeFileSync(join(d, 'b/c', 'MLmodel'), 'flavors:\n  python_function:\n    python_version: 3.11.4\n');
  writeFileSync(join(d, 'node_modules/x', 'MLproject'), 'entry_points: [\n');
  writeFileSync(join(d, '.git/y', 'MLproject'), 'entry_points: [\n');
  writeFileSync(join(d, 'a', 'MLproject.yaml'), 'entry_points: [\n');
  const r = await lint([d]);
  assert.equal(r.code, 1);
  const lines = r.out.split('\n');
  assert.equal(lines.length, 2, r.out);
  assert.match(lines[0], /a\/MLProject:3:27 error placeholder '\{alpha\}'/);
  assert.match(lines[1], /b\/c\/MLmodel:2:3 error python_function has no 'loader_module'/);
});

test('--json prints one array with 1-based positions; warnings only exit 0', async () => {
  const f = join(root, 'MLproject');
  writeFileSync(f, 'entry_points:\n  main:\n    parameters:\n      n: int\n    command: "e {n}"\n');
  const r = await lint([f, '--json']);
  assert.equal(r.code, 0);
  const rows = JSON.parse(r.out);
  assert.deepEqual(rows, [{ file: f, line: 4, column: 10, endLine: 4, endColumn: 13, severity: 'warning', message: rows[0].message, code: 'mlproject/undocumented-type' }]);
  assert.match(rows[0].message, /'int'/);
});

test('usage problems exit 2', async () => {
  assert.equal((await lint([])).code, 2);
  assert.equal((await lint([join(root, 'nope')])).code, 2);
  assert.equal((await lint(['--fix', root])).code, 2);
});
