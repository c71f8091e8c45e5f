"""Runs a batch of searches with the real mlflow against one store and prints the results as JSON.

stdin: {"uri": "...", "cases": [{"kind": "runs|experiments|models|versions", "filter": str,
        "order_by": [str], "view": "ACTIVE_ONLY|DELETED_ONLY|ALL"}]}
stdout (last line): [{"ids": [...]} | {"error": "..."}] in case order.
"""
import json
import sys

import mlflow
from mlflow.entities import ViewType
from mlflow.tracking import MlflowClient


def main():
    req = json.load(sys.stdin)
    mlflow.set_tracking_uri(req["uri"])
    mlflow.set_registry_uri(req["uri"])
    client = MlflowClient(tracking_uri=req["uri"], registry_uri=req["uri"])
    all_exp_ids = [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL)]
    out = []
    for case in req["cases"]:
        kind = case["kind"]
        flt = case.get("filter") or ""
        order_by = case.get("order_by") or None
        view = ViewType.from_string((case.get("view") or "ACTIVE_ONLY").lower())
        try:
            if kind == "runs":
                runs = mlflow.search_runs(
                    experiment_ids=all_exp_ids,
                    filter_string=flt,
                    run_view_type=view,
                    order_by=order_by,
                    output_format="list",
                )
                ids = [r.info.run_id for r in runs]
            elif kind == "experiments":
                exps = client.search_experiments(view_type=view, filter_string=flt, order_by=order_by)
                ids = [e.experiment_id for e in exps]
            elif kind == "models":
                ids = [m.name for m in client.search_registered_models(filter_string=flt, order_by=order_by)]
            elif kind == "versions":
                mvs = client.search_model_versions(filter_string=flt, order_by=order_by)
                ids = [f"{v.name}/{v.version}" for v in mvs]
            else:
                raise ValueError(f"unknown kind {kind}")
            out.append({"ids": ids})
        except Exception as e:  # noqa: BLE001 - every rejection is a result here
            out.append({"error": f"{type(e).__name__}: {e}"})
    print(json.dumps(out))


main()
