/**
 * How we start `mlflow run`: `python -I -c DRIVER run …`, which is `python -m mlflow run …` with
 * one correction. When the entry point exits, `mlflow run` means to end the run only if the
 * script has not ended it (`_maybe_set_run_terminated` in mlflow/projects/__init__.py), but it
 * passes the status *string* to `RunStatus.is_terminated`, which compares against the integer
 * codes, so the check never holds and a run the script ended FAILED or KILLED is overwritten with
 * FINISHED (seen with MLflow 3.17). The driver replaces that one function with the intended check,
 * and leaves everything else to MLflow; when a later MLflow no longer has the function, it runs
 * unchanged. Arguments stay an argument vector (sys.argv), never shell text.
 */
export const MLFLOW_RUN_DRIVER = `import sys
import mlflow.projects as _projects
if hasattr(_projects, "_maybe_set_run_terminated"):
    def _maybe_set_run_terminated(active_run, status):
        if active_run is None:
            return
        from mlflow.tracking import MlflowClient
        client = MlflowClient()
        run_id = active_run.info.run_id
        if client.get_run(run_id).info.status in ("FINISHED", "FAILED", "KILLED"):
            return
        client.set_terminated(run_id, status)
    _projects._maybe_set_run_terminated = _maybe_set_run_terminated
from mlflow.cli import cli
cli.main(args=sys.argv[1:], prog_name="mlflow")
`;

/** The interpreter's arguments for `mlflow run ARGS`: isolated (-I, so the project folder cannot shadow mlflow), unbuffered. */
export function mlflowRunArgs(runArgs: string[]): string[] {
  return ['-I', '-u', '-c', MLFLOW_RUN_DRIVER, 'run', ...runArgs];
}
