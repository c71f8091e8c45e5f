"""Writes the demo workspace that `scripts/demo.sh` opens: MLflow's default store (sqlite:///mlflow.db),
filled by the real mlflow client with runs that really train (scikit-learn on data sets that ship with
it, so nothing is downloaded), nested sweeps, a run still RUNNING, a failed one, and registered models
with aliases, plus an MLproject whose entry point trains for real; and for GenAI, registered prompts
with versions and aliases, traces of a toy agent (a stand-in chat model: nothing calls an LLM) with
human feedback, and a `mlflow.genai.evaluate` run.

Usage: python make_demo.py WORKSPACE_DIR
"""
import itertools
import os
import sys
import time
import warnings

ws = os.path.abspath(sys.argv[1])
os.makedirs(ws, exist_ok=True)
os.chdir(ws)  # the SQL store puts artifacts in ./mlruns of the working directory, as a user's script would
warnings.simplefilter("ignore")
# Traces are exported in the background by default; feedback on a trace needs it written first.
os.environ["MLFLOW_ENABLE_ASYNC_TRACE_LOGGING"] = "false"

import numpy as np  # noqa: E402
import mlflow  # noqa: E402
from mlflow.entities import Metric, Param, RunTag  # noqa: E402
from mlflow.models import infer_signature  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402
from sklearn.datasets import load_diabetes, load_digits  # noqa: E402
from sklearn.ensemble import GradientBoostingRegressor  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

warnings.simplefilter("ignore", ConvergenceWarning)
uri = "sqlite:///" + os.path.join(ws, "mlflow.db")
mlflow.set_tracking_uri(uri)
mlflow.set_registry_uri(uri)
client = MlflowClient(uri, uri)
rng = np.random.default_rng(7)


def log_epochs(run_id, rows, t0):
    """rows: one dict of metric -> value per step, logged in batches (one SQLite transaction each)."""
    ms = [Metric(k, float(v), t0 + step * 1500, step) for step, values in enumerate(rows) for k, v in values.items()]
    for i in range(0, len(ms), 1000):
        client.log_batch(run_id, metrics=ms[i : i + 1000])


# ---------------------------------------------------------------- digits: an MLP sweep, nested
X, y = load_digits(return_X_y=True)
X = X / 16.0
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, random_state=0)
digits = mlflow.set_experiment("digits-mlp")
client.set_experiment_tag(digits.experiment_id, "mlflow.note.content", "Handwritten digits (scikit-learn's 8x8 set): an MLP per hyper-parameter combination.")
client.set_experiment_tag(digits.experiment_id, "team", "vision")

best = {"acc": -1.0}
t_base = int(time.time() * 1000) - 6 * 3600_000
with mlflow.start_run(run_name="mlp-sweep") as sweep:
    mlflow.log_params({"search": "grid", "epochs": 40})
    mlflow.set_tag("mlflow.note.content", "Grid over hidden size, learning rate and L2 penalty.")
    i = 0
    for hidden in (16, 64):
        for lr in (0.001, 0.003, 0.01):
            for alpha in (1e-4, 1e-2):
                with mlflow.start_run(run_name=f"mlp-h{hidden}-lr{lr}-a{alpha}", nested=True) as child:
                    rid = child.info.run_id
                    mlflow.log_params({"hidden": hidden, "learning_rate": lr, "alpha": alpha, "optimizer": "adam", "batch_size": 64})
                    mlflow.set_tags({"model_family": "mlp", "dataset": "digits"})
                    clf = MLPClassifier(hidden_layer_sizes=(hidden,), learning_rate_init=lr, alpha=alpha, batch_size=64, random_state=i)
                    rows = []
                    for epoch in range(40):
                        clf.partial_fit(Xtr, ytr, classes=np.arange(10))
                        p_tr, p_va = clf.predict_proba(Xtr), clf.predict_proba(Xva)
                        rows.append({
                            "train_loss": log_loss(ytr, p_tr, labels=np.arange(10)),
                            "val_loss": log_loss(yva, p_va, labels=np.arange(10)),
                            "val_accuracy": accuracy_score(yva, p_va.argmax(1)),
                        })
                    log_epochs(rid, rows, t_base + i * 120_000)
                    acc = rows[-1]["val_accuracy"]
                    if acc > best["acc"]:
                        best = {"acc": acc, "run": rid, "model": clf}
                    i += 1
    mlflow.log_metric("best_val_accuracy", best["acc"])

