# Shared by the scripts that test a live server (sdk-tests.sh, schemathesis.sh): prepares
# the script's virtualenv, seeds the demo into a fresh database, starts `pcenter serve` on a
# free port, waits for /ready and stops the server on exit.
#
# Source it after setting:
#   ROOT               repository root (the working directory is set to it)
#   LIVE_NAME          prefix of messages and of the temporary directory
#   LIVE_VENV          virtualenv directory
#   LIVE_REQUIREMENTS  pip requirements file for the virtualenv
#   LIVE_DB            database URL (empty: a temporary SQLite file)
#   LIVE_KEEP_TMP      1 keeps the temporary directory
# It defines BIN, PY, tmp, DB, PORT, URL, server_pid and print_log.
BIN="${PCENTER_BIN:-${CARGO_TARGET_DIR:-target}/debug/pcenter}"
case "$BIN" in
  /*) ;;
  *) BIN="$ROOT/$BIN" ;;
esac
if [[ ! -x "$BIN" ]]; then
  echo "$LIVE_NAME: server binary not found or not executable: $BIN (build it first)" >&2
  exit 2
fi

VENV="$LIVE_VENV"
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "$LIVE_NAME: creating virtualenv $VENV" >&2
  python3 -m venv "$VENV"
fi
# Keep the virtualenv out of version control without touching the repo's files.
[[ -f "$VENV/.gitignore" ]] || echo '*' >"$VENV/.gitignore"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r "$LIVE_REQUIREMENTS"
PY="$VENV/bin/python"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pcenter-$LIVE_NAME.XXXXXX")"
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
  if [[ "${LIVE_KEEP_TMP:-}" == "1" ]]; then
    echo "$LIVE_NAME: keeping $tmp" >&2
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
DB="${LIVE_DB:-sqlite://$tmp/pc.db}"

if ! "$BIN" --db "$DB" seed demo --json >"$tmp/demo.json" 2>"$tmp/seed.log"; then
  echo "$LIVE_NAME: 'seed demo --json' failed" >&2
  cat "$tmp/seed.log" >&2 || true
  exit 1
fi
if ! "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/demo.json"; then
  echo "$LIVE_NAME: 'seed demo --json' did not print one JSON object on stdout:" >&2
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
        print("server exited before becoming ready", file=sys.stderr)
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
  echo "$LIVE_NAME: server not ready on $URL/ready (waited up to 30 s)" >&2
  print_log
  exit 1
fi
