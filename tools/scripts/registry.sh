#!/usr/bin/env bash
# A throw-away OCI registry for the push tests: Debian's docker-registry on 127.0.0.1:55000, storage in a
# temp dir, htpasswd basic auth with a random user and password.
# Usage: tools/scripts/registry.sh start|stop|status|rotate-password [--password-stdin]
# start writes tmp/services/registry.env: REGISTRY_HOST, REGISTRY_USER, REGISTRY_PASSWORD.
# rotate-password gives the same user a new password (random, or read from stdin) while the registry runs, so
# that it refuses the old one from the next request on (the push tests' re-login), and rewrites registry.env.
# Docker allows plain HTTP to registries on 127.0.0.0/8, so no TLS is needed.
set -euo pipefail
VENTAS_SCRIPT_NAME="registry.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

HOST=127.0.0.1
PORT="${VENTAS_REGISTRY_PORT:-55000}"
STATE="${VENTAS_STATE_DIR}/registry"
CONFIG="${STATE}/config.yml"
HTPASSWD="${STATE}/htpasswd"
CREDENTIALS="${STATE}/credentials"
STORAGE="${STATE}/storage"
LOG_FILE="${STATE}/registry.log"
PID_FILE="${STATE}/registry.pid"
BINARY=/usr/bin/docker-registry

running_pid() { daemon_pid "${PID_FILE}" docker-registry; }

