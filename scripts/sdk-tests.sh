#!/usr/bin/env bash
# SDK compatibility suite: drives a live pcenter server with the official
# Huawei Cloud Python SDK (huaweicloudsdkbss) and checks it against the
# partner Open API contract.
#
# Usage (from anywhere; the server binary must already be built):
#   cargo build -p pcenter && bash scripts/sdk-tests.sh [extra pytest args]
#
# Environment:
#   PCENTER_BIN   server binary (default: target/debug/pcenter)
#   SDK_VENV      virtualenv location (default: .venv-sdk at the repo root)
#   SDK_DB        database URL to seed and serve (default: a temporary SQLite file)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LIVE_NAME=sdk-tests
LIVE_VENV="${SDK_VENV:-$ROOT/.venv-sdk}"
LIVE_REQUIREMENTS=tests/sdk/requirements.txt
LIVE_DB="${SDK_DB:-}"
LIVE_KEEP_TMP="${SDK_KEEP_TMP:-}"
# shellcheck source=lib/live-server.sh
source "$ROOT/scripts/lib/live-server.sh"

export PCENTER_URL="$URL"
export PCENTER_DEMO="$tmp/demo.json"
export PCENTER_BIN="$BIN"
export PCENTER_DB="$DB"

set +e
"$PY" -m pytest -q --tb=short tests/sdk "$@"
status=$?
set -e
if [[ "$status" != "0" ]]; then
  print_log
fi
exit "$status"
