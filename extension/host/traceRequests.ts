import { StoreError } from '../core/store/errors';
import type { NewFeedback, Trace } from '../core/traces/entities';
import type { RequestHandlers } from '../../webviews/platform/envelope';
import type { TraceContract, TraceHeader, TraceInit } from '../../webviews/trace/contract';
import { assessmentView, spanDetail, traceInit } from './mappers/trace';

/**
 * The trace panel's data, without `vscode`: the loaded trace (kept in the host, so selecting a
 * span sends only that span) and the page's requests. Plain-Node tests drive these against stores
 * written by the real mlflow.
 */

export interface LoadedTrace {
  trace: Trace;
  /** Column position → index in trace.spans. */
  order: number[];
  firstStartNs: string;
  init: TraceInit;
}

export function loadedTrace(trace: Trace, feedback: TraceHeader['feedback']): LoadedTrace {
  const { init, order } = traceInit(trace, feedback);
  const firstStartNs = order.length ? trace.spans[order[0]].startTimeNs : '0';
  return { trace, order, firstStartNs, init };
}

export function traceRequests(current: () => LoadedTrace | undefined, writeFeedback: (f: NewFeedback) => Promise<import('../core/traces/entities').Assessment>, sourceId: () => string): RequestHandlers<TraceContract> {
  const loaded = (traceId: string): LoadedTrace => {
    const l = current();
    if (!l || l.trace.info.traceId !== traceId) throw new StoreError('INVALID_STATE', `Trace ${traceId} is not the one this panel shows any more; reload it`);
    return l;
  };
  return {
    span: async ({ traceId, index }) => {
      const l = loaded(String(traceId));
      if (!Number.isInteger(index) || index < 0 || index >= l.order.length) throw new StoreError('INVALID_PARAMETER_VALUE', `No span at position ${index}`);
      return spanDetail(l.trace, l.order, index, l.firstStartNs);
    },
    addFeedback: async ({ traceId, spanId, name, value, rationale }) => {
      const l = loaded(String(traceId));
      if (!l.init.header.feedback.writable) throw new StoreError('UNSUPPORTED_STORE', l.init.header.feedback.note ?? 'This store does not take feedback');
      const n = String(name ?? '').trim();
      if (!n) throw new StoreError('INVALID_PARAMETER_VALUE', 'A feedback needs a name');
      if (spanId !== undefined && !l.trace.spans.some((s) => s.spanId === spanId)) throw new StoreError('INVALID_PARAMETER_VALUE', `Span ${spanId} is not in trace ${traceId}`);
      const created = await writeFeedback({ traceId: l.trace.info.traceId, name: n, value, ...(rationale ? { rationale: String(rationale) } : {}), ...(spanId ? { spanId } : {}), sourceId: sourceId() });
      // The store's own answer joins the list: re-reading a 30,000-span trace for one assessment is not worth it.
      l.trace.info.assessments = [...l.trace.info.assessments, created];
      l.init.assessments = l.trace.info.assessments.map(assessmentView);
      return { assessments: l.init.assessments };
    },
  };
}
