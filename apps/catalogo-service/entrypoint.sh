#!/bin/sh
# Creates the schema and seeds the catalogue (idempotent), then replaces this shell with the server so
# SIGTERM from `docker stop` / ECS reaches Node directly.
set -eu

node /app/populate-db.js

exec "$@"
