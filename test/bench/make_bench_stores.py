"""Builds the benchmark stores' skeletons with the real mlflow, then bulk-loads the SQLite one.

Called by test/bench/benchStores.ts. Two commands:

  init-file ROOT NAME       creates the file store and its experiment with mlflow itself (so the
                            store root and experiment meta.yaml are exactly what mlflow writes);
                            prints {"experiment_id", "artifact_location"} as JSON.
  sqlite DB SPEC_JSON       creates the database schema and the experiment with mlflow itself, then
                            inserts runs, params, tags, metrics and latest_metrics with sqlite3 in
                            the shape MLflow's SQL store writes them; prints {"experiment_id", ...}.

Going through MlflowClient.log_batch for 10,000 runs x 10,000 metric points would take hours,
so only the schema and the experiment come from mlflow; the rows follow
mlflow/store/tracking/dbmodels/models.py (SqlRun, SqlParam, SqlTag, SqlMetric, SqlLatestMetric).
"""

import json
import os
import sys
import time


def init_file(root, name):
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri="file://" + os.path.abspath(root))
    exp_id = client.create_experiment(name)
    exp = client.get_experiment(exp_id)
    print(json.dumps({"experiment_id": exp_id, "artifact_location": exp.artifact_location}))


# The metric value formula, in SQL. It must give the same doubles as metricValue() in
# benchStores.ts: integer arithmetic, then one correctly rounded division, so both agree bit for bit.
VALUE_SQL = "((((r.idx * 7919 + k.m * 104729) % 1000) * 1000 + ({steps} - s.step) * 997 + 1000) / 1000000.0)"
TS_SQL = "({t0} + r.idx * {stride} + s.step * 100)"


def load_sqlite(db, spec_path):
    from mlflow import MlflowClient

    with open(spec_path) as f:
        spec = json.load(f)
    client = MlflowClient(tracking_uri="sqlite:///" + os.path.abspath(db))
    exp_id = client.create_experiment(spec["experiment_name"])
    artifact_location = client.get_experiment(exp_id).artifact_location
    # mlflow keeps a pooled engine open; drop it before writing the file behind its back.
    del client

    import sqlite3

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-1000000")
    con.execute("PRAGMA temp_store=FILE")
    t = time.time()
    con.execute("BEGIN")
    runs = spec["runs"]
    con.executemany(
        "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,"
        " start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time)"
        " VALUES (?, ?, 'UNKNOWN', '', '', ?, 'FINISHED', ?, ?, '', 'active', ?, ?, NULL)",
        [
            (r["run_id"], r["run_name"], r["user_id"], r["start_time"], r["end_time"],
             "%s/%s/artifacts" % (artifact_location, r["run_id"]), int(exp_id))
            for r in runs
        ],
    )
    con.executemany(
        "INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)",
        ((k, v, r["run_id"]) for r in runs for k, v in r["params"].items()),
    )
    con.executemany(
        "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)",
        ((k, v, r["run_id"]) for r in runs for k, v in r["tags"].items()),
    )
    # Helper tables for the set-based metric insert; dropped again below.
    con.execute("CREATE TEMP TABLE bench_runs (idx INTEGER PRIMARY KEY, run_uuid TEXT NOT NULL)")
    con.executemany("INSERT INTO bench_runs VALUES (?, ?)", ((r["idx"], r["run_id"]) for r in runs))
    con.execute("CREATE TEMP TABLE bench_keys (m INTEGER NOT NULL, key TEXT NOT NULL)")
    keys = sorted(enumerate(spec["metric_keys"]), key=lambda mk: mk[1].encode())
    con.executemany("INSERT INTO bench_keys VALUES (?, ?)", keys)
    steps = int(spec["steps"])
    t0 = int(spec["t0"])
    con.execute("CREATE TEMP TABLE bench_steps (step INTEGER PRIMARY KEY)")
    con.executemany("INSERT INTO bench_steps VALUES (?)", ((s,) for s in range(steps)))
    con.execute("COMMIT")
    log("runs, params, tags: %.1fs" % (time.time() - t))

    # Secondary indexes are dropped and re-created from their own DDL after the bulk insert (a
    # sort-based build is much faster than updating them row by row); the schema ends identical.
    index_sql = [
        row[0]
        for row in con.execute(
            "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name='metrics' AND sql IS NOT NULL"
        )
    ]
    index_names = [
        row[0]
        for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='metrics' AND sql IS NOT NULL"
        )
    ]
    t = time.time()
    con.execute("BEGIN")
    for n in index_names:
        con.execute('DROP INDEX "%s"' % n)
    # Rows arrive in primary-key order (key, timestamp, step, run_uuid): keys sorted, runs by
    # increasing timestamps, steps ascending. CROSS JOIN fixes the loop order in SQLite.
    value = VALUE_SQL.format(steps=steps)
    ts = TS_SQL.format(t0=t0, stride=int(spec["stride"]))
    con.execute(
        "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)"
        " SELECT k.key, %s, %s, r.run_uuid, s.step, 0"
        " FROM bench_keys k CROSS JOIN bench_runs r CROSS JOIN bench_steps s"
        " ORDER BY k.rowid, r.idx, s.step" % (value, ts)
    )
    con.execute("COMMIT")
    log("metrics: %.1fs" % (time.time() - t))
    t = time.time()
    con.execute("BEGIN")
    for sql in index_sql:
        con.execute(sql)
    con.execute(
        "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)"
        " SELECT k.key, %s, %s, s.step, 0, r.run_uuid"
        " FROM bench_keys k CROSS JOIN bench_runs r CROSS JOIN bench_steps s WHERE s.step = %d"
        % (value, ts, steps - 1)
    )
    con.execute("COMMIT")
    con.execute("DROP TABLE bench_runs")
    con.execute("DROP TABLE bench_keys")
    con.execute("DROP TABLE bench_steps")
    log("indexes, latest_metrics: %.1fs" % (time.time() - t))
    con.close()
    print(json.dumps({"experiment_id": exp_id, "artifact_location": artifact_location}))


def log(msg):
    sys.stderr.write("make_bench_stores: %s\n" % msg)
    sys.stderr.flush()


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "init-file" and len(sys.argv) == 4:
        init_file(sys.argv[2], sys.argv[3])
    elif cmd == "sqlite" and len(sys.argv) == 4:
        load_sqlite(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: make_bench_stores.py init-file ROOT NAME | sqlite DB SPEC_JSON")
