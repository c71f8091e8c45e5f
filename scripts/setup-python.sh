#!/usr/bin/env bash
# Creates .cache/venv with the real MLflow (Python client and server) that tests and the demo use.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/.cache/venv"
# [auth]: Flask-WTF for `mlflow server --app-name basic-auth`, which the REST store tests run.
MLFLOW_SPEC="${MLWB_MLFLOW_SPEC:-mlflow[auth]}"
# uv and virtualenv: environment managers of `mlflow run` for python_env projects (the runner's tests build one with uv).
# moto[server], boto3, psycopg2-binary: the team server tests (test/support/teamServer.ts) — moto's S3
# server as the artifact destination, boto3 for MLflow's S3 artifact repository, psycopg2 for PostgreSQL.
# limits: the rate-limit parser MLflow's gateway config loader imports (gateway config conformance tests).
EXTRA_SPECS=(uv virtualenv 'moto[server]' boto3 psycopg2-binary limits)
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import mlflow, flask_wtf, virtualenv, moto.server, boto3, psycopg2, limits' 2>/dev/null && [ -x "$venv/bin/uv" ]; then
  echo "mlflow $("$venv/bin/python" -c 'import mlflow; print(mlflow.__version__)') already in $venv"; exit 0
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "$MLFLOW_SPEC" "${EXTRA_SPECS[@]}"
echo "installed mlflow $("$venv/bin/python" -c 'import mlflow; print(mlflow.__version__)') into $venv"
