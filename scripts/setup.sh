#!/usr/bin/env bash
# Installs everything the tests, the lab and the demo need on Debian 12 (as root), with a line per step.
# Idempotent: steps whose result is already present are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
for pair in mariadbd:mariadb-server arping:iputils-arping fping:fping ping:iputils-ping nft:nftables ip:iproute2; do
  bin=${pair%%:*}; pkg=${pair#*:}
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing system packages: ${need_pkgs[*]} (run as root, or: apt-get install -y ${need_pkgs[*]})" >&2
    exit 1
  fi
  echo "setup: [1/3] apt-get update"
  apt-get update -qq
  echo "setup: [2/3] apt-get install ${need_pkgs[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
else
  echo "setup: [1-2/3] system packages present"
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: [3/3] npm ci"
  npm ci --no-audit --no-fund
else
  echo "setup: [3/3] node_modules up to date"
fi
