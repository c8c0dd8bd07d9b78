#!/usr/bin/env bash
# Installs everything the tests, the lab and the demo need on Debian 12 (as root), with a line per step.
# Idempotent: steps whose result is already present are skipped.
#   bash scripts/setup.sh          both parts (npm test's pretest)
#   bash scripts/setup.sh apt|npm  one part (the demo numbers its own steps)
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-all}

apt_part() {
  local need_pkgs=() pair bin pkg
  for pair in mariadbd:mariadb-server arping:iputils-arping fping:fping ping:iputils-ping nft:nftables ip:iproute2 bwrap:bubblewrap; do
    bin=${pair%%:*}; pkg=${pair#*:}
    command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || need_pkgs+=("$pkg")
  done
  if [ ${#need_pkgs[@]} -eq 0 ]; then
    echo "setup: system packages present"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing system packages: ${need_pkgs[*]} (run as root, or: apt-get install -y ${need_pkgs[*]})" >&2
    exit 1
  fi
  echo "setup: apt-get update"
  apt-get update -qq
  echo "setup: apt-get install ${need_pkgs[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
}

npm_part() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund
  else
    echo "setup: node_modules up to date"
  fi
}

case "$part" in
  apt) apt_part ;;
  npm) npm_part ;;
  all) apt_part; npm_part ;;
  *) echo "setup: unknown part '$part' (expected apt, npm or nothing)" >&2; exit 2 ;;
esac
