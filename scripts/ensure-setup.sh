#!/usr/bin/env bash
# Brings a checkout to a runnable state from the package registries alone: `npm ci` when
# node_modules does not match package-lock.json, then the Temporal tools. Cheap when up to date.
# Arguments go to install-temporal-tools.sh: `--cli-only` (the devnet) skips the Java test server.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

stamp=node_modules/.dvt-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "[setup] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
bash scripts/install-temporal-tools.sh "$@"
