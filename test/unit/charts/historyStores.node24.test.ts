import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { readSampledHistories } from '../../../extension/core/charts/historyRead';
import { LiveSeries, MetricFollower } from '../../../extension/core/charts/live';
import { sampleSeries } from '../../../extension/core/charts/sampling';
import { SqliteHistoryReader } from '../../../extension/core/charts/sqliteHistory';
import { SqliteHistoryPool, workerScript } from '../../../extension/core/charts/sqliteHistoryPool';
import type { Series } from '../../../extension/core/charts/series';
import { openStore, type ReadableStore } from '../../../extension/core/store/openStore';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { SqliteReader } from '../../../extension/core/store/sqliteReader';
import { makeChartStore, pythonHistories, pyValue, type ChartStore, type PyPoint } from '../../support/chartStore';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { mlflowEnv, mlflowPython } from '../../support/python';

/**
 * The sampled readers of every store kind (file store, SQLite read directly, an mlflow server's
 * get-history-bulk-interval) against the Python client's whole histories, and the live followers
 * against a Python process logging with mlflow while they poll. Runs on Node 24 (node:sqlite).
 */

function stepOrder(h: PyPoint[], sqlValueOrder: boolean): PyPoint[] {
  const num = (v: PyPoint['value']) => (v === null ? 0 : v === 'inf' ? Number.MAX_VALUE : v === '-inf' ? -Number.MAX_VALUE : (v as number));
  return h
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.step - b.p.step || a.p.timestamp - b.p.timestamp || (sqlValueOrder ? num(a.p.value) - num(b.p.value) || (a.p.value === null ? 1 : 0) - (b.p.value === null ? 1 : 0) : 0) || a.i - b.i)
    .map((x) => x.p);
}

function points(s: Series): PyPoint[] {
  return Array.from(s.steps, (step, i) => ({ step, timestamp: s.timestamps[i], value: pyValue(s.values[i]) }));
}

function checkSampled(s: Series, full: PyPoint[], maxPoints: number, sqlOrder: boolean, exactExtremes = true): void {
  const ordered = stepOrder(full, sqlOrder);
  const got = points(s);
  assert.ok(got.length <= maxPoints);
  let j = 0;
  for (const p of got) {
    while (j < ordered.length && JSON.stringify(ordered[j]) !== JSON.stringify(p)) j++;
    assert.ok(j < ordered.length, `point ${JSON.stringify(p)} is not a logged point in step order`);
    j++;
  }
  assert.deepEqual(got[0], ordered[0]);
  assert.deepEqual(got[got.length - 1], ordered[ordered.length - 1]);
  if (exactExtremes) {
    const num = (v: PyPoint['value']) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
    const vals = (a: PyPoint[]) => a.filter((p) => p.value !== null).map((p) => num(p.value));
    assert.equal(Math.max(...vals(got)), Math.max(...vals(full)));
    assert.equal(Math.min(...vals(got)), Math.min(...vals(full)));
  }
}