# /v2/ answers 401 without credentials when the registry is up and auth is on.
answers_401() { [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://${HOST}:${PORT}/v2/")" == "401" ]]; }

# accepts USER PASSWORD: /v2/ answers 200 to these credentials (given to curl on stdin, never in argv).
accepts() {
  [[ "$(printf 'user = "%s:%s"\n' "$1" "$2" |
    curl -s -K - -o /dev/null -w '%{http_code}' "http://${HOST}:${PORT}/v2/")" == "200" ]]
}

# write_htpasswd USER PASSWORD: bcrypt (-B, the only hash docker-registry accepts), the password on stdin (-i);
# written beside the file and renamed over it, so the registry never reads half a file.
write_htpasswd() {
  (umask 077 && printf '%s' "$2" | htpasswd -iBn "$1" >"${HTPASSWD}.new")
  mv -f "${HTPASSWD}.new" "${HTPASSWD}"
}

write_registry_env() {
  local user password
  read -r user password <"${CREDENTIALS}"
  write_env_file registry "$(printf 'REGISTRY_HOST=%s:%s\nREGISTRY_USER=%s\nREGISTRY_PASSWORD=%s' \
    "${HOST}" "${PORT}" "${user}" "${password}")"
}

write_config() {
  cat >"${CONFIG}" <<YML
version: 0.1
log:
  level: info
  fields:
    service: ventas-test-registry
storage:
  filesystem:
    rootdirectory: ${STORAGE}
  delete:
    enabled: true
http:
  addr: ${HOST}:${PORT}
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: ventas-test-registry
    path: ${HTPASSWD}
YML
}

cmd_start() {
  [[ -x "${BINARY}" ]] && command -v htpasswd >/dev/null && command -v curl >/dev/null ||
    ensure_packages docker-registry apache2-utils curl

  local pid
  pid="$(running_pid)"
  if [[ -n "${pid}" ]]; then
    log "already running (pid ${pid}) on ${HOST}:${PORT}"
  else
    if port_open "${HOST}" "${PORT}"; then
      die "port ${HOST}:${PORT} is taken by another process; stop it or set VENTAS_REGISTRY_PORT"
    fi
    mkdir -p "${STATE}" "${STORAGE}"
    chmod 700 "${STATE}"
    # Credentials are kept beside the storage, so a restart keeps the same throw-away user.
    if [[ ! -s "${CREDENTIALS}" ]]; then
      (umask 077 && printf 'ventas-%s %s\n' "$(random_secret 4)" "$(random_secret 16)" >"${CREDENTIALS}")
      log "created a throw-away registry user"
    fi
    local user password
    read -r user password <"${CREDENTIALS}"
    write_htpasswd "${user}" "${password}"
    write_config
    log "starting docker-registry on ${HOST}:${PORT} (storage ${STORAGE}, log ${LOG_FILE})"
    spawn_daemon docker-registry "${HOST}:${PORT}" "${LOG_FILE}" "${PID_FILE}" 30 answers_401 \
      "${BINARY}" serve "${CONFIG}"
    verify_login "${user}" "${password}"
  fi
  write_registry_env
}

# A docker login against the fresh registry, in a temp DOCKER_CONFIG so ~/.docker keeps no credentials.
verify_login() {
  load_engine_env
  command -v docker >/dev/null && docker info >/dev/null 2>&1 || {
    log "no Docker engine: skipped the docker login check"
    return 0
  }
  local cfg
  cfg="$(mktemp -d)"
  if printf '%s' "$2" | DOCKER_CONFIG="${cfg}" docker login -u "$1" --password-stdin "${HOST}:${PORT}" >/dev/null 2>&1; then
    log "docker login ${HOST}:${PORT} works (checked with a temporary DOCKER_CONFIG)"
    rm -rf "${cfg}"
  else
    rm -rf "${cfg}"
    die "docker login ${HOST}:${PORT} failed with the throw-away credentials"
  fi
}

cmd_stop() { stop_daemon docker-registry "$(running_pid)" registry "${PID_FILE}"; }

# The same user, a new password: htpasswd, the credentials kept beside the storage, and registry.env. The
# running registry starts refusing the old password at once: docker-registry (distribution 2.7+) compares the
# htpasswd file's mtime on every request and re-reads it when it changed. That is checked here; a registry
# that does not pick it up within 5 s is restarted on the same port and storage (images are kept).
cmd_rotate_password() {
  local pid
  pid="$(running_pid)"
  [[ -n "${pid}" ]] || die "not running: start it first (tools/scripts/registry.sh start)"
  [[ -s "${CREDENTIALS}" ]] || die "no credentials at ${CREDENTIALS}: stop and start it again"
  local user old password
  read -r user old <"${CREDENTIALS}"
  if [[ "${1:-}" == "--password-stdin" ]]; then
    IFS= read -r password || true
    [[ "${password}" =~ ^[A-Za-z0-9._~+=-]{8,128}$ ]] ||
      die "the password on stdin must be 8 to 128 letters, digits or ._~+=- (no spaces or quotes)"
  elif [[ -n "${1:-}" ]]; then
    die "usage: registry.sh rotate-password [--password-stdin]"
  else
    password="$(random_secret 16)"
  fi
  if [[ "${password}" == "${old}" ]]; then
    log "the password of ${user} is already that one: nothing to rotate"
    write_registry_env
    return 0
  fi
  write_htpasswd "${user}" "${password}"
  (umask 077 && printf '%s %s\n' "${user}" "${password}" >"${CREDENTIALS}.new")
  mv -f "${CREDENTIALS}.new" "${CREDENTIALS}"
  if wait_until 5 "docker-registry to accept the new password" accepts "${user}" "${password}"; then
    log "rotated the password of ${user}; the registry (pid ${pid}) refuses the old one from now on"
  else
    warn "docker-registry (pid ${pid}) still refuses the new password: restarting it on the same port and storage"
    stop_daemon docker-registry "${pid}" registry "${PID_FILE}"
    cmd_start
    accepts "${user}" "${password}" || die "the restarted registry refuses the new password (log: ${LOG_FILE})"
    log "rotated the password of ${user} (registry restarted)"
  fi
  accepts "${user}" "${old}" && die "the registry still accepts the old password of ${user}"
  write_registry_env
}

cmd_status() { report_status "$(running_pid)" "${HOST}:${PORT}"; }

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  rotate-password) cmd_rotate_password "${2:-}" ;;
  *) die "usage: registry.sh start|stop|status|rotate-password [--password-stdin]" ;;
esac
