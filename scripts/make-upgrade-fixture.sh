#!/usr/bin/env bash
# Makes tests/fixtures/release-<version>.sqlite: a database written by this release's binary,
# which later releases must open, migrate and read back (crates/pcenter/tests/upgrade.rs).
# Run it at each release, with the release's binary, and commit the file (see
# docs/OPERATIONS.md, "The upgrade fixture").
#
# The story: the demo channel (`pcenter seed demo`), then allocations and a reclaim, a tier-1
# moving money to its tier-2, coupons issued and one recalled, a quota granted, orders paid in
# cash, with a coupon, and by the partner on the customer's behalf, one order cancelled, one
# left unpaid, and one resource unsubscribed (a refund); the audit must hold at the end.
#
# Usage: cargo build -p pcenter && bash scripts/make-upgrade-fixture.sh [OUT]
#   PCENTER_BIN  the binary (default target/debug/pcenter)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${PCENTER_BIN:-${CARGO_TARGET_DIR:-target}/debug/pcenter}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
[[ -x "$BIN" ]] || { echo "make-upgrade-fixture: no binary at $BIN (cargo build -p pcenter)" >&2; exit 2; }
version="$("$BIN" --version | awk '{print $2}')"
OUT="${1:-tests/fixtures/release-$version.sqlite}"
[[ -e "$OUT" ]] && { echo "make-upgrade-fixture: $OUT exists; remove it first" >&2; exit 2; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pcenter-fixture.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export PCENTER_DB="sqlite://$tmp/pc.db" PCENTER_KEY_FILE="$tmp/server.key" PCENTER_LOG=warn
pc() { "$BIN" "$@"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {"d": d}))' "$1"; }

pc seed demo --json >"$tmp/demo.json"
demo() { field "$1" <"$tmp/demo.json"; }
provider="$(demo 'd["solution_provider"]["domain_id"]')"
distributor="$(demo 'd["distributor"]["domain_id"]')"
reseller="$(demo 'd["reseller"]["domain_id"]')"
alpha="$(demo '[c for c in d["customers"] if c["domain_name"] == "demo-shop-alpha"][0]["domain_id"]')"
bravo="$(demo '[c for c in d["customers"] if c["domain_name"] == "demo-shop-bravo"][0]["domain_id"]')"
delta="$(demo '[c for c in d["customers"] if c["domain_name"] == "demo-shop-delta"][0]["domain_id"]')"

# Money: allocations, a reclaim, tier-1 to tier-2, tier-2 to its customer, an operator top-up.
pc funds --as "$provider" allocate --customer "$alpha" --amount 800.00 --idempotency-key fixture-alloc-alpha >/dev/null
pc funds --as "$provider" allocate --customer "$bravo" --amount 3000.00 >/dev/null
pc funds --as "$provider" reclaim --customer "$bravo" --amount 50.25 >/dev/null
pc funds --as "$distributor" allocate --reseller "$reseller" --amount 1000.00 >/dev/null
pc funds --as "$reseller" allocate --customer "$delta" --amount 120.00 >/dev/null
pc admin topup --partner "$provider" --amount 2500.50 >/dev/null

# Coupons: a new quota, coupons to two customers, one recalled.
pc admin quota-grant --partner "$provider" --value 600.00 --days 400 >/dev/null
quota="$(pc coupons --as "$provider" --json quotas | field '[q for q in d["quotas"] if q["value"] == "10000.00"][0]["quota_id"]')"
pc coupons --as "$provider" issue --quota "$quota" --customers "$alpha,$bravo" --face-value 40.00 --memo fixture >/dev/null
coupons="$(pc coupons --as "$provider" --json list)"
alpha_coupon="$(field "[c for c in d['coupons'] if c['customer_id'] == '$alpha'][0]['coupon_id']" <<<"$coupons")"
bravo_coupon="$(field "[c for c in d['coupons'] if c['customer_id'] == '$bravo'][0]['coupon_id']" <<<"$coupons")"
pc coupons --as "$provider" recall --coupons "$bravo_coupon" >/dev/null

# Orders: paid in cash, paid with a coupon, placed by the partner on the customer's behalf,
# cancelled, left unpaid; then one resource unsubscribed (refund to cash and coupon).
order() { pc orders --as "$1" create "${@:2}" | field 'd["order_id"]'; }
cash_order="$(order "$alpha" --spec s6.small.1.linux --region cn-north-4 --period-type 2 --period-num 1)"
pc orders --as "$alpha" pay "$cash_order" --idempotency-key fixture-pay-1 >/dev/null
coupon_order="$(order "$alpha" --spec s6.large.2.linux --region cn-north-4 --period-type 2 --period-num 3)"
pc orders --as "$alpha" pay "$coupon_order" --coupons "$alpha_coupon" >/dev/null
pc orders --as "$bravo" authorize >/dev/null
partner_order="$(order "$provider" --customer "$bravo" --spec s6.small.1.linux --region cn-north-4 --period-type 3 --period-num 1)"
pc orders --as "$bravo" pay "$partner_order" >/dev/null
cancelled="$(order "$alpha" --spec s6.small.1.linux --region cn-north-4 --period-type 2 --period-num 1)"
pc orders --as "$alpha" cancel "$cancelled" >/dev/null
order "$alpha" --spec s6.small.1.linux --region cn-north-4 --period-type 2 --period-num 2 >/dev/null
resource="$(pc orders --as "$alpha" show "$coupon_order" | sed -n 2p | field 'd["resource_id"]')"
pc resources --as "$alpha" unsubscribe "$resource" >/dev/null
kept="$(pc orders --as "$alpha" show "$cash_order" | sed -n 2p | field 'd["resource_id"]')"
pc resources --as "$alpha" auto-renew "$kept" >/dev/null

pc admin audit >"$tmp/audit.json" || { cat "$tmp/audit.json" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
# One compact file, without the -wal beside it.
sqlite3 "$tmp/pc.db" "VACUUM INTO '$OUT'"
echo "wrote $OUT ($(wc -c <"$OUT") bytes) with pcenter $version: $(cat "$tmp/audit.json" | tr -d '\n ')"