for (const kind of ['file', 'sqlite'] as const) {
  describe(`sampled histories: ${kind} store written by mlflow`, () => {
    let store: ChartStore;
    let reader: ReadableStore;
    let py: Record<string, PyPoint[]>;
    before(async () => {
      store = makeChartStore(kind);
      reader = await openStore(store.uri);
      py = pythonHistories(store.uri, Object.values(store.runs), 'loss');
    });
    after(async () => {
      await reader?.close?.();
      store?.remove();
    });

    test('read directly (no server), each run sampled with the guarantees, in mlflow’s tie order', async () => {
      if (kind === 'sqlite') assert.ok(reader instanceof SqliteReader);
      const ids = Object.values(store.runs);
      const res = await readSampledHistories(reader, ids, 'loss', { maxPoints: 40 });
      assert.deepEqual(res.map((r) => r.runId), ids);
      for (const r of res) {
        assert.equal(r.error, undefined);
        assert.equal(r.serverSampled, undefined);
        checkSampled(r.series, py[r.runId], 40, kind === 'sqlite');
        assert.equal(r.series.total, py[r.runId].length);
      }
      const spiky = res[0].series;
      assert.deepEqual(spiky.nonFinite, { nan: 1, posInf: 1, negInf: 1 });
      // Full ties history, no sampling: exactly mlflow's order with steps sorted.
      const [ties] = await readSampledHistories(reader, [store.runs.ties], 'loss', { maxPoints: 1000 });
      assert.deepEqual(points(ties.series), stepOrder(py[store.runs.ties], kind === 'sqlite'));
    });

    test('a zoomed step range is read at full detail; a missing run is an error of its own', async () => {
      const [r, bad] = await readSampledHistories(reader, [store.runs.spiky, 'f'.repeat(32)], 'loss', { maxPoints: 1000, stepRange: [1200, 1300] });
      assert.deepEqual(Array.from(r.series.steps), Array.from({ length: 101 }, (_, i) => 1200 + i));
      assert.match(bad.error ?? '', /not found/);
      assert.equal(bad.series.steps.length, 0);
    });

    if (kind === 'sqlite') {
      test('the sampled SQLite read (rowid, step, value, then kept timestamps) equals sampling the full read', () => {
        const here = new SqliteHistoryReader((reader as SqliteReader).path);
        try {
          for (const id of Object.values(store.runs)) {
            for (const [max, range] of [[40, undefined], [4, undefined], [1000, undefined], [40, [1200, 1300]]] as const) {
              const full = sampleSeries(here.series(id, 'loss', range as [number, number] | undefined), max);
              assert.deepEqual(here.sampledSeries(id, 'loss', max, range as [number, number] | undefined), full, `${id} max ${max}`);
            }
          }
          assert.throws(() => here.sampledSeries(store.runs.spiky, 'loss', 3), /at least 4 points/);
        } finally {
          here.close();
        }
      });

      test('reader threads give what a read on this thread gives, a missing run as its own error', async () => {
        const script = workerScript();
        assert.ok(script, 'the worker script sits next to sqliteHistoryPool.ts');
        const path = (reader as SqliteReader).path;
        const pool = new SqliteHistoryPool(path, store.uri, script, 2);
        const here = new SqliteHistoryReader(path);
        try {
          const ids = [...Object.values(store.runs), 'f'.repeat(32)];
          const got = await pool.read(ids, 'loss', 40);
          assert.deepEqual(got.map((g) => g.runId), ids);
          for (const g of got.slice(0, -1)) {
            const want = here.sampledSeries(g.runId, 'loss', 40);
            assert.equal(g.error, undefined);
            assert.deepEqual({ steps: g.steps, timestamps: g.timestamps, values: g.values, total: g.total, nonFinite: g.nonFinite }, { steps: want.steps, timestamps: want.timestamps, values: want.values, total: want.total, nonFinite: want.nonFinite });
          }
          assert.match(got[got.length - 1].error ?? '', /not found/);
        } finally {
          here.close();
          await pool.close();
        }
      });
    }
  });
}

describe('sampled histories through an mlflow server (get-history-bulk-interval)', () => {
  let store: ChartStore;
  let server: TestServer;
  let rest: ReadableStore;
  let py: Record<string, PyPoint[]>;
  before(async () => {
    store = makeChartStore('sqlite');
    server = await startMlflowServer(['--backend-store-uri', store.uri], {}, store.dir);
    rest = await openStore(server.url);
    py = pythonHistories(store.uri, Object.values(store.runs), 'loss');
  });
  after(async () => {
    await rest?.close?.();
    await server?.stop();
    store?.remove();
  });

  test('server-sampled: logged points in step order, first and last kept, at most N', async () => {
    assert.ok(rest instanceof RestStore);
    const ids = [store.runs.spiky, store.runs.ties, store.runs.short];
    const res = await readSampledHistories(rest, ids, 'loss', { maxPoints: 30 });
    for (const r of res) {
      assert.equal(r.serverSampled, true);
      // What the server's sampling drops is documented: extremes between its samples are not guaranteed.
      checkSampled(r.series, py[r.runId], 30, true, false);
    }
  });

  test('exact: whole histories through get-history, every guarantee holds', async () => {
    const res = await readSampledHistories(rest, [store.runs.spiky], 'loss', { maxPoints: 30, exact: true });
    checkSampled(res[0].series, py[store.runs.spiky], 30, true);
  });

  test('one unknown run does not fail the others', async () => {
    const res = await readSampledHistories(rest, [store.runs.ties, 'f'.repeat(32)], 'loss', { maxPoints: 30 });
    assert.equal(res[0].error, undefined);
    assert.equal(res[0].series.steps.length, 9);
    assert.ok(res[1].error);
  });
});

