#!/usr/bin/env bash
# Starts (or reuses) the local PostgreSQL cluster the target tests talk to: scram-sha-256 password
# authentication, TLS with a self-signed certificate, a role that may only connect over TLS, and a
# log file tests can read. Idempotent. Writes the coordinates to $STATE/env.sh.
set -euo pipefail
STATE=${PREFLIGHT_STATE_DIR:-/var/tmp/openwebui-preflight}
PORT=${PREFLIGHT_TEST_PG_PORT:-55432}
DATA=$STATE/pg/data
LOG=$STATE/pg/server.log
PASSWORD=preflight-test-password
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }
as_pg() { runuser -u postgres -- "$@"; }

mkdir -p "$STATE/pg"
chown postgres:postgres "$STATE/pg"
if [ ! -f "$DATA/PG_VERSION" ]; then
  pwfile=$(mktemp); echo "$PASSWORD" > "$pwfile"; chown postgres "$pwfile"
  as_pg "$BIN/initdb" -D "$DATA" -U preflight --pwfile="$pwfile" --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  # A self-signed certificate for localhost and 127.0.0.1, so verify-full works in tests.
  openssl req -new -x509 -days 3650 -nodes -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$DATA/server.key" -out "$DATA/server.crt" >/dev/null 2>&1
  chown postgres:postgres "$DATA/server.key" "$DATA/server.crt"; chmod 600 "$DATA/server.key"
  cp "$DATA/server.crt" "$STATE/pg/ca.crt"; chmod 644 "$STATE/pg/ca.crt"
  cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$STATE/pg'
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
password_encryption = 'scram-sha-256'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
log_line_prefix = '%m [%p] app=%a user=%u db=%d '
CONF
  cat > "$DATA/pg_hba.conf" <<HBA
local   all       all                       scram-sha-256
hostssl all       tls_only   127.0.0.1/32   scram-sha-256
hostnossl all     tls_only   127.0.0.1/32   reject
host    all       all        127.0.0.1/32   scram-sha-256
host    all       all        ::1/128        scram-sha-256
HBA
fi
if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null
fi
export PGPASSWORD=$PASSWORD
psql -h 127.0.0.1 -p "$PORT" -U preflight -d postgres -qAt -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tls_only') THEN
    CREATE ROLE tls_only LOGIN PASSWORD 'tls-only-password';
  END IF;
END $$;
SQL
chmod 644 "$LOG" 2>/dev/null || true
cat > "$STATE/env.sh" <<ENV
export PREFLIGHT_TEST_PG_URL='postgresql://preflight:$PASSWORD@127.0.0.1:$PORT/postgres'
export PREFLIGHT_TEST_PG_CA='$STATE/pg/ca.crt'
export PREFLIGHT_TEST_PG_LOG='$LOG'
export PREFLIGHT_TEST_PG_DATADIR='$DATA'
export PREFLIGHT_TEST_PG_BIN='$BIN'
ENV
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (scram-sha-256, TLS), log $LOG"
