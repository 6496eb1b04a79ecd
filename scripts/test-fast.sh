#!/usr/bin/env bash
# The fast tier, to run before every commit (a few minutes on a warm build):
#   1. formatting (cargo fmt --check) and lints (clippy on every target, warnings are errors);
#   2. Rust unit and integration tests; storage and HTTP suites run on SQLite and on
#      PostgreSQL (PCENTER_TEST_PG, default postgres://postgres@127.0.0.1:5432/postgres).
# Test databases are copies of a migrated template (crates/storage/src/testing.rs), and the
# first PostgreSQL test of each test binary drops pcenter_test_* databases leaked by
# failed runs more than an hour ago.
# scripts/test-all.sh runs this, then the slower live-server suites.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PCENTER_TEST_PG="${PCENTER_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"

echo "== cargo fmt --check"
cargo fmt --all --check

echo "== cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== Rust tests (SQLite and PostgreSQL)"
cargo test --workspace --locked

echo "== fast tier passed"
