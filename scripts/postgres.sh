#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests and the benchmark, on 127.0.0.1 only.
#
#   bash scripts/postgres.sh [start]   install (Debian's postgresql, as root, only if missing), initdb
#                                      once, start, create the database; prints DATABASE_URL=... as its
#                                      last stdout line and writes the URL to .tools/pg/url
#   bash scripts/postgres.sh stop      stop the server (the cluster stays for the next start)
#   bash scripts/postgres.sh destroy   stop and delete the cluster
#   bash scripts/postgres.sh status    print whether it runs, and the URL
#
# Idempotent: a running cluster is reused. Progress goes to stderr so that
#   export "$(bash scripts/postgres.sh | tail -n1)"
# sets DATABASE_URL. Environment: YZ_PG_PORT (first port to try, default 54329), YZ_PG_DB (yizheng).
# The cluster trusts local connections (no password): it is for tests, never for data you keep.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.tools/pg"
data="$state/data"
db="${YZ_PG_DB:-yizheng}"
cmd="${1:-start}"

log() { echo "[postgres] $*" >&2; }
die() { log "error: $*"; exit 1; }

find_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; fi
}

install_postgres() {
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and this is not root: install the 'postgresql' package"
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is missing"
  log "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  # Try the existing package lists first; refresh them only when the install needs it.
  if ! apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends postgresql >/dev/null
  fi
}

# Runs a command as the cluster's owner: `postgres` when we are root (initdb refuses root), else us.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [ -d "$data" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

current_port() { sed -n '4p' "$data/postmaster.pid" 2>/dev/null || cat "$state/port" 2>/dev/null || true; }

url_for() { echo "postgres://postgres@127.0.0.1:$1/$db"; }

bin="$(find_bin)"
case "$cmd" in
  stop)
    [ -n "$bin" ] && running && as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null && log "stopped"
    exit 0 ;;
  destroy)
    [ -n "$bin" ] && running && as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    rm -rf "$state"; log "cluster deleted"; exit 0 ;;
  status)
    if [ -n "$bin" ] && running; then echo "running: $(url_for "$(current_port)")"; else echo "not running"; exit 3; fi
    exit 0 ;;
  start) ;;
  *) die "unknown command '$cmd' (start, stop, destroy, status)" ;;
esac

if [ -z "$bin" ]; then install_postgres; bin="$(find_bin)"; [ -n "$bin" ] || die "initdb not found after installing"; fi
log "using $bin"

mkdir -p "$state"
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "no 'postgres' user to own the cluster (the postgresql package creates it)"
  chown postgres: "$state"
fi

if [ ! -f "$data/PG_VERSION" ]; then
  log "initdb in $data"
  rm -rf "$data"
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null \
    || as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
fi

if running; then
  port="$(current_port)"
  log "already running on port $port"
else
  port="${YZ_PG_PORT:-54329}"
  while port_in_use "$port"; do port=$((port + 1)); done
  log "starting on 127.0.0.1:$port"
  as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$data' -c max_connections=200" start >/dev/null \
    || { tail -n 20 "$data/server.log" >&2 || true; die "pg_ctl start failed"; }
  echo "$port" > "$state/port.tmp" && mv "$state/port.tmp" "$state/port"
fi

psql_q() { as_owner "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "$1"; }
if [ "$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
  log "creating database $db"
  psql_q "CREATE DATABASE \"$db\""
fi

url="$(url_for "$port")"
echo "$url" > "$state/url.tmp" && mv "$state/url.tmp" "$state/url"
log "ready: $url (also in .tools/pg/url)"
echo "DATABASE_URL=$url"
