import { MetricLineError, parseMetricHistory, scanLatestMetric } from '../format/metricFile';
import type { Metric } from '../model/entities';
import { CHUNK_BYTES, MAX_METRIC_FILE_BYTES, MAX_METRIC_HISTORY_BYTES, readRegularFileChunks, readStatedFileChunks } from './boundedRead';

/**
 * Metric files of the file store, read in chunks of whole lines so that memory stays bounded
 * whatever their size; a file that fits one chunk (nearly all) is one read and one parse, as before.
 */

const NL = 0x0a;
/** Real lines are under 1 KB (a dataset name is at most 500 characters); a longer one is not a metric file. */
const MAX_LINE_BYTES = 1024 * 1024;

/** Feeds `onLines` pieces that end on a line boundary (the last may not); `onLines` returns the line count so far. */
function wholeLines(onLines: (buf: Buffer) => number): (chunk: Buffer, last: boolean) => void {
  let carry: Buffer | undefined;
  let lines = 0;
  return (chunk, last) => {
    if (last) {
      const all = carry ? Buffer.concat([carry, chunk]) : chunk;
      carry = undefined;
      if (all.length) lines = onLines(all);
      return;
    }
    const nl = chunk.lastIndexOf(NL);
    if (nl === -1) {
      carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      if (carry.length > MAX_LINE_BYTES) throw new MetricLineError(lines + 1, `line ${lines + 1} is longer than 1 MiB; not a metric file`);
      return;
    }
    const head = chunk.subarray(0, nl + 1);
    lines = onLines(carry ? Buffer.concat([carry, head]) : head);
    // The chunk buffer is reused by the reader: keep a copy of the unfinished line.
    carry = nl + 1 < chunk.length ? Buffer.from(chunk.subarray(nl + 1)) : undefined;
  };
}

/**
 * The latest point of one metric file and the bytes read (for StatCache). `statedSize`: the size a
 * stat just reported for this path as a regular file, which allows the one-read fast path.
 */
export async function readLatestMetric(path: string, key: string, chunkBytes = CHUNK_BYTES, statedSize?: number): Promise<{ value: Metric | undefined; bytes: number }> {
  let latest: Metric | undefined;
  let lines = 0;
  const onChunk = wholeLines((buf) => {
    const r = scanLatestMetric(key, buf, latest, lines);
    latest = r.metric;
    return (lines = r.lines);
  });
  const bytes =
    statedSize === undefined
      ? await readRegularFileChunks(path, MAX_METRIC_FILE_BYTES, 'one metric file', onChunk, chunkBytes)
      : await readStatedFileChunks(path, statedSize, MAX_METRIC_FILE_BYTES, 'one metric file', onChunk, chunkBytes);
  return { value: latest, bytes };
}

/** Every point of one metric file, in file order. */
export async function readMetricHistoryFile(path: string, key: string, chunkBytes = CHUNK_BYTES): Promise<Metric[]> {
  const out: Metric[] = [];
  let lines = 0;
  await readRegularFileChunks(
    path,
    MAX_METRIC_HISTORY_BYTES,
    'a metric history',
    wholeLines((buf) => (lines = parseMetricHistory(key, buf, out, lines))),
    chunkBytes,
  );
  return out;
}
