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
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="${PCENTER_BIN:-${CARGO_TARGET_DIR:-target}/debug/pcenter}"
case "$BIN" in
  /*) ;;
  *) BIN="$ROOT/$BIN" ;;
esac
if [[ ! -x "$BIN" ]]; then
  echo "schemathesis: server binary not found or not executable: $BIN (build it first)" >&2
  exit 2
fi

VENV="${SCHEMATHESIS_VENV:-$ROOT/.venv-schemathesis}"
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "schemathesis: creating virtualenv $VENV" >&2
  python3 -m venv "$VENV"
fi
# Keep the virtualenv out of version control without touching the repo's files.
[[ -f "$VENV/.gitignore" ]] || echo '*' >"$VENV/.gitignore"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r tests/schemathesis/requirements.txt
PY="$VENV/bin/python"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pcenter-schemathesis.XXXXXX")"
server_pid=""

cleanup() {
  local rc=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ "${SCHEMATHESIS_KEEP_TMP:-}" == "1" ]]; then
    echo "schemathesis: keeping $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

print_log() {
  echo "----- server log ($tmp/server.log) -----" >&2
  cat "$tmp/server.log" >&2 || true
  echo "----- end of server log -----" >&2
}

# Local traffic only: never route the test requests through a proxy.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

export PCENTER_KEY_FILE="$tmp/server.key"
DB="${SCHEMATHESIS_DB:-sqlite://$tmp/pc.db}"

if ! "$BIN" --db "$DB" seed demo --json >"$tmp/demo.json" 2>"$tmp/seed.log"; then
  echo "schemathesis: 'seed demo --json' failed" >&2
  cat "$tmp/seed.log" >&2 || true
  exit 1
fi
if ! "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/demo.json"; then
  echo "schemathesis: 'seed demo --json' did not print one JSON object on stdout:" >&2
  cat "$tmp/demo.json" >&2 || true
  exit 1
fi

PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$PORT"

"$BIN" --db "$DB" --listen "127.0.0.1:$PORT" serve >"$tmp/server.log" 2>&1 &
server_pid=$!

ready=0
if "$PY" - "$URL/ready" "$server_pid" 30 <<'PYEOF'
import os, sys, time, urllib.request
url, pid, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
        stat = "/proc/%d/stat" % pid
        if os.path.exists("/proc/self/stat"):
            with open(stat) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    raise OSError("zombie")
    except OSError:
        print("schemathesis: server exited before becoming ready", file=sys.stderr)
        sys.exit(1)
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.1)
sys.exit(1)
PYEOF
then
  ready=1
fi
if [[ "$ready" != "1" ]]; then
  echo "schemathesis: server not ready on $URL/ready (waited up to 30 s)" >&2
  print_log
  exit 1
fi

export PCENTER_URL="$URL"
export PCENTER_DEMO="$tmp/demo.json"
# Hypothesis' caches stay out of the work tree.
export HYPOTHESIS_STORAGE_DIRECTORY="$tmp/hypothesis"
export PYTHONDONTWRITEBYTECODE=1

set +e
"$PY" tests/schemathesis/run.py
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
