import { StoreError } from '../store/errors';
import type { MlflowHttpClient } from '../store/rest/httpClient';
import { list, obj, str, type Shape } from '../store/rest/shape';
import { TRACE_KEY, TRACES_PAGE_MAX, type Assessment, type NewFeedback, type SearchTracesOptions, type Trace, type TraceInfo, type TracesPage } from './entities';
import { nanoJsonParse, spanOf, spansFromDocument } from './spanJson';
import { assessmentOf, traceInfoOf } from './traceInfoJson';

/**
 * Traces behind an MLflow server (REST API 3.0):
 * - search: `POST /api/3.0/mlflow/traces/search` (the server pages, at most 500 per page);
 * - one trace: `GET /api/3.0/mlflow/traces/get?trace_id=` answers `{trace: {trace_info, spans}}`
 *   with OpenTelemetry JSON spans. A server on a file store answers NOT_IMPLEMENTED (the file store
 *   has no get_trace), and spans kept as an artifact may come back empty: then the trace info comes
 *   from `GET /api/3.0/mlflow/traces/<id>` and the spans from the artifact through
 *   `GET /ajax-api/3.0/mlflow/get-trace-artifact?request_id=`, as MLflow's web UI does;
 * - feedback: `POST /api/3.0/mlflow/traces/<id>/assessments`.
 * Span bodies are read as text so nanosecond times keep their digits (spanJson.ts).
 */

const API = '/api/3.0/mlflow';
const traceInfoShape = obj({ 'trace_id!': str });
const SHAPES = {
  search: obj({ traces: list(traceInfoShape), next_page_token: str }),
  traceInfo: obj({ 'trace!': obj({ 'trace_info!': traceInfoShape }) }),
  assessment: obj({ 'assessment!': obj({ 'assessment_id!': str }) }),
} satisfies Record<string, Shape>;

function shouldFallBack(e: unknown): boolean {
  return e instanceof StoreError && (e.code === 'ENDPOINT_NOT_FOUND' || e.httpStatus === 501 || e.httpStatus === 404 || /NOT_IMPLEMENTED/.test(e.message));
}

function utf8(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

export class RestTraces {
  constructor(private readonly http: MlflowHttpClient) {}

  async searchTraces(opts: SearchTracesOptions): Promise<TracesPage> {
    if (!Number.isInteger(opts.maxResults) || opts.maxResults < 1 || opts.maxResults > TRACES_PAGE_MAX) {
      throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid value ${opts.maxResults} for parameter 'max_results': a server page holds 1 to ${TRACES_PAGE_MAX} traces`, this.http.shown);
    }
    if (opts.experimentIds.length === 0) return { traces: [] };
    const r = await this.http.call<{ traces?: unknown[]; next_page_token?: string }>(
      'POST',
      `${API}/traces/search`,
      {
        locations: opts.experimentIds.map((id) => ({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } })),
        filter: opts.filter || undefined,
        max_results: opts.maxResults,
        order_by: opts.orderBy,
        page_token: opts.pageToken || undefined,
      },
      SHAPES.search,
      { maxItems: opts.maxResults },
    );
    const where = this.http.shown + API + '/traces/search';
    const traces = (r.traces ?? []).map((t) => traceInfoOf(t, where));
    if (r.next_page_token && r.next_page_token === opts.pageToken) {
      throw new StoreError('INVALID_STATE', `${where} answered page token ${JSON.stringify(r.next_page_token.slice(0, 60))} with itself as the next one`, where);
    }
    return r.next_page_token ? { traces, nextPageToken: r.next_page_token } : { traces };
  }

  async getTraceInfo(traceId: string): Promise<TraceInfo> {
    const r = await this.http.call<{ trace: { trace_info: unknown } }>('GET', `${API}/traces/${encodeURIComponent(traceId)}`, {}, SHAPES.traceInfo, { notFound: `trace ${traceId}` });
    return traceInfoOf(r.trace.trace_info, this.http.shown + API + '/traces/' + traceId);
  }

  async getTrace(traceId: string): Promise<Trace> {
    return this.http.operation(async () => {
      const where = this.http.shown + API + '/traces/get';
      let full: Trace | undefined;
      try {
        const text = utf8(await this.http.bytes(`${API}/traces/get`, { trace_id: traceId }, { notFound: `trace ${traceId}` }));
        const doc = nanoJsonParse(text) as { trace?: { trace_info?: unknown; spans?: unknown[] } };
        if (!doc.trace?.trace_info) throw new StoreError('CORRUPT_DATA', `${where}: the answer has no trace.trace_info`, where);
        full = { info: traceInfoOf(doc.trace.trace_info, where), spans: (doc.trace.spans ?? []).map((s) => spanOf(s, where)) };
      } catch (e) {
        if (!shouldFallBack(e)) throw e;
      }
      if (full && (full.spans.length > 0 || full.info.tags[TRACE_KEY.spansLocation] === 'TRACKING_STORE')) return full;
      const info = full?.info ?? (await this.getTraceInfo(traceId));
      const art = this.http.shown + '/ajax-api/3.0/mlflow/get-trace-artifact';
      const text = utf8(await this.http.bytes('/ajax-api/3.0/mlflow/get-trace-artifact', { request_id: traceId }, { notFound: `span data of trace ${traceId}` }));
      return { info, spans: spansFromDocument(text, art) };
    });
  }

  async createFeedback(f: NewFeedback): Promise<Assessment> {
    const body = {
      assessment: {
        assessment_name: f.name,
        trace_id: f.traceId,
        ...(f.spanId ? { span_id: f.spanId } : {}),
        source: { source_type: 'HUMAN', source_id: f.sourceId },
        feedback: { value: f.value },
        ...(f.rationale ? { rationale: f.rationale } : {}),
      },
    };
    const r = await this.http.call<{ assessment: unknown }>('POST', `${API}/traces/${encodeURIComponent(f.traceId)}/assessments`, body, SHAPES.assessment, { notFound: `trace ${f.traceId}` });
    return assessmentOf(r.assessment, f.traceId);
  }
}
