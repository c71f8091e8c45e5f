import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_IMAGE_ARTIFACT_BYTES, MAX_TEXT_ARTIFACT_BYTES, artifactLanguage, formatBytes, isImageArtifact, looksBinary, planArtifactOpen } from '../../../extension/core/artifacts/artifactContent';

test('language from the file name: MLflow files, then the extension', () => {
  const cases: [string, string][] = [
    ['model/MLmodel', 'mlmodel'],
    ['MLproject', 'mlproject'],
    ['project/MLProject', 'mlproject'],
    ['model/conda.yaml', 'yaml'],
    ['model/python_env.yml', 'yaml'],
    ['labels.json', 'json'],
    ['preds.jsonl', 'jsonl'],
    ['train.py', 'python'],
    ['README.md', 'markdown'],
    ['model/requirements.txt', 'plaintext'],
    ['logs/stdout.log', 'log'],
    ['CONFIG.YAML', 'yaml'],
    ['notes', 'plaintext'],
    ['.hidden', 'plaintext'],
    ['MLmodel.bak', 'plaintext'],
  ];
  for (const [path, lang] of cases) assert.equal(artifactLanguage(path), lang, path);
});

test('images by extension, as VS Code\'s image preview takes them', () => {
  for (const p of ['plots/loss.png', 'a.JPG', 'b.jpeg', 'c.gif', 'd.svg', 'e.webp']) assert.ok(isImageArtifact(p), p);
  for (const p of ['png', 'a.png.txt', 'model.pkl', 'svg/readme.md']) assert.ok(!isImageArtifact(p), p);
});

test('binary sniff: a NUL in the first 8000 bytes', () => {
  assert.equal(looksBinary(new TextEncoder().encode('température ✓\n')), false);
  assert.equal(looksBinary(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00])), true);
  const late = new Uint8Array(9000).fill(0x41);
  late[8500] = 0;
  assert.equal(looksBinary(late), false, 'only the head is sniffed');
});

test('the open plan bounds size before reading, and refuses binary files', () => {
  assert.deepEqual(planArtifactOpen('config/search.yaml', 24, new TextEncoder().encode('grid: 1\n')), { kind: 'text', language: 'yaml' });
  assert.deepEqual(planArtifactOpen('plots/loss.png', 114), { kind: 'image' });
  assert.deepEqual(planArtifactOpen('data/weights.bin', 1024, Uint8Array.from([1, 0, 2])), { kind: 'binary', size: 1024 });
  assert.deepEqual(planArtifactOpen('big.csv', MAX_TEXT_ARTIFACT_BYTES + 1), { kind: 'tooLarge', size: MAX_TEXT_ARTIFACT_BYTES + 1, limit: MAX_TEXT_ARTIFACT_BYTES });
  assert.deepEqual(planArtifactOpen('big.csv', MAX_TEXT_ARTIFACT_BYTES), { kind: 'text', language: 'plaintext' });
  assert.deepEqual(planArtifactOpen('big.png', MAX_IMAGE_ARTIFACT_BYTES + 1), { kind: 'tooLarge', size: MAX_IMAGE_ARTIFACT_BYTES + 1, limit: MAX_IMAGE_ARTIFACT_BYTES });
});

test('byte sizes for people', () => {
  assert.equal(formatBytes(812), '812 B');
  assert.equal(formatBytes(4300), '4.2 KB');
  assert.equal(formatBytes(13 * 1024 * 1024), '13.0 MB');
});
