#!/usr/bin/env bash
# A throw-away PostgreSQL 15 for the service tests, on 127.0.0.1:55432 with its own data dir.
# Usage: tools/scripts/postgres.sh start|stop|status
# start writes tmp/services/postgres.env with TEST_DATABASE_URL (role `ventas`, random password, CREATEDB)
# for database `ventas_test`; tests create their own databases from it.
set -euo pipefail
VENTAS_SCRIPT_NAME="postgres.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PG_PORT="${VENTAS_PG_PORT:-55432}"
PG_HOST=127.0.0.1
PG_BIN="/usr/lib/postgresql/15/bin"
PG_ROLE=ventas
PG_DB=ventas_test
STATE="${VENTAS_STATE_DIR}/postgres"
DATA="${STATE}/data"
SOCKET_DIR="${STATE}/run"
LOG_FILE="${STATE}/postgres.log"
SECRET_FILE="${STATE}/ventas.password"

# As root, PostgreSQL must run as the `postgres` OS user (initdb and postgres refuse root).
if ((EUID == 0)); then
  SUPERUSER=postgres
  as_pg() { runuser -u postgres -- "$@"; }
else
  SUPERUSER="$(id -un)"
  as_pg() { "$@"; }
fi

pg_running() { as_pg "${PG_BIN}/pg_ctl" status -D "${DATA}" >/dev/null 2>&1; }
server_pid() { head -n1 "${DATA}/postmaster.pid" 2>/dev/null || true; }
# psql as the cluster superuser over our private Unix socket (trust auth there; see init_cluster).
psql_super() { as_pg "${PG_BIN}/psql" -X -q -v ON_ERROR_STOP=1 -h "${SOCKET_DIR}" -p "${PG_PORT}" -U "${SUPERUSER}" -d postgres "$@"; }

init_cluster() {
  log "initialising a new cluster in ${DATA}"
  mkdir -p "${STATE}"
  install -d -m 700 "${DATA}" "${SOCKET_DIR}"
  if ((EUID == 0)); then chown postgres:postgres "${STATE}" "${DATA}" "${SOCKET_DIR}"; fi
  # Local socket: trust, but the socket lives in a 0700 dir only the server user can enter.
  # TCP: password (scram) only, and only on 127.0.0.1.
  as_pg "${PG_BIN}/initdb" -D "${DATA}" -U "${SUPERUSER}" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C >"${STATE}/initdb.log" 2>&1 || {
    cat "${STATE}/initdb.log" >&2
    die "initdb failed (log above)"
  }
  # Test-only durability settings: a throw-away database does not need fsync, and tests get faster.
  as_pg tee -a "${DATA}/postgresql.conf" >/dev/null <<CONF

# --- tools/scripts/postgres.sh ---
listen_addresses = '${PG_HOST}'
port = ${PG_PORT}
unix_socket_directories = '${SOCKET_DIR}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
}

