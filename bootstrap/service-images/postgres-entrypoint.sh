#!/bin/sh
# boxlite-e2e postgres entrypoint. Our images are built from Debian packages (the machine is
# air-gapped from registries), so this re-creates the parts of the official image's
# docker-entrypoint.sh that testcontainers and the stack rely on: POSTGRES_USER /
# POSTGRES_PASSWORD / POSTGRES_DB, initdb on first start into $PGDATA (a bind mount), a
# temporary socket-only server for the bootstrap SQL (so "ready to accept connections" is
# logged twice on first start, as upstream), then the real server on 0.0.0.0:5432.
set -eu

case "${1:-}" in
  '' | -*) set -- postgres "$@" ;;
esac
if [ "$1" != postgres ]; then exec "$@"; fi
shift

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
export PATH="$PGBIN:$PATH"
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
AUTH="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

# Run as the in-image postgres user; HOME so psql does not look into /root.
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups env HOME=/var/lib/postgresql "$@"; }

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  # The bind mount is created on the host as root: hand it to the in-image postgres uid.
  find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
  chown postgres:postgres /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 2775 /var/run/postgresql
else
  as_pg() { "$@"; }
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$AUTH" != trust ]; then
    echo 'error: database is uninitialized and POSTGRES_PASSWORD is not set' >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  chown postgres "$pwfile" 2>/dev/null || true
  as_pg initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
    --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host="$AUTH"
  rm -f "$pwfile"
  # Docker's port publishing connects from the bridge gateway, not from loopback.
  printf 'host all all all %s\n' "$AUTH" >>"$PGDATA/pg_hba.conf"

  as_pg pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
  if [ "$POSTGRES_DB" != postgres ]; then
    db_ident=$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')
    as_pg psql -v ON_ERROR_STOP=1 --no-psqlrc --username="$POSTGRES_USER" --dbname=postgres \
      -c "CREATE DATABASE \"$db_ident\""
  fi
  as_pg pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
fi

# exec: postgres becomes PID 1 and gets docker's stop signal directly.
if [ "$(id -u)" = 0 ]; then
  exec setpriv --reuid=postgres --regid=postgres --init-groups env HOME=/var/lib/postgresql \
    postgres -D "$PGDATA" -c listen_addresses='*' -p 5432 "$@"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -p 5432 "$@"
