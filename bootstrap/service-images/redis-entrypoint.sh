#!/bin/sh
# boxlite-e2e redis entrypoint (image built from Debian's redis-server: the machine is
# air-gapped from registries). Like the official image: flags alone mean "redis-server
# <flags>", data lives in /data (a bind mount) owned by the in-image redis user. We add
# --bind 0.0.0.0 --port 6379 first so the image's CMD (--protected-mode no) or a user's
# flags can still override them.
set -eu

case "${1:-}" in
  '' | -*) set -- redis-server "$@" ;;
esac
if [ "$1" != redis-server ]; then exec "$@"; fi
shift

if [ "$(id -u)" = 0 ]; then
  mkdir -p /data
  find /data \! -user redis -exec chown redis:redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups \
    redis-server --bind 0.0.0.0 --port 6379 --dir /data "$@"
fi
exec redis-server --bind 0.0.0.0 --port 6379 --dir /data "$@"
