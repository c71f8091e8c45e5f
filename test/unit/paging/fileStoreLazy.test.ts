import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ReadProblem as Problem } from '../../../extension/core/store/errors';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import type { Run } from '../../../extension/core/model/entities';
import { copyFixtureStore } from '../../support/fixture';

/**
 * What the file store's paged search reads, seen through the problems it reports on real files
 * (a copy of the fixture store written by mlflow): a corrupt metric file is only met when the search
 * needs that metric or the run is on the page.
 */

async function setup() {
  const root = copyFixtureStore();
  const problems: Problem[] = [];
  const store = new FileStoreReader(root, { onProblem: (p) => problems.push(p) });
  const experimentIds = (await store.searchExperiments()).map((e) => e.experimentId);
  const all = await store.searchRuns({ experimentIds });
  return { root, problems, store, experimentIds, all };
}

function runDir(root: string, run: Run): string {
  return join(root, run.info.experimentId, run.info.runId);
}

test('the first page does not read the other runs’ params, tags or metrics', async () => {
  const { root, problems, store, experimentIds, all } = await setup();
  const last = all[all.length - 1];
  const metricsDir = join(runDir(root, last), 'metrics');
  const key = readdirSync(metricsDir).find((f) => !f.startsWith('.'));
  assert.ok(key, `run ${last.info.runId} has no metric file`);
  writeFileSync(join(metricsDir, key), 'not a metric line\n');
  problems.length = 0;

  const first = await store.searchRunsPage({ experimentIds, maxResults: 2 });
  assert.deepEqual(first.runs.map((r) => r.info.runId), all.slice(0, 2).map((r) => r.info.runId));
  assert.deepEqual(problems, [], 'a run off the page was read in full');

  // Ordering by that metric must read it for every run, and so meets the damage.
  await store.searchRunsPage({ experimentIds, maxResults: 2, orderBy: [`metrics.\`${key}\` DESC`] });
  assert.ok((problems as Problem[]).some((p) => p.location === join(metricsDir, key)), JSON.stringify(problems));

  // The page that holds the run reads it in full.
  problems.length = 0;
  const tail = await store.searchRunsPage({ experimentIds, maxResults: 1, pageToken: Buffer.from(`{"offset": ${all.length - 1}}`).toString('base64') });
  assert.deepEqual(tail.runs.map((r) => r.info.runId), [last.info.runId]);
  assert.ok((problems as Problem[]).some((p) => p.location === join(metricsDir, key)), JSON.stringify(problems));
});

test('a run folder removed between the listing and the page read is skipped and reported', async () => {
  const { root, experimentIds, all } = await setup();
  const victim = all[1];
  const problems: Problem[] = [];
  class RemovingReader extends FileStoreReader {
    protected override async selectRuns(...args: Parameters<FileStoreReader['selectRuns']>) {
      const selected = await super.selectRuns(...args);
      rmSync(runDir(root, victim), { recursive: true });
      return selected;
    }
  }
  const store = new RemovingReader(root, { onProblem: (p) => problems.push(p) });
  const page = await store.searchRunsPage({ experimentIds, maxResults: 3 });
  assert.deepEqual(page.runs.map((r) => r.info.runId), [all[0], all[2]].map((r) => r.info.runId));
  assert.ok(page.nextPageToken, 'more runs follow');
  assert.deepEqual(problems, [{ location: runDir(root, victim), message: 'run folder disappeared while listing; skipped' }]);
  // The next listing no longer has it, and the token's offset counts from there, as MLflow's does.
  const next = await new FileStoreReader(root).searchRunsPage({ experimentIds, maxResults: 3, pageToken: page.nextPageToken });
  assert.equal(next.runs[0]?.info.runId, all[4]?.info.runId);
});

test('a key file found missing is remembered only while its folder is unchanged: a tag, param or metric added later is found', async () => {
  const { root, store, experimentIds, all } = await setup();
  const run = all[0];
  for (const [kind, filter, content] of [
    ['tags', "tags.added_later = 'yes'", 'yes'],
    ['params', "params.added_later = '7'", '7'],
    ['metrics', 'metrics.added_later > 1', '1700000000000 2.5 0\n'],
  ] as const) {
    // Twice: the second search answers from the remembered absences (synchronous stats).
    for (let i = 0; i < 2; i++) assert.deepEqual((await store.searchRunsPage({ experimentIds, maxResults: 50, filter })).runs, [], `${filter} before`);
    writeFileSync(join(runDir(root, run), kind, 'added_later'), content);
    const after = await store.searchRunsPage({ experimentIds, maxResults: 50, filter });
    assert.deepEqual(after.runs.map((r) => r.info.runId), [run.info.runId], `${filter} after the ${kind} file was written`);
  }
  // The Experiments view's top level: runs without mlflow.parentRunId, the same on every repeat.
  const top = (await store.searchRunsPage({ experimentIds, maxResults: 1000, filter: 'tags.mlflow.parentRunId IS NULL' })).runs.map((r) => r.info.runId);
  assert.deepEqual(top, all.filter((r) => !r.data.tags['mlflow.parentRunId']).map((r) => r.info.runId));
  const again = (await store.searchRunsPage({ experimentIds, maxResults: 1000, filter: 'tags.mlflow.parentRunId IS NULL' })).runs.map((r) => r.info.runId);
  assert.deepEqual(again, top);
});

