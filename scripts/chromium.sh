#!/usr/bin/env bash
# Debian's Chromium for the end-to-end tests (driven by playwright-core; no browser download).
#
#   bash scripts/chromium.sh          install the 'chromium' package as root if /usr/bin/chromium is
#                                     missing, then print YZ_CHROMIUM=<path> as the last stdout line
#   bash scripts/chromium.sh path     print the path, or fail when Chromium is absent (no install)
#
# Environment: YZ_CHROMIUM overrides the executable the tests use (default /usr/bin/chromium).
set -euo pipefail
bin="${YZ_CHROMIUM:-/usr/bin/chromium}"
cmd="${1:-install}"

log() { echo "[chromium] $*" >&2; }
die() { log "error: $*"; exit 1; }

case "$cmd" in
  path) [ -x "$bin" ] || die "$bin not found: run bash scripts/chromium.sh"; echo "YZ_CHROMIUM=$bin"; exit 0 ;;
  install) ;;
  *) die "unknown command '$cmd' (install, path)" ;;
esac

if [ ! -x "$bin" ]; then
  [ "$bin" = /usr/bin/chromium ] || die "YZ_CHROMIUM=$bin is not executable"
  [ "$(id -u)" -eq 0 ] || die "Chromium is not installed and this is not root: install Debian's 'chromium' package"
  command -v apt-get >/dev/null 2>&1 || die "Chromium is not installed and apt-get is missing"
  log "installing Debian's chromium package"
  export DEBIAN_FRONTEND=noninteractive
  # Try the existing package lists first; refresh them only when the install needs it.
  if ! apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends chromium >/dev/null
  fi
  [ -x "$bin" ] || die "$bin still missing after installing chromium"
fi
# A CJK font, so screenshots show Chinese instead of empty boxes.
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's fonts-wqy-zenhei (a Chinese font)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends fonts-wqy-zenhei >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y --no-install-recommends fonts-wqy-zenhei >/dev/null; }
  else
    log "warning: no Chinese font installed (Debian package fonts-wqy-zenhei); screenshots will show boxes"
  fi
fi
log "$("$bin" --version 2>/dev/null || echo "$bin")"
echo "YZ_CHROMIUM=$bin"
