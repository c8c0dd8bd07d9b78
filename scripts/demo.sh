#!/usr/bin/env bash
# npm run demo [-- down | --failover]: a line per step; every step is skipped when its result is there
# already, so running it twice is fine. `down` only tears down (no install, no build).
set -euo pipefail
cd "$(dirname "$0")/.."

indent() { sed -u 's/^/      /'; }

if [ "${1:-}" = down ]; then
  if [ ! -x node_modules/.bin/tsx ]; then bash scripts/setup.sh npm | indent; fi
  exec node_modules/.bin/tsx test/demo/demo.ts down
fi

echo "demo: [1/7] setup: root, Debian, Node $(node --version)"
if [ "$(id -u)" -ne 0 ]; then
  echo "demo: needs root (network namespaces, a bridge, VIPs): sudo npm run demo" >&2
  exit 1
fi
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' || {
  echo "demo: needs Node 20.19 or newer, this is $(node --version)" >&2
  exit 1
}
[ -r /etc/debian_version ] || echo "demo: warning: not Debian; apt steps may not work here" >&2

echo "demo: [2/7] apt: mariadb-server, iputils-arping, fping, nftables, iproute2, bubblewrap"
bash scripts/setup.sh apt | indent

echo "demo: [3/7] npm: dependencies"
bash scripts/setup.sh npm | indent

echo "demo: [4/7] build: dist/ (mmm_mond, mmm_agentd, mmm_control)"
stamp=dist/.demo-built
if [ -f "$stamp" ] && [ -z "$(find common monitor agent control package-lock.json tsconfig.json tsconfig.build.json -newer "$stamp" -print -quit)" ]; then
  echo "      dist/ up to date"
else
  npm run build --silent
  touch "$stamp"
  echo "      built"
fi

exec node_modules/.bin/tsx test/demo/demo.ts up "$@"