# a few standalone baselines
for seed in range(3):
    with mlflow.start_run(run_name=f"baseline-h8-seed{seed}") as r:
        mlflow.log_params({"hidden": 8, "learning_rate": 0.001, "alpha": 1e-4, "optimizer": "adam", "batch_size": 64, "seed": seed})
        mlflow.set_tags({"model_family": "mlp", "dataset": "digits", "baseline": "true"})
        clf = MLPClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.001, random_state=100 + seed)
        rows = []
        for epoch in range(25):
            clf.partial_fit(Xtr, ytr, classes=np.arange(10))
            p_va = clf.predict_proba(Xva)
            rows.append({"train_loss": clf.loss_, "val_loss": log_loss(yva, p_va, labels=np.arange(10)), "val_accuracy": accuracy_score(yva, p_va.argmax(1))})
        log_epochs(r.info.run_id, rows, t_base + 3 * 3600_000 + seed * 60_000)

# the best model, logged and registered in three versions with aliases
with mlflow.start_run(run_id=best["run"]):
    sig = infer_signature(Xva[:5], best["model"].predict(Xva[:5]))
    info = mlflow.sklearn.log_model(best["model"], name="model", signature=sig, input_example=Xva[:2], pip_requirements=["scikit-learn", "numpy"],
                                    skops_trusted_types=["sklearn.neural_network._stochastic_optimizers.AdamOptimizer"])
client.create_registered_model("digits-mlp", tags={"task": "classification"}, description="MLP on scikit-learn's digits")
for _ in range(3):
    client.create_model_version("digits-mlp", info.model_uri, run_id=best["run"])
client.set_registered_model_alias("digits-mlp", "champion", "2")
client.set_registered_model_alias("digits-mlp", "challenger", "3")
client.set_model_version_tag("digits-mlp", "2", "validated", "true")

# a run that failed and one still training (left RUNNING, as a crashed or live script leaves it)
failed = client.create_run(digits.experiment_id, run_name="mlp-diverged", start_time=t_base + 4 * 3600_000)
client.log_batch(failed.info.run_id, params=[Param("learning_rate", "0.9"), Param("hidden", "64")], tags=[RunTag("model_family", "mlp")])
log_epochs(failed.info.run_id, [{"train_loss": 2.3 * (1.4 ** s), "val_accuracy": 0.1} for s in range(6)], t_base + 4 * 3600_000)
client.set_terminated(failed.info.run_id, "FAILED")
live = client.create_run(digits.experiment_id, run_name="mlp-h128-live", start_time=int(time.time() * 1000) - 60_000)
client.log_batch(live.info.run_id, params=[Param("hidden", "128"), Param("learning_rate", "0.003")], tags=[RunTag("model_family", "mlp")])
clf = MLPClassifier(hidden_layer_sizes=(128,), learning_rate_init=0.003, random_state=3)
rows = []
for epoch in range(12):
    clf.partial_fit(Xtr, ytr, classes=np.arange(10))
    p_va = clf.predict_proba(Xva)
    rows.append({"train_loss": clf.loss_, "val_loss": log_loss(yva, p_va, labels=np.arange(10)), "val_accuracy": accuracy_score(yva, p_va.argmax(1))})
log_epochs(live.info.run_id, rows, int(time.time() * 1000) - 50_000)

