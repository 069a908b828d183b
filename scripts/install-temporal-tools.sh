#!/usr/bin/env bash
# Installs the two Temporal servers the project runs, from package registries only:
#   - the Temporal CLI (dev server + Web UI) from the Go module proxy;
#   - the Java time-skipping test server from Maven Central, behind a wrapper that execs java.
# Idempotent: a second run with both present does nothing. Caches into $DVT_TOOLS_DIR (default
# .tools/, git-ignored). TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, when set, win and are
# not installed. Where neither go nor mvn exists the SDK's own download is the fallback (see
# devnet/temporal-tools.ts), so this script only warns.
# --cli-only installs the Temporal CLI alone (what `npm run devnet` needs).
set -euo pipefail

cli_only=false
for arg in "$@"; do
  case $arg in
    --cli-only) cli_only=true ;;
    *) echo "usage: install-temporal-tools.sh [--cli-only]" >&2; exit 2 ;;
  esac
done

TEMPORAL_CLI_VERSION=v1.5.1
TEST_SERVER_VERSION=1.31.0

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${DVT_TOOLS_DIR:-$root/.tools}
mkdir -p "$tools"

log() { printf '[temporal-tools] %s\n' "$*"; }

install_cli() {
  if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
    [[ -x "$TEMPORAL_CLI_PATH" ]] || { log "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file"; exit 1; }
    log "using TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH"
    return
  fi
  local bin=$tools/temporal-cli/$TEMPORAL_CLI_VERSION/temporal
  if [[ -x "$bin" ]]; then
    log "temporal CLI $TEMPORAL_CLI_VERSION present"
    return
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "go not found: the devnet and the dev-server tests will try the SDK's download of the Temporal CLI $TEMPORAL_CLI_VERSION (needs internet); to stay on the registries install Go and run \`npm run tools\`, or set TEMPORAL_CLI_PATH"
    return
  fi
  log "installing temporal CLI $TEMPORAL_CLI_VERSION with go install (first time takes minutes)"
  mkdir -p "$(dirname "$bin")"
  CGO_ENABLED=0 GOBIN="$(dirname "$bin")" GOFLAGS=-mod=mod \
    go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
  "$bin" --version
}

install_test_server() {
  if [[ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]]; then
    [[ -x "$TEMPORAL_TEST_SERVER_PATH" ]] || { log "TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH is not an executable file"; exit 1; }
    log "using TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH"
    return
  fi
  local dir=$tools/temporal-test-server/$TEST_SERVER_VERSION
  local wrapper=$dir/temporal-test-server
  if [[ -x "$wrapper" && -d "$dir/lib" ]]; then
    log "temporal-test-server $TEST_SERVER_VERSION present"
    return
  fi
  if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
    log "mvn/java not found: the test server will be downloaded by the SDK if this machine has internet"
    return
  fi
  log "resolving io.temporal:temporal-test-server:$TEST_SERVER_VERSION and its runtime jars with maven"
  mkdir -p "$dir"
  local pom=$dir/pom.xml
  cat >"$pom" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dvt-router.tools</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>$TEST_SERVER_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
  rm -rf "$dir/lib.tmp"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/lib.tmp"
  rm -rf "$dir/lib" && mv "$dir/lib.tmp" "$dir/lib"
  # exec, so the SDK's kill of its direct child stops the JVM itself (no orphaned java).
  cat >"$wrapper.tmp" <<'WRAP'
#!/usr/bin/env bash
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec java ${TEMPORAL_TEST_SERVER_JAVA_OPTS:--Xms64m -Xmx512m} -cp "$here/lib/*" io.temporal.testserver.TestServer "$@"
WRAP
  chmod +x "$wrapper.tmp" && mv "$wrapper.tmp" "$wrapper"
  log "test server wrapper at $wrapper"
}

install_cli
if [[ $cli_only == false ]]; then install_test_server; fi
