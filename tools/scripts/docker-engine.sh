#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`, and writes tmp/services/engine.env: how to reach it
# (DOCKER_HOST, DOCKER_CONFIG for its CLI plugins, NX_DOCKER_BINARY for its client). Every other script and
# jest load that file. Two engines ("legs"), one running at a time (two daemons that both manage iptables
# break container-to-container traffic):
# - modern (the default): Docker 26 with buildx and the containerd image store, from Debian trixie's
#   docker.io, docker-cli, containerd and docker-buildx, unpacked (dpkg-deb -x) under
#   /tmp/ventas-services/engine-modern and run with its own data root, exec root, pid file and socket.
#   Bookworm's runc, tini and iptables serve it; bookworm's own packages are left untouched.
# - legacy: Debian bookworm's docker.io 20.10 (classic image store, BuildKit built into its client, no
#   buildx) on the default socket, installed with apt when missing.
# Which leg: VENTAS_ENGINE=modern|legacy; else the leg tmp/services/engine.env names; else an engine already
# answering on the default socket that we did not start ("system": used as it is); else modern.
# Usage: tools/scripts/docker-engine.sh [--dry-run] [stop]
#   --dry-run: say what would be done, change nothing.   stop: stop whichever of our engines runs.
# Test knobs: VENTAS_DOCKERD_PIDFILE (legacy pid file, default /var/run/docker.pid), VENTAS_DOCKERD_BIN
# (legacy dockerd, default dockerd), VENTAS_LEGACY_DOCKER (legacy client, default /usr/bin/docker),
# VENTAS_MODERN_ENGINE_DIR (default /tmp/ventas-services/engine-modern),
# VENTAS_DOCKERD_ARGS (extra dockerd flags, split on spaces).
set -euo pipefail
VENTAS_SCRIPT_NAME="docker-engine.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

LEGACY_PID_FILE="${VENTAS_DOCKERD_PIDFILE:-/var/run/docker.pid}"
LEGACY_DOCKERD="${VENTAS_DOCKERD_BIN:-dockerd}"
LEGACY_CLIENT="${VENTAS_LEGACY_DOCKER:-/usr/bin/docker}"
# Machine-wide, like the engine itself (not under VENTAS_STATE_DIR, which tests point at sandboxes of their own).
MODERN_DIR="${VENTAS_MODERN_ENGINE_DIR:-/tmp/ventas-services/engine-modern}"
MODERN_ROOT="${MODERN_DIR}/root"
MODERN_PID_FILE="${MODERN_DIR}/dockerd.pid"
MODERN_SOCKET="${MODERN_DIR}/docker.sock"
MODERN_PACKAGES=(docker.io docker-cli containerd docker-buildx)
MODERN_SUITE=trixie
DEBIAN_MIRROR="${VENTAS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
START_TIMEOUT="${VENTAS_DOCKERD_TIMEOUT:-60}"

DRY_RUN=false
ACTION=start
for arg in "$@"; do
  case "${arg}" in
    --dry-run) DRY_RUN=true ;;
    stop) ACTION=stop ;;
    *) die "usage: docker-engine.sh [--dry-run] [stop]" ;;
  esac
done

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

# leg_env LEG: the engine.env content of a leg (what a client needs to reach it and build with it).
leg_env() {
  case "$1" in
    modern)
      printf 'VENTAS_ENGINE=modern\nDOCKER_HOST=unix://%s\nDOCKER_CONFIG=%s\nNX_DOCKER_BINARY=%s\n' \
        "${MODERN_SOCKET}" "${MODERN_DIR}/config" "${MODERN_ROOT}/usr/bin/docker"
      ;;
    legacy)
      # Debian's 20.10 client: its `docker build` has BuildKit built in (a 23+ client without buildx has not).
      printf 'VENTAS_ENGINE=legacy\nDOCKER_HOST=unix:///var/run/docker.sock\n'
      [[ -x "${LEGACY_CLIENT}" ]] && printf 'NX_DOCKER_BINARY=%s\n' "${LEGACY_CLIENT}"
      ;;
    system) printf 'VENTAS_ENGINE=system\n' ;;
  esac
  return 0
}

