#!/usr/bin/env bash
# The real parts the tests run against, from Debian's packages (installed when missing; root):
# PostgreSQL started on 127.0.0.1 (scripts/postgres.sh), a SoftHSM2 token with test keys
# (scripts/softhsm.sh), and Chromium for the browser tests (scripts/chromium.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/postgres.sh" >/dev/null
bash "$here/mariadb.sh" >/dev/null
bash "$here/redis.sh" >/dev/null
bash "$here/softhsm.sh" >/dev/null
bash "$here/chromium.sh" >/dev/null
echo "[parts] PostgreSQL, MariaDB, Redis, SoftHSM2 and Chromium ready"
