#!/usr/bin/env bash
# Installs the Debian packages named as arguments, skipping those already installed.
# Usage: tools/scripts/system-packages.sh [--dry-run] PKG...
# Used by the other bootstrap scripts; where it cannot install (no root, no apt) it stops and names the packages.
set -euo pipefail
VENTAS_SCRIPT_NAME="system-packages.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

dry_run=false
if [[ "${1:-}" == "--dry-run" ]]; then
  dry_run=true
  shift
fi
(($# > 0)) || die "usage: system-packages.sh [--dry-run] PKG..."

is_installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]; }

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "$@"; do
    is_installed "${pkg}" || missing+=("${pkg}")
  done
else
  missing=("$@")
fi

if ((${#missing[@]} == 0)); then
  log "already installed: $*"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  die "cannot install on this machine (no apt-get: not Debian/Ubuntu). Install these yourself (Debian names): ${missing[*]}"
fi
if ((EUID != 0)); then
  die "cannot install as a non-root user. Run as root: apt-get install ${missing[*]}"
fi

if ${dry_run}; then
  log "dry run: would install ${missing[*]}"
  exit 0
fi

# apt-get update once per hour at most: every script calls us, and each update costs seconds.
stamp="${VENTAS_STATE_DIR}/apt-updated.stamp"
mkdir -p "${VENTAS_STATE_DIR}"
if [[ -z "$(find "${stamp}" -mmin -60 2>/dev/null)" ]]; then
  log "apt-get update"
  apt-get update -qq
  touch "${stamp}"
fi

# Debian's postgresql package would otherwise create and start a default cluster on port 5432;
# we run our own cluster (tools/scripts/postgres.sh), so ask postgresql-common not to.
if [[ " ${missing[*]} " == *" postgresql"* ]] && [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
  mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
fi

log "installing ${missing[*]}"
# --force-confold keeps the createcluster.conf written above; policy-rc.d style daemons starting or not is
# irrelevant: our scripts start what they need themselves.
# NEEDRESTART_SUSPEND: needrestart (if present) would otherwise scan processes and print noise after installs.
DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
log "installed ${missing[*]}"
