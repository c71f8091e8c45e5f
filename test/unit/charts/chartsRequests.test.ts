import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fromWire } from '../../../extension/core/charts/wire';
import { openStore, type ReadableStore } from '../../../extension/core/store/openStore';
import { chartsInit, chartSeries } from '../../../extension/host/chartsRequests';
import { makeChartStore, pythonHistories, type ChartStore } from '../../support/chartStore';

/** The chart panel's host answers on a file store written by mlflow (no VS Code needed). */

describe('chart panel requests', () => {
  let store: ChartStore;
  let reader: ReadableStore;
  before(async () => {
    store = makeChartStore('file');
    reader = await openStore(store.uri);
  });
  after(async () => {
    await reader?.close?.();
    store?.remove();
  });

  test('init: runs with names, params, tags as stored (HTML payloads untouched: the page renders text), metric keys, missing runs named', async () => {
    const init = await chartsInit(reader, [store.runs.spiky, store.runs.evil, store.runs.short, 'f'.repeat(32)], 500);
    assert.deepEqual(init.runs.map((r) => r.runId), [store.runs.spiky, store.runs.evil, store.runs.short]);
    const evil = init.runs[1];
    assert.match(evil.runName, /^<img src=x onerror=/);
    assert.match(evil.tags.note, /<script>/);
    assert.deepEqual(init.metricKeys, ['acc', 'final_score', 'loss', 'x:odd key/with-chars.1']);
    assert.equal(init.maxPoints, 500);
    assert.equal(init.serverSampled, false);
    assert.match(init.error ?? '', /1 run not found in this store: f{32}/);
  });

  test('series: sampled per run, wire form decodes to logged points; another metric as x lines up by step', async () => {
    const res = await chartSeries(reader, { key: 'loss', runIds: [store.runs.spiky, store.runs.ties], xMetric: 'acc' }, 100);
    assert.equal(res.errors.length, 0);
    const spiky = fromWire(res.series[0]);
    assert.ok(spiky.steps.length <= 100);
    assert.equal(spiky.total, 2000);
    const x = res.series[0].x!;
    // acc = 0.5 + step / 4000 at every step of the spiky run.
    spiky.steps.forEach((st, i) => assert.equal(x[i], 0.5 + st / 4000));
    // The ties run has no acc: no x anywhere.
    assert.ok([...res.series[1].x!].every(Number.isNaN));
    const py = pythonHistories(store.uri, [store.runs.spiky], 'loss')[store.runs.spiky];
    const logged = new Set(py.map((p) => `${p.step}/${p.timestamp}`));
    spiky.steps.forEach((st, i) => assert.ok(logged.has(`${st}/${spiky.timestamps[i]}`)));
  });

  test('zoom: a step range comes back at full detail', async () => {
    const res = await chartSeries(reader, { key: 'loss', runIds: [store.runs.spiky], stepRange: [100, 399] }, 100);
    const s = fromWire(res.series[0]);
    assert.ok(s.steps[0] >= 100 && s.steps[s.steps.length - 1] <= 399);
    const whole = fromWire((await chartSeries(reader, { key: 'loss', runIds: [store.runs.spiky], stepRange: [100, 149] }, 100)).series[0]);
    assert.deepEqual([...whole.steps], Array.from({ length: 50 }, (_, i) => 100 + i));
  });
});
