#!/usr/bin/env bash
# The README's main job: build and smoke-test every service image. Does all of its own set-up on a fresh
# machine: npm ci when needed, the services (engine, base images, ...), then the smoke-test targets
# (each depends on its docker-build, so the images are built first).
# Usage: tools/scripts/images.sh      (npm run images)
set -euo pipefail
VENTAS_SCRIPT_NAME="images.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "${VENTAS_REPO_ROOT}"

start_steps "ALL IMAGES BUILT AND SMOKE-TESTED (manifests in dist/images/<project>/)"

step "node" use_workspace_node
step "node_modules" ensure_node_modules
step "services" "${VENTAS_SCRIPTS_DIR}/services.sh" up
load_engine_env
step "smoke-test" npx nx run-many -t smoke-test -p catalogo-service cliente-service bff-cliente bff-venta \
  --output-style=stream
step "image report" npx nx run nx-docker:image-report --output-style=stream
