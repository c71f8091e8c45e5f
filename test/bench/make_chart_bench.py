"""Writes the chart benchmark's stores: RUNS runs x STEPS steps of one metric, `loss`.

  python make_chart_bench.py OUT RUNS STEPS

OUT/mlruns (file store) and OUT/mlflow.db (SQLite) hold the same values. mlflow itself creates
the stores, the experiment and every run (so meta.yaml, the schema and the run rows are what mlflow
writes); the metric points are then appended in the exact format mlflow writes them (file store:
`<timestamp> <repr(value)> <step>` lines; SQLite: `metrics` rows as SqlMetric stores them, plus
`latest_metrics`), because logging 10 million points through the client would take hours.

Values look like a real loss: a decaying curve with noise, printed with Python's repr (mostly 16-17
significant digits), with a few spikes. Prints {"file": {...}, "sqlite": {...}} with run ids.
"""

import json
import math
import os
import random
import sqlite3
import sys
import time

from mlflow import MlflowClient

T0 = 1_700_000_000_000


def values(idx, steps):
    rnd = random.Random(idx)
    out = []
    for s in range(steps):
        v = 2.0 / (1 + s / 2000.0) + 0.05 * math.sin(s * 0.37 + idx) + rnd.random() * 0.02
        if rnd.random() < 0.0005:
            v *= 10
        out.append(v)
    return out


def log(msg):
    sys.stderr.write("make_chart_bench: %s\n" % msg)
    sys.stderr.flush()


def make_runs(uri, runs):
    c = MlflowClient(uri)
    exp = c.create_experiment("chart-bench")
    ids = []
    for i in range(runs):
        r = c.create_run(exp, run_name="run-%03d" % i, start_time=T0 + i * 10_000_000)
        c.log_param(r.info.run_id, "group", "g%d" % (i % 4))
        c.set_terminated(r.info.run_id, "FINISHED", end_time=T0 + i * 10_000_000 + 9_000_000)
        ids.append(r.info.run_id)
    return exp, ids


def main(out, runs, steps):
    out = os.path.abspath(out)
    os.makedirs(out, exist_ok=True)
    t = time.time()
    file_root = os.path.join(out, "mlruns")
    exp_f, ids_f = make_runs("file://" + file_root, runs)
    for i, run_id in enumerate(ids_f):
        vals = values(i, steps)
        base = T0 + i * 10_000_000
        path = os.path.join(file_root, exp_f, run_id, "metrics", "loss")
        with open(path, "w") as f:
            f.write("".join("%d %r %d\n" % (base + s * 50, v, s) for s, v in enumerate(vals)))
    log("file store: %.1fs" % (time.time() - t))

    t = time.time()
    db = os.path.join(out, "mlflow.db")
    exp_s, ids_s = make_runs("sqlite:///" + db, runs)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    index_sql = [r[0] for r in con.execute("SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name='metrics' AND sql IS NOT NULL")]
    index_names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='metrics' AND sql IS NOT NULL")]
    con.execute("BEGIN")
    for n in index_names:
        con.execute('DROP INDEX "%s"' % n)
    for i, run_id in enumerate(ids_s):
        vals = values(i, steps)
        base = T0 + i * 10_000_000
        con.executemany(
            "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('loss', ?, ?, ?, ?, 0)",
            ((v, base + s * 50, run_id, s) for s, v in enumerate(vals)),
        )
        last = steps - 1
        con.execute(
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ('loss', ?, ?, ?, 0, ?)",
            (vals[last], base + last * 50, last, run_id),
        )
    for sql in index_sql:
        con.execute(sql)
    con.execute("COMMIT")
    con.close()
    log("sqlite: %.1fs" % (time.time() - t))
    print(json.dumps({"file": {"experiment_id": exp_f, "run_ids": ids_f}, "sqlite": {"experiment_id": exp_s, "run_ids": ids_s}}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
