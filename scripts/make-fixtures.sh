#!/usr/bin/env bash
# (Re)writes test/fixtures/generated/ with the real mlflow: the fixture workspace and expected.json.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bash "$here/scripts/setup-python.sh" >/dev/null
out="$here/test/fixtures/generated"
if [ -f "$out/expected.json" ] && [ "${1:-}" != "--force" ] && [ "$out/expected.json" -nt "$here/test/fixtures/make_fixture_store.py" ]; then
  echo "fixtures up to date in $out"; exit 0
fi
rm -rf "$out"
mkdir -p "$out"
# Written in place (absolute paths in MLflow's files must be the final ones); a failed run leaves no expected.json.
(cd "$out" && MLFLOW_ALLOW_FILE_STORE=true PYTHONWARNINGS=ignore GIT_PYTHON_REFRESH=quiet "$here/.cache/venv/bin/python" "$here/test/fixtures/make_fixture_store.py" "$out" 2>"$out/make.log") || { cat "$out/make.log"; rm -f "$out/expected.json"; exit 1; }
rm -f "$out/make.log"
echo "fixtures written to $out"
