import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { copyFixtureStore } from '../../support/fixture';
import { storeBehaviourSuite } from '../../support/storeBehaviour';

// On a private copy of the fixture store real mlflow wrote, so the suite meets MLflow-made data too.
storeBehaviourSuite('file store writer (copy of the mlflow-written fixture)', async () => {
  const root = copyFixtureStore();
  return { store: new FileStore(root), close: async () => rmSync(join(root, '..'), { recursive: true, force: true }) };
});

storeBehaviourSuite('file store writer (new store folder)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-fsb-'));
  return { store: new FileStore(join(dir, 'mlruns')), close: async () => rmSync(dir, { recursive: true, force: true }) };
});
