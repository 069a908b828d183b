#!/usr/bin/env bash
# Prints the pids (one per line, sorted as `comm` wants) of the server processes that a test run
# of the checkout at <root> can start, for scripts/test.sh's stray-process check:
#   - the Java time-skipping test server (io.temporal.testserver.TestServer), whoever started it;
#   - a Temporal dev server (`temporal… server start-dev`): the cached CLI in .tools/, a CLI on
#     the PATH, or the SDK's download;
#   - the SDK's downloads in the OS temp dir ($TMPDIR/temporal-v1.5.1,
#     $TMPDIR/temporal-test-server-sdk-typescript-<version>, …);
#   - TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH when set, as given and resolved;
#   - this checkout's Hardhat node.
# With <marker> (NAME=value), only processes whose environment holds it are listed (test.sh
# exports one, which every process the run starts inherits, orphans included), so servers of
# another checkout or session are not blamed. Where a process's environment cannot be read
# (no /proc), it is listed. Usage: server-pids.sh <root> [<marker>]
set -euo pipefail
root=$(cd "${1:?usage: server-pids.sh <root> [<marker>]}" && pwd)
marker=${2:-}
tmp=${TMPDIR:-/tmp}
tmp=${tmp%/}

# A path as an extended regular expression that matches it literally.
literal() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }

patterns=(
  'io\.temporal\.testserver\.TestServer'
  '(^|[/ ])temporal[^ /]* server start-dev'
  "^$(literal "$tmp")/temporal-[^ /]*( |$)"
  "$(literal "$root")/node_modules/hardhat/.* node "
)
for override in "${TEMPORAL_CLI_PATH:-}" "${TEMPORAL_TEST_SERVER_PATH:-}"; do
  [[ -n "$override" ]] || continue
  patterns+=("(^| )$(literal "$override")( |$)")
  resolved=$(realpath -- "$override" 2>/dev/null || true)
  if [[ -n "$resolved" && "$resolved" != "$override" ]]; then
    patterns+=("(^| )$(literal "$resolved")( |$)")
  fi
done
pattern=''
for p in "${patterns[@]}"; do pattern+="${pattern:+|}($p)"; done

for pid in $(pgrep -f -- "$pattern" || true); do
  [[ "$pid" != "$$" ]] || continue
  if [[ -n "$marker" && -d /proc/$pid ]]; then
    # Gone, another user's, or started without the marker: not this run's.
    environ=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null) || continue
    grep -qxF -- "$marker" <<<"$environ" || continue
  fi
  echo "$pid"
done | sort
