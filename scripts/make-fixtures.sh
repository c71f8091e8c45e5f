#!/usr/bin/env bash
# (Re)writes test/fixtures/generated/ with the real mlflow: the fixture workspace and expected.json.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bash "$here/scripts/setup-python.sh" >/dev/null
gen() { # $1 = output folder, $2 = backend (file|sqlite)
  local out="$1"
  if [ -f "$out/expected.json" ] && [ "$force" != 1 ] && [ "$out/expected.json" -nt "$here/test/fixtures/make_fixture_store.py" ]; then
    echo "fixtures up to date in $out"; return 0
  fi
  rm -rf "$out"
  mkdir -p "$out"
  # Written in place (absolute paths in MLflow's files must be the final ones); a failed run leaves no expected.json.
  (cd "$out" && MLFLOW_ALLOW_FILE_STORE=true PYTHONWARNINGS=ignore GIT_PYTHON_REFRESH=quiet "$here/.cache/venv/bin/python" "$here/test/fixtures/make_fixture_store.py" "$out" "$2" 2>"$out/make.log") || { cat "$out/make.log"; rm -f "$out/expected.json"; return 1; }
  rm -f "$out/make.log"
  echo "fixtures ($2 store) written to $out"
}
force=0; [ "${1:-}" = "--force" ] && force=1
gen "$here/test/fixtures/generated" file
gen "$here/test/fixtures/generated-sqlite" sqlite
