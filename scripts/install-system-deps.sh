#!/usr/bin/env bash
# Debian packages the tests need: Chromium (driven by playwright-core to use the real VS Code UI),
# libkrb5-dev (code-server's native kerberos module builds against it), sqlite3 (inspecting stores),
# postgresql (initdb/postgres for the team server tests' throwaway cluster; the packaged cluster
# service is not used).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && { echo "system packages present"; exit 0; }
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${need[*]} — install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
echo "installed ${need[*]}"
