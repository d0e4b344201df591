#!/usr/bin/env bash
# Builds a PostgreSQL image from Debian packages (debootstrap + docker import), because no image
# registry is reachable. It honours the official image's contract: POSTGRES_USER, POSTGRES_PASSWORD,
# POSTGRES_DB, initdb on first start, scram-sha-256 for TCP, port 5432, and the log line
# "database system is ready to accept connections" once the server accepts connections.
# Tagged openwebui-preflight/postgres:15 and, so the product's default image names work offline,
# postgres:15, postgres:16 and postgres:17.
set -euo pipefail
STATE=${PREFLIGHT_STATE_DIR:-/var/tmp/openwebui-preflight}
IMAGE=openwebui-preflight/postgres:15
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  for tag in postgres:15 postgres:16 postgres:17; do docker tag "$IMAGE" "$tag"; done
  exit 0
fi
ROOTFS_TAR=$STATE/postgres-rootfs.tar
if [ ! -s "$ROOTFS_TAR" ]; then
  command -v debootstrap >/dev/null || { echo "debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
  # The mirror apt uses here (deb822 "URIs:" lines first), unless PREFLIGHT_DEBIAN_MIRROR says otherwise.
  MIRROR=${PREFLIGHT_DEBIAN_MIRROR:-$( (grep -rhE '^URIs:' /etc/apt/sources.list.d/ 2>/dev/null || true) | awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)}
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
  ROOT=$(mktemp -d "$STATE/rootfs.XXXXXX")
  echo "debootstrap bookworm (minbase + postgresql-15) from $MIRROR ..."
  debootstrap --variant=minbase --include=postgresql-15,locales-all bookworm "$ROOT" "$MIRROR" >"$STATE/debootstrap.log" 2>&1 \
    || { tail -20 "$STATE/debootstrap.log" >&2; exit 1; }
  cat >"$ROOT/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/bash
# Own entrypoint following the official postgres image's environment contract.
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
PGDATA=${PGDATA:-/var/lib/postgresql/data}
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
mkdir -p "$PGDATA" /var/run/postgresql
chown -R postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo "POSTGRES_PASSWORD must be set" >&2; exit 1; }
  pw=$(mktemp); printf '%s\n' "$POSTGRES_PASSWORD" >"$pw"; chown postgres "$pw"
  runuser -u postgres -- "$BIN/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pw" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pw"
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "host all all ::/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  # Like the official image: a first server on the socket only, to create the database, then the real one.
  runuser -u postgres -- "$BIN/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start
  if [ "$POSTGRES_DB" != "postgres" ]; then
    runuser -u postgres -- "$BIN/psql" -h /var/run/postgresql -U "$POSTGRES_USER" -d postgres -qc "CREATE DATABASE \"$POSTGRES_DB\""
  fi
  runuser -u postgres -- "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop
fi
exec runuser -u postgres -- "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*' -c password_encryption=scram-sha-256 "$@"
ENTRY
  chmod 755 "$ROOT/usr/local/bin/docker-entrypoint.sh"
  rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/doc "$ROOT"/usr/share/man
  # The Debian package's own cluster is not wanted.
  rm -rf "$ROOT"/var/lib/postgresql/15 "$ROOT"/etc/postgresql/15
  tar -C "$ROOT" -cf "$ROOTFS_TAR.tmp" . && mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$ROOT"
fi
docker import \
  --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  --change 'ENV PGDATA=/var/lib/postgresql/data LANG=C.UTF-8' \
  --change 'EXPOSE 5432' \
  "$ROOTFS_TAR" "$IMAGE" >/dev/null
for tag in postgres:15 postgres:16 postgres:17; do docker tag "$IMAGE" "$tag"; done
echo "Built $IMAGE (also tagged postgres:15, postgres:16, postgres:17)"
