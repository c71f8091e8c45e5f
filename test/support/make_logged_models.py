"""Writes MLflow 3 logged models with the real mlflow into the store named by argv[1] and prints
their ids as JSON (last line of stdout): for the logged-model and registration tests.

- experiment "lm": run "trainer" with a param and a metric, a pyfunc logged model "model" (READY,
  with a metric logged on the model), a second logged model "draft" left PENDING, and a plain model
  folder saved to the run's artifacts under "exported" (an MLmodel in the run, MLflow 2 style).
"""
import json
import os
import sys
import tempfile
import warnings

warnings.simplefilter("ignore")
import mlflow  # noqa: E402

uri = sys.argv[1]
mlflow.set_tracking_uri(uri)
mlflow.set_registry_uri(uri)


class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input


exp_id = mlflow.set_experiment("lm").experiment_id
with mlflow.start_run(run_name="trainer") as run:
    mlflow.log_param("lr", "0.1")
    mlflow.log_metric("acc", 0.8, step=0)
    mlflow.log_metric("acc", 0.9, step=1)
    info = mlflow.pyfunc.log_model(name="model", python_model=Echo())
    mlflow.log_metric("rmse", 0.25, model_id=info.model_id)
    mlflow.set_logged_model_tags(info.model_id, {"team": "search"})
    draft = mlflow.initialize_logged_model(name="draft", source_run_id=run.info.run_id, tags={"kind": "draft"})
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m")
        mlflow.pyfunc.save_model(path, python_model=Echo())
        mlflow.log_artifacts(path, "exported")
print(json.dumps({"experiment_id": exp_id, "run_id": run.info.run_id, "model_id": info.model_id, "draft_id": draft.model_id}))
