#!/usr/bin/env bash
# The README's "run all tests" command. Does all of its own set-up on a fresh machine:
# npm ci when needed, the services (tools/scripts/services.sh up), then every project's lint, typecheck, test,
# then the pipeline itself on the four services: build and smoke-test every image, push each to the local
# registry (twice: the second push must skip every tag by digest), and print the image report.
# Usage: tools/scripts/test-all.sh      (npm test)
set -euo pipefail
VENTAS_SCRIPT_NAME="test-all.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "${VENTAS_REPO_ROOT}"

start_steps "ALL TESTS PASSED"

# Add steps here, in the order they must run.
step "node" use_workspace_node
step "node_modules" ensure_node_modules
step "services" "${VENTAS_SCRIPTS_DIR}/services.sh" up
load_engine_env
SERVICES=(catalogo-service cliente-service bff-cliente bff-venta)
push_twice() {
  # The throw-away registry's credentials, by env var as the ecr-push `local` configuration names them.
  set -a
  # shellcheck source=/dev/null
  source "${VENTAS_ENV_DIR}/registry.env"
  set +a
  npx nx run-many -t ecr-push -c local -p "${SERVICES[@]}" --output-style=stream "${FIRST_PUSH[@]}"
  npx nx run-many -t ecr-push -c local -p "${SERVICES[@]}" --output-style=stream --excludeTaskDependencies
  # Idempotence: the second push found every tag already holding its digest (push.json lists what it pushed).
  node -e '
    const again = process.argv.slice(1).filter((p) => require(`./dist/images/${p}/push.json`).pushed.length > 0);
    if (again.length) { console.error(`pushed again instead of skipping by digest: ${again.join(", ")}`); process.exit(1); }
  ' "${SERVICES[@]}"
}

# In CI every task runs for real: Nx 23 keeps its cache under ~/.nx/<hash of the workspace path>, outside the
# clone, so a fresh clone at a path used before would otherwise replay earlier results.
FRESH=()
FIRST_PUSH=()
if [[ "${CI:-}" == "true" ]]; then
  FRESH=(--skip-nx-cache)
  # The smoke-test step has just built and tested these very images. The push's own dependencies would be Nx cache
  # hits from an earlier run at the same path (--skip-nx-cache runs do not replace cache entries): their image.json
  # names an image the rebuild replaced, which the containerd store deletes with its last tag.
  FIRST_PUSH=(--excludeTaskDependencies)
fi

step "lint typecheck test" npx nx run-many -t lint typecheck test --output-style=stream "${FRESH[@]}"
# In Nx's batch mode: one worker runs the four smoke tests (images.sh and the service e2e test run them one process
# per task, Nx's default), so both ways run for real on each engine.
step "smoke-test (builds the images first)" npx nx run-many -t smoke-test -p "${SERVICES[@]}" --output-style=stream \
  --batch "${FRESH[@]}"
step "ecr-push -c local, twice" push_twice
step "image report" npx nx run nx-docker:image-report --output-style=stream