/** A Python process that creates a run, waits for "go", then logs `n` points 250 ms apart, printing when each was logged. */
const LOGGER = `
import json, sys, time
from mlflow import MlflowClient
c = MlflowClient(sys.argv[1])
exp = c.create_experiment("live-" + str(time.time()))
run = c.create_run(exp)
c.log_metric(run.info.run_id, "loss", 1.0, step=0)
print(json.dumps({"run_id": run.info.run_id}), flush=True)
sys.stdin.readline()
for i in range(1, int(sys.argv[2]) + 1):
    c.log_metric(run.info.run_id, "loss", 1.0 / (i + 1), step=i)
    print(json.dumps({"step": i, "at": time.time() * 1000}), flush=True)
    time.sleep(0.25)
c.set_terminated(run.info.run_id)
print(json.dumps({"done": True}), flush=True)
`;

for (const kind of ['file', 'sqlite'] as const) {
  test(`live: points logged by mlflow.log_metric reach the follower within 2 s (${kind} store)`, async () => {
    const store = makeChartStore(kind);
    const reader = await openStore(store.uri);
    const n = 12;
    const child = spawn(mlflowPython(), ['-c', LOGGER, store.uri, String(n)], { env: mlflowEnv(), cwd: store.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout });
    const logged = new Map<number, number>();
    let runId = '';
    let done = false;
    const first = new Promise<void>((resolve, reject) => {
      lines.on('line', (l) => {
        const m = JSON.parse(l) as { run_id?: string; step?: number; at?: number; done?: boolean };
        if (m.run_id) {
          runId = m.run_id;
          resolve();
        }
        if (m.step !== undefined) logged.set(m.step, m.at!);
        if (m.done) done = true;
      });
      child.once('exit', (code) => (code ? reject(new Error(`logger exited ${code}: ${stderr}`)) : undefined));
    });
    try {
      await first;
      const follower = new MetricFollower(reader, 1000);
      const live = new LiveSeries(await follower.start(runId, 'loss'), 1000);
      assert.deepEqual(Array.from(live.series.steps), [0]);
      child.stdin.write('go\n');
      const seen = new Map<number, number>();
      const deadline = Date.now() + 60_000;
      while (seen.size < n && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        for (const u of await follower.poll((r, k, msg) => assert.fail(`${r} ${k}: ${msg}`))) {
          const applied = live.apply(u);
          assert.equal(applied.kind, 'append', 'growth is an append, not a redraw');
          if (applied.kind === 'append') for (const s of applied.steps) if (!seen.has(s)) seen.set(s, Date.now());
        }
      }
      assert.equal(seen.size, n, `saw steps ${[...seen.keys()]} (logger done: ${done}) ${stderr}`);
      const latencies = [...seen].map(([s, at]) => at - logged.get(s)!);
      assert.ok(Math.max(...latencies) < 2000, `latencies ${latencies.join(', ')} ms`);
      assert.deepEqual(Array.from(live.series.steps), Array.from({ length: n + 1 }, (_, i) => i));
    } finally {
      child.kill();
      await reader.close?.();
      store.remove();
    }
  });
}
