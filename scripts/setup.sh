#!/usr/bin/env bash
# Installs everything Yizheng needs to build and test, from the npm registry only:
# Node (24 by default, or YZ_NODE=22) when the system's is older than 22.12, pnpm, and the
# workspace's dependencies from the frozen lockfile. Idempotent; safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$root/scripts/env.sh"

tools="$root/.tools"
mkdir -p "$tools"

need_node() {
  local v
  v="$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)"
  local major="${v%%.*}" rest="${v#*.}"; local minor="${rest%%.*}"
  if [ -n "${YZ_NODE:-}" ]; then [ "$major" != "$YZ_NODE" ]; return; fi
  [ "$major" -lt 22 ] || { [ "$major" -eq 22 ] && [ "$minor" -lt 12 ]; }
}

if need_node; then
  want="${YZ_NODE:-24}"
  echo "[setup] installing Node $want from the npm registry's 'node' package into .tools/node$want"
  # Run npm with whatever node exists; the package ships the binary (no download outside the registry).
  npm install --no-save --no-package-lock --prefix "$tools/node$want" "node@$want" >/dev/null
  source "$root/scripts/env.sh"
fi
echo "[setup] node $(node --version)"

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$YZ_PNPM_VERSION" ]; then
  echo "[setup] installing pnpm $YZ_PNPM_VERSION into .tools/pnpm"
  npm install --no-save --no-package-lock --prefix "$tools/pnpm" "pnpm@$YZ_PNPM_VERSION" >/dev/null
  source "$root/scripts/env.sh"
fi
echo "[setup] pnpm $(pnpm --version)"

cd "$root"
pnpm install --frozen-lockfile --reporter=append-only
