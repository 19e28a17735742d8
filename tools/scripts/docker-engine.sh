#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`.
# - Engine answers: does nothing.
# - Otherwise, on Debian as root: installs Debian's docker.io if dockerd is missing, clears a stale
#   pid file (or waits for a dockerd that is still exiting), starts dockerd in the background with a
#   log file, and waits (bounded) until `docker info` answers.
# - Where it can do nothing (not root, no apt): stops with a message naming what to install.
# Usage: tools/scripts/docker-engine.sh [--dry-run]    (--dry-run: say what would be done, change nothing)
# Test knobs: VENTAS_DOCKERD_PIDFILE (default /var/run/docker.pid), VENTAS_DOCKERD_BIN (default dockerd),
# VENTAS_DOCKERD_ARGS (extra dockerd flags, split on spaces; e.g. a second engine on its own socket, with DOCKER_HOST).
set -euo pipefail
VENTAS_SCRIPT_NAME="docker-engine.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PID_FILE="${VENTAS_DOCKERD_PIDFILE:-/var/run/docker.pid}"
DOCKERD="${VENTAS_DOCKERD_BIN:-dockerd}"
LOG_FILE="${VENTAS_DOCKERD_LOG:-${VENTAS_STATE_DIR}/dockerd.log}"
START_TIMEOUT="${VENTAS_DOCKERD_TIMEOUT:-60}"
DRY_RUN=false
[[ "${1:-}" == "--dry-run" ]] && DRY_RUN=true

# Bounded: a daemon that is stopped or wedged accepts the connection and never answers.
engine_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }
is_dockerd() { [[ "$(cat "/proc/$1/comm" 2>/dev/null)" == "dockerd" ]]; }

# act WHAT CMD...: runs CMD and says "WHAT"; with --dry-run only says "would WHAT". WHAT is imperative.
act() {
  local what="$1"
  shift
  if ${DRY_RUN}; then
    log "dry run: would ${what}"
  else
    log "${what}"
    "$@"
  fi
}

if engine_answers; then
  log "Docker engine already running (server $(docker version --format '{{.Server.Version}}' 2>/dev/null)): nothing to do"
  exit 0
fi
log "no Docker engine answers 'docker info'"

# Where we may not install or start anything, say what the user has to do.
if ((EUID != 0)); then
  die "cannot start a Docker engine as a non-root user. Install Docker Engine (Debian: sudo apt-get install docker.io) and start it (sudo dockerd, or sudo systemctl start docker), or add yourself to the docker group."
fi
if ! command -v apt-get >/dev/null 2>&1 || [[ ! -f /etc/debian_version ]]; then
  if ! command -v "${DOCKERD}" >/dev/null 2>&1; then
    die "not a Debian/apt machine, so nothing is installed automatically. Install Docker Engine (https://docs.docker.com/engine/install/) and start it."
  fi
fi

installed=false
if ! command -v "${DOCKERD}" >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  # docker.io's maintainer script may start dockerd itself (init script); the checks below handle both cases.
  if ${DRY_RUN}; then
    log "dry run: would install Debian's docker.io"
  else
    ensure_packages docker.io
    installed=true
  fi
fi

# A pid file left behind: a dead pid (or a recycled pid that is not dockerd) is stale and makes dockerd
# refuse to start; a live dockerd is either still starting or still exiting, so wait for it first.
if [[ -f "${PID_FILE}" ]]; then
  old_pid="$(tr -dc '0-9' <"${PID_FILE}")"
  if [[ -n "${old_pid}" ]] && pid_alive "${old_pid}" && is_dockerd "${old_pid}"; then
    if ${DRY_RUN}; then
      log "dry run: would wait up to ${START_TIMEOUT}s for dockerd pid ${old_pid} (from ${PID_FILE}) to answer or exit"
    else
      log "dockerd pid ${old_pid} is still there: waiting up to ${START_TIMEOUT}s for it to answer or exit"
      wait_until "${START_TIMEOUT}" "dockerd ${old_pid}" eval 'engine_answers || ! pid_alive '"${old_pid}" || true
      if engine_answers; then
        log "Docker engine answers (dockerd pid ${old_pid}, already started): nothing else to do"
        exit 0
      fi
      pid_alive "${old_pid}" && die "dockerd pid ${old_pid} neither answers nor exits; see its log, stop it, and run me again"
      log "dockerd pid ${old_pid} has exited"
    fi
  fi
  if [[ -f "${PID_FILE}" ]] && ! { [[ -n "${old_pid}" ]] && pid_alive "${old_pid}" && is_dockerd "${old_pid}"; }; then
    act "remove stale ${PID_FILE} (pid '${old_pid}' is not a running dockerd)" rm -f "${PID_FILE}"
  fi
fi

# The package's maintainer script may have started dockerd during the install above (its init script);
# a second dockerd would only fail on the pid file, so wait for that one instead.
if ${installed}; then
  for entry in /proc/[0-9]*; do
    if is_dockerd "${entry#/proc/}"; then
      log "the docker.io package started dockerd (pid ${entry#/proc/}): waiting up to ${START_TIMEOUT}s for it"
      if wait_until "${START_TIMEOUT}" "docker info to answer" engine_answers; then
        log "Docker engine answers (dockerd pid ${entry#/proc/}, started by the package): nothing else to do"
        exit 0
      fi
      die "dockerd pid ${entry#/proc/} (started by the docker.io package) does not answer; see /var/log/docker.log"
    fi
  done
fi

start_dockerd() {
  mkdir -p "$(dirname "${LOG_FILE}")"
  # setsid + nohup: the daemon outlives this script and the terminal; CI ends it with the machine.
  # shellcheck disable=SC2086
  setsid nohup "${DOCKERD}" --pidfile "${PID_FILE}" ${VENTAS_DOCKERD_ARGS:-} >>"${LOG_FILE}" 2>&1 </dev/null &
  local pid=$!
  if ! wait_until "${START_TIMEOUT}" "docker info to answer" engine_answers; then
    tail -n 30 "${LOG_FILE}" >&2
    die "dockerd (pid ${pid}) did not answer within ${START_TIMEOUT}s (last log lines above, full log ${LOG_FILE})"
  fi
  log "Docker engine started: dockerd pid ${pid}, server $(docker version --format '{{.Server.Version}}'), log ${LOG_FILE}"
}
act "start dockerd in the background (log ${LOG_FILE})" start_dockerd
