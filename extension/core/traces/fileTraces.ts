import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { asNumber, isRecord, parseMlflowYaml } from '../format/mlflowYaml';
import type { YamlValue } from '../format/pyYaml';
import { StoreError, type ProblemSink } from '../store/errors';
import { listDirIfExists, listDirOrReport, mapLimit, readKeyValueTree, readTextIfExists } from '../store/fileTree';
import { writeYamlAtomic } from '../store/fileWrites';
import { localPathOfUri, readLocalArtifact } from '../store/localArtifacts';
import { checkMaxResults, decodePageToken, encodePageToken } from '../store/paging';
import { TRACE_KEY, type Assessment, type NewFeedback, type SearchTracesOptions, type Trace, type TraceInfo, type TracesPage } from './entities';
import { spansFromDocument } from './spanJson';
import { skeletonSpans } from './spanSkeleton';
import { parseTraceFilter, parseTraceOrderBy, traceComparator, traceMatches } from './traceFilter';
import { assessmentOf, traceInfoOf } from './traceInfoJson';

/**
 * Traces in MLflow's file store (`mlruns/`): `<exp>/traces/<trace_id>/` holds trace_info.yaml,
 * `request_metadata/<key>` (the trace metadata), `tags/<key>` and `assessments/<id>.yaml`; the
 * spans are the artifact `traces.json` under the tag `mlflow.artifactLocation`. MLflow's file store
 * has no get_trace: its client reads that artifact too. A search reads every trace_info.yaml of the
 * experiments (MLflow does the same), but tags, metadata and assessments only of the traces that
 * the filter or order needs, or that land on the page.
 */

const IO = 32;
const SPANS_FILE = 'traces.json';
/** The largest traces.json read into memory (a 30,000-span trace is about 30 MB). */
const MAX_SPANS_BYTES = 512 * 1024 * 1024;

interface TraceDir {
  path: string;
  info: TraceInfo;
  complete: boolean;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const SAFE_ID = /^[A-Za-z0-9_.-]+$/;

export class FileTraces {
  constructor(
    private readonly root: string,
    private readonly onProblem: ProblemSink = () => undefined,
  ) {}

  private problem(location: string, message: string): void {
    this.onProblem({ location, message });
  }

  private async experimentDir(experimentId: string): Promise<string | undefined> {
    if (!SAFE_ID.test(experimentId) || experimentId === '.trash' || experimentId === 'models') return undefined;
    for (const p of [join(this.root, experimentId), join(this.root, '.trash', experimentId)]) {
      try {
        if ((await fsp.stat(p)).isDirectory()) return p;
      } catch {
        /* not here */
      }
    }
    return undefined;
  }

  private async readInfo(dir: string): Promise<TraceInfo | undefined> {
    const path = join(dir, 'trace_info.yaml');
    let text: string | undefined;
    try {
      text = await readTextIfExists(path);
    } catch (e) {
      this.problem(path, `cannot read trace info: ${errText(e)}`);
      return undefined;
    }
    if (text === undefined) return undefined;
    try {
      const doc = parseMlflowYaml(text);
      if (!isRecord(doc)) throw new Error('not a mapping');
      // The YAML keeps the duration as execution_duration_ms (an int), not proto Duration text.
      const ms = asNumber(doc.execution_duration_ms);
      return { ...traceInfoOf(doc, path), ...(ms !== undefined ? { executionDurationMs: ms } : {}) };
    } catch (e) {
      this.problem(path, `invalid trace info: ${errText(e)}; skipped`);
      return undefined;
    }
  }

  private async complete(t: TraceDir, parts: { keys: boolean; assessments: boolean }): Promise<void> {
    const report = (p: string, e: unknown) => this.problem(p, `cannot read: ${errText(e)}`);
    if (parts.keys) {
      const [metadata, tags] = await Promise.all([readKeyValueTree(join(t.path, 'request_metadata'), report), readKeyValueTree(join(t.path, 'tags'), report)]);
      t.info = { ...t.info, metadata, tags };
    }
    if (parts.assessments) t.info = { ...t.info, assessments: await this.readAssessments(t.path, t.info.traceId) };
  }

  private async readAssessments(traceDir: string, traceId: string): Promise<Assessment[]> {
    const dir = join(traceDir, 'assessments');
    const files = (await listDirOrReport(dir, (p, e) => this.problem(p, `cannot list assessments: ${errText(e)}`))).filter((d) => d.isFile() && d.name.endsWith('.yaml'));
    const out = await mapLimit(files, IO, async (d) => {
      const p = join(dir, d.name);
      try {
        const text = await readTextIfExists(p);
        return text === undefined ? undefined : assessmentOf(parseMlflowYaml(text), traceId);
      } catch (e) {
        this.problem(p, `invalid assessment: ${errText(e)}; skipped`);
        return undefined;
      }
    });
    return out.filter((a): a is Assessment => !!a).sort((a, b) => (a.createTime ?? 0) - (b.createTime ?? 0));
  }

