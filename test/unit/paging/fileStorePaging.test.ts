import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { askMlflowPaging, describePagingConformance, makePagingStore } from '../../support/pagingConformance';

/** The file store's lazy paged search against mlflow's FileStore on the same mlruns/ folder. */

describePagingConformance('paged run search: file store reader vs mlflow', async () => {
  const root = join(mkdtempSync(join(tmpdir(), 'mlwb-paging-')), 'mlruns');
  const uri = `file://${root}`;
  const experimentIds = makePagingStore(uri);
  const answer = askMlflowPaging(uri, experimentIds);
  return { store: new FileStoreReader(root), experimentIds, answer };
});
