#!/usr/bin/env bash
# Fault harness for the money paths: drives signed allocate/reclaim requests with
# idempotency keys against a live pcenter server while killing it with SIGKILL
# and restarting it, then checks that every acknowledged transfer exists exactly
# once, that retries with the same key never apply twice, that money is
# conserved, and that `pcenter admin audit` passes. The driver is
# tests/fault/harness.py; this script prepares the database, the virtualenv and
# a free port, and guarantees no server outlives it.
#
# Usage (the server binary must already be built):
#   cargo build -p pcenter && bash scripts/fault-harness.sh [--kills N] [--seconds-between S] [--db sqlite|postgres] [--nodes N]
#
# Options:
#   --kills N              SIGKILLs to deliver under load (default 20)
#   --seconds-between S    mean time between kills, randomized +-40% (default 0.7)
#   --db sqlite|postgres   a temporary SQLite file (default), or a fresh PostgreSQL
#                          database on postgres://postgres@127.0.0.1:5432, dropped at exit
#   --nodes N              server nodes on the one database, each its own process and port;
#                          requests and kills go to a node picked at random (default 1)
#   --workers N            concurrent load workers (default 8)
#   --seed S               random seed of the load and of the kill timing
#
# Environment:
#   PCENTER_BIN      server binary (default: ${CARGO_TARGET_DIR:-target}/debug/pcenter)
#   FAULT_VENV       virtualenv location (default: .venv-fault at the repo root)
#   FAULT_PG_ADMIN   PostgreSQL admin URL (default: postgres://postgres@127.0.0.1:5432/postgres)
#   FAULT_KEEP_TMP   1 keeps the temporary directory (server log, demo accounts, SQLite file)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

KILLS=20
BETWEEN=0.7
DB_KIND=sqlite
WORKERS=8
NODES=1
SEED=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --kills) KILLS="${2:?--kills needs a value}"; shift 2 ;;
    --kills=*) KILLS="${1#*=}"; shift ;;
    --seconds-between) BETWEEN="${2:?--seconds-between needs a value}"; shift 2 ;;
    --seconds-between=*) BETWEEN="${1#*=}"; shift ;;
    --db) DB_KIND="${2:?--db needs a value}"; shift 2 ;;
    --db=*) DB_KIND="${1#*=}"; shift ;;
    --nodes) NODES="${2:?--nodes needs a value}"; shift 2 ;;
    --nodes=*) NODES="${1#*=}"; shift ;;
    --workers) WORKERS="${2:?--workers needs a value}"; shift 2 ;;
    --workers=*) WORKERS="${1#*=}"; shift ;;
    --seed) SEED="${2:?--seed needs a value}"; shift 2 ;;
    --seed=*) SEED="${1#*=}"; shift ;;
    -h|--help) usage ;;
    *) echo "fault-harness: unknown argument: $1" >&2; usage ;;
  esac
done
[[ "$KILLS" =~ ^[0-9]+$ ]] || { echo "fault-harness: --kills must be a whole number" >&2; exit 2; }
[[ "$WORKERS" =~ ^[1-9][0-9]*$ ]] || { echo "fault-harness: --workers must be a positive whole number" >&2; exit 2; }
[[ "$NODES" =~ ^[1-9][0-9]*$ ]] || { echo "fault-harness: --nodes must be a positive whole number" >&2; exit 2; }
[[ "$BETWEEN" =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "fault-harness: --seconds-between must be a number of seconds" >&2; exit 2; }
case "$DB_KIND" in
  sqlite|postgres) ;;
  *) echo "fault-harness: --db must be sqlite or postgres" >&2; exit 2 ;;
esac

