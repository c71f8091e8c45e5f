import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { downloadArtifacts } from '../../../extension/core/store/artifactDownload';
import { isStoreError, type StoreErrorCode } from '../../../extension/core/store/errors';
import { runStoreOperation, type RequestEvent } from '../../../extension/core/store/operation';
import { restOptionsFromEnv, type RestOptions } from '../../../extension/core/store/rest/restOptions';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { hang, json, manyRuns, paddedBody, slowloris, startHostilePeer, stream, type HostilePeer, type Route } from '../../support/hostileServer';
import { repoRoot } from '../../support/python';

/**
 * The REST client against a hostile server on 127.0.0.1: every attack must end with a StoreError
 * that names the URL, well within a minute and a gigabyte. Limits are set small through the same
 * options the extension and `mlwb` set from settings and environment, so the suite stays quick;
 * the default body cap is exercised in a child process, where a crash could not take the runner down.
 */

const API = '/api/2.0/mlflow';
const execFileP = promisify(execFile);
const peers: HostilePeer[] = [];
const stores: RestStore[] = [];

after(async () => {
  for (const s of stores) await s.close();
  for (const p of peers) await p.close();
});

async function peer(routes: Record<string, Route>): Promise<HostilePeer> {
  const p = await startHostilePeer(routes);
  peers.push(p);
  return p;
}

function store(p: HostilePeer, opts: RestOptions = {}): RestStore {
  const s = new RestStore(p.url, { maxRetries: 0, ...opts });
  stores.push(s);
  return s;
}

