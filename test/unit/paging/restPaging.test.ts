import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { FilterError } from '../../../extension/core/filter';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { askMlflowPaging, describePagingConformance, makePagingStore, pagingCases } from '../../support/pagingConformance';

/**
 * The REST store's paged search against a real `mlflow server` (SQLite behind it): our pages,
 * following the server's tokens, against MlflowClient's pages through the same server.
 */

const cases = pagingCases(true);
let server: TestServer | undefined;
after(async () => {
  await server?.stop();
});

describePagingConformance('paged run search: REST store vs mlflow, through a real mlflow server', cases, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-paging-rest-'));
  const db = join(dir, 'mlflow.db');
  const experimentIds = makePagingStore(`sqlite:///${db}`, { datasets: true, cwd: dir });
  server = await startMlflowServer(['--backend-store-uri', `sqlite:///${db}`], {}, dir);
  const answer = await askMlflowPaging(server.url, experimentIds, cases, dir);
  // One quick retry: MLflow answers some bad searches with HTTP 500, which a client retries.
  return { store: new RestStore(server.url, { maxRetries: 1, backoffFactor: 0.2 }), experimentIds, answer };
});

test('an invalid filter or order_by is refused before any request (nothing listens on port 9)', async () => {
  const store = new RestStore('http://127.0.0.1:9', { maxRetries: 0 });
  for (const bad of [{ filter: 'metrics.m >' }, { orderBy: ['metrics.m DESC ASC'] }]) {
    await assert.rejects(store.searchRunsPage({ experimentIds: ['1'], maxResults: 10, ...bad }), (e: unknown) => e instanceof FilterError, JSON.stringify(bad));
    await assert.rejects(store.searchRuns({ experimentIds: ['1'], ...bad }), (e: unknown) => e instanceof FilterError, JSON.stringify(bad));
  }
});