BIN="${PCENTER_BIN:-${CARGO_TARGET_DIR:-target}/debug/pcenter}"
case "$BIN" in
  /*) ;;
  *) BIN="$ROOT/$BIN" ;;
esac
if [[ ! -x "$BIN" ]]; then
  echo "fault-harness: server binary not found or not executable: $BIN (build it first)" >&2
  exit 2
fi

VENV="${FAULT_VENV:-$ROOT/.venv-fault}"
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "fault-harness: creating virtualenv $VENV" >&2
  python3 -m venv "$VENV"
fi
# Keep the virtualenv out of version control without touching the repo's files.
[[ -f "$VENV/.gitignore" ]] || echo '*' >"$VENV/.gitignore"
if ! "$VENV/bin/python" -c 'import huaweicloudsdkcore, requests' 2>/dev/null \
  || [[ "$("$VENV/bin/python" -m pip show huaweicloudsdkcore 2>/dev/null | sed -n 's/^Version: //p')" != "3.1.219" ]]; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/fault/requirements.txt
fi
PY="$VENV/bin/python"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pcenter-fault.XXXXXX")"
PID_FILE="$tmp/server.pid"
PG_ADMIN="${FAULT_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_db=""
driver_pid=""

stop_pid() {
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # The driver kills its server itself; this covers an interrupted or crashed driver.
  if [[ -n "$driver_pid" ]]; then
    stop_pid "$driver_pid"
    wait "$driver_pid" 2>/dev/null || true
  fi
  local pid_file spid
  for pid_file in "$PID_FILE" "$PID_FILE".*; do
    [[ -f "$pid_file" ]] || continue
    spid="$(cat "$pid_file" 2>/dev/null || true)"
    # Only a process that still runs our binary (pids are reused).
    if [[ -n "$spid" && "$(readlink "/proc/$spid/exe" 2>/dev/null || true)" == "$(readlink -f "$BIN")" ]]; then
      kill -9 "$spid" 2>/dev/null || true
    fi
  done
  if [[ -n "$pg_db" ]]; then
    psql "$PG_ADMIN" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)" >/dev/null 2>&1 \
      || echo "fault-harness: could not drop database $pg_db" >&2
  fi
  if [[ "${FAULT_KEEP_TMP:-}" == "1" ]]; then
    echo "fault-harness: keeping $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

print_log() {
  local log
  for log in "$tmp/server.log" "$tmp/server.log".node*; do
    [[ -f "$log" ]] || continue
    echo "----- server log, last 60 lines ($log) -----" >&2
    tail -n 60 "$log" >&2 || true
    echo "----- end of server log -----" >&2
  done
}

# Local traffic only: never route the requests through a proxy.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"
export PCENTER_KEY_FILE="$tmp/server.key"

if [[ "$DB_KIND" == "postgres" ]]; then
  pg_db="pcenter_fault_$(date +%s)_$$_$RANDOM"
  if ! psql "$PG_ADMIN" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$pg_db\"" >/dev/null; then
    pg_db=""
    echo "fault-harness: could not create a PostgreSQL database through $PG_ADMIN" >&2
    exit 1
  fi
  DB="${PG_ADMIN%/*}/$pg_db"
else
  DB="sqlite://$tmp/pc.db"
fi

if ! "$BIN" --db "$DB" seed demo --json >"$tmp/demo.json" 2>"$tmp/seed.log"; then
  echo "fault-harness: 'seed demo --json' failed" >&2
  cat "$tmp/seed.log" >&2 || true
  exit 1
fi

args=(--bin "$BIN" --db "$DB")
# Free ports, all held open until every one is chosen, so no two nodes get the same.
for port in $("$PY" -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$NODES"); do
  args+=(--port "$port")
done
args+=(--demo "$tmp/demo.json" --server-log "$tmp/server.log"
  --pid-file "$PID_FILE" --kills "$KILLS" --seconds-between "$BETWEEN" --workers "$WORKERS")
[[ -n "$SEED" ]] && args+=(--seed "$SEED")

echo "fault-harness: db=$DB_KIND nodes=$NODES kills=$KILLS seconds-between=$BETWEEN workers=$WORKERS" >&2
set +e
"$PY" tests/fault/harness.py "${args[@]}" &
driver_pid=$!
wait "$driver_pid"
status=$?
driver_pid=""
set -e
if [[ "$status" != "0" ]]; then
  print_log
fi
exit "$status"
