"""Evaluation runs written and read back by the real mlflow, for the evaluation table tests.

usage: mlflow_evaluate.py make URI    mlflow.genai.evaluate (two code scorers, an expectation; no LLM)
                                      and mlflow.models.evaluate (a custom metric); prints both run ids
       mlflow_evaluate.py read URI RUN   the run's evaluation traces as the client reads them
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


def read(uri, run_id):
    mlflow.set_tracking_uri(uri)
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
    print(json.dumps(sorted(out, key=lambda r: r["trace_id"])))


if __name__ == "__main__":
    {"make": lambda: make(sys.argv[2]), "read": lambda: read(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
