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
set +e
NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning" \
  npx jest --runInBand --json --outputFile="$results" "$@"
status=$?
set -e

if [[ -f "$results" ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  ' "$results"
fi

after=$(server_pids)
stray=$(comm -13 <(echo "$before") <(echo "$after") | grep -v '^$' || true)
if [[ -n "$stray" ]]; then
  echo "[test] FAIL: server processes left running after the tests: $stray" >&2
  ps -o pid,args -p $(echo "$stray" | tr '\n' ',' | sed 's/,$//') >&2 || true
  exit 1
fi
exit "$status"
