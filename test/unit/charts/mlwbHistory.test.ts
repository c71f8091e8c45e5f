import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeChartStore, pythonHistories, type ChartStore, type PyPoint } from '../../support/chartStore';
import { mlflowPython, repoRoot } from '../../support/python';

/**
 * `mlwb history` against stores written by the real mlflow, checked point by point against the
 * Python client's get_metric_history (whole histories), and the sampled reads against the
 * sampling guarantees computed from that same reference.
 */

interface JsonPoint {
  run_id?: string;
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}

function mlwb(args: string[], node = process.execPath) {
  const r = spawnSync(node, ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, MLFLOW_TRACKING_URI: '', MLWB_PYTHON: mlflowPython() },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[]): JsonPoint[] {
  const r = mlwb([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as JsonPoint[];
}

/** Python's value spelling (null, 'inf', '-inf') → the CLI's JSON spelling. */
function cliValue(v: PyPoint['value']): number | string {
  return v === null ? 'NaN' : v === 'inf' ? 'Infinity' : v === '-inf' ? '-Infinity' : (v as number);
}

function numeric(v: number | string): number {
  return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : (v as number);
}

/** The reference order of a sampled history: step, then timestamp, then as mlflow returned them. */
function stepOrder(h: PyPoint[]): PyPoint[] {
  return h.map((p, i) => ({ p, i })).sort((a, b) => a.p.step - b.p.step || a.p.timestamp - b.p.timestamp || a.i - b.i).map((x) => x.p);
}

function checkSample(sample: JsonPoint[], full: PyPoint[], maxPoints: number): void {
  const ordered = stepOrder(full);
  assert.ok(sample.length <= maxPoints, `${sample.length} > ${maxPoints}`);
  let j = 0;
  for (const s of sample) {
    while (j < ordered.length && !(ordered[j].step === s.step && ordered[j].timestamp === s.timestamp && Object.is(numeric(cliValue(ordered[j].value)), numeric(s.value)))) j++;
    assert.ok(j < ordered.length, `sampled point step ${s.step} ts ${s.timestamp} is not a logged point in step order`);
    j++;
  }
  assert.deepEqual([sample[0].step, sample[0].timestamp], [ordered[0].step, ordered[0].timestamp]);
  const last = ordered[ordered.length - 1];
  assert.deepEqual([sample[sample.length - 1].step, sample[sample.length - 1].timestamp], [last.step, last.timestamp]);
  const vals = (a: (number | string)[]) => a.map(numeric).filter((v) => !Number.isNaN(v));
  const all = vals(full.map((p) => cliValue(p.value)));
  const kept = vals(sample.map((p) => p.value));
  assert.equal(Math.max(...kept), Math.max(...all));
  assert.equal(Math.min(...kept), Math.min(...all));
}

describe('mlwb history on a file store written by mlflow', () => {
  let store: ChartStore;
  let py: Record<string, PyPoint[]>;
  before(() => {
    store = makeChartStore('file');
    py = pythonHistories(store.uri, Object.values(store.runs), 'loss');
  });
  after(() => store?.remove());

  test('whole history of one run: every point in mlflow’s order and spelling', () => {
    for (const run of [store.runs.spiky, store.runs.ties]) {
      const out = json(['history', '--store', store.uri, '--run', run, '--metric', 'loss']);
      assert.deepEqual(
        out,
        py[run].map((p) => ({ key: 'loss', value: cliValue(p.value), timestamp: p.timestamp, step: p.step })),
      );
    }
  });

  test('--max-points: at most N logged points in step order, first, last, smallest and largest kept; spike and dip survive', () => {
    const out = json(['history', '--store', store.uri, '--run', store.runs.spiky, '--metric', 'loss', '--max-points', '60']);
    checkSample(out, py[store.runs.spiky], 60);
    assert.ok(out.some((p) => p.step === 1234 && p.value === 50), 'spike at step 1234');
    assert.ok(out.some((p) => p.step === 777 && p.value === -7.5), 'dip at step 777');
    assert.ok(out.length > 40, `budget used: ${out.length}`);
  });

  test('ties on a step: by timestamp, then in mlflow’s history order', () => {
    const out = json(['history', '--store', store.uri, '--run', store.runs.ties, '--metric', 'loss', '--max-points', '100']);
    assert.deepEqual(
      out.map((p) => [p.step, p.timestamp, p.value]),
      stepOrder(py[store.runs.ties]).map((p) => [p.step, p.timestamp, cliValue(p.value)]),
    );
  });

  test('several runs in one process: every point carries its run_id, runs in the order given', () => {
    const ids = [store.runs.ties, store.runs.spiky, store.runs.short];
    const out = json(['history', '--store', store.uri, ...ids.flatMap((r) => ['--run', r]), '--metric', 'loss', '--max-points', '40']);
    const seen = [...new Set(out.map((p) => p.run_id))];
    assert.deepEqual(seen, ids);
    for (const id of ids) checkSample(out.filter((p) => p.run_id === id), py[id], 40);
    const full = json(['history', '--store', store.uri, '--run', store.runs.short, '--run', store.runs.ties, '--metric', 'loss']);
    assert.deepEqual(
      full.map((p) => [p.run_id, p.step, p.value]),
      [store.runs.short, store.runs.ties].flatMap((id) => py[id].map((p) => [id, p.step, cliValue(p.value)])),
    );
  });

  test('--csv writes run_id,key,step,timestamp,value with the same points as --json', () => {
    const args = ['history', '--store', store.uri, '--run', store.runs.spiky, '--run', store.runs.ties, '--metric', 'loss', '--max-points', '20'];
    const r = mlwb([...args, '--csv']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'run_id,key,step,timestamp,value');
    const fromJson = json(args).map((p) => `${p.run_id},loss,${p.step},${p.timestamp},${p.value}`);
    assert.deepEqual(lines.slice(1), fromJson);
    assert.ok(lines.some((l) => l.endsWith(',NaN')) || lines.some((l) => l.endsWith(',Infinity')));
  });

  test('errors: a budget below 4, --csv with --json, an unknown run, a metric a run lacks', () => {
    let r = mlwb(['history', '--store', store.uri, '--run', store.runs.spiky, '--metric', 'loss', '--max-points', '3']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--max-points must be an integer of at least 4/);
    r = mlwb(['history', '--store', store.uri, '--run', store.runs.spiky, '--metric', 'loss', '--csv', '--json']);
    assert.equal(r.code, 2);
    r = mlwb(['history', '--store', store.uri, '--run', 'f'.repeat(32), '--metric', 'loss', '--max-points', '10']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not found/);
    r = mlwb(['history', '--store', store.uri, '--run', store.runs.ties, '--run', store.runs.short, '--metric', 'final_score', '--max-points', '10', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`warning: run ${store.runs.ties} has no metric 'final_score'`));
    assert.equal((JSON.parse(r.stdout) as JsonPoint[]).length, 1);
    r = mlwb(['history', '--store', store.uri, '--run', store.runs.ties, '--metric', 'final_score']);
    assert.equal(r.code, 1);
  });
});

describe('mlwb history on SQLite written by mlflow (through the local mlflow server on Node 20)', () => {
  let store: ChartStore;
  let py: Record<string, PyPoint[]>;
  before(() => {
    store = makeChartStore('sqlite');
    py = pythonHistories(store.uri, Object.values(store.runs), 'loss');
  });
  after(() => store?.remove());

  test('whole histories in mlflow’s SQL order; sampled ones keep the guarantees; infinities as mlflow gives them back', () => {
    const ids = [store.runs.spiky, store.runs.ties];
    const full = json(['history', '--store', store.uri, ...ids.flatMap((r) => ['--run', r]), '--metric', 'loss']);
    assert.deepEqual(
      full.map((p) => [p.run_id, p.step, p.timestamp, p.value]),
      ids.flatMap((id) => py[id].map((p) => [id, p.step, p.timestamp, cliValue(p.value)])),
    );
    // The SQL store saved inf as the largest double and returns that.
    assert.ok(full.some((p) => p.value === 1.7976931348623157e308));
    const sampled = json(['history', '--store', store.uri, ...ids.flatMap((r) => ['--run', r]), '--metric', 'loss', '--max-points', '50']);
    for (const id of ids) checkSample(sampled.filter((p) => p.run_id === id), py[id], 50);
  });
});
