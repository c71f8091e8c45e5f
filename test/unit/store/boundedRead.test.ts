import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseLatestMetric, parseMetricHistory } from '../../../extension/core/format/metricFile';
import { MAX_METADATA_FILE_BYTES, readRegularFile, readRegularFileChunks, readRegularFileSync, readStatedFile } from '../../../extension/core/store/boundedRead';
import { runLint } from '../../../extension/cli/lint';
import { nodeFileProbe } from '../../../extension/core/lang/nodeFileProbe';
import { readLatestMetric, readMetricHistoryFile } from '../../../extension/core/store/metricFileRead';
import { mulberry32 } from '../../support/prng';

/**
 * The bounded reads under every file-store read: a FIFO, a device or an oversized file is refused
 * on the open handle (never read, never waited on), and metric files read in chunks give exactly
 * what one whole-file parse gives, wherever the chunk boundaries fall.
 */

const dir = mkdtempSync(join(tmpdir(), 'mlwb-bounded-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const HANG_GUARD = { timeout: 60_000 };

describe('readRegularFile', () => {
  test('a FIFO with no writer is refused at once, naming what it is', HANG_GUARD, async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readRegularFile(fifo, 1024), (e: Error & { code?: string }) => e.code === 'ENOTREGULAR' && /FIFO/.test(e.message));
    await assert.rejects(readRegularFileChunks(fifo, 1024, 'x', () => undefined), /FIFO/);
  });

  test('/dev/zero through a symlink is refused as a character device', HANG_GUARD, async () => {
    const link = join(dir, 'zero');
    symlinkSync('/dev/zero', link);
    await assert.rejects(readRegularFile(link, 1024), /character device, not a regular file/);
  });

  test('a file over the limit is refused from its size, without reading it (a sparse 8 GiB file)', HANG_GUARD, async () => {
    const big = join(dir, 'big');
    writeFileSync(big, '');
    truncateSync(big, 8 * 1024 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    await assert.rejects(readRegularFile(big, MAX_METADATA_FILE_BYTES), /8\.0 GiB, over the 4\.0 MiB limit/);
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024);
  });

  test('a folder is refused; regular files and empty files read whole', async () => {
    await assert.rejects(readRegularFile(dir, 1024), /folder|EISDIR/);
    writeFileSync(join(dir, 'small'), 'héllo');
    assert.equal((await readRegularFile(join(dir, 'small'), 1024)).toString('utf8'), 'héllo');
    writeFileSync(join(dir, 'empty'), '');
    assert.equal((await readRegularFile(join(dir, 'empty'), 1024)).length, 0);
  });
});

describe('the fast path and the synchronous readers', () => {
  test('a stated read whose file was swapped for a FIFO or a device falls back to the strict check', HANG_GUARD, async () => {
    const fifo = join(dir, 'swapped-fifo');
    execFileSync('mkfifo', [fifo]);
    // As if a stat had seen a 10-byte regular file there a moment ago.
    await assert.rejects(readStatedFile(fifo, 10, 1024), /a FIFO/);
    const zero = join(dir, 'swapped-zero');
    symlinkSync('/dev/zero', zero);
    await assert.rejects(readStatedFile(zero, 10, 1024), /a character device/);
    writeFileSync(join(dir, 'grew'), 'abcdef');
    assert.equal((await readStatedFile(join(dir, 'grew'), 3, 1024)).toString(), 'abcdef');
  });

  test('the synchronous reader refuses a FIFO at once (an MLproject, the language server, mlwb lint)', HANG_GUARD, async () => {
    const proj = join(dir, 'proj');
    execFileSync('mkdir', ['-p', proj]);
    execFileSync('mkfifo', [join(proj, 'MLmodel')]);
    assert.throws(() => readRegularFileSync(join(proj, 'MLmodel'), 1024), /a FIFO \(named pipe\), not a regular file/);
    assert.equal(nodeFileProbe.readText(join(proj, 'MLmodel')), undefined);
    const errs: string[] = [];
    assert.equal(await runLint([proj], () => undefined, (s) => errs.push(s)), 2);
    assert.match(errs.join('\n'), /cannot read .*MLmodel: a FIFO/);
  });
});

describe('metric files read in chunks', () => {
  const rand = mulberry32(13);
  // Ties on (step, timestamp), NaN, 2- and 5-field lines, CRLF, blank lines: the tricky parts of "latest".
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const step = Math.floor(rand() * 50);
    const ts = 1700000000000 + Math.floor(rand() * 20);
    const v = rand() < 0.05 ? 'nan' : (rand() * 100).toFixed(Math.floor(rand() * 6));
    const shape = rand();
    if (shape < 0.05) lines.push(`${ts} ${v}`);
    else if (shape < 0.1) lines.push(`${ts} ${v} ${step} train d41d8cd98f00b204e9800998ecf8427e`);
    else if (shape < 0.12) lines.push('');
    else lines.push(`${ts} ${v} ${step}${shape < 0.15 ? '\r' : ''}`);
  }
  const text = lines.join('\n') + '\n';
  const file = join(dir, 'metric');
  writeFileSync(file, text);
  const whole = Buffer.from(text);

  for (const chunk of [13, 64, 1000, 4096, 1 << 20]) {
    test(`latest and history equal the whole-file parse with ${chunk}-byte chunks`, async () => {
      const latest = await readLatestMetric(file, 'm', chunk);
      assert.deepEqual(latest.value, parseLatestMetric('m', whole));
      assert.equal(latest.bytes, whole.length);
      assert.deepEqual(await readMetricHistoryFile(file, 'm', chunk), parseMetricHistory('m', whole));
    });
  }

  test('a bad line keeps its true line number across chunks', async () => {
    const bad = join(dir, 'bad');
    writeFileSync(bad, '1 2 3\n'.repeat(500) + '1 x 3\n');
    await assert.rejects(readLatestMetric(bad, 'm', 64), /line 501: value 'x' is not a number/);
    await assert.rejects(readMetricHistoryFile(bad, 'm', 64), /line 501: value 'x' is not a number/);
  });

  test('a "line" longer than 1 MiB (no newline) is refused, not collected', async () => {
    const noNl = join(dir, 'nonl');
    writeFileSync(noNl, Buffer.alloc(3 * 1024 * 1024, 0x31));
    await assert.rejects(readLatestMetric(noNl, 'm', 64 * 1024), /line 1 is longer than 1 MiB/);
  });
});
