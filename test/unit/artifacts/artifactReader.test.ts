import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArtifactAccessError, ArtifactReader } from '../../../extension/core/artifacts/artifactReader';
import { MAX_TEXT_ARTIFACT_BYTES } from '../../../extension/core/artifacts/artifactContent';
import type { ArtifactEntry } from '../../../extension/core/model/entities';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import type { TrackingReader } from '../../../extension/core/store/trackingStore';
import { fixtureStore, loadExpected } from '../../support/fixture';

const expected = loadExpected();
const store = new FileStoreReader(fixtureStore);
const runId = expected.parent_run_id;
const reader = new ArtifactReader(() => ({ uri: store.uri, store }));
const ref = (path: string) => ({ store: store.uri, runId, path });
const asExpected = (es: ArtifactEntry[]) => es.map((a) => ({ path: a.path, is_dir: a.isDir, file_size: a.fileSize ?? null }));

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ArtifactAccessError, String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('stat, list and read a run written by mlflow, through the store', async () => {
  assert.deepEqual(await reader.stat(ref('')), { isDir: true, size: 0 });
  assert.deepEqual(asExpected(await reader.list(ref(''))), expected.artifacts.root);
  assert.deepEqual(asExpected(await reader.list(ref('plots'))), expected.artifacts.plots);
  assert.deepEqual(await reader.stat(ref('config')), { isDir: true, size: 0 });
  const yaml = expected.artifacts.config[0];
  assert.deepEqual(await reader.stat(ref(yaml.path)), { isDir: false, size: yaml.file_size });
  assert.equal(Buffer.from(await reader.read(ref(yaml.path))).toString('utf8'), 'grid: [0.1, 0.05, 0.01]\n');
  const png = await reader.read(ref('plots/loss.png'));
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
});

test('missing artifacts, runs and folders read as files are told apart', async () => {
  await rejectsWith(reader.stat(ref('nope.txt')), 'notFound', /nope\.txt/);
  await rejectsWith(reader.read(ref('config')), 'isADirectory');
  await rejectsWith(reader.read(ref('')), 'isADirectory');
  await rejectsWith(reader.stat({ store: store.uri, runId: 'f'.repeat(32), path: '' }), 'notFound');
});

test('paths with .. never reach the store', async () => {
  let calls = 0;
  const spy = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (...args: unknown[]) => (calls++, v.apply(target, args)) : v;
    },
  });
  const r = new ArtifactReader(() => ({ uri: store.uri, store: spy }));
  for (const bad of ['../meta.yaml', 'config/../../meta.yaml', '..', 'a/./b']) {
    await rejectsWith(r.stat(ref(bad)), 'invalid');
    await rejectsWith(r.read(ref(bad)), 'invalid');
    await rejectsWith(r.list(ref(bad)), 'invalid');
  }
  assert.equal(calls, 0);
});

test('artifacts of another store are refused, not read from the open one', async () => {
  const r = new ArtifactReader(() => ({ uri: 'http://127.0.0.1:5000', store }));
  await rejectsWith(r.stat(ref('labels.json')), 'unavailable', /belongs to the store file:/);
  await rejectsWith(new ArtifactReader(() => undefined).stat(ref('labels.json')), 'unavailable', /No MLflow tracking store is open/);
});

/** A store whose listing says one thing and whose files say another, as a running run's can. */
function storeWith(files: Record<string, number>, actual: Record<string, number> = files): TrackingReader & { reads: number } {
  const s = {
    uri: 'mem://s',
    kind: 'file' as const,
    reads: 0,
    async getRun() {
      return {} as never;
    },
    async listArtifacts(_r: string, path = '') {
      return Object.entries(files)
        .filter(([p]) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') === path)
        .map(([p, size]) => ({ path: p, isDir: false, fileSize: size }));
    },
    async readArtifact(_r: string, path: string) {
      s.reads++;
      return new Uint8Array(actual[path]);
    },
  };
  return s as unknown as TrackingReader & { reads: number };
}

test('the size bound holds before reading (listed size) and after (a file that grew)', async () => {
  const big = MAX_TEXT_ARTIFACT_BYTES + 1;
  const s = storeWith({ 'big.csv': big, 'grew.txt': 10, 'ok.txt': 10 }, { 'big.csv': big, 'grew.txt': big, 'ok.txt': 10 });
  const r = new ArtifactReader(() => ({ uri: s.uri, store: s }));
  const at = (path: string) => ({ store: s.uri, runId: 'r', path });
  await rejectsWith(r.read(at('big.csv')), 'tooLarge', /10\.0 MB/);
  assert.equal(s.reads, 0, 'an oversized file is not read at all');
  await rejectsWith(r.read(at('grew.txt')), 'tooLarge');
  assert.equal((await r.read(at('ok.txt'))).length, 10);
  await r.read(at('ok.txt'));
  assert.equal(s.reads, 2, 'a second read of the same file within the cache time is served from memory');
  r.clear();
  await r.read(at('ok.txt'));
  assert.equal(s.reads, 3);
});
