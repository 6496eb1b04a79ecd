#!/usr/bin/env bash
# Property-based fuzzing of a live pcenter server from its own OpenAPI document
# (GET /openapi.json) with Schemathesis: every operation, generated requests signed
# with SDK-HMAC-SHA256 by the official SDK's signer, plus some unsigned. Fails on any
# 5xx, on a response without X-Request-Id, on an unsigned request that succeeds, or on an
# answer the document does not describe.
#
# Usage (from anywhere; the server binary must already be built):
#   cargo build -p pcenter && bash scripts/schemathesis.sh
#
# Environment:
#   PCENTER_BIN         server binary (default: target/debug/pcenter)
#   SCHEMATHESIS_VENV   virtualenv location (default: .venv-schemathesis at the repo root)
#   SCHEMATHESIS_DB     database URL to seed and serve (default: a temporary SQLite file)
#   MAX_EXAMPLES        generated cases per operation and generation mode (default 25)
#   SEED                Hypothesis seed, to replay a run (default: random, printed)
#   SCHEMATHESIS_WORKERS processes exercising operations at once (default 4)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LIVE_NAME=schemathesis
LIVE_VENV="${SCHEMATHESIS_VENV:-$ROOT/.venv-schemathesis}"
LIVE_REQUIREMENTS=tests/schemathesis/requirements.txt
LIVE_DB="${SCHEMATHESIS_DB:-}"
LIVE_KEEP_TMP="${SCHEMATHESIS_KEEP_TMP:-}"
# shellcheck source=lib/live-server.sh
source "$ROOT/scripts/lib/live-server.sh"

export PCENTER_URL="$URL"
export PCENTER_DEMO="$tmp/demo.json"
# Hypothesis' caches stay out of the work tree.
export HYPOTHESIS_STORAGE_DIRECTORY="$tmp/hypothesis"
export PYTHONDONTWRITEBYTECODE=1

set +e
"$PY" tests/schemathesis/run.py --workers "${SCHEMATHESIS_WORKERS:-4}"
status=$?
set -e
if [[ "$status" != "0" ]]; then
  if grep -q "request failed" "$tmp/server.log"; then
    echo "----- server errors logged -----" >&2
    grep "request failed" "$tmp/server.log" >&2 || true
  fi
  echo "----- end of server log ($tmp/server.log) -----" >&2
  tail -n 50 "$tmp/server.log" >&2 || true
fi
exit "$status"
