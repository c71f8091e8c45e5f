import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ARTIFACT_SCHEME, ArtifactUriError, artifactBaseName, artifactParent, artifactUriParts, normalizeArtifactPath, parseArtifactUri } from '../../../extension/core/artifacts/artifactUri';

const stores = [
  'file:///home/me/proj/mlruns',
  'sqlite:////tmp/a b/mlflow.db',
  'http://127.0.0.1:5000',
  'https://mlflow.example/prefix?x=1&y=2#frag',
  'file:///C:/Users/me/ml%20runs',
  'file:///tmp/100%/+plus=eq&amp',
];
const paths = ['', 'labels.json', 'config/search.yaml', 'model/MLmodel', 'a b/ü é/x+y=z&w#h?.txt', 'plots/loss.png'];

test('store, run and path survive the round trip through the URI parts', () => {
  for (const store of stores) {
    for (const path of paths) {
      const ref = { store, runId: '0123456789abcdef0123456789abcdef', path };
      const parts = artifactUriParts(ref);
      assert.equal(parts.scheme, ARTIFACT_SCHEME);
      assert.deepEqual(parseArtifactUri(parts), ref, `${store} ${path}`);
    }
  }
});

test('the artifact name stays the last path segment (tab label, language and editor choice use it)', () => {
  const parts = artifactUriParts({ store: 'file:///s', runId: 'r1', path: 'model/MLmodel' });
  assert.equal(parts.path, '/r1/model/MLmodel');
  assert.equal(artifactUriParts({ store: 'file:///s', runId: 'r1', path: '' }).path, '/r1');
  assert.equal(artifactUriParts({ store: 'file:///s', runId: 'r1', path: '/plots/loss.png/' }).path, '/r1/plots/loss.png');
});

test('paths that climb out of the artifact root, or hide what they name, are refused', () => {
  for (const bad of ['..', '../x', 'a/../../etc/passwd', 'a/..', './a', 'a/./b', 'a//b', 'a\\..\\b', 'a\0b']) {
    assert.throws(() => normalizeArtifactPath(bad), ArtifactUriError, bad);
    assert.throws(() => artifactUriParts({ store: 'file:///s', runId: 'r', path: bad }), ArtifactUriError, bad);
    assert.throws(() => parseArtifactUri({ scheme: ARTIFACT_SCHEME, path: `/r/${bad}`, query: 'store=file%3A%2F%2F%2Fs' }), ArtifactUriError, bad);
  }
  assert.equal(normalizeArtifactPath('a\\b'), 'a/b');
  assert.equal(normalizeArtifactPath('..a/b..'), '..a/b..', 'dots inside a name are fine');
});

test('malformed URIs are refused with a reason', () => {
  assert.throws(() => parseArtifactUri({ scheme: 'file', path: '/r/a', query: 'store=x' }), /scheme 'file'/);
  assert.throws(() => parseArtifactUri({ scheme: ARTIFACT_SCHEME, path: '/', query: 'store=x' }), /run id/);
  assert.throws(() => parseArtifactUri({ scheme: ARTIFACT_SCHEME, path: '/r/a', query: '' }), /names no store/);
  assert.throws(() => parseArtifactUri({ scheme: ARTIFACT_SCHEME, path: '/../a', query: 'store=x' }), /Invalid run id/);
  assert.throws(() => artifactUriParts({ store: 'x', runId: 'a/b', path: '' }), /Invalid run id/);
  assert.throws(() => artifactUriParts({ store: '', runId: 'r', path: '' }), /without a store/);
});

test('parent and base name of artifact paths', () => {
  assert.equal(artifactParent('a/b/c.txt'), 'a/b');
  assert.equal(artifactParent('c.txt'), '');
  assert.equal(artifactBaseName('a/b/c.txt'), 'c.txt');
  assert.equal(artifactBaseName('MLmodel'), 'MLmodel');
});
