#!/usr/bin/env bash
# The main job: set up from the registries if needed, then start the local world.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/ensure-setup.sh
exec npx tsx devnet/main.ts "$@"
