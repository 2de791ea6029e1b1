#!/usr/bin/env bash
# A throwaway Redis server for the shared challenge store tests, on 127.0.0.1 only, without persistence.
#
#   bash scripts/redis.sh [start]   install (Debian's redis-server, as root, only if missing), start;
#                                   prints REDIS_URL=... as its last stdout line and writes the URL to
#                                   .tools/redis/url
#   bash scripts/redis.sh stop      stop the server (nothing is kept: it saves no data)
#   bash scripts/redis.sh destroy   stop and delete .tools/redis
#   bash scripts/redis.sh status    print whether it runs, and the URL
#
# Idempotent: a running server is reused; a URL file left by a server that no longer runs is
# replaced at the next start. Progress goes to stderr so that
#   export "$(bash scripts/redis.sh | tail -n1)"
# sets REDIS_URL. Environment: YZ_REDIS_PORT (first port to try, default 63799).
# No password, no persistence: it is for tests, never for data you keep.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.tools/redis"
pidfile="$state/redis.pid"
cmd="${1:-start}"

log() { echo "[redis] $*" >&2; }
die() { log "error: $*"; exit 1; }

install_redis() {
  [ "$(id -u)" -eq 0 ] || die "Redis is not installed and this is not root: install the 'redis-server' package"
  command -v apt-get >/dev/null 2>&1 || die "Redis is not installed and apt-get is missing"
  log "installing Debian's redis-server package"
  export DEBIAN_FRONTEND=noninteractive
  # Try the existing package lists first; refresh them only when the install needs it.
  if ! apt-get install -y --no-install-recommends redis-server redis-tools >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends redis-server redis-tools >/dev/null
  fi
}

current_port() { cat "$state/port" 2>/dev/null || true; }

pid_alive() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null; }

running() {
  local port
  port="$(current_port)"
  pid_alive && [ -n "$port" ] && command -v redis-cli >/dev/null 2>&1 \
    && [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

url_for() { echo "redis://127.0.0.1:$1"; }

stop_server() {
  pid_alive || return 0
  local pid i
  pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && die "redis-server (pid $pid) did not stop"
  rm -f "$pidfile"
  log "stopped"
}

case "$cmd" in
  stop)
    stop_server; exit 0 ;;
  destroy)
    stop_server; rm -rf "$state"; log "deleted"; exit 0 ;;
  status)
    if running; then echo "running: $(url_for "$(current_port)")"; else echo "not running"; exit 3; fi
    exit 0 ;;
  start) ;;
  *) die "unknown command '$cmd' (start, stop, destroy, status)" ;;
esac

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  install_redis
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found after installing"
fi
log "using $(command -v redis-server)"
mkdir -p "$state"

if running; then
  port="$(current_port)"
  log "already running on port $port"
else
  rm -f "$pidfile"
  port="${YZ_REDIS_PORT:-63799}"
  while port_in_use "$port"; do port=$((port + 1)); done
  log "starting on 127.0.0.1:$port"
  echo "$port" > "$state/port.tmp" && mv "$state/port.tmp" "$state/port"
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --pidfile "$pidfile" --logfile "$state/server.log" \
    --dir "$state" --save '' --appendonly no --protected-mode yes >/dev/null \
    || { tail -n 20 "$state/server.log" >&2 || true; die "redis-server failed to start"; }
  for _ in $(seq 1 100); do running && break; sleep 0.1; done
  running || { tail -n 20 "$state/server.log" >&2 || true; die "redis-server did not answer"; }
fi

url="$(url_for "$port")"
echo "$url" > "$state/url.tmp" && mv "$state/url.tmp" "$state/url"
log "ready: $url (also in .tools/redis/url)"
echo "REDIS_URL=$url"
