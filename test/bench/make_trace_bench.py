"""Bench data for test/bench/traces.bench.ts, written outside the repository (argv[1] is the folder):

- `big/mlruns`: a file store with one trace of N spans (argv[2], default 30,000) written by the real
  mlflow client: a root, N/100 steps, 99 calls each (LLM / TOOL / RETRIEVER types, inputs and
  outputs, every 97th call raising), so traces.json is what MLflow writes for such an agent run.
- `many/mlflow.db`: an SQLite store with M traces (argv[3], default 10,000). MLflow writes the first
  20 (nested spans, tags, token usage, assessments); the rest are copies of those rows made with SQL
  under new ids and timestamps, because writing 10,000 traces through the client takes most of an
  hour on a loaded machine. MLflow then reads the store back (its own first page) to prove it valid.
Prints one JSON line: {big_trace_id, many_experiment_id, many_first_page}.
"""
import json
import os
import sqlite3
import sys
import time
import uuid

os.environ.setdefault("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
import mlflow  # noqa: E402
from mlflow.entities import SpanType  # noqa: E402

out_dir = sys.argv[1]
n_spans = int(sys.argv[2]) if len(sys.argv) > 2 else 30000
n_traces = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
result = {}

# ---------------------------------------------------------------- one big trace
mlflow.set_tracking_uri("file://" + os.path.join(out_dir, "big", "mlruns"))
mlflow.set_experiment("big-trace")
types = [SpanType.LLM, SpanType.TOOL, SpanType.RETRIEVER]
steps = max(1, -(-(n_spans - 1) // 100))  # ceil: the last step takes the calls left
with mlflow.start_span("agent", span_type=SpanType.AGENT) as root:
    root.set_inputs({"question": "plan a trip"})
    made = 1
    for step in range(steps):
        with mlflow.start_span(f"step {step}", span_type=SpanType.CHAIN) as s:
            s.set_inputs({"step": step})
            made += 1
            for j in range(99):
                if made >= n_spans:
                    break
                try:
                    with mlflow.start_span(f"call {step}.{j}", span_type=types[j % 3]) as c:
                        c.set_inputs({"messages": [{"role": "user", "content": f"step {step} call {j}"}]})
                        if made % 97 == 0:
                            raise ValueError(f"tool failed at {step}.{j}")
                        c.set_outputs({"content": f"<b>answer</b> {step}.{j}"})
                except ValueError:
                    pass
                made += 1
    root.set_outputs("done")
result["big_trace_id"] = mlflow.get_last_active_trace_id()
result["big_span_count"] = made

# ---------------------------------------------------------------- many traces on SQLite
db = os.path.join(out_dir, "many", "mlflow.db")
os.makedirs(os.path.dirname(db), exist_ok=True)
mlflow.set_tracking_uri("sqlite:///" + db)
exp_id = mlflow.set_experiment("many-traces").experiment_id


@mlflow.trace(span_type=SpanType.TOOL)
def tool(x):
    return x * 2


@mlflow.trace(name="agent")
def agent(i):
    span = mlflow.get_current_active_span()
    span.set_attribute("mlflow.chat.tokenUsage", {"input_tokens": i, "output_tokens": 2, "total_tokens": i + 2})
    return tool(i)


seeds = []
for i in range(20):
    agent(i)
    seeds.append(mlflow.get_last_active_trace_id())
    mlflow.set_trace_tag(seeds[-1], "batch", str(i % 3))
mlflow.log_feedback(trace_id=seeds[0], name="ok", value=True)

con = sqlite3.connect(db)
cur = con.cursor()
cols = {t: [r[1] for r in cur.execute(f"pragma table_info({t})")] for t in ["trace_info", "trace_tags", "trace_request_metadata", "spans"]}
base_ts = cur.execute("select max(timestamp_ms) from trace_info").fetchone()[0]
copies = n_traces - len(seeds)
for k in range(copies):
    src = seeds[k % len(seeds)]
    new = "tr-" + uuid.uuid4().hex
    ts = base_ts - (k + 1) * 1000
    # Named columns: pragma table_info leaves out generated columns (spans.duration_ns), select * not.
    row = dict(zip(cols["trace_info"], cur.execute(f"select {','.join(cols['trace_info'])} from trace_info where request_id = ?", (src,)).fetchone()))
    row.update(request_id=new, timestamp_ms=ts)
    cur.execute(f"insert into trace_info ({','.join(row)}) values ({','.join('?' * len(row))})", list(row.values()))
    for t in ["trace_tags", "trace_request_metadata"]:
        for r in cur.execute(f"select {','.join(cols[t])} from {t} where request_id = ?", (src,)).fetchall():
            d = dict(zip(cols[t], r))
            d["request_id"] = new
            cur.execute(f"insert into {t} ({','.join(d)}) values ({','.join('?' * len(d))})", list(d.values()))
    for r in cur.execute(f"select {','.join(cols['spans'])} from spans where trace_id = ?", (src,)).fetchall():
        d = dict(zip(cols["spans"], r))
        d["trace_id"] = new
        cur.execute(f"insert into spans ({','.join(d)}) values ({','.join('?' * len(d))})", list(d.values()))
con.commit()
con.close()
result["many_experiment_id"] = exp_id
page = mlflow.MlflowClient().search_traces(locations=[exp_id], max_results=50)
result["many_first_page"] = [t.info.trace_id for t in page]
result["many_count"] = n_traces
print(json.dumps(result))
