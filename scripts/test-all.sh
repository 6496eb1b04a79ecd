#!/usr/bin/env bash
# Every test of the project, as CI runs it (.ci/run):
#   1. The fast tier (scripts/test-fast.sh): cargo fmt --check, clippy with warnings as
#      errors, Rust unit and integration tests on SQLite and on PostgreSQL (PCENTER_TEST_PG,
#      default postgres://postgres@127.0.0.1:5432/postgres), including the upgrade test from
#      the previous release's database (tests/fixtures/) and the backup round trip.
#   2. The SDK compatibility suite (official huaweicloudsdkbss in a venv) against a live
#      server, once on embedded SQLite and once on a fresh PostgreSQL database.
#   3. Schemathesis against the served OpenAPI document: no request may produce a 5xx.
#   4. The fault harness: repeated kill -9 under load; nothing lost, nothing doubled (one node on
#      SQLite, then two nodes on one PostgreSQL database).
#   5. Web console browser tests in headless Debian Chromium; screenshots to target/screenshots/
#      (scripts/refresh-screenshots.sh copies them to docs/screenshots/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PCENTER_TEST_PG="${PCENTER_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"

bash scripts/test-fast.sh

echo "== SDK compatibility suite on SQLite"
cargo build --locked -p pcenter
bash scripts/sdk-tests.sh

echo "== SDK compatibility suite on PostgreSQL"
pg_db="pcenter_sdk_$(date +%s)_$$"
pg_base="${PCENTER_TEST_PG%/*}"
psql "$PCENTER_TEST_PG" -qc "CREATE DATABASE $pg_db"
trap 'psql "$PCENTER_TEST_PG" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true' EXIT
SDK_DB="$pg_base/$pg_db" bash scripts/sdk-tests.sh

echo "== Schemathesis against the served OpenAPI document, signed requests (SQLite, then PostgreSQL)"
bash scripts/schemathesis.sh
st_db="pcenter_schema_$(date +%s)_$$"
psql "$PCENTER_TEST_PG" -qc "CREATE DATABASE $st_db"
trap 'psql "$PCENTER_TEST_PG" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true; psql "$PCENTER_TEST_PG" -qc "DROP DATABASE IF EXISTS $st_db" >/dev/null 2>&1 || true' EXIT
SCHEMATHESIS_DB="$pg_base/$st_db" bash scripts/schemathesis.sh

echo "== Fault harness: kill -9 the server 20 times under signed money load (SQLite)"
bash scripts/fault-harness.sh --kills 20

echo "== Fault harness: two server nodes on one PostgreSQL database, hot account, 10 kills"
bash scripts/fault-harness.sh --db postgres --nodes 2 --kills 10

echo "== Web console in headless Chromium (screenshots in target/screenshots/)"
bash scripts/browser-tests.sh

echo "== all tests passed"
