import type { Span, Trace } from '../../extension/core/traces/entities';

/**
 * A synthetic trace of `n` spans shaped like an agent's: a root, `n / 100` steps, each with LLM and
 * tool calls, every 97th span failing. Only for size (the DOM test and the benchmark): conformance
 * with MLflow is checked on traces the real mlflow wrote.
 */
export function bigTrace(n: number, traceId = 'tr-big'): Trace {
  const t0 = 1_795_000_000_000_000_000n;
  const spans: Span[] = [];
  const id = (i: number) => i.toString(16).padStart(16, '0');
  const types = ['LLM', 'TOOL', 'RETRIEVER', 'CHAT_MODEL'];
  spans.push({ spanId: id(1), parentId: null, name: 'agent', startTimeNs: String(t0), endTimeNs: String(t0 + BigInt(n) * 1_000_000n), statusCode: 'OK', statusMessage: '', attributes: { 'mlflow.spanType': 'AGENT', 'mlflow.spanInputs': { q: 'big' } }, events: [] });
  let step = 1;
  for (let i = 2; i <= n; i++) {
    const isStep = (i - 2) % 100 === 0;
    if (isStep) step = i;
    const start = t0 + BigInt(i) * 1_000_000n;
    const fail = i % 97 === 0;
    spans.push({
      spanId: id(i),
      parentId: isStep ? id(1) : id(step),
      name: isStep ? `step ${Math.floor((i - 2) / 100)}` : `call ${i}`,
      startTimeNs: String(start),
      endTimeNs: String(start + 800_000n),
      statusCode: fail ? 'ERROR' : 'OK',
      statusMessage: fail ? 'ValueError: boom' : '',
      attributes: { 'mlflow.spanType': isStep ? 'CHAIN' : types[i % 4], 'mlflow.spanInputs': { i }, 'mlflow.spanOutputs': `out ${i}` },
      events: [],
    });
  }
  return {
    info: { traceId, experimentId: '1', requestTime: Number(t0 / 1_000_000n), executionDurationMs: n, state: 'OK', metadata: {}, tags: { 'mlflow.traceName': 'agent' }, assessments: [] },
    spans,
  };
}
