#!/usr/bin/env bash
# Runs a command with the project's toolchain on PATH: bash scripts/x.sh pnpm test
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"
exec "$@"
