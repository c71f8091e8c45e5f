"""Writes a small store for the chart and `mlwb history` tests with the real mlflow.

  python make_chart_store.py TRACKING_URI

Runs (one experiment "charts"):
  spiky     2,000 steps of a smooth curve with one spike up at step 1234 and one dip at step 777,
            NaN at step 10, +inf at step 1500, -inf at step 1600
  ties      several values on the same steps with timestamps out of order, and steps logged out
            of order (file order differs from step order)
  short     a single value (a bar chart)
  evil      names and tags holding HTML/script payloads
Prints {"experiment_id", "runs": {name: run_id}} as JSON.
"""

import json
import math
import sys

from mlflow import MlflowClient
from mlflow.entities import Metric

T0 = 1_700_000_000_000
PAYLOAD = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>"


def main(uri):
    c = MlflowClient(tracking_uri=uri)
    exp = c.create_experiment("charts")
    runs = {}

    r = c.create_run(exp, run_name="spiky")
    metrics = []
    for s in range(2000):
        v = 1.0 / (1 + s / 100.0) + 0.001 * math.sin(s)
        if s == 1234:
            v = 50.0
        if s == 777:
            v = -7.5
        if s == 10:
            v = float("nan")
        if s == 1500:
            v = float("inf")
        if s == 1600:
            v = float("-inf")
        metrics.append(Metric("loss", v, T0 + s * 10, s))
        metrics.append(Metric("acc", 0.5 + s / 4000.0, T0 + s * 10, s))
    for i in range(0, len(metrics), 1000):
        c.log_batch(r.info.run_id, metrics=metrics[i : i + 1000])
    c.log_param(r.info.run_id, "lr", "0.1")
    c.set_tag(r.info.run_id, "group", "a")
    c.set_terminated(r.info.run_id, "FINISHED")
    runs["spiky"] = r.info.run_id

    r = c.create_run(exp, run_name="ties")
    pts = [
        (5, 0.5, T0 + 50),
        (1, 0.1, T0 + 30),
        (1, 0.2, T0 + 10),
        (1, 0.15, T0 + 20),
        (3, 0.3, T0 + 40),
        (3, 0.35, T0 + 40),
        (0, 0.0, T0 + 60),
        (2, float("nan"), T0 + 45),
        (2, 0.25, T0 + 45),
    ]
    for step, v, ts in pts:
        c.log_metric(r.info.run_id, "loss", v, timestamp=ts, step=step)
    c.log_param(r.info.run_id, "lr", "0.01")
    c.set_tag(r.info.run_id, "group", "b")
    c.set_terminated(r.info.run_id, "FINISHED")
    runs["ties"] = r.info.run_id

    r = c.create_run(exp, run_name="short")
    c.log_metric(r.info.run_id, "loss", 0.42, timestamp=T0, step=0)
    c.log_metric(r.info.run_id, "final_score", 0.93, timestamp=T0, step=0)
    c.set_tag(r.info.run_id, "group", "a")
    c.set_terminated(r.info.run_id, "FINISHED")
    runs["short"] = r.info.run_id

    r = c.create_run(exp, run_name=PAYLOAD, tags={"note": PAYLOAD, "group": PAYLOAD})
    c.log_param(r.info.run_id, "html", PAYLOAD)
    for s in range(5):
        c.log_metric(r.info.run_id, "loss", 1.0 / (s + 1), timestamp=T0 + s, step=s)
        c.log_metric(r.info.run_id, "x:odd key/with-chars.1", s * 2.0, timestamp=T0 + s, step=s)
    c.set_terminated(r.info.run_id, "FINISHED")
    runs["evil"] = r.info.run_id

    print(json.dumps({"experiment_id": exp, "runs": runs}))


if __name__ == "__main__":
    main(sys.argv[1])
