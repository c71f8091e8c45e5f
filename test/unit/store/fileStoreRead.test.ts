import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { fixtureStore, loadExpected } from '../../support/fixture';
import { describeReaderConformance } from '../../support/readerConformance';

describeReaderConformance('file store reader vs mlflow on the fixture store', loadExpected(), new FileStoreReader(fixtureStore));

test('a missing store folder is named in the error', async () => {
  await assert.rejects(new FileStoreReader('/definitely/not/here').searchExperiments(), /MLflow store folder not found: \/definitely\/not\/here/);
});
