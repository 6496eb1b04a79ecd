#!/usr/bin/env bash
# Browser tests of the web console in headless Debian Chromium (tests/browser), driven by
# playwright-core; no browser is downloaded. Writes screenshots of the main pages in both
# languages to target/screenshots/ (scripts/refresh-screenshots.sh copies them to docs/screenshots/).
#
# Usage (the server binary must already be built):
#   cargo build -p pcenter && bash scripts/browser-tests.sh
#
# Environment:
#   PCENTER_BIN   server binary (default: target/debug/pcenter)
#   PC_SHOTS      screenshot folder (default: target/screenshots, under CARGO_TARGET_DIR if set)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${PCENTER_BIN:-${CARGO_TARGET_DIR:-target}/debug/pcenter}"
case "$BIN" in
  /*) ;;
  *) BIN="$ROOT/$BIN" ;;
esac
if [[ ! -x "$BIN" ]]; then
  echo "browser-tests: server binary not found: $BIN (build it first)" >&2
  exit 2
fi

# Debian's Chromium and CJK fonts (the console is Chinese by default).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if (( ${#missing[@]} )); then
  echo "browser-tests: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pcenter-browser.XXXXXX")"
server_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT INT TERM

export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"
export PCENTER_KEY_FILE="$tmp/server.key"
DB="sqlite://$tmp/pc.db"

"$BIN" --db "$DB" seed demo --json >"$tmp/demo.json"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
URL="http://127.0.0.1:$PORT"
"$BIN" --db "$DB" --listen "127.0.0.1:$PORT" serve --demo >"$tmp/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 300); do
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$URL/ready" 2>/dev/null; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { echo "browser-tests: server exited" >&2; cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.1
done

SHOTS="${PC_SHOTS:-${CARGO_TARGET_DIR:-target}/screenshots}"
case "$SHOTS" in
  /*) ;;
  *) SHOTS="$ROOT/$SHOTS" ;;
esac
export PC_BASE="$URL" PC_DEMO="$tmp/demo.json" PC_SHOTS="$SHOTS" PC_CHROMIUM="$(command -v chromium)"
set +e
(cd tests/browser && node --test --test-concurrency=1 --test-timeout=180000 console.test.mjs)
status=$?
set -e
if [[ "$status" != "0" ]]; then
  echo "----- server log -----" >&2
  cat "$tmp/server.log" >&2
fi
exit "$status"
