#!/bin/sh
# boxlite-e2e registry entrypoint (image built from Debian's docker-registry, i.e. Docker
# Distribution 2.x: the machine is air-gapped from registries). Like the official
# registry image, the CMD is the config file; storage is the filesystem at
# /var/lib/registry (a bind mount) and REGISTRY_* env vars override config keys.
set -eu

case "${1:-}" in
  '' | *.yml | *.yaml) set -- docker-registry serve "${1:-/etc/boxlite-e2e/registry.yml}" ;;
  serve | garbage-collect) set -- docker-registry "$@" ;;
esac
if [ "$1" != docker-registry ]; then exec "$@"; fi

ROOT="${REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY:-/var/lib/registry}"
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$ROOT"
  find "$ROOT" \! -user docker-registry -exec chown docker-registry:docker-registry '{}' +
  exec setpriv --reuid=docker-registry --regid=docker-registry --init-groups "$@"
fi
exec "$@"
