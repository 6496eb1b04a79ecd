"""list_partner_account_change_records and list_customer_account_change_records."""

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import support
from support import (
    ADJUST,
    BAD_PARAM,
    FORBIDDEN,
    NOT_OWN_INDIRECT,
    RECHARGE,
    RETRIEVE,
    allocate,
    allocate_indirect,
    cents,
    china_date,
    customer_balance,
    customer_change_records,
    expect_error,
    partner_balance,
    partner_change_records,
    reclaim,
    reclaim_indirect,
)

INCOME, EXPENSE = "1", "2"


def _newest(client, **filters):
    resp = partner_change_records(client, offset=0, limit=1, **filters)
    assert resp.total_count >= 1 and len(resp.records) == 1, resp
    return resp.records[0]


def _customer_record(client, trade_id):
    resp = customer_change_records(client, trade_id=trade_id)
    assert resp.total_count == 1 and len(resp.records) == 1, resp
    return resp.records[0]


def _today_window():
    """trade_time_begin/end covering today in UTC+8 (both sides of a date change)."""
    now = datetime.now(timezone.utc)
    return china_date(now - timedelta(minutes=5)), china_date(now + timedelta(minutes=5))


# --------------------------------------------------------------------------
# partner: what a record says


def test_allocation_is_the_partners_newest_change(sp, fresh_customer):
    transfer_id = allocate(sp, fresh_customer.id, Decimal("12.30")).transfer_id
    record = _newest(sp)
    assert record.trade_id == transfer_id
    assert record.trade_detail_type == ADJUST
    assert record.type == EXPENSE
    assert abs(cents(record.change_amount)) == Decimal("12.30")
    assert record.customer_id == fresh_customer.id
    assert record.account_change_id
    assert record.trade_time


def test_balance_after_allocation_equals_current_balance(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("3.21"))
    assert cents(_newest(sp).balance_after_change) == partner_balance(sp)


def test_reclaim_is_recorded_as_income(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("4.00"))
    trans_id = reclaim(sp, fresh_customer.id, Decimal("1.50")).trans_id
    record = _newest(sp)
    assert record.trade_id == trans_id
    assert record.trade_detail_type == RETRIEVE
    assert record.type == INCOME
    assert abs(cents(record.change_amount)) == Decimal("1.50")
    assert record.customer_id == fresh_customer.id
    assert cents(record.balance_after_change) == partner_balance(sp)


def test_newest_change_comes_first(sp, fresh_customer):
    first = allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id
    second = allocate(sp, fresh_customer.id, Decimal("2.00")).transfer_id
    page = partner_change_records(sp, offset=0, limit=2).records
    assert [r.trade_id for r in page] == [second, first]


