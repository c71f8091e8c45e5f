import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { checkCapabilities } from '../../support/capabilities';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { repoRoot } from '../../support/python';
import { comparableInfo, describeTraceConformance, makeTraceStore, ourInfo, pythonTrace, type PyTraces } from '../../support/traceStore';

/**
 * Traces written by the real mlflow 3 client into a file store and into an `mlflow server` (SQLite
 * behind it), read by our FileStoreReader and RestStore, compared with what mlflow's client reads
 * back; feedback written by us is read back by mlflow. The direct SQLite reader has its own file
 * (traceSqlite.node24.test.ts: node:sqlite needs Node 22+).
 */

const dir = mkdtempSync(join(tmpdir(), 'mlwb-traces-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function mlwb(args: string[]) {
  const argv = ['--import', pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href, join(repoRoot, 'extension/cli/index.ts'), ...args];
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', MLFLOW_ALLOW_FILE_STORE: 'true' };
  delete env.MLFLOW_TRACKING_URI;
  const r = spawnSync(process.execPath, argv, { cwd: dir, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('traces: file store', () => {
  const root = join(dir, 'mlruns');
  const uri = pathToFileURL(root).href;
  let py: PyTraces;
  before(() => {
    py = makeTraceStore(uri, dir);
  });
  describeTraceConformance(
    () => py,
    () => new FileStoreReader(root),
    { pages: true },
  );

  test('capabilities: the reader reads traces, the writer also writes feedback', () => {
    checkCapabilities('FileStoreReader', new FileStoreReader(root));
    checkCapabilities('FileStore', new FileStore(root));
  });

  test('a bad filter fails with its position before anything is read', async () => {
    await assert.rejects(new FileStoreReader(root).searchTraces({ experimentIds: [py.experiment_id], maxResults: 10, filter: "status = 'OK' OR name = 'x'" }), /OR/);
    await assert.rejects(new FileStoreReader(root).searchTraces({ experimentIds: [py.experiment_id], maxResults: 10, filter: 'span.name = "x"' }), /Invalid entity type 'span'/);
  });

  test('feedback written by us is read back by mlflow (assessments/<id>.yaml)', async () => {
    const store = new FileStore(root);
    const a = await store.createFeedback({ traceId: py.failing_id, name: 'correct', value: false, rationale: 'wrong <b>tool</b>', sourceId: 'tester' });
    const theirs = pythonTrace(uri, py.failing_id, dir);
    const found = (theirs.assessments as Record<string, unknown>[]).find((x) => x.assessment_id === a.assessmentId);
    assert.ok(found, 'mlflow sees the new assessment');
    assert.deepEqual(found.feedback, { value: false });
    assert.equal(found.rationale, 'wrong <b>tool</b>');
    assert.deepEqual(found.source, { source_type: 'HUMAN', source_id: 'tester' });
    const ours = await store.getTrace(py.failing_id);
    assert.deepEqual(ourInfo(ours.info), comparableInfo(theirs));
  });

  test('mlwb traces / trace --json print what the reader reads (and exact span times)', () => {
    const list = mlwb(['traces', '--store', uri, '--experiment', 'traces-demo', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const arr = JSON.parse(list.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      arr.map((t) => t.trace_id),
      py.traces.map((t) => t.trace_id),
    );
    const page = mlwb(['traces', '--store', uri, '--experiment', py.experiment_id, '--filter', "name = 'agent'", '--max-results', '1', '--json']);
    assert.equal(page.code, 0, page.stderr);
    assert.deepEqual(
      (JSON.parse(page.stdout) as { trace_id: string }[]).map((t) => t.trace_id),
      [py.agent_id],
    );
    const one = mlwb(['trace', '--store', uri, '--id', py.agent_id, '--json']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /"start_time_ns": \d{19}/, 'nanoseconds are printed as exact integers');
    const spans = py.spans[py.agent_id];
    for (const s of spans) assert.ok(one.stdout.includes(`"start_time_ns": ${s.start_time_ns}`), `span ${s.name} start`);
    const doc = JSON.parse(one.stdout) as { spans: { span_id: string; parent_id: string | null; name: string }[]; assessments: unknown[] };
    assert.deepEqual(
      doc.spans.map((s) => [s.name, s.span_id, s.parent_id]).sort(),
      spans.map((s) => [s.name, s.span_id, s.parent_id]).sort(),
    );
    assert.equal(doc.assessments.length, 3);
    const bad = mlwb(['traces', '--store', uri, '--experiment', py.experiment_id, '--filter', "status = 'OK' OR x"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /\^/);
    const missing = mlwb(['trace', '--store', uri, '--id', 'tr-nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found/);
  });
});

describe('traces: mlflow server (SQLite behind it)', () => {
  let server: TestServer;
  let py: PyTraces;
  let store: RestStore;
  before(async () => {
    server = await startMlflowServer(['--backend-store-uri', `sqlite:///${join(dir, 'server.db')}`, '--default-artifact-root', join(dir, 'server-artifacts')], {}, dir);
    py = makeTraceStore(server.url, dir);
    store = new RestStore(server.url);
  });
  after(async () => {
    await store?.close();
    await server?.stop();
  });
  describeTraceConformance(
    () => py,
    () => store,
    { pages: true },
  );

  test('feedback through /api/3.0/mlflow/traces/<id>/assessments is read back by mlflow', async () => {
    const a = await store.createFeedback({ traceId: py.agent_id, name: 'helpful', value: 'yes', sourceId: 'tester', spanId: py.spans[py.agent_id][0].span_id });
    const theirs = pythonTrace(server.url, py.agent_id, dir);
    const found = (theirs.assessments as Record<string, unknown>[]).find((x) => x.assessment_id === a.assessmentId);
    assert.ok(found);
    assert.deepEqual(found.feedback, { value: 'yes' });
    assert.equal(found.span_id, py.spans[py.agent_id][0].span_id);
  });

  test('mlwb trace --json against the server', () => {
    const one = mlwb(['trace', '--store', server.url, '--id', py.failing_id, '--json']);
    assert.equal(one.code, 0, one.stderr);
    const doc = JSON.parse(one.stdout) as { state: string; spans: { status_code: string; events: { name: string }[] }[] };
    assert.equal(doc.state, 'ERROR');
    assert.equal(doc.spans[0].status_code, 'ERROR');
    assert.equal(doc.spans[0].events[0].name, 'exception');
  });
});

describe('traces: mlflow server on a file store (no get_trace there: spans come from the artifact)', () => {
  let server: TestServer;
  let py: PyTraces;
  let store: RestStore;
  before(async () => {
    const root = join(dir, 'served-mlruns');
    server = await startMlflowServer(['--backend-store-uri', pathToFileURL(root).href], { MLFLOW_ALLOW_FILE_STORE: 'true' }, dir);
    py = makeTraceStore(server.url, dir, 1);
    store = new RestStore(server.url);
  });
  after(async () => {
    await store?.close();
    await server?.stop();
  });
  test('getTrace falls back to get-trace-artifact and matches mlflow', async () => {
    for (const [traceId, spans] of Object.entries(py.spans)) {
      const t = await store.getTrace(traceId);
      assert.deepEqual(t.spans.map((s) => s.spanId).sort(), spans.map((s) => s.span_id).sort());
      assert.deepEqual(ourInfo(t.info), comparableInfo(py.traces.find((x) => x.trace_id === traceId)!));
    }
  });
});