# ---------------------------------------------------------------- diabetes: gradient boosting, a curve per tree
Xd, yd = load_diabetes(return_X_y=True)
Xdtr, Xdva, ydtr, ydva = train_test_split(Xd, yd, test_size=0.25, random_state=0)
diab = mlflow.set_experiment("diabetes-gbr")
client.set_experiment_tag(diab.experiment_id, "mlflow.note.content", "Gradient boosting on scikit-learn's diabetes set; one step per tree.")
best_d = {"rmse": float("inf")}
with mlflow.start_run(run_name="gbr-sweep"):
    mlflow.log_param("search", "grid")
    for k, (lr, depth, subsample) in enumerate(itertools.product((0.02, 0.05, 0.1, 0.2), (2, 3, 4), (0.6, 0.8, 1.0))):
        with mlflow.start_run(run_name=f"gbr-lr{lr}-d{depth}-s{subsample}", nested=True) as child:
            mlflow.log_params({"learning_rate": lr, "max_depth": depth, "n_estimators": 150, "subsample": subsample})
            mlflow.set_tags({"model_family": "gbr", "dataset": "diabetes"})
            gbr = GradientBoostingRegressor(learning_rate=lr, max_depth=depth, n_estimators=150, subsample=subsample, random_state=k)
            gbr.fit(Xdtr, ydtr)
            rows = [
                {"train_rmse": mean_squared_error(ydtr, ptr) ** 0.5, "val_rmse": mean_squared_error(ydva, pva) ** 0.5}
                for ptr, pva in zip(gbr.staged_predict(Xdtr), gbr.staged_predict(Xdva))
            ]
            log_epochs(child.info.run_id, rows, t_base + 5 * 3600_000 + k * 30_000)
            if rows[-1]["val_rmse"] < best_d["rmse"]:
                best_d = {"rmse": rows[-1]["val_rmse"], "run": child.info.run_id, "model": gbr}
with mlflow.start_run(run_id=best_d["run"]):
    sig = infer_signature(Xdva[:5], best_d["model"].predict(Xdva[:5]))
    info_d = mlflow.sklearn.log_model(best_d["model"], name="model", signature=sig, input_example=Xdva[:2], pip_requirements=["scikit-learn", "numpy"],
                                      skops_trusted_types=["sklearn.tree._tree.Tree"])
client.create_registered_model("diabetes-gbr", tags={"task": "regression"})
client.create_model_version("diabetes-gbr", info_d.model_uri, run_id=best_d["run"], description="best of the grid")
client.set_registered_model_alias("diabetes-gbr", "champion", "1")

# ---------------------------------------------------------------- a project the runner can launch
with open(os.path.join(ws, "MLproject"), "w") as f:
    f.write(
        "name: digits\n\npython_env: python_env.yaml\n\nentry_points:\n  main:\n    parameters:\n"
        "      hidden: {type: float, default: 32}\n      learning_rate: {type: float, default: 0.003}\n"
        "      epochs: {type: float, default: 20}\n"
        "    command: \"python train.py --hidden {hidden} --learning-rate {learning_rate} --epochs {epochs}\"\n"
    )
with open(os.path.join(ws, "python_env.yaml"), "w") as f:
    f.write("python: \"3.11\"\nbuild_dependencies:\n  - pip\ndependencies:\n  - mlflow\n  - scikit-learn\n")
with open(os.path.join(ws, "train.py"), "w") as f:
    f.write(
        '"""Trains an MLP on scikit-learn\'s digits and logs a curve per epoch."""\n'
        "import argparse\n\nimport mlflow\nimport numpy as np\nfrom sklearn.datasets import load_digits\n"
        "from sklearn.metrics import accuracy_score, log_loss\nfrom sklearn.model_selection import train_test_split\n"
        "from sklearn.neural_network import MLPClassifier\n\n"
        "p = argparse.ArgumentParser()\np.add_argument('--hidden', type=float, default=32)\n"
        "p.add_argument('--learning-rate', type=float, default=0.003)\np.add_argument('--epochs', type=float, default=20)\n"
        "a = p.parse_args()\nX, y = load_digits(return_X_y=True)\nXtr, Xva, ytr, yva = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)\n"
        "clf = MLPClassifier(hidden_layer_sizes=(int(a.hidden),), learning_rate_init=a.learning_rate)\n"
        "with mlflow.start_run():\n"
        "    for epoch in range(int(a.epochs)):\n"
        "        clf.partial_fit(Xtr, ytr, classes=np.arange(10))\n"
        "        p_va = clf.predict_proba(Xva)\n"
        "        mlflow.log_metrics({'train_loss': clf.loss_, 'val_loss': log_loss(yva, p_va, labels=np.arange(10)),\n"
        "                            'val_accuracy': accuracy_score(yva, p_va.argmax(1))}, step=epoch)\n"
    )
# ---------------------------------------------------------------- GenAI: prompts, traces, feedback, an evaluation
genai = mlflow.set_experiment("support-bot")
client.set_experiment_tag(genai.experiment_id, "mlflow.note.content", "A toy support agent: traced calls (retriever, chat model), prompts in the registry, human feedback and an evaluation run. No LLM is called; the chat model is a stand-in.")