  private async traceDirs(experimentId: string): Promise<TraceDir[]> {
    const exp = await this.experimentDir(experimentId);
    if (!exp) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with ID ${experimentId}`, this.root);
    const base = join(exp, 'traces');
    const entries = (await listDirOrReport(base, (p, e) => this.problem(p, `cannot list traces: ${errText(e)}`))).filter((d) => d.isDirectory());
    const dirs = await mapLimit(entries, IO, async (d): Promise<TraceDir | undefined> => {
      const path = join(base, d.name);
      const info = await this.readInfo(path);
      return info && { path, info, complete: false };
    });
    return dirs.filter((d): d is TraceDir => !!d);
  }

  async searchTraces(opts: SearchTracesOptions): Promise<TracesPage> {
    checkMaxResults(opts.maxResults, this.root);
    const clauses = parseTraceFilter(opts.filter);
    const order = parseTraceOrderBy(opts.orderBy);
    const offset = decodePageToken(opts.pageToken, this.root);
    const needKeys = clauses.some((c) => c.on !== 'attribute') || order.some((o) => o.on !== 'attribute');
    const all = (await Promise.all(opts.experimentIds.map((id) => this.traceDirs(id)))).flat();
    if (needKeys) await mapLimit(all, IO, (t) => this.complete(t, { keys: true, assessments: false }));
    const matching = all.filter((t) => traceMatches(t.info, clauses));
    const cmp = traceComparator(order);
    matching.sort((a, b) => cmp(a.info, b.info));
    const end = offset + opts.maxResults;
    const page = matching.slice(offset, end);
    await mapLimit(page, IO, (t) => this.complete(t, { keys: !needKeys, assessments: true }));
    const traces = page.map((t) => t.info);
    return end < matching.length ? { traces, nextPageToken: encodePageToken(end) } : { traces };
  }

  /** The trace's folder: MLflow looks in every experiment, as trace ids do not name theirs. */
  private async findTrace(traceId: string): Promise<string> {
    if (SAFE_ID.test(traceId)) {
      const roots = [this.root, join(this.root, '.trash')];
      for (const r of roots) {
        for (const d of await listDirIfExists(r)) {
          if (!d.isDirectory() || d.name === '.trash' || d.name === 'models') continue;
          const p = join(r, d.name, 'traces', traceId);
          try {
            if ((await fsp.stat(join(p, 'trace_info.yaml'))).isFile()) return p;
          } catch {
            /* not in this experiment */
          }
        }
      }
    }
    throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Trace with ID '${traceId}' not found`, this.root);
  }

  async getTraceInfo(traceId: string): Promise<{ info: TraceInfo; dir: string }> {
    const dir = await this.findTrace(traceId);
    const info = await this.readInfo(dir);
    if (!info) throw new StoreError('CORRUPT_DATA', `${join(dir, 'trace_info.yaml')} could not be read`, dir);
    const t: TraceDir = { path: dir, info, complete: false };
    await this.complete(t, { keys: true, assessments: true });
    return { info: t.info, dir };
  }

  async getTrace(traceId: string): Promise<Trace> {
    const { info, dir } = await this.getTraceInfo(traceId);
    const location = info.tags[TRACE_KEY.artifactLocation] ?? join(dir, 'artifacts');
    return { info, spans: await readSpansArtifact(location, traceId) };
  }

  /** MLflow's FileStore.create_assessment: a new `assessments/a-<uuid hex>.yaml`. */
  async createFeedback(f: NewFeedback): Promise<Assessment> {
    const dir = await this.findTrace(f.traceId);
    const now = new Date().toISOString();
    const id = `a-${randomUUID().replace(/-/g, '')}`;
    const doc: { [k: string]: YamlValue } = {
      assessment_id: id,
      assessment_name: f.name,
      create_time: now,
      feedback: { value: f.value as YamlValue },
      last_update_time: now,
      source: { source_id: f.sourceId, source_type: 'HUMAN' },
      trace_id: f.traceId,
      valid: true,
    };
    if (f.rationale) doc.rationale = f.rationale;
    if (f.spanId) doc.span_id = f.spanId;
    const path = join(dir, 'assessments', `${id}.yaml`);
    await fsp.mkdir(join(dir, 'assessments'), { recursive: true });
    await writeYamlAtomic(path, doc);
    return assessmentOf(doc, f.traceId);
  }
}

/** Spans from the trace's artifact folder (a local path or file: URI), where MLflow keeps traces.json. */
export async function readSpansArtifact(location: string, traceId: string): Promise<Trace['spans']> {
  const local = localPathOfUri(location);
  if (local === undefined) {
    throw new StoreError('UNSUPPORTED_STORE', `The spans of trace ${traceId} are in ${location}, which cannot be read from the local disk`, location);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readLocalArtifact(local, SPANS_FILE, MAX_SPANS_BYTES);
  } catch (e) {
    if (e instanceof StoreError && e.code === 'RESOURCE_DOES_NOT_EXIST') {
      throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Trace ${traceId} has no span data (${join(local, SPANS_FILE)} is missing)`, local);
    }
    throw e;
  }
  const where = join(local, SPANS_FILE);
  return skeletonSpans(bytes, where) ?? spansFromDocument(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), where);
}
