#!/bin/sh
# No database to prepare: replace this shell with the server so SIGTERM from `docker stop` / ECS reaches Node.
set -eu

exec "$@"
