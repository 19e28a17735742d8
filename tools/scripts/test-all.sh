#!/usr/bin/env bash
# The README's "run all tests" command. Does all of its own set-up on a fresh machine:
# npm ci when needed, the services (tools/scripts/services.sh up), then every project's lint, typecheck, test.
# Usage: tools/scripts/test-all.sh      (npm test)
set -euo pipefail
VENTAS_SCRIPT_NAME="test-all.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "${VENTAS_REPO_ROOT}"

started=${SECONDS}
current=""
report() {
  local rc=$?
  if ((rc == 0)); then
    log "ALL TESTS PASSED in $((SECONDS - started))s"
  else
    log "FAILED at step '${current}' (exit ${rc}) after $((SECONDS - started))s"
  fi
}
trap report EXIT

step() {
  current="$1"
  shift
  log "=== ${current} ==="
  "$@"
}

# Add steps here, in the order they must run.
step "node_modules" ensure_node_modules
step "services" "${VENTAS_SCRIPTS_DIR}/services.sh" up
step "lint typecheck test" npx nx run-many -t lint typecheck test --output-style=stream
