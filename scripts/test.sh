#!/usr/bin/env bash
# The one test command (README, .ci/run): set-up, lint, typecheck, every jest project, then the
# reliability harness's quick profile and the benchmarks' quick run (completes, well-formed).
# Fails if any step fails or if the run leaves Temporal server processes behind.
# DVT_TEST_SKIP_HARNESSES=1 runs only lint, typecheck and jest (e.g. `npm test -- <paths>`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/ensure-setup.sh

# Temporal servers (the cached tools, the override paths, the SDK's downloads) and this
# checkout's Hardhat that this run started: every process of the run inherits the marker, orphans
# included, and what ran before the run is never blamed (see scripts/server-pids.sh).
export DVT_TEST_RUN_ID="$$-$(date +%s)-$RANDOM"
server_pids() {
  bash scripts/server-pids.sh "$root" "DVT_TEST_RUN_ID=$DVT_TEST_RUN_ID" || true
}

echo "[test] lint"
npm run --silent lint
echo "[test] typecheck"
npm run --silent typecheck

echo "[test] jest"
results=.jest-results.json
rm -f "$results"
# --forceExit: a handle a failed test leaked (a worker polling a server that is gone) must not
# keep the run alive; the stray-server check below still catches what the tests left behind.
# The outer timeout is the last guard for CI's budget.
set +e
NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning" \
  timeout --kill-after=30s "${DVT_TEST_TIMEOUT:-35m}" \
  npx jest --runInBand --forceExit --json --outputFile="$results" "$@"
status=$?
set -e
if [[ $status -eq 124 || $status -eq 137 ]]; then
  echo "[test] FAIL: jest did not finish within ${DVT_TEST_TIMEOUT:-35m}" >&2
fi

# The harnesses run their own devnet, Temporal dev server and worker processes, one at a time.
# `timeout` is the last guard; each stops what it started, also on SIGTERM.
harness() {
  local name=$1 limit=$2
  shift 2
  echo "[test] $name"
  set +e
  timeout --kill-after=30s "$limit" "$@"
  local code=$?
  set -e
  if [[ $code -eq 124 || $code -eq 137 ]]; then echo "[test] FAIL: $name did not finish within $limit" >&2; fi
  summary+=("$name: $([[ $code -eq 0 ]] && echo ok || echo "FAILED (exit $code)")")
  if [[ $code -ne 0 && $status -eq 0 ]]; then status=$code; fi
}
summary=()
if [[ "${DVT_TEST_SKIP_HARNESSES:-}" != "1" ]]; then
  harness 'chaos --quick' 15m npx tsx test/chaos/main.ts --quick --out .chaos-quick.json
  harness 'bench --quick' 10m npx tsx bench/main.ts --quick --out .bench-quick/results.json
fi

# The digest goes last, so the tail of a CI log says what failed and what was slow.
if [[ -f "$results" ]]; then
  node scripts/jest-digest.cjs "$results"
fi
for line in "${summary[@]}"; do echo "[test] $line"; done

# Only processes carrying this run's marker are listed, so whatever is listed is this run's.
stray=$(server_pids | grep -v '^$' || true)
if [[ -n "$stray" ]]; then
  echo "[test] FAIL: server processes left running after the tests: $stray" >&2
  ps -o pid,args -p $(echo "$stray" | tr '\n' ',' | sed 's/,$//') >&2 || true
  exit 1
fi
exit "$status"
