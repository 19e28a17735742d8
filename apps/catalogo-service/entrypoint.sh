#!/bin/sh
# Applies pending migrations and seeds the catalogue once (recorded in the database), then replaces this shell with the server so
# SIGTERM from `docker stop` / ECS reaches Node directly.
set -eu

node /app/populate-db.js

exec "$@"
