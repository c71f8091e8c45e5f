import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStoreError } from '../../../extension/core/store/errors';
import { checkedListedName, joinProxyPath, proxiedPath, proxyRequestPath } from '../../../extension/core/store/rest/proxiedArtifacts';

/** `mlflow-artifacts:` URIs as MLflow writes them; teamServer.test.ts runs them against a real proxy. */

test('mlflow-artifacts: URIs resolve to proxy paths on the store\'s own server only', () => {
  const server = 'http://127.0.0.1:5000/prefix';
  assert.equal(proxiedPath('mlflow-artifacts:/1/abc/artifacts', server), '1/abc/artifacts');
  assert.equal(proxiedPath('mlflow-artifacts:///1/abc/', server), '1/abc');
  assert.equal(proxiedPath('mlflow-artifacts:/', server), '');
  assert.equal(proxiedPath('mlflow-artifacts://127.0.0.1:5000/1/m', server), '1/m');
  assert.throws(() => proxiedPath('mlflow-artifacts://other:5000/1/m', server), /names the artifact server other:5000, not 127.0.0.1:5000/);
  assert.throws(() => proxiedPath('s3://bucket/1', server), (e: unknown) => isStoreError(e, 'INVALID_PARAMETER_VALUE'));
  assert.throws(() => proxiedPath('mlflow-artifacts:/1/../../etc', server), /Invalid artifact path/);
});

test('paths under a URI: joined, percent-encoded per segment, never climbing out', () => {
  assert.equal(joinProxyPath('1/m', 'sub/MLmodel', 'u'), '1/m/sub/MLmodel');
  assert.equal(joinProxyPath('', 'x', 'u'), 'x');
  assert.equal(joinProxyPath('1/m', undefined, 'u'), '1/m');
  assert.throws(() => joinProxyPath('1/m', '../../x', 'u'), /Invalid artifact path/);
  assert.throws(() => joinProxyPath('1/m', 'a//b', 'u'), /Invalid artifact path/);
  assert.throws(() => joinProxyPath('1/m', 'a\\..\\b', 'u'), /Invalid artifact path/);
  assert.equal(proxyRequestPath('1/a b/c#d?.txt'), '/api/2.0/mlflow-artifacts/artifacts/1/a%20b/c%23d%3F.txt');
  assert.equal(proxyRequestPath(''), '/api/2.0/mlflow-artifacts/artifacts');
});

test('the proxy lists basenames: anything else is a corrupt answer', () => {
  assert.equal(checkedListedName('MLmodel', '', 'w'), 'MLmodel');
  for (const bad of ['', '.', '..', 'a/b', 'a\\b']) assert.throws(() => checkedListedName(bad, 'f', 'w'), (e: unknown) => isStoreError(e, 'CORRUPT_DATA'));
});
