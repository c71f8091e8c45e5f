"""Paging conformance with the real mlflow.

`make URI [--datasets]`: writes the paging store with MlflowClient (two experiments; runs with tied start times,
missing keys, NaN and infinite metrics, tied params, mixed-case tags, every status, deleted runs; with --datasets, dataset inputs on some runs).
Prints {"experiment_ids": [...]}.

`ask URI` (stdin: {"experiment_ids": [...], "cases": [{"filter", "order_by", "view", "sizes"}]}):
for every case, MLflow's full answer (mlflow.search_runs) and, for every page size, the pages that
MlflowClient.search_runs returns when following its own tokens. Also every run's data (ALL view).
Prints one JSON line.
"""
import json
import math
import random
import sys

import mlflow
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag, ViewType
from mlflow.tracking import MlflowClient

T0 = 1_700_000_000_000


def make(uri, datasets):
    client = MlflowClient(tracking_uri=uri)
    rng = random.Random(8)
    exp_a = client.create_experiment("paging-a")
    exp_b = client.create_experiment("paging-b")
    statuses = ["FINISHED", "FAILED", "KILLED", "RUNNING", "FINISHED", "FINISHED"]
    for i in range(60):
        exp = exp_a if i < 50 else exp_b
        # Groups of three runs share a start time, so the run id decides among them.
        start = T0 + ((i * 7) % 40) // 3 * 1000
        names = [f"run-{i % 20}", f"Run_{i % 3}", "trial%", f"run-{i % 20}"]
        run = client.create_run(exp, start_time=start, run_name=names[i % 4])
        rid = run.info.run_id
        metrics, params, tags = [], [], []
        if i % 9 != 0:
            if i % 11 == 0:
                v = math.nan
            elif i % 13 == 0:
                v = math.inf
            elif i % 17 == 0:
                v = -math.inf
            else:
                v = round(rng.random(), 1)  # coarse, so values tie
            # An earlier point with another value: only the latest one may count.
            metrics.append(Metric("m", -5.0, start + 1, 0))
            metrics.append(Metric("m", v, start + 2, 3))
        if i % 4 == 0:
            metrics.append(Metric("m2", round(rng.uniform(-2, 2), 2), start + 5, 0))
        if i % 6 == 1:
            metrics.append(Metric("nested/acc", round(rng.random(), 3), start + 5, 1))
        if i % 5 != 0:
            params.append(Param("p", ["alpha", "beta", "Gamma", "delta", "10", "9"][i % 6]))
        params.append(Param("lr", str([0.1, 0.01, 0.001][i % 3])))
        if i % 7 == 2:
            params.append(Param("path/key", f"v{i % 4}"))
        tag_values = ["x-one", "X-two", "y", "", None]
        t = tag_values[i % 5]
        if t is not None:
            tags.append(RunTag("t", t))
        if i % 8 == 3:
            tags.append(RunTag("rare", "yes"))
        client.log_batch(rid, metrics=metrics, params=params, tags=tags)
        status = statuses[i % 6]
        if status != "RUNNING":
            client.set_terminated(rid, status=status, end_time=start + 10_000 + (i % 5) * 100)
        if datasets and i % 4 == 1:
            ds = Dataset(
                name=f"ds-{i % 3}", digest=f"d{i % 2}", source_type="local", source='{"uri": "x"}'
            )
            ctx = ["training", "Eval"][i % 2]
            client.log_inputs(rid, [DatasetInput(ds, tags=[InputTag("mlflow.data.context", ctx)])])
        if i % 10 == 7:
            client.delete_run(rid)
    print(json.dumps({"experiment_ids": [exp_a, exp_b]}))


def metric_json(v):
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def ask(uri):
    req = json.load(sys.stdin)
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri)
    ids = req["experiment_ids"]
    runs = {}
    for r in mlflow.search_runs(experiment_ids=ids, run_view_type=ViewType.ALL, output_format="list"):
        runs[r.info.run_id] = {
            "run_name": r.info.run_name,
            "status": r.info.status,
            "start_time": r.info.start_time,
            "end_time": r.info.end_time,
            "lifecycle_stage": r.info.lifecycle_stage,
            "params": r.data.params,
            "tags": r.data.tags,
            "metrics": {k: metric_json(v) for k, v in r.data.metrics.items()},
        }
    out = []
    for case in req["cases"]:
        flt = case.get("filter") or ""
        order_by = case.get("order_by") or None
        view = ViewType.from_string((case.get("view") or "ACTIVE_ONLY").lower())
        exp_ids = case.get("experiment_ids") or ids
        try:
            full = mlflow.search_runs(
                experiment_ids=exp_ids, filter_string=flt, run_view_type=view, order_by=order_by, output_format="list"
            )
        except Exception as e:  # noqa: BLE001 - a rejection is a result
            out.append({"error": f"{type(e).__name__}: {e}"})
            continue
        pages = {}
        for size in case["sizes"]:
            walk, token = [], None
            while True:
                page = client.search_runs(
                    exp_ids, filter_string=flt, run_view_type=view, max_results=size, order_by=order_by, page_token=token
                )
                token = page.token
                if isinstance(token, bytes):  # the file store hands out bytes
                    token = token.decode("ascii")
                walk.append({"ids": [r.info.run_id for r in page], "token": token})
                if not token:
                    break
            pages[str(size)] = walk
        out.append({"full": [r.info.run_id for r in full], "pages": pages})
    print(json.dumps({"runs": runs, "cases": out}))


if __name__ == "__main__":
    cmd, target = sys.argv[1], sys.argv[2]
    make(target, "--datasets" in sys.argv) if cmd == "make" else ask(target)