# with_leg LEG CMD...: runs CMD with the leg's environment (and without any other leg's).
with_leg() {
  local leg="$1"
  shift
  local -a assignments
  mapfile -t assignments < <(leg_env "${leg}")
  env -u DOCKER_HOST -u DOCKER_CONFIG -u NX_DOCKER_BINARY -u DOCKER_CONTEXT "${assignments[@]}" "$@"
}

leg_client() {
  case "$1" in
    modern) [[ -x "${MODERN_ROOT}/usr/bin/docker" ]] && echo "${MODERN_ROOT}/usr/bin/docker" || echo docker ;;
    legacy) [[ -x "${LEGACY_CLIENT}" ]] && echo "${LEGACY_CLIENT}" || echo docker ;;
    *) echo docker ;;
  esac
}

# Bounded: a daemon that is stopped or wedged accepts the connection and never answers.
leg_answers() {
  local client
  client="$(leg_client "$1")"
  command -v "${client}" >/dev/null 2>&1 && with_leg "$1" timeout 10 "${client}" info >/dev/null 2>&1
}

leg_pid_file() { [[ "$1" == modern ]] && echo "${MODERN_PID_FILE}" || echo "${LEGACY_PID_FILE}"; }

# The pid in FILE when it is a live dockerd; empty otherwise.
live_dockerd() {
  local pid
  [[ -f "$1" ]] && pid="$(tr -dc '0-9' <"$1")" || pid=""
  if [[ -n "${pid}" ]] && pid_alive "${pid}" && is_dockerd "${pid}"; then echo "${pid}"; fi
}

# One line that says which engine, image store and builder every later step uses.
describe_engine() {
  local leg="$1" client server store builder
  client="$(leg_client "${leg}")"
  server="$(with_leg "${leg}" "${client}" version --format '{{.Server.Version}}' 2>/dev/null || echo unknown)"
  store="$(with_leg "${leg}" "${client}" info --format '{{range .DriverStatus}}{{if eq (index . 0) "driver-type"}}{{index . 1}}{{end}}{{end}}' 2>/dev/null || true)"
  [[ "${store}" == *containerd* ]] && store="containerd image store" || store="classic image store"
  if builder="$(with_leg "${leg}" "${client}" buildx version 2>/dev/null)"; then
    builder="buildx $(awk '{print $2}' <<<"${builder}")"
  elif [[ "$("${client}" version --format '{{.Client.Version}}' 2>/dev/null)" =~ ^(19|20|21|22)\. ]]; then
    builder="BuildKit built into the client"
  else
    builder="legacy builder (no buildx)"
  fi
  log "engine: ${leg} leg, Docker ${server} (${store}), client ${client}, builder ${builder}"
}

finish() {
  local leg="$1"
  if ${DRY_RUN}; then return 0; fi
  write_env_file engine "$(leg_env "${leg}")"
  describe_engine "${leg}"
}

# stop_leg LEG: SIGTERM our dockerd of that leg and wait for it (SIGKILL after 30 s). Quiet when not running.
stop_leg() {
  local leg="$1" file pid
  file="$(leg_pid_file "${leg}")"
  pid="$(live_dockerd "${file}")"
  [[ -n "${pid}" ]] || return 0
  if ${DRY_RUN}; then
    log "dry run: would stop the ${leg} engine (dockerd pid ${pid}): one engine at a time"
    return 0
  fi
  log "stopping the ${leg} engine (dockerd pid ${pid}): one engine at a time"
  kill -TERM "${pid}"
  wait_until 30 "dockerd ${pid} to exit" eval '! pid_alive '"${pid}" || kill -KILL "${pid}" 2>/dev/null || true
  rm -f "${file}"
}

if [[ "${ACTION}" == stop ]]; then
  stop_leg modern
  stop_leg legacy
  ${DRY_RUN} || rm -f "${VENTAS_ENV_DIR}/engine.env"
  log "no engine of ours is running"
  exit 0
fi

recorded_leg() {
  local file="${VENTAS_ENV_DIR}/engine.env"
  if [[ -f "${file}" ]]; then sed -n 's/^VENTAS_ENGINE=//p' "${file}" | head -n1; fi
}
LEG="${VENTAS_ENGINE:-$(recorded_leg)}"
SYSTEM_ENGINE=false
if [[ -z "$(live_dockerd "${LEGACY_PID_FILE}")" ]] && leg_answers system; then SYSTEM_ENGINE=true; fi
if [[ -z "${LEG}" || "${LEG}" == system ]]; then
  # An engine on the default socket that is not our legacy dockerd belongs to the user: use it as it is.
  if ${SYSTEM_ENGINE}; then
    log "a Docker engine already answers on the default socket (server $(with_leg system docker version --format '{{.Server.Version}}' 2>/dev/null)): nothing to do"
    finish system
    exit 0
  fi
  [[ -n "$(live_dockerd "${LEGACY_PID_FILE}")" ]] && LEG=legacy || LEG=modern