/** The page's synchronous and asynchronous reads, exposed for comparison. */
class ReadBoth extends FileStoreReader {
  sync(path: string) {
    return this.readRunDataSync(path);
  }
  async(path: string) {
    return this.readRunData(path);
  }
}

test('a page run read with synchronous calls equals the async read: the same data, the same problems, once', async () => {
  const { root, all } = await setup();
  const [a, b, c, d] = all.map((r) => runDir(root, r));
  // Damage of every kind the page meets: a FIFO tag, a nested param key, a folder where a param file
  // is listed as a key, a corrupt metric, a metric folder that is a file, and an empty metric file.
  execFileSync('mkfifo', [join(a, 'tags', 'pipe')]);
  mkdirSync(join(a, 'params', 'nested', 'deeper'), { recursive: true });
  writeFileSync(join(a, 'params', 'nested', 'deeper', 'key'), 'v');
  writeFileSync(join(b, 'metrics', 'corrupt'), 'not a metric line\n');
  writeFileSync(join(b, 'metrics', 'empty'), '');
  rmSync(join(c, 'metrics'), { recursive: true, force: true });
  writeFileSync(join(c, 'metrics'), 'a file where a folder belongs');
  rmSync(join(d, 'tags'), { recursive: true, force: true });
  const runs = all.map((r) => runDir(root, r));
  for (const path of runs) {
    const p1: Problem[] = [];
    const p2: Problem[] = [];
    const data = new ReadBoth(root, { onProblem: (p) => p1.push(p) }).sync(path);
    assert.notEqual(typeof data, 'symbol', `${path} was left to the async path`);
    assert.deepEqual(data, await new ReadBoth(root, { onProblem: (p) => p2.push(p) }).async(path), path);
    const key = (p: Problem) => `${p.location} ${p.message}`;
    assert.deepEqual(p1.map(key).sort(), p2.map(key).sort(), path);
  }
});

test('a page run with a long metric history or a linked key is read by the async path, and the page is the same', async () => {
  const { root, store, experimentIds, all } = await setup();
  const run = runDir(root, all[0]);
  // 300 KB of history: over what the synchronous page read takes on.
  const lines = Array.from({ length: 12_000 }, (_, i) => `${1700000000000 + i} ${i / 7} ${i}`).join('\n') + '\n';
  writeFileSync(join(run, 'metrics', 'long'), lines);
  assert.ok(statSync(join(run, 'metrics', 'long')).size > 256 * 1024);
  const reader = new ReadBoth(root);
  assert.equal(typeof reader.sync(run), 'symbol');
  const other = runDir(root, all[1]);
  symlinkSync(join(other, 'meta.yaml'), join(other, 'params', 'linked'));
  assert.equal(typeof reader.sync(other), 'symbol');
  const page = await store.searchRunsPage({ experimentIds, maxResults: 2 });
  assert.deepEqual(page.runs[0].data.metrics.long, { key: 'long', value: 11_999 / 7, timestamp: 1700000000000 + 11_999, step: 11_999 });
  assert.equal(page.runs[1].data.params.linked, readFileSync(join(other, 'meta.yaml'), 'utf8'));
});

test('run folders are listed again when the experiment folder changes, and a listing made in the same instant as a change is not trusted', async () => {
  const { root, store, experimentIds, all } = await setup();
  const run = all[0];
  const expDir = join(root, run.info.experimentId);
  const ids = async () => (await store.searchRuns({ experimentIds })).map((r) => r.info.runId).sort();
  const copyRun = (newId: string) => {
    cpSync(runDir(root, run), join(expDir, newId), { recursive: true });
    const meta = join(expDir, newId, 'meta.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').split(run.info.runId).join(newId));
  };
  // An old folder: its listing is remembered; a new run folder changes its mtime and is found.
  const old = new Date(Date.now() - 3_600_000);
  utimesSync(expDir, old, old);
  const before = await ids();
  assert.deepEqual(await ids(), before);
  copyRun('a'.repeat(32));
  assert.ok((await ids()).includes('a'.repeat(32)));
  // A folder changed just now: even if its mtime does not move again (a coarse clock), the next
  // run folder must be found, so that listing was not remembered.
  const now = new Date();
  utimesSync(expDir, now, now);
  await ids();
  copyRun('b'.repeat(32));
  utimesSync(expDir, now, now);
  assert.ok((await ids()).includes('b'.repeat(32)));
});