def test_consecutive_changes_chain_their_balances(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.11"))
    allocate(sp, fresh_customer.id, Decimal("2.22"))
    newer, older = partner_change_records(sp, offset=0, limit=2).records
    assert cents(older.balance_after_change) - cents(newer.balance_after_change) == Decimal("2.22")
    assert cents(newer.balance_after_change) == partner_balance(sp)


def test_ids_of_changes_are_distinct(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    newer, older = partner_change_records(sp, offset=0, limit=2).records
    assert newer.account_change_id != older.account_change_id
    assert newer.trade_id != older.trade_id


def test_partner_change_records_are_in_cny(sp):
    resp = partner_change_records(sp, limit=1)
    assert resp.currency == "CNY"


def test_rejected_allocation_adds_no_change(sp, fresh_consultative):
    before = partner_change_records(sp, limit=1).total_count
    expect_error(400, support.CONSULTATIVE_CUSTOMER, allocate, sp, fresh_consultative.id, Decimal("1.00"))
    assert partner_change_records(sp, limit=1).total_count == before


# --------------------------------------------------------------------------
# partner: filters and paging


def test_seed_top_up_is_a_recharge(sp):
    resp = partner_change_records(sp, trade_type="RECHARGE", limit=100)
    assert resp.total_count >= 1
    assert resp.records
    for record in resp.records:
        assert record.trade_detail_type == RECHARGE
        assert record.type == INCOME
        assert cents(record.change_amount) > 0


@pytest.mark.parametrize("trade_type,detail", [("BEADJUST", ADJUST), ("BERETRIEVE", RETRIEVE)])
def test_trade_type_filter(sp, fresh_customer, trade_type, detail):
    allocate(sp, fresh_customer.id, Decimal("2.00"))
    reclaim(sp, fresh_customer.id, Decimal("1.00"))
    resp = partner_change_records(sp, trade_type=trade_type, limit=100)
    assert resp.records
    assert {r.trade_detail_type for r in resp.records} == {detail}


def test_unbind_trade_type_finds_nothing_for_plain_movements(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("2.00"))
    reclaim(sp, fresh_customer.id, Decimal("1.00"))
    resp = partner_change_records(sp, trade_type="BEUNBIND", limit=100)
    assert fresh_customer.id not in {r.customer_id for r in resp.records or []}
    assert {r.trade_detail_type for r in resp.records or []} <= {support.UNBIND}


def test_trade_type_filter_keeps_newest_first(sp, fresh_customer):
    transfer_id = allocate(sp, fresh_customer.id, Decimal("2.00")).transfer_id
    reclaim(sp, fresh_customer.id, Decimal("1.00"))
    assert _newest(sp, trade_type="BEADJUST").trade_id == transfer_id


def test_today_window_includes_a_new_change(sp, fresh_customer):
    transfer_id = allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id
    begin, end = _today_window()
    assert _newest(sp, trade_time_begin=begin, trade_time_end=end).trade_id == transfer_id


def test_past_window_excludes_new_changes(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    resp = partner_change_records(sp, trade_time_begin="2000-01-01", trade_time_end="2000-01-31")
    assert resp.total_count == 0
    assert not resp.records


def test_future_window_is_empty(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    now = datetime.now(timezone.utc)
    begin, end = china_date(now + timedelta(days=2)), china_date(now + timedelta(days=3))
    resp = partner_change_records(sp, trade_time_begin=begin, trade_time_end=end)
    assert resp.total_count == 0


def test_pages_do_not_overlap(sp, fresh_customer):
    for _ in range(3):
        allocate(sp, fresh_customer.id, Decimal("1.00"))
    first = partner_change_records(sp, offset=0, limit=2)
    second = partner_change_records(sp, offset=2, limit=2)
    assert first.total_count == second.total_count >= 3
    assert len(first.records) == 2 and len(second.records) >= 1
    ids = [r.account_change_id for r in first.records + second.records]
    assert len(set(ids)) == len(ids)


# --------------------------------------------------------------------------
# partner: tier-1 and tier-2


def test_distributor_allocation_to_reseller_is_an_expense(dist, demo):
    reseller_id = demo["reseller"]["domain_id"]
    transfer_id = allocate_indirect(dist, reseller_id, Decimal("2.50")).transfer_id
    record = _newest(dist)
    assert record.trade_id == transfer_id
    assert record.type == EXPENSE
    assert abs(cents(record.change_amount)) == Decimal("2.50")
    assert cents(record.balance_after_change) == partner_balance(dist)


def test_reseller_sees_the_distributors_allocation_as_income(dist, reseller, demo):
    reseller_id = demo["reseller"]["domain_id"]
    transfer_id = allocate_indirect(dist, reseller_id, Decimal("2.50")).transfer_id
    record = _newest(reseller)
    assert record.trade_id == transfer_id
    assert record.type == INCOME
    assert abs(cents(record.change_amount)) == Decimal("2.50")
    assert cents(record.balance_after_change) == partner_balance(reseller)


def test_distributor_reclaim_from_reseller_is_income(dist, demo):
    reseller_id = demo["reseller"]["domain_id"]
    allocate_indirect(dist, reseller_id, Decimal("1.40"))
    trans_id = reclaim_indirect(dist, reseller_id, Decimal("1.40")).trans_id
    record = _newest(dist)
    assert record.trade_id == trans_id
    assert record.type == INCOME
    assert cents(record.balance_after_change) == partner_balance(dist)


def test_distributor_reads_the_resellers_changes(dist, reseller, demo, fresh_reseller_customer):
    reseller_id = demo["reseller"]["domain_id"]
    transfer_id = allocate(reseller, fresh_reseller_customer.id, Decimal("0.80")).transfer_id
    record = _newest(dist, indirect_partner_id=reseller_id)
    assert record.trade_id == transfer_id
    assert record.type == EXPENSE
    assert record.customer_id == fresh_reseller_customer.id
    assert cents(record.balance_after_change) == partner_balance(reseller)


def test_distributor_movement_for_reseller_is_on_the_resellers_account(dist, reseller, demo, fresh_reseller_customer):
    reseller_id = demo["reseller"]["domain_id"]
    transfer_id = allocate(dist, fresh_reseller_customer.id, Decimal("0.60"), indirect_partner_id=reseller_id).transfer_id
    record = _newest(reseller)
    assert record.trade_id == transfer_id
    assert record.type == EXPENSE
    assert cents(record.balance_after_change) == partner_balance(reseller)
    assert transfer_id not in {r.trade_id for r in partner_change_records(dist, limit=10).records}


@pytest.mark.parametrize(
    "other",
    [
        lambda demo: demo["solution_provider"]["domain_id"],
        lambda demo: demo["distributor"]["domain_id"],
        lambda demo: uuid.uuid4().hex,
    ],
    ids=["solution_provider", "itself", "random"],
)
def test_distributor_naming_a_partner_that_is_not_its_reseller_is_rejected(dist, demo, other):
    expect_error(400, NOT_OWN_INDIRECT, partner_change_records, dist, indirect_partner_id=other(demo))


@pytest.mark.parametrize("who", ["customer", "reseller_customer"])
def test_customer_key_cannot_list_partner_changes(request, who):
    expect_error(403, FORBIDDEN, partner_change_records, request.getfixturevalue(who))


# --------------------------------------------------------------------------
# customer


def test_new_customer_has_no_changes(fresh_customer):
    resp = customer_change_records(fresh_customer.client)
    assert resp.total_count == 0
    assert not resp.records


def test_allocation_is_revenue_for_the_customer(sp, fresh_customer):
    transfer_id = allocate(sp, fresh_customer.id, Decimal("10.00")).transfer_id
    record = _customer_record(fresh_customer.client, transfer_id)
    assert record.revenue_expense_type == "REVENUE"
    assert abs(cents(record.change_amount)) == Decimal("10.00")
    assert cents(record.balance_after_change) == Decimal("10.00")
    assert record.account_change_id
    assert record.trade_detail_type
    assert record.trade_time


def test_reclaim_is_expense_for_the_customer(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("10.00"))
    trans_id = reclaim(sp, fresh_customer.id, Decimal("3.00")).trans_id
    record = _customer_record(fresh_customer.client, trans_id)
    assert record.revenue_expense_type == "EXPENSE"
    assert abs(cents(record.change_amount)) == Decimal("3.00")
    assert cents(record.balance_after_change) == Decimal("7.00")
    assert cents(record.balance_after_change) == customer_balance(fresh_customer.client)


def test_customer_records_count_every_movement(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    reclaim(sp, fresh_customer.id, Decimal("0.50"))
    resp = customer_change_records(fresh_customer.client)
    assert resp.total_count == 3
    assert len(resp.records) == 3
    assert resp.currency == "CNY"


@pytest.mark.parametrize("kind", ["REVENUE", "EXPENSE"])
def test_revenue_expense_filter(sp, fresh_customer, kind):
    allocate(sp, fresh_customer.id, Decimal("2.00"))
    allocate(sp, fresh_customer.id, Decimal("2.00"))
    reclaim(sp, fresh_customer.id, Decimal("1.00"))
    resp = customer_change_records(fresh_customer.client, revenue_expense_type=kind)
    assert resp.total_count == (2 if kind == "REVENUE" else 1)
    assert {r.revenue_expense_type for r in resp.records} == {kind}


def test_trade_id_filter_returns_exactly_that_movement(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    wanted = allocate(sp, fresh_customer.id, Decimal("2.00")).transfer_id
    assert _customer_record(fresh_customer.client, wanted).trade_id == wanted


def test_customer_today_window_includes_a_new_change(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    begin, end = _today_window()
    resp = customer_change_records(fresh_customer.client, trade_time_begin=begin, trade_time_end=end)
    assert resp.total_count == 1


def test_customer_past_window_is_empty(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    resp = customer_change_records(fresh_customer.client, trade_time_begin="2000-01-01", trade_time_end="2000-01-31")
    assert resp.total_count == 0


def test_customer_paging(sp, fresh_customer):
    ids = {allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id for _ in range(3)}
    first = customer_change_records(fresh_customer.client, offset=0, limit=2)
    second = customer_change_records(fresh_customer.client, offset=2, limit=2)
    assert (first.total_count, second.total_count) == (3, 3)
    assert {r.trade_id for r in first.records + second.records} == ids


def test_movements_by_the_distributor_for_the_reseller_reach_the_customer(dist, demo, fresh_reseller_customer):
    reseller_id = demo["reseller"]["domain_id"]
    transfer_id = allocate(dist, fresh_reseller_customer.id, Decimal("0.90"), indirect_partner_id=reseller_id).transfer_id
    record = _customer_record(fresh_reseller_customer.client, transfer_id)
    assert record.revenue_expense_type == "REVENUE"
    assert cents(record.balance_after_change) == Decimal("0.90")


def test_balance_type_is_required(fresh_customer):
    expect_error(400, BAD_PARAM, customer_change_records, fresh_customer.client, balance_type=None)


@pytest.mark.parametrize("value", ["balance_type_debit", "DEBIT", ""])
def test_other_balance_type_is_rejected(fresh_customer, value):
    expect_error(400, BAD_PARAM, customer_change_records, fresh_customer.client, balance_type=value)


def test_credit_balance_type_matches_nothing(fresh_customer, sp):
    # There is no credit account: the documented value is valid and lists no records.
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    assert customer_change_records(fresh_customer.client).total_count == 1
    resp = customer_change_records(fresh_customer.client, balance_type="BALANCE_TYPE_CREDIT")
    assert resp.total_count == 0
    assert not resp.records


@pytest.mark.parametrize("who", ["sp", "dist", "reseller"])
def test_partner_key_cannot_list_customer_changes(request, who):
    expect_error(403, FORBIDDEN, customer_change_records, request.getfixturevalue(who))
