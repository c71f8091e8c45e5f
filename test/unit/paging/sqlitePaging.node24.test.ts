import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReader } from '../../../extension/core/store/sqliteReader';
import { askMlflowPaging, describePagingConformance, makePagingStore, pagingCases } from '../../support/pagingConformance';

/**
 * The direct SQLite reader's paged search (filter, order and LIMIT in SQL) against mlflow's
 * SqlAlchemyStore on the same database file. Node 24: node:sqlite.
 */

const cases = pagingCases(true);

describePagingConformance('paged run search: direct SQLite reader vs mlflow', cases, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-paging-sqlite-'));
  const db = join(dir, 'mlflow.db');
  const uri = `sqlite:///${db}`;
  const experimentIds = makePagingStore(uri, { datasets: true, cwd: dir });
  const answer = await askMlflowPaging(uri, experimentIds, cases, dir);
  return { store: new SqliteReader(uri, db), experimentIds, answer };
});
