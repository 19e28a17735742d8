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

# ensure_packages PKG...: installs missing Debian packages through system-packages.sh (which says what it does).
ensure_packages() { "${VENTAS_SCRIPTS_DIR}/system-packages.sh" "$@"; }

# ensure_node_modules: `npm ci` when node_modules is missing or older than package-lock.json
# (npm writes node_modules/.package-lock.json on every install, so its mtime is the install time).
ensure_node_modules() {
  local marker="${VENTAS_REPO_ROOT}/node_modules/.package-lock.json"
  if [[ ! -f "${marker}" ]]; then
    log "node_modules missing: npm ci"
  elif [[ "${VENTAS_REPO_ROOT}/package-lock.json" -nt "${marker}" ]]; then
    log "package-lock.json is newer than node_modules: npm ci"
  else
    log "node_modules up to date with package-lock.json"
    return 0
  fi
  (cd "${VENTAS_REPO_ROOT}" && npm ci --no-audit --no-fund)
}
