#!/usr/bin/env bash
# Everything the tests need, in order, each step saying what it did:
#   up:   Docker engine, base images, system tools, registry (127.0.0.1:55000), PostgreSQL (127.0.0.1:55432),
#         moto (127.0.0.1:55500)
#   down: stops the registry, moto and PostgreSQL (not the engine, not images)
# Usage: tools/scripts/services.sh up|down
set -euo pipefail
VENTAS_SCRIPT_NAME="services.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

step() {
  local started=${SECONDS}
  log "--- $* ---"
  "${VENTAS_SCRIPTS_DIR}/$1" "${@:2}"
  log "--- $1 ${*:2}: ok in $((SECONDS - started))s ---"
}

case "${1:-}" in
  up)
    step docker-engine.sh
    step base-images.sh
    # Tools the tests call directly (the push tests copy images with skopeo).
    step system-packages.sh skopeo curl
    step registry.sh start
    step postgres.sh start
    step moto.sh start
    log "services up; addresses in ${VENTAS_ENV_DIR#"${VENTAS_REPO_ROOT}"/}/*.env"
    ;;
  down)
    step registry.sh stop
    step moto.sh stop
    step postgres.sh stop
    log "services down (the Docker engine and the images are left as they are)"
    ;;
  *) die "usage: services.sh up|down" ;;
esac
