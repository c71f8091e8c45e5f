import assert from 'node:assert/strict';
import type { StoreCapabilities } from '../../extension/core/store/trackingStore';

/**
 * Declared capabilities must be true of the object: a store that says it writes has the writing
 * half, one that says it does not lacks it (so a caller trusting the flag never calls a missing method).
 */

const WRITE_TRACKING = ['createExperiment', 'createRun', 'updateRun', 'logBatch', 'deleteRun', 'deleteTag'] as const;
const WRITE_REGISTRY = ['createRegisteredModel', 'setRegisteredModelAlias', 'transitionModelVersionStage', 'deleteModelVersion'] as const;
const READ_REGISTRY = ['searchRegisteredModels', 'searchModelVersions', 'getModelVersion'] as const;

export function checkCapabilities(name: string, store: { capabilities: StoreCapabilities }): void {
  const has = (m: string) => typeof (store as unknown as Record<string, unknown>)[m] === 'function';
  const c = store.capabilities;
  assert.ok(Object.isFrozen(c), `${name}: capabilities must not change under a caller`);
  assert.equal(c.trackingRead, true);
  for (const m of WRITE_TRACKING) assert.equal(has(m), c.trackingWrite, `${name}.${m} vs trackingWrite=${c.trackingWrite}`);
  for (const m of WRITE_REGISTRY) assert.equal(has(m), c.registryWrite, `${name}.${m} vs registryWrite=${c.registryWrite}`);
  for (const m of READ_REGISTRY) assert.equal(has(m), c.registryRead, `${name}.${m} vs registryRead=${c.registryRead}`);
  for (const m of ['listArtifacts', 'readArtifact']) assert.equal(has(m), c.artifacts, `${name}.${m} vs artifacts`);
  for (const m of ['searchTraces', 'getTrace']) assert.equal(has(m), c.traces, `${name}.${m} vs traces`);
  for (const m of ['searchLoggedModels', 'getLoggedModel', 'readLoggedModelArtifact']) assert.equal(has(m), c.loggedModels, `${name}.${m} vs loggedModels`);
  assert.equal(has('createFeedback'), c.traceFeedback, `${name}.createFeedback vs traceFeedback`);
  assert.equal(c.historyBulkInterval, false, 'no store reads bulk histories yet');
}

