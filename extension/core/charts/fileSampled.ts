import { parseMetricColumns } from '../format/metricColumns';
import { MetricLineError } from '../format/metricFile';
import { MAX_METRIC_HISTORY_BYTES, readRegularFile } from '../store/boundedRead';
import { StoreError } from '../store/errors';
import { isMissing } from '../store/fileTree';
import type { FileStoreReader } from '../store/fileStore';
import { sampleSeries, stepRange } from './sampling';
import { emptySeries, permute, sortOrder, type Series } from './series';

/**
 * Sampled histories from a file store, the hot path of a chart load (100 runs × 100,000 steps is
 * 380 MB of text). Each of a few readers keeps one byte buffer and one set of columns and reuses
 * them from file to file: only the sampled points (≤ maxPoints per run) are copied out, so a load
 * allocates a few buffers instead of two large ones per run, which the garbage collector had to
 * clear again (a quarter of the CPU time before). Ordering and non-finite counts come out of the
 * parse itself. Reads stay asynchronous and each file is parsed in one go (a few milliseconds), so
 * the extension host keeps answering in between.
 */

const READERS = 4;

interface Scratch {
  buf: Buffer;
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The whole regular file into `s.buf` (grown when too small): non-blocking open, checked on the handle, bounded. */
function readInto(path: string, s: Scratch): Promise<Buffer> {
  return readRegularFile(path, MAX_METRIC_HISTORY_BYTES, 'a metric history', 0, (size) => {
    if (s.buf.length < size) s.buf = Buffer.allocUnsafe(Math.min(MAX_METRIC_HISTORY_BYTES, size + (size >> 3)));
    return s.buf;
  });
}

/** The sampled series in arrays of its own (not views on the scratch columns or on a larger sorted copy). */
function own(s: Series, scratch: Scratch): Series {
  const shared = s.values.buffer === scratch.values.buffer || s.steps.buffer === scratch.steps.buffer || s.timestamps.buffer === scratch.timestamps.buffer;
  if (!shared && s.values.byteLength === s.values.buffer.byteLength && s.steps.byteLength === s.steps.buffer.byteLength && s.timestamps.byteLength === s.timestamps.buffer.byteLength) return s;
  return { ...s, steps: s.steps.slice(), timestamps: s.timestamps.slice(), values: s.values.slice() };
}

async function sampledFileSeries(store: FileStoreReader, runId: string, key: string, maxPoints: number, range: [number, number] | undefined, scratch: Scratch): Promise<Series> {
  const file = await store.metricFilePath(runId, key);
  let buf: Buffer;
  try {
    buf = await readInto(file, scratch);
  } catch (e) {
    if (isMissing(e)) return sampleSeries(emptySeries(runId, key), maxPoints);
    throw new StoreError('INTERNAL_ERROR', `cannot read ${file}: ${errText(e)}`, file);
  }
  let c;
  try {
    c = parseMetricColumns(buf, { into: scratch });
  } catch (e) {
    if (e instanceof MetricLineError) throw new StoreError('CORRUPT_DATA', `metric file ${file} is corrupt: ${e.message}`, file);
    throw e;
  }
  // Columns grown past the scratch ones become the scratch for the next file.
  if (c.values.buffer !== scratch.values.buffer) {
    scratch.steps = new Float64Array(c.steps.buffer);
    scratch.timestamps = new Float64Array(c.timestamps.buffer);
    scratch.values = new Float64Array(c.values.buffer);
  }
  let { steps, timestamps, values } = c;
  if (!c.sorted) {
    const order = sortOrder(steps, timestamps)!;
    steps = permute(steps, order);
    timestamps = permute(timestamps, order);
    values = permute(values, order);
  }
  let s: Series = { runId, key, steps, timestamps, values, total: c.length, nonFinite: c.nonFinite };
  if (range && s.steps.length && (s.steps[0] < range[0] || s.steps[s.steps.length - 1] > range[1])) s = stepRange(s, range[0], range[1]);
  return own(sampleSeries(s, maxPoints), scratch);
}

export interface SampledFileResult {
  runId: string;
  series: Series;
  error?: string;
}

/** `key` of each run, sampled to `maxPoints` (only steps in `range` when given), in the order of `runIds`. */
export async function readSampledFileHistories(store: FileStoreReader, runIds: string[], key: string, maxPoints: number, range?: [number, number]): Promise<SampledFileResult[]> {
  const out = new Array<SampledFileResult>(runIds.length);
  let next = 0;
  const reader = async (): Promise<void> => {
    const scratch: Scratch = { buf: Buffer.allocUnsafe(0), steps: new Float64Array(0), timestamps: new Float64Array(0), values: new Float64Array(0) };
    while (next < runIds.length) {
      const i = next++;
      const runId = runIds[i];
      try {
        out[i] = { runId, series: await sampledFileSeries(store, runId, key, maxPoints, range, scratch) };
      } catch (e) {
        out[i] = { runId, series: emptySeries(runId, key), error: errText(e) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READERS, runIds.length) }, reader));
  return out;
}
