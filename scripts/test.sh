#!/usr/bin/env bash
# The one test command (README, .ci/run): set-up, lint, typecheck, then every jest project.
# Fails if any step fails or if the run leaves Temporal server processes behind.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/ensure-setup.sh

# Servers this checkout starts: its Temporal tools and its Hardhat (others' runs are not ours).
server_pids() {
  pgrep -f "$root/(\.tools/.*(TestServer|temporal server start-dev)|node_modules/hardhat/.* node )" | sort || true
}
before=$(server_pids)

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

# The digest goes last, so the tail of a CI log says what failed and what was slow.
if [[ -f "$results" ]]; then
  node scripts/jest-digest.cjs "$results"
fi

after=$(server_pids)
stray=$(comm -13 <(echo "$before") <(echo "$after") | grep -v '^$' || true)
if [[ -n "$stray" ]]; then
  echo "[test] FAIL: server processes left running after the tests: $stray" >&2
  ps -o pid,args -p $(echo "$stray" | tr '\n' ',' | sed 's/,$//') >&2 || true
  exit 1
fi
exit "$status"
