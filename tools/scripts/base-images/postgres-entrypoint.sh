#!/usr/bin/env bash
# Stand-in for the official postgres image's docker-entrypoint.sh (the part we use):
# - as root: owns PGDATA and the socket dir, then re-runs itself as the postgres user;
# - on first start (empty PGDATA, e.g. a --tmpfs mount, which it owns as the official one does): initdb with
#   POSTGRES_USER / POSTGRES_PASSWORD (POSTGRES_INITDB_ARGS, e.g. --no-sync), password auth from other hosts
#   (POSTGRES_HOST_AUTH_METHOD, default scram-sha-256), creates POSTGRES_DB, runs
#   /docker-entrypoint-initdb.d/*.sql|*.sh, all on a socket-only temporary server started with the same
#   arguments as the real one (so `postgres -c fsync=off` applies during initialisation too);
# - then execs postgres as PID 1, listening on 0.0.0.0:5432, so SIGINT/SIGTERM shut it down cleanly.
set -Eeo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$*"; }

if [ "${1:0:1}" = '-' ]; then
  set -- postgres "$@"
fi

if [ "$1" = 'postgres' ] && [ "$(id -u)" = '0' ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 3775 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [ "$1" = 'postgres' ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != 'trust' ]; then
    echo 'Error: Database is uninitialized and superuser password is not specified.' >&2
    echo '       Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust, not recommended).' >&2
    exit 1
  fi

  log "initialising ${PGDATA} for user ${POSTGRES_USER}"
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    # The password reaches initdb through a pipe, never argv.
    # shellcheck disable=SC2086
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") ${POSTGRES_INITDB_ARGS:-}
  else
    # shellcheck disable=SC2086
    initdb --username="$POSTGRES_USER" ${POSTGRES_INITDB_ARGS:-}
  fi
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

  # A temporary server on the Unix socket only: nobody can connect over TCP (so a readiness probe over TCP,
  # such as pg_isready -h 127.0.0.1, fails) until initialisation is complete. As the official
  # docker_temp_server_start does, it gets the same arguments as the real server (e.g. -c fsync=off).
  temp_args=("${@:2}" -c listen_addresses= -p "${PGPORT:-5432}")
  pg_ctl -D "$PGDATA" -o "$(printf '%q ' "${temp_args[@]}")" -w start
  psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --no-password)
  if [ "$POSTGRES_DB" != 'postgres' ]; then
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    log "created database ${POSTGRES_DB}"
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) log "running $f"; . "$f" ;;
      *.sql) log "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) [ -e "$f" ] && log "ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  log 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
