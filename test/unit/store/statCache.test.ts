import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { ABSENT, NOT_READ, StatCache } from '../../../extension/core/store/statCache';
import { copyFixtureStore, loadExpected } from '../../support/fixture';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('StatCache parses once while the stat is unchanged, again after an append or a replace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-statcache-'));
  dirs.push(dir);
  const p = join(dir, 'f');
  writeFileSync(p, 'a');
  const cache = new StatCache();
  let parses = 0;
  const read = () => cache.get(p, 'text', (b) => (parses++, b.toString()));
  assert.equal(await read(), 'a');
  assert.equal(await read(), 'a');
  assert.equal(parses, 1);
  appendFileSync(p, 'b');
  assert.equal(await read(), 'ab');
  assert.equal(parses, 2);
  // Same size, new inode: how MLflow replaces meta.yaml (write a temp file, move it over).
  writeFileSync(join(dir, 'tmp'), 'xy');
  renameSync(join(dir, 'tmp'), p);
  assert.equal(await read(), 'xy');
  assert.equal(parses, 3);
  // Another parse of the same path is not served from the first one's entry.
  assert.equal(await cache.get(p, 'length', (b) => b.length), 2);
  rmSync(p);
  await assert.rejects(read(), { code: 'ENOENT' });
});

test('FileStoreReader sees appended metric points, new tags and rewritten meta.yaml on the next listing', async () => {
  const root = copyFixtureStore();
  dirs.push(join(root, '..'));
  const exp = loadExpected();
  const run = exp.runs.find((r) => r.lifecycle_stage === 'active' && Object.keys(r.metrics).length > 0)!;
  const key = Object.keys(run.metrics)[0];
  const store = new FileStoreReader(root);
  const list = async () => (await store.searchRuns({ experimentIds: [run.experiment_id] })).find((r) => r.info.runId === run.run_id)!;
  const before = await list();
  assert.equal(before.data.metrics[key].step, run.metrics[key].step);
  const runDir = join(root, run.experiment_id, run.run_id);
  appendFileSync(join(runDir, 'metrics', key), `1900000000000 123.5 ${run.metrics[key].step + 1000}\n`);
  writeFileSync(join(runDir, 'tags', 'added.later'), 'yes');
  const again = await list();
  assert.deepEqual(again.data.metrics[key], { key, value: 123.5, timestamp: 1900000000000, step: run.metrics[key].step + 1000 });
  assert.equal(again.data.tags['added.later'], 'yes');
  // Callers may change what they get without changing what the cache holds.
  again.data.metrics[key].value = -1;
  assert.equal((await list()).data.metrics[key].value, 123.5);
});

test('StatCache synchronous reads: remembered like get, ABSENT without an exception, FIFOs refused, long files left to the async path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-statcache-'));
  dirs.push(dir);
  const p = join(dir, 'f');
  writeFileSync(p, 'abc');
  const cache = new StatCache();
  let parses = 0;
  const text = (b: Buffer) => (parses++, b.toString());
  assert.equal(cache.getSync(p, 'text', text), 'abc');
  assert.equal(cache.getSyncIfExists(p, 'text', text), 'abc');
  assert.equal(parses, 1);
  writeFileSync(join(dir, 'tmp'), 'xyz');
  renameSync(join(dir, 'tmp'), p);
  assert.equal(cache.getSync(p, 'text', text), 'xyz');
  assert.equal(parses, 2);
  assert.equal(cache.getSyncIfExists(join(dir, 'missing'), 'text', text), ABSENT);
  assert.throws(() => cache.getSync(join(dir, 'missing'), 'text', text), { code: 'ENOENT' });
  assert.throws(() => cache.getSyncIfExists(join(p, 'below-a-file'), 'text', text), { code: 'ENOTDIR' });
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  assert.throws(() => cache.getSync(join(dir, 'fifo'), 'text', text), /a FIFO \(named pipe\), not a regular file; not read/);
  assert.throws(() => cache.getSync(dir, 'text', text), { code: 'EISDIR' });
  // Larger than the synchronous limit: not read at all; over the hard limit: refused with its size.
  writeFileSync(join(dir, 'long'), Buffer.alloc(100_000, 0x31));
  assert.equal(cache.getSmallSync(join(dir, 'long'), 'n', (b) => b.length, 64 * 1024, 1024 * 1024, 'one metric file'), NOT_READ);
  assert.equal(cache.getSmallSync(join(dir, 'long'), 'n', (b) => b.length, 1024 * 1024, 1024 * 1024, 'one metric file'), 100_000);
  assert.throws(() => cache.getSmallSync(join(dir, 'long'), 'm', (b) => b.length, 1024, 50_000, 'one metric file'), /97.7 KiB, over the 48.8 KiB limit for one metric file/);
  assert.equal(parses, 2);
});
