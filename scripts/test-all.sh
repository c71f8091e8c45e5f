#!/usr/bin/env bash
# Every test, on a fresh clone: installs what is missing (npm packages, Debian packages when root,
# the Python venv with the real mlflow, code-server), then type-checks, builds and packages the
# extension, writes the fixture store with real MLflow, and runs
#   1. unit, protocol and conformance tests in plain Node (node:test), against real MLflow servers;
#   2. the extension-host suite and user flows inside a real VS Code (code-server + Chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
fail() { echo "test-all: $*" >&2; echo "total: 0 passed, 1 failed"; exit 1; }

[ -d node_modules ] || npm ci --no-audit --no-fund || fail "npm ci failed"
bash scripts/install-system-deps.sh || fail "system packages missing"
bash scripts/setup-python.sh || fail "could not create the Python venv with mlflow"
bash scripts/install-code-server.sh || fail "could not install code-server"

echo "== type check"; npx tsc --noEmit -p . || fail "type errors"
echo "== build and package"; node scripts/package.mjs || fail "packaging failed"
echo "== fixtures (written by real mlflow)"; bash scripts/make-fixtures.sh || fail "fixture generation failed"

echo "== unit, protocol and conformance tests"
node scripts/run-unit-tests.mjs 2>&1 | tee test-results/unit.log
unit_rc=${PIPESTATUS[0]}
# the runner makes one node:test run per file (Node 20, or Node 24 for node:sqlite): add them up
unit_pass=$(grep -E '^ℹ pass [0-9]+' test-results/unit.log | awk '{s+=$3} END {print s+0}')
unit_fail=$(grep -E '^ℹ fail [0-9]+' test-results/unit.log | awk '{s+=$3} END {print s+0}')

echo "== real VS Code (code-server + Chromium)"
node test/vscode/runInCodeServer.mjs 2>&1 | tee test-results/vscode.log
vs_rc=${PIPESTATUS[0]}
vs_line=$(grep -E '^vscode: [0-9]+ passed, [0-9]+ failed' test-results/vscode.log | tail -1)
vs_pass=$(echo "$vs_line" | awk '{print $2}')
vs_fail=$(echo "$vs_line" | awk '{print $4}')

passed=$(( ${unit_pass:-0} + ${vs_pass:-0} ))
failed=$(( ${unit_fail:-0} + ${vs_fail:-0} ))
[ "$unit_rc" -ne 0 ] && [ "${unit_fail:-0}" -eq 0 ] && failed=$((failed + 1))
[ "$vs_rc" -ne 0 ] && [ "${vs_fail:-0}" -eq 0 ] && failed=$((failed + 1))
echo
echo "unit/protocol/conformance: ${unit_pass:-0} passed, ${unit_fail:-?} failed (exit $unit_rc)"
echo "real VS Code: ${vs_pass:-0} passed, ${vs_fail:-?} failed (exit $vs_rc)"
echo "total: $passed passed, $failed failed"
[ "$unit_rc" -eq 0 ] && [ "$vs_rc" -eq 0 ] && [ "$failed" -eq 0 ]
