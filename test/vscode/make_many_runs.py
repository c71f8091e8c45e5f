"""Adds an experiment with many runs to a fixture workspace written by make_fixture_store.py, with the
REAL mlflow client, and records it in that folder's expected.json (experiments list and `many_runs`).

Usage: python make_many_runs.py OUT_DIR COUNT [file|sqlite]
Runs are named run-0000 … with start times one second apart (run-0000 oldest). One create_run per
run and nothing else (they stay RUNNING): it is the slow part of the real-VS-Code setup, about 5 ms a
run on an idle machine.
"""
import json
import os
import sys

out = os.path.abspath(sys.argv[1])
count = int(sys.argv[2])
backend = sys.argv[3] if len(sys.argv) > 3 else "file"
ws = os.path.join(out, "workspace")
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
if backend == "sqlite":
    os.chdir(ws)
    uri = "sqlite:///" + os.path.join(ws, "mlflow.db")
else:
    uri = "file://" + os.path.join(ws, "mlruns")

from mlflow.tracking import MlflowClient  # noqa: E402

client = MlflowClient(uri)
T0 = 1_700_100_000_000
exp_id = client.create_experiment("many-runs")
for i in range(count):
    client.create_run(exp_id, run_name=f"run-{i:04d}", start_time=T0 + i * 1000)

exp = client.get_experiment(exp_id)
path = os.path.join(out, "expected.json")
with open(path) as f:
    expected = json.load(f)
expected["experiments"].append(
    {
        "experiment_id": exp.experiment_id,
        "name": exp.name,
        "lifecycle_stage": exp.lifecycle_stage,
        "artifact_location": exp.artifact_location,
        "creation_time": exp.creation_time,
        "last_update_time": exp.last_update_time,
        "tags": dict(exp.tags),
    }
)
expected["many_runs"] = {"experiment_id": exp.experiment_id, "name": exp.name, "count": count}
with open(path + ".tmp", "w") as f:
    json.dump(expected, f, indent=1)
os.replace(path + ".tmp", path)
