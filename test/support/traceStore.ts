import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TrackingReader } from '../../extension/core/store/trackingStore';
import type { TraceInfo } from '../../extension/core/traces/entities';
import { spanJson, stringifyTraceJson, traceInfoJson } from '../../extension/core/traces/traceCliJson';
import { repoRoot, runPython, runPythonJson } from './python';

/**
 * Trace stores written by the real mlflow (test/support/make_trace_store.py) and the checks that
 * our readers see what mlflow's own client reads back from the same store.
 */

export interface PyTraces {
  experiment_id: string;
  run_id: string;
  agent_id: string;
  failing_id: string;
  traces: Record<string, unknown>[];
  spans: Record<string, PySpan[]>;
  filters: Record<string, string[]>;
  orders: Record<string, string[]>;
  pages: string[][];
}

export interface PySpan {
  name: string;
  span_id: string;
  parent_id: string | null;
  start_time_ns: string;
  end_time_ns: string;
  status_code: string;
  span_type: string;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
}

export function makeTraceStore(uri: string, cwd: string, simple = 4): PyTraces {
  const out = runPython([join(repoRoot, 'test/support/make_trace_store.py'), uri, String(simple)], {}, cwd);
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as PyTraces;
}

/** What mlflow's client reads back for one trace now (after our writes). */
export function pythonTrace(uri: string, traceId: string, cwd: string): Record<string, unknown> {
  return runPythonJson(
    `
import json, mlflow
mlflow.set_tracking_uri(${JSON.stringify(uri)})
print(json.dumps(mlflow.get_trace(${JSON.stringify(traceId)}).info.to_dict()))
`,
    {},
    cwd,
  );
}

/** The parts of TraceInfo.to_dict() that every store kind reports the same way. */
export function comparableInfo(d: Record<string, unknown>): Record<string, unknown> {
  const assessments = ((d.assessments as Record<string, unknown>[]) ?? []).map((a) => ({
    assessment_id: a.assessment_id,
    assessment_name: a.assessment_name,
    span_id: a.span_id ?? null,
    source: a.source,
    value: ((a.feedback ?? a.expectation) as { value?: unknown } | undefined)?.value,
    rationale: a.rationale ?? null,
    create_time: a.create_time,
  }));
  assessments.sort((x, y) => String(x.assessment_id).localeCompare(String(y.assessment_id)));
  return {
    trace_id: d.trace_id,
    request_time: d.request_time,
    state: d.state,
    execution_duration_ms: d.execution_duration_ms ?? null,
    request_preview: d.request_preview ?? null,
    response_preview: d.response_preview ?? null,
    trace_metadata: d.trace_metadata,
    tags: d.tags,
    assessments,
  };
}

export function ourInfo(t: TraceInfo): Record<string, unknown> {
  return comparableInfo(JSON.parse(stringifyTraceJson(traceInfoJson(t))) as Record<string, unknown>);
}

export async function allTraces(store: TrackingReader, experimentId: string, extra: { filter?: string; orderBy?: string[] } = {}, pageSize = 500): Promise<TraceInfo[]> {
  const out: TraceInfo[] = [];
  let token: string | undefined;
  do {
    const page = await store.searchTraces!({ experimentIds: [experimentId], maxResults: pageSize, pageToken: token, ...extra });
    out.push(...page.traces);
    token = page.nextPageToken;
  } while (token);
  return out;
}

/** The comparisons every store kind must pass; `store()` is called inside each test. */
export function describeTraceConformance(py: () => PyTraces, store: () => TrackingReader, opts: { pages: boolean }): void {
  test('search: the same traces in the same order, with the same info, tags, metadata and assessments', async () => {
    const p = py();
    const ours = await allTraces(store(), p.experiment_id);
    assert.deepEqual(
      ours.map((t) => t.traceId),
      p.traces.map((t) => t.trace_id),
    );
    for (let i = 0; i < ours.length; i++) assert.deepEqual(ourInfo(ours[i]), comparableInfo(p.traces[i]), `trace ${ours[i].traceId}`);
  });

  test('filters give the traces mlflow gives', async () => {
    const p = py();
    for (const [filter, ids] of Object.entries(p.filters)) {
      const ours = await allTraces(store(), p.experiment_id, { filter });
      assert.deepEqual(
        ours.map((t) => t.traceId),
        ids,
        filter,
      );
    }
  });

  test('order_by gives mlflow order', async () => {
    const p = py();
    for (const [order, ids] of Object.entries(p.orders)) {
      const ours = await allTraces(store(), p.experiment_id, { orderBy: JSON.parse(order) as string[] });
      assert.deepEqual(
        ours.map((t) => t.traceId),
        ids,
        order,
      );
    }
  });

  if (opts.pages) {
    test('pages of 2 are mlflow pages', async () => {
      const p = py();
      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const page = await store().searchTraces!({ experimentIds: [p.experiment_id], maxResults: 2, pageToken: token });
        pages.push(page.traces.map((t) => t.traceId));
        token = page.nextPageToken;
      } while (token);
      // MLflow's SQL store hands out a token after a full last page, which then reads empty; ours
      // does too through a server, and not when we read SQLite ourselves (one row more tells).
      const trim = (x: string[][]) => (x.length > 1 && x[x.length - 1].length === 0 ? x.slice(0, -1) : x);
      assert.deepEqual(trim(pages), trim(p.pages));
    });
  }

  test('getTrace: every span as mlflow reads it (ids, parents, exact ns times, status, decoded attributes, events)', async () => {
    const p = py();
    for (const [traceId, spans] of Object.entries(p.spans)) {
      const t = await store().getTrace!(traceId);
      const ours = t.spans.map((s) => {
        const j = JSON.parse(stringifyTraceJson(spanJson(s)).replace(/"(start_time_ns|end_time_ns|timestamp)": (\d+)/g, '"$1": "$2"')) as Record<string, unknown>;
        return {
          name: j.name,
          span_id: j.span_id,
          parent_id: j.parent_id,
          start_time_ns: j.start_time_ns,
          end_time_ns: j.end_time_ns,
          status_code: j.status_code,
          span_type: j.span_type,
          attributes: j.attributes,
          events: (j.events as { name: string; attributes: unknown }[]).map((e) => ({ name: e.name, attributes: e.attributes })),
        };
      });
      const key = (s: { span_id: unknown }) => String(s.span_id);
      assert.deepEqual(
        [...ours].sort((a, b) => key(a).localeCompare(key(b))),
        [...spans].sort((a, b) => key(a).localeCompare(key(b))),
        traceId,
      );
      assert.equal(t.info.traceId, traceId);
    }
  });

  test('an unknown trace id is RESOURCE_DOES_NOT_EXIST', async () => {
    await assert.rejects(store().getTrace!('tr-00000000000000000000000000000000'), (e: { code?: string }) => e.code === 'RESOURCE_DOES_NOT_EXIST');
  });
}
