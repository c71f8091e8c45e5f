import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { askMlflowPaging, describePagingConformance, makePagingStore, pagingCases } from '../../support/pagingConformance';

/** The file store's lazy paged search against mlflow's FileStore on the same mlruns/ folder. */

const cases = pagingCases(false);

describePagingConformance('paged run search: file store reader vs mlflow', cases, async () => {
  const root = join(mkdtempSync(join(tmpdir(), 'mlwb-paging-')), 'mlruns');
  const uri = `file://${root}`;
  const experimentIds = makePagingStore(uri, { datasets: false });
  const answer = await askMlflowPaging(uri, experimentIds, cases);
  return { store: new FileStoreReader(root), experimentIds, answer };
});
