"""The Python side of test/bench/storeListing.bench.ts: what the real mlflow reads and how long it takes.

  read URI RUN_IDS_JSON METRIC     runs (info, params, tags, latest metrics) and one metric history each
  search URI EXP_ID MAX REPS       times mlflow.search_runs(output_format='list') REPS times
  history URI RUN_IDS_JSON METRIC REPS   times MlflowClient.get_metric_history over the runs, REPS times

Prints one JSON line. Times are taken inside Python with perf_counter, after `import mlflow`;
`first_done_epoch` lets the caller add the interpreter start and import to the first search.
"""

import json
import sys
import time

import mlflow
from mlflow import MlflowClient


def metric_json(m):
    return {"value": m.value, "timestamp": m.timestamp, "step": m.step}


def read(uri, run_ids, metric):
    client = MlflowClient(tracking_uri=uri)
    out = []
    for rid in run_ids:
        r = client.get_run(rid)
        hist = client.get_metric_history(rid, metric)
        out.append(
            {
                "run_id": r.info.run_id,
                "run_name": r.info.run_name,
                "status": r.info.status,
                "user_id": r.info.user_id,
                "start_time": r.info.start_time,
                "end_time": r.info.end_time,
                "lifecycle_stage": r.info.lifecycle_stage,
                "params": r.data.params,
                "tags": r.data.tags,
                "metrics": r.data.metrics,
                "history": [metric_json(m) for m in hist],
            }
        )
    print(json.dumps(out))


def search(uri, exp_id, max_results, reps):
    mlflow.set_tracking_uri(uri)
    times = []
    first_done = None
    count = None
    for _ in range(reps):
        t = time.perf_counter()
        runs = mlflow.search_runs(experiment_ids=[exp_id], output_format="list", max_results=max_results)
        times.append((time.perf_counter() - t) * 1000)
        if first_done is None:
            first_done = time.time()
        # Touch what the listing shows, so lazily built parts are paid for as in real use.
        count = sum(1 for r in runs if r.data.params is not None and r.data.metrics is not None)
    print(json.dumps({"times_ms": times, "count": count, "first_done_epoch": first_done}))


def history(uri, run_ids, metric, reps):
    client = MlflowClient(tracking_uri=uri)
    times = []
    points = 0
    for _ in range(reps):
        t = time.perf_counter()
        points = sum(len(client.get_metric_history(rid, metric)) for rid in run_ids)
        times.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"times_ms": times, "points": points}))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "read":
        read(args[0], json.loads(args[1]), args[2])
    elif cmd == "search":
        search(args[0], args[1], int(args[2]), int(args[3]))
    elif cmd == "history":
        history(args[0], json.loads(args[1]), args[2], int(args[3]))
    else:
        sys.exit("unknown command " + cmd)
