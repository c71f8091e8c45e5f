import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mlflowPython, repoRoot } from '../../../support/python';

/**
 * The problem matchers of package.json against tracebacks printed by the real Python the runner
 * uses. Matching follows VS Code's multi-line rule: each pattern on the next consecutive line.
 */

interface Pattern {
  regexp: string;
  file?: number;
  line?: number;
  message?: number;
  code?: number;
}
interface Matcher {
  name: string;
  pattern: Pattern[];
}
const matchers: Matcher[] = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).contributes.problemMatchers;

function problems(output: string): { matcher: string; file: string; line: number; message: string }[] {
  const lines = output.split(/\r?\n/);
  const out: { matcher: string; file: string; line: number; message: string }[] = [];
  for (const m of matchers) {
    for (let i = 0; i + m.pattern.length <= lines.length; i++) {
      const got: Record<string, string> = {};
      const ok = m.pattern.every((p, k) => {
        const r = new RegExp(p.regexp).exec(lines[i + k]);
        if (!r) return false;
        for (const f of ['file', 'line', 'message'] as const) if (p[f] !== undefined) got[f] = r[p[f]!];
        return true;
      });
      if (ok) out.push({ matcher: m.name, file: got.file, line: Number(got.line), message: got.message });
    }
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'mlwb-tb-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function traceback(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  const r = spawnSync(mlflowPython(), [file], { cwd: dir, encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  return r.stderr;
}

test('a raise in a nested call: one problem, at the innermost frame, with the exception as message', () => {
  const tb = traceback('train.py', 'def step(lr):\n    raise ValueError(f"learning rate {lr} too high")\n\n\nstep(5)\n');
  const got = problems(tb);
  assert.deepEqual(got, [{ matcher: 'mlflow-python', file: join(dir, 'train.py'), line: 2, message: 'ValueError: learning rate 5 too high' }], tb);
});

test('a traceback with 3.11+ position markers is matched by the caret variant', () => {
  const tb = traceback('div.py', 'zero = 0\nscale = 3\nvalue = scale + (10 / zero)\n');
  const got = problems(tb);
  assert.equal(got.length, 1, tb);
  assert.equal(got[0].file, join(dir, 'div.py'));
  assert.equal(got[0].line, 3);
  assert.equal(got[0].message, 'ZeroDivisionError: division by zero');
  // The caret variant is the one that applies when the interpreter prints markers.
  assert.equal(got[0].matcher, /\^/.test(tb) ? 'mlflow-python-caret' : 'mlflow-python');
});

test('an exception without a message and a custom class still give a problem', () => {
  const got = problems(traceback('custom.py', 'class Diverged(Exception):\n    pass\n\nraise Diverged\n'));
  assert.deepEqual(got.map((p) => [p.line, p.message]), [[4, 'Diverged']]);
});

test('ordinary training output gives no problems', () => {
  assert.deepEqual(problems('epoch 1 loss 0.5\n  File sizes: 3\nINFO mlflow.projects: === Run succeeded ===\n'), []);
});