fi
[[ "${LEG}" == modern || "${LEG}" == legacy ]] || die "VENTAS_ENGINE='${LEG}': use modern (Docker 26, buildx, containerd store) or legacy (Debian's 20.10)"

if leg_answers "${LEG}"; then
  log "the ${LEG} engine is already running: nothing to do"
  finish "${LEG}"
  exit 0
fi
log "the ${LEG} engine does not answer 'docker info'"

# Where we may not install or start anything, say what the user has to do.
if ((EUID != 0)); then
  die "cannot start a Docker engine as a non-root user. Install Docker Engine (Debian: sudo apt-get install docker.io) and start it (sudo dockerd, or sudo systemctl start docker), or add yourself to the docker group."
fi
if ! command -v apt-get >/dev/null 2>&1 || [[ ! -f /etc/debian_version ]]; then
  if [[ "${LEG}" == modern ]] || ! command -v "${LEGACY_DOCKERD}" >/dev/null 2>&1; then
    die "not a Debian/apt machine, so nothing is installed automatically. Install Docker Engine (https://docs.docker.com/engine/install/) and start it."
  fi
fi

# One engine at a time.
if [[ "${LEG}" == modern ]]; then
  ${SYSTEM_ENGINE} && die "another Docker engine (not started by us) answers on the default socket; two engines that both manage iptables break container networking. Stop it, or use it: unset VENTAS_ENGINE and remove tmp/services/engine.env"
  stop_leg legacy
else
  stop_leg modern
fi

