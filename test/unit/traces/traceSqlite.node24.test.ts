import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { SqliteReader } from '../../../extension/core/store/sqliteReader';
import { checkCapabilities } from '../../support/capabilities';
import { repoRoot } from '../../support/python';
import { describeTraceConformance, makeTraceStore, type PyTraces } from '../../support/traceStore';

/**
 * Traces read straight from an SQLite store (node:sqlite, Node 22+) written by the real mlflow:
 * trace_info with the promoted columns (trace_name, token counts), spans from the `spans` table,
 * assessments rows; compared with mlflow's own client. Also `mlwb traces/trace` on that store.
 */

const dir = mkdtempSync(join(tmpdir(), 'mlwb-traces-sqlite-'));
const db = join(dir, 'mlflow.db');
const uri = `sqlite:///${db}`;
let py: PyTraces;
let reader: SqliteReader;
before(() => {
  py = makeTraceStore(uri, dir);
  reader = new SqliteReader(uri, db);
});
after(async () => {
  await reader?.close();
  rmSync(dir, { recursive: true, force: true });
});

function mlwb(args: string[]) {
  const argv = ['--import', pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href, join(repoRoot, 'extension/cli/index.ts'), ...args];
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.MLFLOW_TRACKING_URI;
  delete env.MLWB_PYTHON;
  const r = spawnSync(process.execPath, argv, { cwd: dir, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('traces: SQLite read directly', () => {
  describeTraceConformance(
    () => py,
    () => reader,
    { pages: true },
  );

  test('capabilities: reads traces; feedback goes through a local server (no createFeedback here)', () => {
    checkCapabilities('SqliteReader', reader);
  });

  test('mlwb traces --json on sqlite:/// (no Python started)', () => {
    const r = mlwb(['traces', '--store', uri, '--experiment', 'traces-demo', '--filter', "status = 'ERROR'", '--json', '--python', '/nonexistent/python']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { trace_id: string }[]).map((t) => t.trace_id),
      [py.failing_id],
    );
    const one = mlwb(['trace', '--store', uri, '--id', py.agent_id, '--json', '--python', '/nonexistent/python']);
    assert.equal(one.code, 0, one.stderr);
    const doc = JSON.parse(one.stdout) as { spans: unknown[]; tags: Record<string, string> };
    assert.equal(doc.spans.length, py.spans[py.agent_id].length);
    assert.equal(doc.tags['mlflow.traceName'], 'agent');
  });
});
