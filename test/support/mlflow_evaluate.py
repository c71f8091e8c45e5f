"""Evaluation runs written and read back by the real mlflow, for the evaluation table tests.

usage: mlflow_evaluate.py make URI    mlflow.genai.evaluate (two code scorers, an expectation; no LLM)
                                      and mlflow.models.evaluate (a custom metric); prints both run ids
       mlflow_evaluate.py read URI RUN   the run's evaluation traces as the client reads them
       mlflow_evaluate.py runs URI GENAI CLASSIC   both runs as the client reads them (names, metrics,
                                      the genai rows, the classic eval_results_table.json)
"""
import json
import sys

import mlflow
import pandas as pd


def make(uri):
    from mlflow.genai.scorers import scorer
    from mlflow.metrics import MetricValue
    from mlflow.models import make_metric

    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("evaluations")

    @scorer
    def exact_match(outputs, expectations):
        return outputs == expectations["expected_response"]

    @scorer
    def length(outputs):
        return len(outputs)

    def predict(question):
        return question.upper()

    data = [
        {"inputs": {"question": "hi"}, "expectations": {"expected_response": "HI"}},
        {"inputs": {"question": "<b>bold</b> & more"}, "expectations": {"expected_response": "nope"}},
        {"inputs": {"question": "a longer question"}, "expectations": {"expected_response": "A LONGER QUESTION"}},
    ]
    genai = mlflow.genai.evaluate(data=data, predict_fn=predict, scorers=[exact_match, length])

    def _len(eval_df, _builtin):
        s = [len(p) for p in eval_df["prediction"]]
        return MetricValue(scores=s, aggregate_results={"mean": sum(s) / len(s)})

    df = pd.DataFrame({"inputs": ["a", "b <i>x</i>", "c"], "ground_truth": ["A", "B", "z"], "predictions": ["A", "B <I>X</I>", "C"]})
    with mlflow.start_run() as run:
        mlflow.models.evaluate(data=df, predictions="predictions", targets="ground_truth", extra_metrics=[make_metric(eval_fn=_len, greater_is_better=False, name="pred_length")])
    print(json.dumps({"genai": genai.run_id, "classic": run.info.run_id, "experiment_id": run.info.experiment_id}))


def rows(run_id):
    exp = mlflow.get_run(run_id).info.experiment_id
    traces = mlflow.search_traces(locations=[exp], run_id=run_id, return_type="list", max_results=1000)
    out = []
    for t in traces:
        out.append({
            "trace_id": t.info.trace_id,
            "request": t.info.request_preview,
            "response": t.info.response_preview,
            "assessments": {("expectation:" if a.expectation is not None else "feedback:") + a.name: (a.expectation.value if a.expectation is not None else a.feedback.value) for a in t.info.assessments},
        })
    return sorted(out, key=lambda r: r["trace_id"])


def read(uri, run_id):
    mlflow.set_tracking_uri(uri)
    print(json.dumps(rows(run_id)))


def runs(uri, genai_id, classic_id):
    """Both runs' names and metrics, the genai run's rows and the classic run's eval_results_table.json."""
    mlflow.set_tracking_uri(uri)
    out = {}
    for key, run_id in (("genai", genai_id), ("classic", classic_id)):
        r = mlflow.get_run(run_id)
        out[key] = {"name": r.info.run_name, "metrics": r.data.metrics}
    out["genai"]["rows"] = rows(genai_id)
    mlflow.set_experiment(experiment_id=mlflow.get_run(classic_id).info.experiment_id)
    df = mlflow.load_table("eval_results_table.json", run_ids=[classic_id])
    columns = [c for c in df.columns if c != "run_id"]
    out["classic"]["columns"] = columns
    out["classic"]["rows"] = json.loads(df[columns].to_json(orient="values"))
    print(json.dumps(out))


if __name__ == "__main__":
    {"make": lambda: make(sys.argv[2]), "read": lambda: read(sys.argv[2], sys.argv[3]), "runs": lambda: runs(*sys.argv[2:5])}[sys.argv[1]]()
