import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ReadProblem } from '../../../extension/core/store/errors';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { copyFixtureStore, loadExpected } from '../../support/fixture';

/**
 * Damaged stores: each broken item is skipped or marked, its path and reason reported, and
 * everything else still loads. The damage is done to a private copy of the fixture.
 */

const expected = loadExpected();
const runByName = (name: string) => expected.runs.find((r) => r.run_name === name)!;

describe('file store with bad input', () => {
  let root: string;
  const problems: ReadProblem[] = [];
  let store: FileStoreReader;
  const runDir = (name: string) => join(root, runByName(name).experiment_id, runByName(name).run_id);

  after(() => rmSync(dirname(root), { recursive: true, force: true }));

  before(() => {
    root = copyFixtureStore();
    store = new FileStoreReader(root, { onProblem: (p) => problems.push(p) });
    // 1. corrupt meta.yaml of one run
    writeFileSync(join(runDir('trial-0'), 'meta.yaml'), 'run_id: [unclosed\n  : : :');
    // 2. truncated last line of a metric file (a writer died mid-line)
    appendFileSync(join(runDir('prophet-baseline'), 'metrics', 'mape'), '17000009');
    // 3. non-numeric metric line
    writeFileSync(join(runDir('lstm-diverged'), 'metrics', 'broken'), '1700000000000 abc 0\n');
    // 4. run folder without meta.yaml (half-written run)
    mkdirSync(join(root, runByName('arima-live').experiment_id, 'ffffffffffffffffffffffffffffffff', 'metrics'), { recursive: true });
    // 5. missing artifacts folder
    rmSync(join(runDir('killed-run'), 'artifacts'), { recursive: true, force: true });
    // 6. unreadable tag file (a symlink loop fails to open, even for root)
    const loop = join(runDir('trial-1'), 'tags', 'looping');
    symlinkSync(loop, loop);
    // 7. experiment meta.yaml that is empty
    mkdirSync(join(root, '999'), { recursive: true });
    writeFileSync(join(root, '999', 'meta.yaml'), '');
    // 8. a metric file whose line has the wrong number of fields
    writeFileSync(join(runDir('trial-2'), 'metrics', 'fourfields'), '1 2 3 4\n');
  });

  test('the corrupt run is skipped and reported with its path; the others still load', async () => {
    const exps = await store.searchExperiments();
    const runs = await store.searchRuns({ experimentIds: exps.map((e) => e.experimentId) });
    const names = runs.map((r) => r.info.runName);
    assert.ok(!names.includes('trial-0'));
    for (const n of ['trial-1', 'trial-2', 'tune-hyperparams', 'prophet-baseline', 'lstm-diverged', 'killed-run']) assert.ok(names.includes(n), n);
    assert.equal(runs.length, expected.active_runs.length - 1);
    const p = problems.find((x) => x.location === join(runDir('trial-0'), 'meta.yaml'));
    assert.ok(p, JSON.stringify(problems, null, 1));
    assert.match(p.message, /invalid YAML|not a mapping|does not match/);
  });

  test('a truncated metric line: the metric is reported, the run keeps its other data', async () => {
    const run = await store.getRun(runByName('prophet-baseline').run_id);
    assert.equal(run.data.params.model, 'prophet');
    const p = problems.find((x) => x.location.endsWith(join('metrics', 'mape')) && x.location.includes(runByName('prophet-baseline').run_id));
    assert.ok(p);
    assert.match(p.message, /metric 'mape' skipped: line 1001 has 1 fields/);
    // History of a damaged file is an error naming the file, not a silent partial answer.
    await assert.rejects(store.getMetricHistory(runByName('prophet-baseline').run_id, 'mape'), /metric file .*mape is corrupt: line 1001/);
  });

  test('a non-numeric value names the line and the value', async () => {
    const run = await store.getRun(runByName('lstm-diverged').run_id);
    assert.equal(run.data.metrics.mape.value, 55.5);
    assert.ok(!('broken' in run.data.metrics));
    assert.ok(problems.some((x) => x.location.endsWith('broken') && /value 'abc' is not a number/.test(x.message)));
  });

  test('wrong field count is reported', async () => {
    await store.getRun(runByName('trial-2').run_id);
    assert.ok(problems.some((x) => x.location.endsWith('fourfields') && /4 fields/.test(x.message)));
  });

  test('a run folder without meta.yaml is reported as half-written and skipped', () => {
    assert.ok(problems.some((x) => x.location.endsWith('ffffffffffffffffffffffffffffffff') && /no meta.yaml/.test(x.message)));
  });

  test('a missing artifacts folder lists as empty', async () => {
    assert.deepEqual(await store.listArtifacts(runByName('killed-run').run_id), []);
  });

  test('an unreadable tag file is reported; the other tags load', async () => {
    const run = await store.getRun(runByName('trial-1').run_id);
    assert.equal(run.data.tags.stage, 'trial');
    assert.ok(problems.some((x) => x.location.endsWith(join('tags', 'looping'))));
  });

  test('an empty experiment meta.yaml is reported and skipped', async () => {
    const exps = await store.searchExperiments();
    assert.ok(!exps.some((e) => e.experimentId === '999'));
    assert.ok(problems.some((x) => x.location === join(root, '999', 'meta.yaml')));
  });

  test('nothing was written to the damaged store', () => {
    // The reader never repairs what MLflow owns: the corrupt file is still as we left it.
    assert.equal(readFileSync(join(runDir('trial-0'), 'meta.yaml'), 'utf8'), 'run_id: [unclosed\n  : : :');
    assert.ok(readdirSync(root).includes('999'));
  });
});
