#!/usr/bin/env bash
# Refreshes the console screenshots kept in the repository (docs/screenshots/): runs the
# browser tests, which write to target/screenshots/, then copies what they wrote. Tests alone
# never touch docs/, so a test run leaves the work tree clean.
#
# Usage: cargo build -p pcenter && bash scripts/refresh-screenshots.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
shots="${CARGO_TARGET_DIR:-target}/screenshots"
case "$shots" in
  /*) ;;
  *) shots="$ROOT/$shots" ;;
esac
rm -rf "$shots"
PC_SHOTS="$shots" bash scripts/browser-tests.sh
mkdir -p docs/screenshots
cp "$shots"/*.png docs/screenshots/
echo "docs/screenshots/ refreshed from $shots ($(ls "$shots"/*.png | wc -l) images)"