/** Asserts the call fails with `code`, a message naming `url` and matching `re`, and returns the time it took. */
async function fails(call: Promise<unknown>, code: StoreErrorCode, url: string, re?: RegExp): Promise<number> {
  const t0 = Date.now();
  await assert.rejects(call, (e: unknown) => {
    assert.ok(isStoreError(e), `a StoreError, not ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.includes(url), `names ${url}: ${e.message}`);
    if (re) assert.match(e.message, re);
    return true;
  });
  return Date.now() - t0;
}

async function child(url: string, what: 'experiments' | 'runs', opts: RestOptions = {}) {
  const { stdout } = await execFileP(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/support/hostileClient.ts'), url, what, JSON.stringify(opts)], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 60_000,
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; code?: string; message?: string; ms: number; rssMax: number };
}

const GB = 1024 ** 3;

describe('bounded size', () => {
  test('a 2 GB body stops at the default 256 MB cap, in a child process that stays under 1 GB', async () => {
    const p = await peer({ [`${API}/experiments/search`]: paddedBody(2 * GB) });
    const r = await child(p.url, 'experiments');
    assert.equal(r.ok, false);
    assert.equal(r.code, 'RESOURCE_EXHAUSTED', r.message);
    assert.match(r.message!, new RegExp(`^${p.url}${API}/experiments/search: the answer is larger than 256 MB`));
    assert.match(r.message!, /mlflow\.maxResponseMB/);
    assert.ok(r.rssMax < GB, `rss ${Math.round(r.rssMax / 1024 / 1024)} MB`);
    assert.ok(r.ms < 60_000);
    assert.ok(p.written[0] < 400 * 1024 * 1024, `the socket was closed soon after the cap (${p.written[0]} bytes written)`);
  });

  test('a Content-Length over the cap is refused before the body is read', async () => {
    const p = await peer({
      [`${API}/experiments/search`]: (_q, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(3 * GB) });
        res.write('{"experiments":[');
      },
    });
    await fails(store(p).searchExperiments(), 'RESOURCE_EXHAUSTED', `${p.url}${API}/experiments/search`, /announces 3072 MB/);
  });

  test('an endless chunked stream ends at the cap (set small here)', async () => {
    const p = await peer({ [`${API}/experiments/search`]: paddedBody(undefined) });
    const ms = await fails(store(p, { maxResponseBytes: 8 * 1024 * 1024 }).searchExperiments(), 'RESOURCE_EXHAUSTED', `${p.url}${API}/experiments/search`, /larger than 8 MB/);
    assert.ok(ms < 30_000);
  });

  test('artifacts are capped too', async () => {
    const p = await peer({ '/get-artifact': stream('', () => Buffer.alloc(1024 * 1024, 1)) });
    await fails(store(p, { maxResponseBytes: 4 * 1024 * 1024 }).readArtifact('r1', 'model.bin'), 'RESOURCE_EXHAUSTED', `${p.url}/get-artifact`, /larger than 4 MB/);
  });

  test('a million runs in one page: refused after the page size asked for, in a child process under 1 GB', async () => {
    const p = await peer({ [`${API}/runs/search`]: manyRuns(1_000_000) });
    const r = await child(p.url, 'runs');
    assert.equal(r.code, 'RESOURCE_EXHAUSTED', r.message);
    assert.match(r.message!, new RegExp(`^${p.url}${API}/runs/search: the answer lists more than the 1000 items asked for`));
    assert.ok(r.rssMax < GB);
    assert.ok(p.written[0] < 64 * 1024 * 1024, `stopped early (${p.written[0]} bytes written)`);
  });

  test('a page with one item more than asked for is refused; exactly as many is fine', async () => {
    const runsOf = (n: number) => ({ runs: Array.from({ length: n }, (_, i) => ({ info: { run_id: `r${i}`, experiment_id: '0' }, data: { tags: [{ key: 'a,]}[{', value: '"]' }] } })) });
    const p = await peer({ [`${API}/runs/search`]: (req, res, body) => json(runsOf((JSON.parse(body) as { max_results: number }).max_results + (p.hits.length > 1 ? 1 : 0)))(req, res, body) });
    const s = store(p);
    assert.equal((await s.searchRunsPage({ experimentIds: ['0'], maxResults: 5 })).runs.length, 5);
    await fails(s.searchRunsPage({ experimentIds: ['0'], maxResults: 5 }), 'RESOURCE_EXHAUSTED', `${p.url}${API}/runs/search`, /more than the 5 items/);
  });
});

describe('bounded time', () => {
  test('slowloris: a byte every 500 ms still fails at the per-request deadline (it covers the whole body)', async () => {
    const p = await peer({ [`${API}/experiments/search`]: slowloris(500) });
    const ms = await fails(store(p, { timeoutMs: 2000 }).searchExperiments(), 'DEADLINE_EXCEEDED', `${p.url}${API}/experiments/search`, /no complete answer within 2 s \(MLFLOW_HTTP_REQUEST_TIMEOUT\)/);
    assert.ok(ms >= 1900 && ms < 10_000, `${ms} ms`);
  });

  test('a hanging server with retries ends at the operation deadline, and retries are reported', async () => {
    const p = await peer({ [`${API}/runs/search`]: hang });
    const events: RequestEvent[] = [];
    const s = store(p, { maxRetries: 7, timeoutMs: 1000, backoffFactor: 0.1, backoffJitter: 0, operationTimeoutMs: 3000, onRequestEvent: (e) => events.push(e) });
    const ms = await fails(s.searchRuns({ experimentIds: ['0'] }), 'DEADLINE_EXCEEDED', `${p.url}${API}/runs/search`, /MLWB_OPERATION_TIMEOUT/);
    assert.ok(ms < 6000, `${ms} ms`);
    const retrying = events.filter((e) => e.kind === 'retrying');
    assert.ok(retrying.length >= 1);
    assert.deepEqual(
      { ...retrying[0], delayMs: 0 },
      { kind: 'retrying', url: `${p.url}${API}/runs/search`, attempt: 1, maxRetries: 7, reason: 'no complete answer within 1 s (MLFLOW_HTTP_REQUEST_TIMEOUT)', delayMs: 0 },
    );
    assert.deepEqual(events[events.length - 1], { kind: 'settled', url: `${p.url}${API}/runs/search`, ok: false });
  });

  test('connect to a server that never answers is cut at the operation deadline, even inside a longer request timeout', async () => {
    const p = await peer({ [`${API}/experiments/search`]: hang });
    const t0 = Date.now();
    await assert.rejects(RestStore.connect(p.url, { timeoutMs: 20_000, operationTimeoutMs: 1000 }), (e: unknown) => {
      assert.ok(isStoreError(e, 'DEADLINE_EXCEEDED'));
      assert.equal(e.message, `${p.url}${API}/experiments/search: no complete answer yet; stopped at the operation's deadline (MLWB_OPERATION_TIMEOUT / mlflow.operationTimeoutSeconds)`);
      return true;
    });
    assert.ok(Date.now() - t0 < 5000);
  });

  test('a 500 loop gives up when the next backoff would pass the deadline, not after 4 minutes', async () => {
    const p = await peer({ [`${API}/runs/search`]: json({ error_code: 'INTERNAL_ERROR', message: 'boom' }, 500) });
    const s = store(p, { maxRetries: 7, backoffFactor: 1, backoffJitter: 0, operationTimeoutMs: 4000 });
    const ms = await fails(s.searchRuns({ experimentIds: ['0'] }), 'INTERNAL_ERROR', p.url, /boom \(INTERNAL_ERROR from .*\); gave up after \d attempts in .* s: the next retry would pass the operation's deadline/);
    // Waits 0, 2 s; the next (4 s) would pass 4 s.
    assert.ok(ms < 4000, `${ms} ms`);
    assert.equal(p.hits.length, 3);
  });

  test('a retry that succeeds clears the state with a settled/ok event', async () => {
    let n = 0;
    const p = await peer({ [`${API}/experiments/search`]: (q, res, b) => (n++ === 0 ? json('oops', 503)(q, res, b) : json({ experiments: [] })(q, res, b)) });
    const events: RequestEvent[] = [];
    await runStoreOperation({ onRequestEvent: (e) => events.push(e) }, () => store(p, { maxRetries: 2 }).searchExperiments());
    assert.deepEqual(
      events.map((e) => e.kind + (e.kind === 'retrying' ? `:${e.reason}` : `:${e.ok}`)),
      ['retrying:HTTP 503', 'settled:true'],
    );
  });

  test('cancel: an AbortSignal ends a hanging request and a backoff wait at once', async () => {
    const p = await peer({ [`${API}/runs/search`]: hang, [`${API}/experiments/search`]: json('x', 503) });
    const s = store(p, { maxRetries: 5, backoffFactor: 10 });
    const c1 = new AbortController();
    setTimeout(() => c1.abort(), 200);
    const ms1 = await fails(runStoreOperation({ signal: c1.signal }, () => s.searchRuns({ experimentIds: ['0'] })), 'CANCELLED', `${p.url}${API}/runs/search`);
    assert.ok(ms1 < 3000);
    const c2 = new AbortController();
    setTimeout(() => c2.abort(), 300);
    const events: RequestEvent[] = [];
    const ms2 = await fails(runStoreOperation({ signal: c2.signal, onRequestEvent: (e) => events.push(e) }, () => s.searchExperiments()), 'CANCELLED', `${p.url}${API}/experiments/search`);
    assert.ok(ms2 < 3000);
    // Cancelled in the middle of a backoff wait: the "retrying…" state is still cleared.
    assert.deepEqual(events.map((e) => e.kind), ['retrying', 'retrying', 'settled']);
  });

  test('MLflow variables: timeout, retries, backoff and jitter are read; values MLflow refuses are refused', () => {
    assert.deepEqual(
      restOptionsFromEnv({ MLFLOW_HTTP_REQUEST_TIMEOUT: '7', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '3', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '1', MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0.5', MLWB_OPERATION_TIMEOUT: '30', MLWB_MAX_RESPONSE_MB: '64' }),
      { timeoutMs: 7000, maxRetries: 3, backoffFactor: 1, backoffJitter: 0.5, operationTimeoutMs: 30_000, maxResponseBytes: 64 * 1024 * 1024 },
    );
    assert.throws(() => restOptionsFromEnv({ MLFLOW_HTTP_REQUEST_MAX_RETRIES: '11' }), /in excess|up to 10/);
    assert.throws(() => restOptionsFromEnv({ MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '121' }), /at most 120/);
    assert.throws(() => restOptionsFromEnv({ MLWB_MAX_RESPONSE_MB: '4096' }), /between 1 and 512 MB/);
    assert.throws(() => restOptionsFromEnv({ MLFLOW_HTTP_REQUEST_TIMEOUT: '0' }), /more than 0/);
  });
});

describe('page-token loops', () => {
  const page = (items: unknown[], token?: string) => ({ experiments: items, next_page_token: token });
  const exp = (i: number) => ({ experiment_id: String(i), name: `e${i}` });

  test('a token that comes back is a loop naming the URL', async () => {
    let i = 0;
    const p = await peer({ [`${API}/experiments/search`]: (q, r, b) => json(page([exp(i++)], i % 2 ? 'A' : 'B'))(q, r, b) });
    await fails(store(p).searchExperiments(), 'CORRUPT_DATA', `${p.url}${API}/experiments/search`, /page-token loop: the server sent page token "A" a second time \(on page 3\)/);
    assert.equal(p.hits.length, 3);
  });

  test('fresh tokens on empty pages forever: stopped after 20 empty pages', async () => {
    let i = 0;
    const p = await peer({ [`${API}/registered-models/search`]: (q, r, b) => json({ next_page_token: `t${i++}` })(q, r, b) });
    await fails(store(p).searchRegisteredModels(), 'CORRUPT_DATA', `${p.url}${API}/registered-models/search`, /20 empty pages in a row/);
    assert.equal(p.hits.length, 20);
  });

  test('fresh tokens on full pages forever: stopped at the page limit', async () => {
    let i = 0;
    const p = await peer({
      [`${API}/metrics/get-history`]: (q, r, b) => json({ metrics: [{ key: 'm', value: i, step: i, timestamp: 0 }], next_page_token: `t${i++}` })(q, r, b),
    });
    await fails(store(p, { maxPages: 50 }).getMetricHistory('r1', 'm'), 'CORRUPT_DATA', `${p.url}${API}/metrics/get-history`, /still paging after 50 pages/);
  });

  test('searchRunsPage: a next token equal to the one sent is a loop', async () => {
    const p = await peer({ [`${API}/runs/search`]: json({ runs: [], next_page_token: 'same' }) });
    await fails(store(p).searchRunsPage({ experimentIds: ['0'], maxResults: 10, pageToken: 'same' }), 'CORRUPT_DATA', `${p.url}${API}/runs/search`, /page-token loop/);
  });

  test('artifact listings: a repeated token, and a folder that lists itself, end with an error; so does a download through it', async () => {
    const p = await peer({
      [`${API}/artifacts/list`]: (q, r, b) => {
        const path = new URL(q.url!, 'http://x').searchParams.get('path');
        if (path === 'loop') return json({ files: [{ path: 'loop', is_dir: true }] })(q, r, b);
        if (path === 'up') return json({ files: [{ path: 'up/../../etc', is_dir: true }] })(q, r, b);
        if (path === 'tok') return json({ files: [{ path: 'tok/a', is_dir: false }], next_page_token: 'x' })(q, r, b);
        return json({ files: [{ path: 'loop', is_dir: true }, { path: 'f.txt', file_size: 1 }] })(q, r, b);
      },
      '/get-artifact': (_q, res) => res.end('1'),
    });
    const s = store(p);
    const where = `${p.url}${API}/artifacts/list`;
    assert.deepEqual(await s.listArtifacts('r1'), [
      { path: 'loop', isDir: true },
      { path: 'f.txt', isDir: false, fileSize: 1 },
    ]);
    await fails(s.listArtifacts('r1', 'loop'), 'CORRUPT_DATA', where, /listing 'loop' returned 'loop', which is the folder itself/);
    await fails(s.listArtifacts('r1', 'up'), 'CORRUPT_DATA', where, /not a valid artifact path/);
    await fails(s.listArtifacts('r1', 'tok'), 'CORRUPT_DATA', where, /sent page token "x" a second time/);
    const dest = mkdtempSync(join(tmpdir(), 'mlwb-hostile-'));
    try {
      await fails(downloadArtifacts(s, 'r1', undefined, dest), 'CORRUPT_DATA', where, /lists itself/);
      assert.ok(readdirSync(dest).every((f) => !f.endsWith('.part')));
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});

describe('redirects', () => {
  test('a 302 says where it points and is not followed (no credentials go there)', async () => {
    const p = await peer({
      [`${API}/experiments/search`]: (_q, res) => {
        res.writeHead(302, { Location: 'https://login.example.com/sso?next=/api' });
        res.end();
      },
      '/elsewhere': json({ experiments: [] }),
    });
    await fails(
      store(p, { token: 'secret-token' }).searchExperiments(),
      'UNREACHABLE',
      `${p.url}${API}/experiments/search`,
      /redirected \(302\) to https:\/\/login\.example\.com\/sso\?next=\/api: set the tracking URI to the final address/,
    );
    const q = await peer({
      [`${API}/experiments/search`]: (_q, res) => {
        res.writeHead(301, { Location: '/elsewhere' });
        res.end();
      },
      '/elsewhere': json({ experiments: [] }),
    });
    await fails(store(q, { username: 'u', password: 'pw' }).searchExperiments(), 'UNREACHABLE', q.url, new RegExp(`redirected \\(301\\) to ${q.url}/elsewhere`));
    assert.deepEqual(q.hits.map((h) => h.split('?')[0]), [`${API}/experiments/search`], 'the redirect target was never asked');
  });
});

async function mlwb(args: string[], url: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return execFileP(process.execPath, ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts'), ...args, '--store', url, '--json'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: '', MLFLOW_TRACKING_URI: '', ...env },
  }).then(
    () => ({ code: 0, stdout: 'exit 0', stderr: '' }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('mlwb against a hostile server', () => {
  test('a hang ends at MLFLOW_HTTP_REQUEST_TIMEOUT, a redirect and a page loop are named; exit 1 each time', async () => {
    const p = await peer({
      [`${API}/experiments/search`]: hang,
      [`${API}/registered-models/search`]: (_q, res) => {
        res.writeHead(307, { Location: 'https://other.example/api' });
        res.end();
      },
    });
    const t0 = Date.now();
    const hung = await mlwb(['experiments'], p.url, { MLFLOW_HTTP_REQUEST_TIMEOUT: '1', MLWB_OPERATION_TIMEOUT: '3' });
    assert.equal(hung.code, 1);
    assert.match(hung.stderr, new RegExp(`^mlwb: ${p.url}${API}/experiments/search: no complete answer within 1 s \\(MLFLOW_HTTP_REQUEST_TIMEOUT\\)`));
    assert.ok(Date.now() - t0 < 30_000);
    const q = await peer({
      [`${API}/experiments/search`]: json({ experiments: [{ experiment_id: '0', name: 'Default' }], next_page_token: 'again' }),
      [`${API}/registered-models/search`]: (_q, res) => {
        res.writeHead(307, { Location: 'https://other.example/api' });
        res.end();
      },
    });
    const loop = await mlwb(['experiments'], q.url);
    assert.equal(loop.code, 1);
    assert.match(loop.stderr, new RegExp(`${q.url}${API}/experiments/search: page-token loop: the server sent page token "again" a second time`));
    const moved = await mlwb(['models'], q.url);
    assert.equal(moved.code, 1);
    assert.match(moved.stderr, new RegExp(`${q.url}${API}/registered-models/search redirected \\(307\\) to https://other.example/api: set the tracking URI to the final address`));
    const refused = await mlwb(['experiments'], q.url, { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '50' });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /MLFLOW_HTTP_REQUEST_MAX_RETRIES=50 is not allowed/);
  });
});

/** Bad shapes: [route path, answer, store call, what the message must say]. */
type Call = (s: RestStore) => Promise<unknown>;
const searchExp: Call = (s) => s.searchExperiments();
const searchRuns: Call = (s) => s.searchRuns({ experimentIds: ['0'] });
const getRun: Call = (s) => s.getRun('r1');
const BAD_SHAPES: [string, string, Call, RegExp][] = [
  ['/experiments/search', 'null', searchExp, /: the answer is null, expected an object$/],
  ['/experiments/search', '[]', searchExp, /: the answer is a list, expected an object$/],
  ['/experiments/search', '"text"', searchExp, /: the answer is a string \("text"\), expected an object$/],
  ['/experiments/search', '{"experiments":"oops"}', searchExp, /: field experiments is a string \("oops"\), expected a list$/],
  ['/experiments/search', '{"experiments":[null]}', searchExp, /: field experiments\[0\] is null, expected an object$/],
  ['/experiments/search', '{"experiments":[{"name":"x"}]}', searchExp, /: field experiments\[0\]\.experiment_id is missing$/],
  ['/experiments/search', '{"experiments":[{"experiment_id":"1","name":5}]}', searchExp, /: field experiments\[0\]\.name is a number \(5\), expected a string$/],
  ['/experiments/search', '{"experiments":[{"experiment_id":"1","name":"a","tags":{"k":"v"}}]}', searchExp, /field experiments\[0\]\.tags is an object, expected a list$/],
  ['/experiments/search', '{"experiments":[],"next_page_token":5}', searchExp, /field next_page_token is a number \(5\), expected a string$/],
  ['/experiments/search', '{"experiments":[{"experiment_id":"1","name":"a","creation_time":"yesterday"}]}', searchExp, /creation_time is a string \("yesterday"\), expected an integer$/],
  ['/runs/search', '{"runs":[{}]}', searchRuns, /field runs\[0\]\.info is missing$/],
  ['/runs/search', '{"runs":[{"info":null}]}', searchRuns, /field runs\[0\]\.info is null, expected an object$/],
  ['/runs/search', '{"runs":[{"info":{"experiment_id":"0"}}]}', searchRuns, /field runs\[0\]\.info\.run_id is missing$/],
  ['/runs/search', '{"runs":[{"info":{"run_id":"r","experiment_id":"0"},"data":{"metrics":[{"key":"m","value":"abc"}]}}]}', searchRuns, /runs\[0\]\.data\.metrics\[0\]\.value is a string \("abc"\), expected a number$/],
  ['/runs/search', '{"runs":[{"info":{"run_id":"r","experiment_id":"0"},"data":{"params":"x"}}]}', searchRuns, /runs\[0\]\.data\.params is a string \("x"\), expected a list$/],
  ['/runs/get', '{}', getRun, /field run is missing$/],
  ['/runs/get', '{"run":{"info":{"run_id":"r","experiment_id":"0","status":7}}}', getRun, /field run\.info\.status is a number \(7\), expected a string$/],
  ['/runs/get', '<html>proxy login</html>', getRun, /answered with something that is not JSON/],
  ['/metrics/get-history', '{"metrics":[{"value":1}]}', (s) => s.getMetricHistory('r1', 'm'), /metrics\[0\]\.key is missing$/],
  ['/artifacts/list', '{"files":"x"}', (s) => s.listArtifacts('r1'), /field files is a string \("x"\), expected a list$/],
  ['/artifacts/list', '{"files":[{"path":"a","is_dir":"yes"}]}', (s) => s.listArtifacts('r1'), /files\[0\]\.is_dir is a string \("yes"\), expected true or false$/],
  ['/registered-models/search', '{"registered_models":[{"name":"m","aliases":[{"alias":"a"}]}]}', (s) => s.searchRegisteredModels(), /registered_models\[0\]\.aliases\[0\]\.version is missing$/],
  ['/model-versions/search', '{"model_versions":[{"name":"m"}]}', (s) => s.searchModelVersions(), /model_versions\[0\]\.version is missing$/],
  ['/model-versions/get', '{"model_version":{"name":"m","version":"1","aliases":"champion"}}', (s) => s.getModelVersion('m', '1'), /model_version\.aliases is a string \("champion"\), expected a list$/],
];

describe('response shapes', () => {
  test('every bad shape is a CORRUPT_DATA StoreError naming the URL and the field, never a TypeError', async () => {
    for (const [path, body, call, re] of BAD_SHAPES) {
      const p = await peer({ [API + path]: json(body) });
      await fails(call(store(p)), 'CORRUPT_DATA', `${p.url}${API}${path}`, re);
      await p.close();
    }
  });

  test('good answers with every optional field absent, null, or as protobuf strings still read', async () => {
    const p = await peer({
      [`${API}/runs/search`]: json({
        runs: [
          { info: { run_uuid: 'r1', experiment_id: 0, start_time: '1700000000000', end_time: null }, data: { metrics: [{ key: 'm', value: 'NaN', step: '3' }], tags: null } },
          { info: { run_id: 'r2', experiment_id: '0' } },
        ],
      }),
    });
    const runs = await store(p).searchRuns({ experimentIds: ['0'] });
    assert.deepEqual(runs.map((r) => [r.info.runId, r.info.startTime, Number.isNaN(r.data.metrics.m?.value), r.data.metrics.m?.step]), [
      ['r1', 1700000000000, true, 3],
      ['r2', null, false, undefined],
    ]);
  });

  test('mlwb: bad shapes exit 1 with a message naming the URL, and print nothing on stdout', async () => {
    const cases: [string, string, string[], RegExp][] = [
      ['/experiments/search', '{"experiments":"oops"}', ['experiments'], /field experiments is a string \("oops"\), expected a list/],
      ['/runs/search', '{"runs":[{"info":null}]}', ['runs', '--experiment', '0'], /field runs\[0\]\.info is null, expected an object/],
      ['/registered-models/search', '{"registered_models":[null]}', ['models'], /field registered_models\[0\] is null, expected an object/],
    ];
    for (const [path, body, args, re] of cases) {
      const p = await peer({
        [`${API}/experiments/get`]: json({ experiment: { experiment_id: '0', name: 'Default' } }),
        [`${API}/experiments/get-by-name`]: json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no' }, 404),
        // The store's first contact must pass for the bad answer to be the one that fails.
        ...(path === '/experiments/search' ? {} : { [`${API}/experiments/search`]: json({ experiments: [] }) }),
        [API + path]: json(body),
      });
      const r = await mlwb(args, p.url);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.includes(`${p.url}${API}${path}`), r.stderr);
      assert.match(r.stderr, re);
      await p.close();
    }
  });
});
