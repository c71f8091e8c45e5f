import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isGenaiEvaluation, readEvaluationTable, type EvalTable } from '../../../extension/core/evaluations/evalTable';
import { openStore, type ReadableStore } from '../../../extension/core/store/openStore';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { mlflowEnv, mlflowPython, repoRoot } from '../../support/python';

/**
 * Evaluation runs written by the real mlflow (`mlflow.genai.evaluate` with code scorers and
 * `mlflow.models.evaluate` with a custom metric, no LLM) into a file store, SQLite and a real
 * server: the table we build holds, row by row, what the Python client reads back, and the
 * aggregates are plain run metrics.
 */

const script = join(repoRoot, 'test/support/mlflow_evaluate.py');

/** In the test's folder: a SQLite store keeps artifacts in ./mlruns of the writing process. */
function py<T>(args: string[], cwd: string): T {
  const r = spawnSync(mlflowPython(), [script, ...args], { env: mlflowEnv(), cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

type PyRow = { trace_id: string; request: string; response: string; assessments: Record<string, unknown> };

function rowsByTrace(t: EvalTable) {
  const col = (key: string) => t.columns.findIndex((c) => c.key === key);
  return t.rows
    .map((r) => {
      const assessments: Record<string, unknown> = {};
      t.columns.forEach((c, i) => {
        if ((c.kind === 'feedback' || c.kind === 'expectation') && r.cells[i] !== null) assessments[c.key] = r.cells[i];
      });
      return { trace_id: String(r.cells[col('trace')]), request: r.cells[col('request')], response: r.cells[col('response')], assessments };
    })
    .sort((a, b) => (a.trace_id < b.trace_id ? -1 : 1));
}

const cases: { name: string; setup(dir: string): Promise<{ uri: string; stop?: () => Promise<void> }> }[] = [
  { name: 'file store', setup: async (dir) => ({ uri: `file://${join(dir, 'mlruns')}` }) },
  { name: 'SQLite', setup: async (dir) => ({ uri: `sqlite:///${join(dir, 'mlflow.db')}` }) },
  {
    name: 'mlflow server',
    setup: async (dir) => {
      const s: TestServer = await startMlflowServer(['--backend-store-uri', `sqlite:///${join(dir, 'server.db')}`, '--default-artifact-root', join(dir, 'artifacts')]);
      return { uri: s.url, stop: () => s.stop() };
    },
  },
];

for (const c of cases) {
  describe(`evaluation results on the ${c.name}`, () => {
    let dir: string;
    let uri: string;
    let stop: (() => Promise<void>) | undefined;
    let store: ReadableStore;
    let runs: { genai: string; classic: string };
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'mlwb-eval-'));
      ({ uri, stop } = await c.setup(dir));
      runs = py(['make', uri], dir);
      store = await openStore(uri, { python: mlflowPython(), baseDir: dir });
    });
    after(async () => {
      await store?.close?.();
      await stop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    test('genai.evaluate: one row per trace with its scorers and expectations, as the client reads them', async () => {
      const run = await store.getRun(runs.genai);
      assert.ok(isGenaiEvaluation(run));
      assert.deepEqual(Object.keys(run.data.metrics).sort(), ['exact_match/mean', 'length/mean']);
      const table = await readEvaluationTable(store, run);
      assert.ok(table, 'no evaluation table');
      assert.equal(table.source, 'traces');
      assert.deepEqual(
        table.columns.filter((x) => x.kind === 'feedback' || x.kind === 'expectation').map((x) => x.key),
        ['expectation:expected_response', 'feedback:exact_match', 'feedback:length'],
      );
      const ours = rowsByTrace(table);
      assert.deepEqual(ours, py<PyRow[]>(['read', uri, runs.genai], dir));
      assert.equal(ours.length, 3);
      // Markup in an input stays text in the table.
      assert.ok(ours.some((r) => String(r.request).includes('<b>bold</b> &amp;') || String(r.request).includes('<b>bold</b> & more')));
    });

    test('models.evaluate: the eval_results_table.json artifact', async () => {
      const run = await store.getRun(runs.classic);
      assert.ok(!isGenaiEvaluation(run));
      assert.equal(run.data.metrics['pred_length/mean']?.value, 4);
      const table = await readEvaluationTable(store, run);
      assert.ok(table);
      assert.equal(table.source, 'artifact');
      assert.deepEqual(table.columns.map((x) => x.label), ['inputs', 'ground_truth', 'predictions', 'pred_length/score']);
      assert.deepEqual(table.rows.map((r) => r.cells), [['a', 'A', 'A', 1], ['b <i>x</i>', 'B', 'B <I>X</I>', 10], ['c', 'z', 'C', 1]]);
    });
  });
}