ensure_role_and_db() {
  local password="$1"
  if [[ "$(psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = '${PG_ROLE}'")" == "1" ]]; then
    # The role survives in the data dir; reset its password only if the saved one no longer logs in.
    if PGPASSWORD="${password}" PGCONNECT_TIMEOUT=5 "${PG_BIN}/psql" -X -q -h "${PG_HOST}" -p "${PG_PORT}" \
      -U "${PG_ROLE}" -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
      log "role ${PG_ROLE} already exists"
    else
      psql_super <<SQL
ALTER ROLE ${PG_ROLE} LOGIN CREATEDB PASSWORD '${password}';
SQL
      log "role ${PG_ROLE} existed with another password: reset it"
    fi
  else
    # The password goes in through stdin (psql's \password would need a tty), never on a command line.
    psql_super <<SQL
CREATE ROLE ${PG_ROLE} LOGIN CREATEDB PASSWORD '${password}';
SQL
    log "created role ${PG_ROLE} (CREATEDB, random password)"
  fi
  if [[ "$(psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = '${PG_DB}'")" == "1" ]]; then
    log "database ${PG_DB} already exists"
  else
    psql_super -c "CREATE DATABASE ${PG_DB} OWNER ${PG_ROLE}"
    log "created database ${PG_DB}"
  fi
}

env_content() {
  local password="$1"
  cat <<ENV
TEST_DATABASE_URL=postgres://${PG_ROLE}:${password}@${PG_HOST}:${PG_PORT}/${PG_DB}
PGHOST=${PG_HOST}
PGPORT=${PG_PORT}
PGUSER=${PG_ROLE}
PGPASSWORD=${password}
PGDATABASE=${PG_DB}
ENV
}

# After a machine stop (CI ends every process), postmaster.pid and the socket lock name a dead pid; if that
# pid was reused by an unrelated process, the server would refuse to start, so drop locks of a non-postgres pid.
remove_stale_locks() {
  local lock pid
  for lock in "${DATA}/postmaster.pid" "${SOCKET_DIR}/.s.PGSQL.${PG_PORT}.lock"; do
    [[ -f "${lock}" ]] || continue
    pid="$(head -n1 "${lock}")"
    if ! pid_alive "${pid}" || [[ "$(cat "/proc/${pid}/comm" 2>/dev/null)" != postgres ]]; then
      rm -f "${lock}"
      log "removed stale ${lock} (pid ${pid} is not a running postgres)"
    fi
  done
}

cmd_start() {
  [[ -x "${PG_BIN}/postgres" ]] || ensure_packages postgresql-15
  [[ -x "${PG_BIN}/postgres" ]] || die "no PostgreSQL 15 in ${PG_BIN}; install Debian's postgresql-15"

  if [[ -f "${DATA}/PG_VERSION" ]]; then
    log "cluster ${DATA} already initialised"
  else
    init_cluster
  fi

  if pg_running; then
    log "already running (pid $(server_pid)) on ${PG_HOST}:${PG_PORT}"
  else
    if port_open "${PG_HOST}" "${PG_PORT}"; then
      die "port ${PG_HOST}:${PG_PORT} is taken by another process; stop it or set VENTAS_PG_PORT"
    fi
    remove_stale_locks
    log "starting PostgreSQL 15 on ${PG_HOST}:${PG_PORT} (log: ${LOG_FILE})"
    touch "${LOG_FILE}"
    if ((EUID == 0)); then chown postgres:postgres "${LOG_FILE}"; fi
    # -w waits until the server accepts connections (bounded by -t).
    as_pg "${PG_BIN}/pg_ctl" start -D "${DATA}" -l "${LOG_FILE}" -w -t 60 >/dev/null || {
      tail -n 20 "${LOG_FILE}" >&2
      die "PostgreSQL did not start (last log lines above)"
    }
    log "started (pid $(server_pid))"
  fi

  # The password lives beside the data, so a restart or a fresh clone on this machine reuses the same role.
  if [[ ! -s "${SECRET_FILE}" ]]; then
    (umask 077 && random_secret >"${SECRET_FILE}")
  fi
  local password
  password="$(cat "${SECRET_FILE}")"
  ensure_role_and_db "${password}"
  write_env_file postgres "$(env_content "${password}")"
}

cmd_stop() {
  if [[ -f "${DATA}/PG_VERSION" ]] && pg_running; then
    log "stopping PostgreSQL (pid $(server_pid))"
    # fast: roll back open transactions and disconnect clients, then a clean shutdown checkpoint.
    as_pg "${PG_BIN}/pg_ctl" stop -D "${DATA}" -m fast -w -t 60 >/dev/null
    log "stopped"
  else
    log "not running"
  fi
  remove_env_file postgres
}

cmd_status() {
  if [[ -f "${DATA}/PG_VERSION" ]] && pg_running; then
    log "running (pid $(server_pid)) on ${PG_HOST}:${PG_PORT}, data ${DATA}"
  else
    log "not running"
    return 3
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) die "usage: postgres.sh start|stop|status" ;;
esac
