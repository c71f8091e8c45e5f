import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silenceSqliteExperimentalWarning } from '../../../extension/cli/quietWarnings';

/** Node 22/23 warn when node:sqlite loads; mlwb drops that warning and no other. */
test('only the SQLite ExperimentalWarning is dropped', async () => {
  const seen: string[] = [];
  const onWarning = (w: Error) => seen.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  const original = process.emitWarning;
  try {
    silenceSqliteExperimentalWarning();
    // The calls Node itself makes (internal/util emitExperimentalWarning) and other shapes.
    process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
    process.emitWarning('SQLite is an experimental feature and might change at any time', { type: 'ExperimentalWarning' });
    process.emitWarning('VM Modules is an experimental feature and might change at any time', 'ExperimentalWarning');
    process.emitWarning('something about SQLite', 'DeprecationWarning');
    process.emitWarning('plain');
    await new Promise((r) => setImmediate(r));
  } finally {
    process.emitWarning = original;
    process.off('warning', onWarning);
  }
  assert.deepEqual(seen, ['ExperimentalWarning: VM Modules is an experimental feature and might change at any time', 'DeprecationWarning: something about SQLite', 'Warning: plain']);
});
