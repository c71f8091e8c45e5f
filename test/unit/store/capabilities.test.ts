import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { isWritableStore } from '../../../extension/core/store/openStore';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { checkCapabilities } from '../../support/capabilities';
import { copyFixtureStore } from '../../support/fixture';

/** Each store's declared capabilities hold for the object (test/support/capabilities.ts). */

test('file store reader: read-only, lazy paging', () => {
  const s = new FileStoreReader(copyFixtureStore());
  checkCapabilities('FileStoreReader', s);
  assert.equal(s.capabilities.runPaging, 'lazy');
  assert.equal(isWritableStore(s), false);
});

test('file store writer: writes tracking data and the registry', () => {
  const s = new FileStore(copyFixtureStore());
  checkCapabilities('FileStore', s);
  assert.equal(s.capabilities.runPaging, 'lazy');
  assert.equal(isWritableStore(s), true);
});

test('REST store: everything through the server, which pages', () => {
  const s = new RestStore('http://127.0.0.1:9');
  checkCapabilities('RestStore', s);
  assert.equal(s.capabilities.runPaging, 'server');
  assert.equal(isWritableStore(s), true);
});