p1 = mlflow.genai.register_prompt(name="support-answer", template="You are a support agent for {{product}}. Answer the question briefly.\n\nQuestion: {{question}}", commit_message="first draft", tags={"team": "support"})
p2 = mlflow.genai.register_prompt(name="support-answer", template="You are a friendly support agent for {{product}}.\nAnswer in at most {{max_sentences}} sentences, and cite the manual section.\n\nQuestion: {{question}}", commit_message="cite the manual")
mlflow.genai.set_prompt_alias("support-answer", alias="production", version=p1.version)
mlflow.genai.set_prompt_alias("support-answer", alias="staging", version=p2.version)
mlflow.genai.register_prompt(name="summarize-ticket", template=[{"role": "system", "content": "Summarize support tickets in one line."}, {"role": "user", "content": "{{ticket}}"}], commit_message="chat format")

MANUAL = {"reset": "Section 2.1: hold the power button for 10 s.", "export": "Section 5.3: File > Export > CSV.", "billing": "Section 8: invoices are under Account > Billing."}

@mlflow.trace(span_type="RETRIEVER")
def retrieve(question):
    time.sleep(0.01)
    return [{"page_content": v, "metadata": {"section": k}} for k, v in MANUAL.items() if k in question.lower()]

@mlflow.trace(span_type="CHAT_MODEL")
def chat(messages):
    time.sleep(0.02)
    span = mlflow.get_current_active_span()
    if span is not None:
        span.set_attribute("mlflow.chat.tokenUsage", {"input_tokens": 40 + len(messages[-1]["content"]) // 4, "output_tokens": 25, "total_tokens": 65 + len(messages[-1]["content"]) // 4})
    if "refund" in messages[-1]["content"]:
        raise RuntimeError("upstream model timed out after 30 s")
    docs = messages[-1]["content"].split("Section")[1:]
    text = ("According to the manual, Section" + docs[0]) if docs else "I could not find this in the manual; please contact support."
    return {"choices": [{"message": {"role": "assistant", "content": text}}]}

@mlflow.trace(span_type="AGENT")
def answer(question):
    prompt = mlflow.genai.load_prompt("prompts:/support-answer@production")
    docs = retrieve(question)
    text = prompt.format(product="Acme Router", question=question)
    out = chat([{"role": "system", "content": text}, {"role": "user", "content": question + "\n" + " ".join(d["page_content"] for d in docs)}])
    return out["choices"][0]["message"]["content"]

qs = ["How do I reset the router?", "How to export my logs?", "Where is my billing invoice?", "Can I get a refund?", "<b>bold</b> question with <script>alert(1)</script>?"]
ids = []
for q in qs:
    try:
        answer(q)
    except Exception:
        pass
    ids.append(mlflow.get_last_active_trace_id())
from mlflow.entities import AssessmentSource
mlflow.log_feedback(trace_id=ids[0], name="helpful", value=True, source=AssessmentSource(source_type="HUMAN", source_id="alice@example.com"), rationale="Correct section cited.")
mlflow.log_feedback(trace_id=ids[1], name="helpful", value=False, source=AssessmentSource(source_type="HUMAN", source_id="bob@example.com"), rationale="Too vague.")
mlflow.log_expectation(trace_id=ids[0], name="expected_answer", value="Hold the power button for 10 s.")

from mlflow.genai.scorers import scorer
@scorer
def mentions_section(outputs) -> bool:
    return "Section" in str(outputs)
@scorer
def short_answer(outputs) -> float:
    return min(1.0, 80 / max(1, len(str(outputs))))
data = [{"inputs": {"question": q}, "expectations": {"expected_response": "cite"}} for q in qs[:3] + ["Does the router support IPv6?"]]
with mlflow.start_run(run_name="eval-support-answer-v1"):
    mlflow.genai.evaluate(data=data, predict_fn=lambda question: answer(question), scorers=[mentions_section, short_answer])

n_runs = len(client.search_runs([digits.experiment_id, diab.experiment_id], max_results=1000))
n_traces = len(mlflow.search_traces(locations=[genai.experiment_id], return_type="list"))
print(f"demo store {uri}: {n_runs} runs, models digits-mlp (champion, challenger) and diabetes-gbr (champion), prompts support-answer (production, staging) and summarize-ticket, {n_traces} traces, mlflow {mlflow.__version__}")
