import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ReadProblem } from '../../../extension/core/store/errors';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { copyFixtureStore, loadExpected } from '../../support/fixture';

/**
 * Issue #13, item 4: a file store whose files are not what they seem. Devices, FIFOs, a file
 * where a folder belongs, a folder that cannot be listed, oversized files. Each must be skipped
 * with a message naming its path and what it is, within seconds and without reading gigabytes,
 * while every undamaged item still loads. (Tests run as root, so chmod 000 blocks nothing: the
 * unreadable folders are symlink loops, which fail for root too, and FIFOs or files where a folder
 * is expected.)
 */

const expected = loadExpected();
const runByName = (name: string) => expected.runs.find((r) => r.run_name === name)!;
const HANG_GUARD = { timeout: 60_000 };
const GB = 1024 * 1024 * 1024;

describe('file store holding devices, FIFOs and unreadable folders', () => {
  let root: string;
  const problems: ReadProblem[] = [];
  let store: FileStoreReader;
  const runDir = (name: string) => join(root, runByName(name).experiment_id, runByName(name).run_id);
  const fifo = (p: string) => {
    rmSync(p, { recursive: true, force: true });
    execFileSync('mkfifo', [p]);
  };
  const link = (target: string, p: string) => {
    rmSync(p, { recursive: true, force: true });
    symlinkSync(target, p);
  };
  const problemAt = (p: string) => problems.find((x) => x.location === p);

  after(() => rmSync(dirname(root), { recursive: true, force: true }));

  before(() => {
    root = copyFixtureStore();
    store = new FileStoreReader(root, { onProblem: (p) => problems.push(p) });
    // a param that is a symlink to /dev/zero (it passed 6 GB before)
    link('/dev/zero', join(runDir('trial-1'), 'params', 'lr'));
    // a FIFO as a run's meta.yaml and as an experiment's meta.yaml (both hung forever)
    fifo(join(runDir('trial-2'), 'meta.yaml'));
    mkdirSync(join(root, '998'));
    fifo(join(root, '998', 'meta.yaml'));
    // a FIFO as a metric file, and a metric that is /dev/zero
    fifo(join(runDir('tune-hyperparams'), 'metrics', 'best_loss'));
    link('/dev/zero', join(runDir('arima-live'), 'metrics', 'mape'));
    // a metrics/ folder that cannot be listed (a symlink loop: ELOOP even for root)
    link('metrics', join(runDir('special-values'), 'metrics'));
    // a FIFO where params/ belongs, a regular file where tags/ belongs
    fifo(join(runDir('prophet-baseline'), 'params'));
    rmSync(join(runDir('lstm-diverged'), 'tags'), { recursive: true });
    writeFileSync(join(runDir('lstm-diverged'), 'tags'), 'not a folder');
    // a FIFO inside a tag folder (seen by readdir, never opened)
    execFileSync('mkfifo', [join(runDir('trial-0'), 'tags', 'pipe')]);
    // an oversized param (5 MiB; MLflow's own limit is 6,000 characters) and a sparse 3 GiB metric file
    writeFileSync(join(runDir('trial-0'), 'params', 'huge'), Buffer.alloc(5 * 1024 * 1024, 0x61));
    writeFileSync(join(runDir('trial-0'), 'metrics', 'sparse'), '');
    truncateSync(join(runDir('trial-0'), 'metrics', 'sparse'), 3 * GB);
    // a dangling param symlink
    symlinkSync(join(root, 'nowhere'), join(runDir('trial-0'), 'params', 'dangling'));
    // the registry: a FIFO as one version's meta.yaml, an alias folder that loops, a FIFO where tags/ belongs
    fifo(join(root, 'models', 'iris-model', 'version-3', 'meta.yaml'));
    link('aliases', join(root, 'models', 'iris-model', 'aliases'));
    fifo(join(root, 'models', 'forecaster', 'tags'));
    // an experiment's own models/ folder (MLflow 3 logged models) that is a FIFO
    fifo(join(root, runByName('trial-0').experiment_id, 'models'));
  });

  test('experiments: the one with a FIFO meta.yaml is skipped and named; the others load', HANG_GUARD, async () => {
    const exps = await store.searchExperiments();
    assert.deepEqual(exps.map((e) => e.experimentId).sort(), expected.experiments.filter((e) => e.lifecycle_stage === 'active').map((e) => e.experiment_id).sort());
    assert.match(problemAt(join(root, '998', 'meta.yaml'))?.message ?? '', /cannot read experiment metadata: a FIFO \(named pipe\), not a regular file/);
  });

  test('runs: only the run whose meta.yaml is a FIFO is lost; every damaged file is named with what it is', HANG_GUARD, async () => {
    const exps = await store.searchExperiments();
    const runs = await store.searchRuns({ experimentIds: exps.map((e) => e.experimentId) });
    const names = runs.map((r) => r.info.runName).sort();
    const want = expected.runs.filter((r) => expected.active_runs.includes(r.run_id) && r.run_name !== 'trial-2').map((r) => r.run_name);
    assert.deepEqual(names, want.sort());
    const byName = (n: string) => runs.find((r) => r.info.runName === n)!;

    assert.match(problemAt(join(runDir('trial-2'), 'meta.yaml'))!.message, /cannot read run metadata: a FIFO/);

    // /dev/zero param: the other params stay.
    const t1 = byName('trial-1');
    assert.ok(!('lr' in t1.data.params));
    assert.equal(t1.data.params.max_depth, runByName('trial-1').params.max_depth);
    assert.match(problemAt(join(runDir('trial-1'), 'params', 'lr'))!.message, /a character device, not a regular file/);

    // FIFO and /dev/zero metric files: skipped, the run keeps its other data.
    assert.ok(!('best_loss' in byName('tune-hyperparams').data.metrics));
    assert.deepEqual(byName('tune-hyperparams').data.params, runByName('tune-hyperparams').params);
    assert.match(problemAt(join(runDir('tune-hyperparams'), 'metrics', 'best_loss'))!.message, /metric not read: a FIFO/);
    assert.deepEqual(byName('arima-live').data.metrics, {});
    assert.match(problemAt(join(runDir('arima-live'), 'metrics', 'mape'))!.message, /character device/);

    // metrics/ that cannot be listed: the run is listed with its params and tags, without metrics.
    const sv = byName('special-values');
    assert.deepEqual(sv.data.metrics, {});
    assert.deepEqual(sv.data.params, runByName('special-values').params);
    assert.ok(problemAt(join(runDir('special-values'), 'metrics')), JSON.stringify(problems, null, 1));

    // A FIFO where params/ belongs, a file where tags/ belongs.
    assert.deepEqual(byName('prophet-baseline').data.params, {});
    assert.match(problemAt(join(runDir('prophet-baseline'), 'params'))!.message, /expected a folder, found a file/);
    assert.equal(byName('prophet-baseline').data.metrics.mape.value, runByName('prophet-baseline').metrics.mape.value);
    assert.deepEqual(byName('lstm-diverged').data.tags, {});
    assert.match(problemAt(join(runDir('lstm-diverged'), 'tags'))!.message, /expected a folder/);

    // trial-0: a FIFO tag, an oversized param, a 3 GiB metric file, a dangling param link.
    const t0 = byName('trial-0');
    assert.equal(t0.data.tags.stage, runByName('trial-0').tags.stage);
    assert.match(problemAt(join(runDir('trial-0'), 'tags', 'pipe'))!.message, /a FIFO/);
    assert.ok(!('huge' in t0.data.params));
    assert.equal(t0.data.params.lr, runByName('trial-0').params.lr);
    assert.match(problemAt(join(runDir('trial-0'), 'params', 'huge'))!.message, /5\.0 MiB, over the 4\.0 MiB limit for one metadata file/);
    assert.ok(!('sparse' in t0.data.metrics));
    assert.equal(t0.data.metrics.loss.value, runByName('trial-0').metrics.loss.value);
    assert.match(problemAt(join(runDir('trial-0'), 'metrics', 'sparse'))!.message, /3\.0 GiB, over the 2\.0 GiB limit for one metric file/);
    assert.match(problemAt(join(runDir('trial-0'), 'params', 'dangling'))!.message, /symbolic link to a missing file/);
  });

  test('metric history of a FIFO, /dev/zero or oversized file is an error naming the file', HANG_GUARD, async () => {
    await assert.rejects(store.getMetricHistory(runByName('tune-hyperparams').run_id, 'best_loss'), (e: Error) => e.message.includes(join(runDir('tune-hyperparams'), 'metrics', 'best_loss')) && /FIFO/.test(e.message));
    await assert.rejects(store.getMetricHistory(runByName('arima-live').run_id, 'mape'), /metrics\/mape: a character device/);
    await assert.rejects(store.getMetricHistory(runByName('trial-0').run_id, 'sparse'), /sparse: 3\.0 GiB, over the 128\.0 MiB limit for a metric history/);
    // An undamaged history of the same run still reads.
    assert.equal((await store.getMetricHistory(runByName('trial-0').run_id, 'loss')).length, runByName('trial-0').history.loss.length);
  });

  test('registry: the version with a FIFO meta.yaml and the looping alias folder cost only themselves', HANG_GUARD, async () => {
    const models = await store.searchRegisteredModels();
    assert.deepEqual(models.map((m) => m.name).sort(), ['forecaster', 'iris-model']);
    const versions = await store.listModelVersions('iris-model');
    assert.deepEqual(versions.map((v) => v.version), ['1', '2']);
    assert.match(problemAt(join(root, 'models', 'iris-model', 'version-3', 'meta.yaml'))!.message, /a FIFO/);
    assert.ok(problemAt(join(root, 'models', 'iris-model', 'aliases')));
    assert.match(problemAt(join(root, 'models', 'forecaster', 'tags'))!.message, /expected a folder/);
    assert.deepEqual((await store.listModelVersions('forecaster')).map((v) => v.version), ['1']);
  });

  test('the writer logging a param whose file is /dev/zero gets an error naming it, not a 6 GB read', HANG_GUARD, async () => {
    const writer = new FileStore(root);
    await assert.rejects(
      writer.logBatch(runByName('trial-1').run_id, { params: [{ key: 'lr', value: '0.5' }] }),
      (e: Error) => e.message.includes(join(runDir('trial-1'), 'params', 'lr')) && /a character device, not a regular file/.test(e.message),
    );
  });

  test('the whole store was read in bounded memory', () => {
    // /dev/zero passed 6 GB before; now nothing here reads more than a few MB.
    assert.ok(process.memoryUsage().rss < 1 * GB, `rss ${process.memoryUsage().rss}`);
  });
});
