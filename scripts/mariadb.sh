#!/usr/bin/env bash
# A throwaway MariaDB server for the MySQL/MariaDB store tests, on 127.0.0.1 only.
#
#   bash scripts/mariadb.sh [start]   install (Debian's mariadb-server, as root, only if missing), create
#                                     a private datadir under .tools/mariadb once, start, create the
#                                     database and a user; prints MYSQL_URL=... as its last stdout line
#                                     and writes the URL to .tools/mariadb/url
#   bash scripts/mariadb.sh stop      stop the server (the datadir stays for the next start)
#   bash scripts/mariadb.sh destroy   stop and delete the datadir
#   bash scripts/mariadb.sh status    print whether it runs, and the URL
#
# Idempotent: a running server is reused; a URL file left by a server that no longer runs is
# replaced at the next start. Progress goes to stderr so that
#   export "$(bash scripts/mariadb.sh | tail -n1)"
# sets MYSQL_URL. Environment: YZ_MYSQL_PORT (first port to try, default 33069), YZ_MYSQL_DB (yizheng).
# The user's password is in the URL and root has none: it is for tests, never for data you keep.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.tools/mariadb"
data="$state/data"
sock="$state/mysqld.sock"
pidfile="$state/mysqld.pid"
db="${YZ_MYSQL_DB:-yizheng}"
user="yizheng"
password="yizheng"
cmd="${1:-start}"

log() { echo "[mariadb] $*" >&2; }
die() { log "error: $*"; exit 1; }

find_server() {
  local b
  for b in /usr/sbin/mariadbd /usr/sbin/mysqld "$(command -v mariadbd 2>/dev/null || true)"; do
    if [ -n "$b" ] && [ -x "$b" ]; then echo "$b"; return; fi
  done
}

install_mariadb() {
  [ "$(id -u)" -eq 0 ] || die "MariaDB is not installed and this is not root: install the 'mariadb-server' package"
  command -v apt-get >/dev/null 2>&1 || die "MariaDB is not installed and apt-get is missing"
  log "installing Debian's mariadb-server package"
  export DEBIAN_FRONTEND=noninteractive
  # Try the existing package lists first; refresh them only when the install needs it.
  if ! apt-get install -y --no-install-recommends mariadb-server mariadb-client >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends mariadb-server mariadb-client >/dev/null
  fi
}

client() { command -v mariadb 2>/dev/null || command -v mysql 2>/dev/null || true; }
admin() { command -v mariadb-admin 2>/dev/null || command -v mysqladmin 2>/dev/null || true; }

pid_alive() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null; }

running() {
  local a
  a="$(admin)"
  pid_alive && [ -n "$a" ] && "$a" --no-defaults --socket="$sock" -uroot --connect-timeout=5 ping >/dev/null 2>&1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

current_port() { cat "$state/port" 2>/dev/null || true; }

url_for() { echo "mysql://$user:$password@127.0.0.1:$1/$db"; }

stop_server() {
  pid_alive || return 0
  local pid a i
  pid="$(cat "$pidfile")"
  a="$(admin)"
  if [ -n "$a" ]; then "$a" --no-defaults --socket="$sock" -uroot shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true; else kill "$pid" 2>/dev/null || true; fi
  for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && die "mariadbd (pid $pid) did not stop"
  rm -f "$pidfile"
  log "stopped"
}

server="$(find_server)"
case "$cmd" in
  stop)
    stop_server; exit 0 ;;
  destroy)
    stop_server; rm -rf "$state"; log "datadir deleted"; exit 0 ;;
  status)
    if [ -n "$server" ] && running; then echo "running: $(url_for "$(current_port)")"; else echo "not running"; exit 3; fi
    exit 0 ;;
  start) ;;
  *) die "unknown command '$cmd' (start, stop, destroy, status)" ;;
esac

if [ -z "$server" ] || [ -z "$(client)" ] || ! command -v mariadb-install-db >/dev/null 2>&1; then
  install_mariadb; server="$(find_server)"; [ -n "$server" ] || die "mariadbd not found after installing"
fi
log "using $server"

mkdir -p "$state"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  id mysql >/dev/null 2>&1 || die "no 'mysql' user to own the datadir (the mariadb-server package creates it)"
  chown mysql: "$state"
  run_as=(--user=mysql)
fi

if [ ! -d "$data/mysql" ]; then
  log "mariadb-install-db in $data"
  rm -rf "$data"
  mariadb-install-db --no-defaults --datadir="$data" "${run_as[@]}" --auth-root-authentication-method=normal \
    --skip-test-db >"$state/install.log" 2>&1 || { tail -n 20 "$state/install.log" >&2 || true; die "mariadb-install-db failed"; }
fi

if running; then
  port="$(current_port)"
  log "already running on port $port"
else
  # A server that died leaves its pid file and socket behind; neither may stop a fresh start.
  rm -f "$pidfile" "$sock" "$sock.lock"
  port="${YZ_MYSQL_PORT:-33069}"
  while port_in_use "$port"; do port=$((port + 1)); done
  log "starting on 127.0.0.1:$port"
  setsid "$server" --no-defaults --datadir="$data" "${run_as[@]}" --bind-address=127.0.0.1 --port="$port" \
    --socket="$sock" --pid-file="$pidfile" --log-error="$state/server.log" --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --max-connections=300 \
    --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 --skip-log-bin </dev/null >/dev/null 2>&1 &
  disown || true
  for _ in $(seq 1 600); do running && break; sleep 0.1; done
  running || { tail -n 20 "$state/server.log" >&2 || true; die "mariadbd did not start"; }
  echo "$port" > "$state/port.tmp" && mv "$state/port.tmp" "$state/port"
fi

sql() { "$(client)" --no-defaults --socket="$sock" -uroot -N -B -e "$1"; }
log "ensuring database $db and user $user"
sql "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
     CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$password';
     CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$password';
     GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'127.0.0.1', '$user'@'localhost';
     GRANT ALL PRIVILEGES ON \`yz\\_test\\_%\`.* TO '$user'@'127.0.0.1', '$user'@'localhost';"

url="$(url_for "$port")"
echo "$url" > "$state/url.tmp" && mv "$state/url.tmp" "$state/url"
log "ready: $url (also in .tools/mariadb/url)"
echo "MYSQL_URL=$url"