# Trixie's engine packages, unpacked into a directory of ours: apt's own download (it checks the
# archive signatures) with a private sources list, lists and cache, so bookworm's apt state is untouched.
install_modern() {
  ensure_packages runc tini iptables
  local apt_dir="${MODERN_DIR}/apt" debs="${MODERN_DIR}/debs"
  mkdir -p "${apt_dir}/lists/partial" "${apt_dir}/cache/archives/partial" "${debs}"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${DEBIAN_MIRROR} ${MODERN_SUITE} main" \
    >"${apt_dir}/sources.list"
  local apt_opts=(-o "Dir::Etc::SourceList=${apt_dir}/sources.list" -o Dir::Etc::SourceParts=-
    -o "Dir::State::Lists=${apt_dir}/lists" -o "Dir::Cache=${apt_dir}/cache" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq
  rm -f "${debs}"/*.deb
  (cd "${debs}" && apt-get "${apt_opts[@]}" download -qq "${MODERN_PACKAGES[@]}")
  rm -rf --one-file-system "${MODERN_ROOT}.new"
  local deb
  for deb in "${debs}"/*.deb; do dpkg-deb -x "${deb}" "${MODERN_ROOT}.new"; done
  rm -rf --one-file-system "${MODERN_ROOT}"
  mv "${MODERN_ROOT}.new" "${MODERN_ROOT}"
  mkdir -p "${MODERN_DIR}/config/cli-plugins"
  ln -sfn "${MODERN_ROOT}/usr/libexec/docker/cli-plugins/docker-buildx" "${MODERN_DIR}/config/cli-plugins/docker-buildx"
  # tini-static is what Debian's docker.io uses as docker-init (`docker run --init`).
  printf '{\n  "features": { "containerd-snapshotter": true },\n  "init-path": "/usr/bin/tini-static"\n}\n' \
    >"${MODERN_DIR}/daemon.json"
  (cd "${debs}" && ls ./*.deb) >"${MODERN_ROOT}/.ventas-packages"
  log "unpacked $(tr '\n' ' ' <"${MODERN_ROOT}/.ventas-packages")into ${MODERN_ROOT}"
}

if [[ "${LEG}" == modern && ! -f "${MODERN_ROOT}/.ventas-packages" ]]; then
  act "download ${MODERN_PACKAGES[*]} from Debian ${MODERN_SUITE} and unpack them into ${MODERN_ROOT}" install_modern
fi

installed=false
if [[ "${LEG}" == legacy ]] && { ! command -v "${LEGACY_DOCKERD}" >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; }; then
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
PID_FILE="$(leg_pid_file "${LEG}")"
if [[ -f "${PID_FILE}" ]]; then
  old_pid="$(tr -dc '0-9' <"${PID_FILE}")"
  if [[ -n "$(live_dockerd "${PID_FILE}")" ]]; then
    if ${DRY_RUN}; then
      log "dry run: would wait up to ${START_TIMEOUT}s for dockerd pid ${old_pid} (from ${PID_FILE}) to answer or exit"
    else
      log "dockerd pid ${old_pid} is still there: waiting up to ${START_TIMEOUT}s for it to answer or exit"
      wait_until "${START_TIMEOUT}" "dockerd ${old_pid}" eval 'leg_answers '"${LEG}"' || ! pid_alive '"${old_pid}" || true
      if leg_answers "${LEG}"; then
        log "the ${LEG} engine answers (dockerd pid ${old_pid}, already started): nothing else to do"
        finish "${LEG}"
        exit 0
      fi
      pid_alive "${old_pid}" && die "dockerd pid ${old_pid} neither answers nor exits; see its log, stop it, and run me again"
      log "dockerd pid ${old_pid} has exited"
    fi
  fi
  if [[ -f "${PID_FILE}" && -z "$(live_dockerd "${PID_FILE}")" ]]; then
    act "remove stale ${PID_FILE} (pid '${old_pid}' is not a running dockerd)" rm -f "${PID_FILE}"
  fi
fi

# The package's maintainer script may have started dockerd during the install above (its init script);
# a second dockerd would only fail on the pid file, so wait for that one instead.
if ${installed}; then
  for entry in /proc/[0-9]*; do
    if is_dockerd "${entry#/proc/}"; then
      log "the docker.io package started dockerd (pid ${entry#/proc/}): waiting up to ${START_TIMEOUT}s for it"
      if wait_until "${START_TIMEOUT}" "docker info to answer" leg_answers legacy; then
        log "the legacy engine answers (dockerd pid ${entry#/proc/}, started by the package): nothing else to do"
        finish legacy
        exit 0
      fi
      die "dockerd pid ${entry#/proc/} (started by the docker.io package) does not answer; see /var/log/docker.log"
    fi
  done
fi

start_dockerd() {
  local log_file="${VENTAS_STATE_DIR}/dockerd-${LEG}.log"
  mkdir -p "${VENTAS_STATE_DIR}"
  # setsid + nohup: the daemon outlives this script and the terminal; CI ends it with the machine.
  if [[ "${LEG}" == modern ]]; then
    mkdir -p "${MODERN_DIR}/data" "${MODERN_DIR}/exec"
    # Its own containerd, shims and docker-proxy come first on PATH; runc and iptables are bookworm's.
    # shellcheck disable=SC2086
    PATH="${MODERN_ROOT}/usr/bin:${MODERN_ROOT}/usr/sbin:${PATH}" setsid nohup "${MODERN_ROOT}/usr/sbin/dockerd" \
      --config-file "${MODERN_DIR}/daemon.json" --data-root "${MODERN_DIR}/data" --exec-root "${MODERN_DIR}/exec" \
      --pidfile "${MODERN_PID_FILE}" -H "unix://${MODERN_SOCKET}" ${VENTAS_DOCKERD_ARGS:-} \
      >>"${log_file}" 2>&1 </dev/null &
  else
    # shellcheck disable=SC2086
    setsid nohup "${LEGACY_DOCKERD}" --pidfile "${LEGACY_PID_FILE}" ${VENTAS_DOCKERD_ARGS:-} \
      >>"${log_file}" 2>&1 </dev/null &
  fi
  local pid=$!
  if ! wait_until "${START_TIMEOUT}" "docker info to answer" leg_answers "${LEG}"; then
    tail -n 30 "${log_file}" >&2
    die "dockerd (pid ${pid}) did not answer within ${START_TIMEOUT}s (last log lines above, full log ${log_file})"
  fi
  log "the ${LEG} engine started: dockerd pid ${pid}, log ${log_file}"
}
act "start the ${LEG} engine's dockerd in the background (log ${VENTAS_STATE_DIR}/dockerd-${LEG}.log)" start_dockerd
finish "${LEG}"
