#!/bin/sh
# Same behaviour as the official node image's docker-entrypoint.sh: `docker run IMAGE -e "1+1"` or
# `docker run IMAGE app.js` runs node; any other command runs as given.
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}" 2>/dev/null)" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
