"""Writes MLflow 3 traces with the real mlflow client into the store at argv[1] and prints, as one
JSON line, what mlflow's own client reads back (search_traces / get_trace), so tests can compare the
workbench's readers with it. Used by test/unit/traces/*. Span times are printed as strings: they
are nanoseconds, beyond a double's exact range.

Traces: "agent" (inside a run; nested spans retrieve/tool/llm/format, an event, HTML in an output,
token usage, a tag, a linked prompt tag, HUMAN feedback on the trace and on a span, an expectation),
"failing" (an exception: ERROR state and span), and SIMPLE "simple-<i>" traces for paging.
"""
import json
import os
import sys
import time

os.environ.setdefault("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")
import mlflow  # noqa: E402
from mlflow.entities import AssessmentSource, SpanEvent, SpanType  # noqa: E402

uri = sys.argv[1]
simple = int(sys.argv[2]) if len(sys.argv) > 2 else 4
experiment = sys.argv[3] if len(sys.argv) > 3 else "traces-demo"
# The real-VS-Code workspace wants no extra run (its suite counts runs per experiment).
in_run = os.environ.get("MLWB_TRACES_NO_RUN") != "1"
mlflow.set_tracking_uri(uri)
exp_id = mlflow.set_experiment(experiment).experiment_id


@mlflow.trace(span_type=SpanType.TOOL)
def tool(x):
    return {"result": x * 2, "html": "<img src=x onerror=alert(1)><b>bold</b>"}


@mlflow.trace(span_type=SpanType.CHAT_MODEL)
def llm(q):
    span = mlflow.get_current_active_span()
    span.set_attribute("mlflow.chat.tokenUsage", {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15})
    with mlflow.start_span("format") as s:
        s.set_inputs({"text": q})
        s.set_outputs("answer to " + q)
    return "answer to " + q


@mlflow.trace(name="agent")
def agent(q):
    with mlflow.start_span("retrieve", span_type=SpanType.RETRIEVER) as s:
        s.set_inputs({"query": q})
        s.set_outputs([{"doc": "a", "score": 0.5}])
        s.add_event(SpanEvent("found", attributes={"n": 1}))
    tool(3)
    return llm(q)


@mlflow.trace(name="failing")
def failing():
    raise ValueError("boom <script>")


if in_run:
    with mlflow.start_run() as run:
        agent("hello")
        run_id = run.info.run_id
else:
    agent("hello")
    run_id = None
agent_id = mlflow.get_last_active_trace_id()
time.sleep(0.01)
try:
    failing()
except ValueError:
    pass
failing_id = mlflow.get_last_active_trace_id()
for i in range(simple):
    time.sleep(0.005)
    with mlflow.start_span(f"simple-{i}") as s:
        s.set_inputs({"i": i})
        s.set_outputs(i)

trace = mlflow.get_trace(agent_id)
llm_span = next(s for s in trace.data.spans if s.name == "llm")
mlflow.log_feedback(trace_id=agent_id, name="relevance", value=True, rationale="good",
                    source=AssessmentSource(source_type="HUMAN", source_id="me"))
mlflow.log_feedback(trace_id=agent_id, name="fluency", value=0.75, span_id=llm_span.span_id,
                    source=AssessmentSource(source_type="LLM_JUDGE", source_id="judge"))
mlflow.log_expectation(trace_id=agent_id, name="expected", value="answer to hello")
mlflow.set_trace_tag(agent_id, "team", "a")
mlflow.set_trace_tag(agent_id, "mlflow.linkedPrompts", json.dumps([{"name": "qa-prompt", "version": "2"}]))

FILTERS = [
    "status = 'OK'",
    "status = 'ERROR'",
    "name = 'agent'",
    "status IN ('OK', 'ERROR')",
    "tags.team = 'a'",
    "tags.team IS NULL",
    "timestamp_ms > 0",
    "execution_time_ms >= 0",
    *([f"run_id = '{run_id}'"] if run_id else []),
    "metadata.`mlflow.user` IS NOT NULL",
    "name LIKE 'simple-%'",
    "name ILIKE 'SIMPLE-%'",
]
ORDERS = [["timestamp_ms ASC"], ["execution_time_ms DESC"], ["status ASC"]]


def spans_of(t):
    return [
        {
            "name": s.name,
            "span_id": s.span_id,
            "parent_id": s.parent_id,
            "start_time_ns": str(s.start_time_ns),
            "end_time_ns": str(s.end_time_ns),
            "status_code": s.status.status_code.value if hasattr(s.status.status_code, "value") else str(s.status.status_code),
            "span_type": s.span_type,
            "attributes": s.attributes,
            "events": [{"name": e.name, "attributes": e.attributes} for e in s.events],
        }
        for s in t.data.spans
    ]


infos = mlflow.search_traces(locations=[exp_id], return_type="list")
out = {
    "experiment_id": exp_id,
    "run_id": run_id,
    "agent_id": agent_id,
    "failing_id": failing_id,
    "traces": [t.info.to_dict() for t in infos],
    "spans": {t.info.trace_id: spans_of(mlflow.get_trace(t.info.trace_id)) for t in infos},
    "filters": {f: [t.info.trace_id for t in mlflow.search_traces(locations=[exp_id], filter_string=f, return_type="list")] for f in FILTERS},
    "orders": {json.dumps(o): [t.info.trace_id for t in mlflow.search_traces(locations=[exp_id], order_by=o, return_type="list")] for o in ORDERS},
}
client = mlflow.MlflowClient()
pages, token = [], None
while True:
    page = client.search_traces(locations=[exp_id], max_results=2, page_token=token)
    pages.append([t.info.trace_id for t in page])
    token = page.token
    if not token:
        break
out["pages"] = pages
print(json.dumps(out))
