#!/usr/bin/env bash
# The main job: set up from the registries if needed, then start the local world. The devnet
# runs the Temporal CLI's dev server only, so the Java test server (tests only) is not installed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/ensure-setup.sh --cli-only
exec npx tsx devnet/main.ts "$@"
