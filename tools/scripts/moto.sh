#!/usr/bin/env bash
# A local AWS API (moto) for the ECR push tests: moto_server on 127.0.0.1:55500.
# Usage: tools/scripts/moto.sh start|stop|status
# start writes tmp/services/moto.env: ECR_ENDPOINT_URL, AWS_REGION and dummy AWS credentials.
set -euo pipefail
VENTAS_SCRIPT_NAME="moto.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

HOST=127.0.0.1
PORT="${VENTAS_MOTO_PORT:-55500}"
STATE="${VENTAS_STATE_DIR}/moto"
LOG_FILE="${STATE}/moto.log"
PID_FILE="${STATE}/moto.pid"

running_pid() { daemon_pid "${PID_FILE}" moto; }

answers() { curl -sf -o /dev/null "http://${HOST}:${PORT}/moto-api/"; }

# moto_server (its console script) or, where only the module is installed, python3 -m moto.server.
moto_command() {
  if command -v moto_server >/dev/null 2>&1; then
    echo moto_server
  elif python3 -c 'import moto.server, flask' >/dev/null 2>&1; then
    echo "python3 -m moto.server"
  else
    die "moto's server is not installed. Install it with: pip install 'moto[server]'"
  fi
}

cmd_start() {
  command -v curl >/dev/null || ensure_packages curl
  local pid
  pid="$(running_pid)"
  if [[ -n "${pid}" ]]; then
    log "already running (pid ${pid}) on ${HOST}:${PORT}"
  else
    if port_open "${HOST}" "${PORT}"; then
      die "port ${HOST}:${PORT} is taken by another process; stop it or set VENTAS_MOTO_PORT"
    fi
    local cmd
    cmd="$(moto_command)"
    mkdir -p "${STATE}"
    log "starting ${cmd} on ${HOST}:${PORT} (log ${LOG_FILE})"
    # exec keeps the pid the one spawn_daemon records.
    # shellcheck disable=SC2086
    spawn_daemon moto "${HOST}:${PORT}" "${LOG_FILE}" "${PID_FILE}" 60 answers \
      bash -c 'exec "$@"' moto ${cmd} -H "${HOST}" -p "${PORT}"
  fi
  # Dummy credentials: moto accepts any, and they must never be real ones.
  write_env_file moto "ECR_ENDPOINT_URL=http://${HOST}:${PORT}
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=testing
AWS_SECRET_ACCESS_KEY=testing"
}

cmd_stop() { stop_daemon moto "$(running_pid)" moto "${PID_FILE}"; }

cmd_status() { report_status "$(running_pid)" "${HOST}:${PORT}"; }

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) die "usage: moto.sh start|stop|status" ;;
esac
