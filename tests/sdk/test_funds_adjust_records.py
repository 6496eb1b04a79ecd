"""list_partner_adjust_records (GET /v3/accounts/partner-accounts/adjust-records)."""

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import support
from support import (
    ADJUST,
    BAD_PARAM,
    FORBIDDEN,
    MONEY_STRING,
    NOT_OWN_INDIRECT,
    RETRIEVE,
    UNBIND,
    UTC_INSTANT,
    adjust_records,
    allocate,
    allocate_indirect,
    expect_error,
    reclaim,
    reclaim_indirect,
    utc_instant,
)


def _only(resp):
    assert resp.total_count == 1, resp
    assert len(resp.records) == 1, resp
    return resp.records[0]


def _by_trans_id(client, trans_id, **filters):
    return _only(adjust_records(client, trans_id=trans_id, **filters))


def _parse(ts):
    return datetime.strptime(ts, UTC_INSTANT).replace(tzinfo=timezone.utc)


def _now():
    return datetime.now(timezone.utc)


# --------------------------------------------------------------------------
# what a record says


def test_allocation_is_recorded_with_its_transfer_id(sp, fresh_customer):
    transfer_id = allocate(sp, fresh_customer.id, Decimal("12.30")).transfer_id
    record = _only(adjust_records(sp, customer_id=fresh_customer.id))
    assert record.trans_id == transfer_id


def test_allocation_record_fields(sp, fresh_customer):
    transfer_id = allocate(sp, fresh_customer.id, Decimal("12.30")).transfer_id
    record = _by_trans_id(sp, transfer_id)
    assert record.customer_id == fresh_customer.id
    assert isinstance(record.customer_name, str) and record.customer_name
    assert record.operation_type == ADJUST
    assert record.amount == "12.30"
    assert record.currency == "CNY"
    assert record.measure_id == 1


def test_record_operation_time_is_a_utc_instant_of_the_movement(sp, fresh_customer):
    before = _now().replace(microsecond=0) - timedelta(seconds=2)
    transfer_id = allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id
    after = _now() + timedelta(seconds=2)
    when = _parse(_by_trans_id(sp, transfer_id).operation_time)
    assert before <= when <= after, when


def test_reclaim_record_fields(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("5.00"))
    trans_id = reclaim(sp, fresh_customer.id, Decimal("4.50")).trans_id
    record = _by_trans_id(sp, trans_id)
    assert record.customer_id == fresh_customer.id
    assert record.operation_type == RETRIEVE
    assert record.amount == "4.50"
    assert record.currency == "CNY"
    assert record.measure_id == 1


@pytest.mark.parametrize("amount,text", [("5", "5.00"), ("0.1", "0.10"), ("0.01", "0.01"), ("1234.5", "1234.50")])
def test_record_amount_is_a_string_with_two_decimals(sp, fresh_customer, amount, text):
    transfer_id = allocate(sp, fresh_customer.id, Decimal(amount)).transfer_id
    record = _by_trans_id(sp, transfer_id)
    assert record.amount == text
    assert MONEY_STRING.match(record.amount)


def test_rejected_allocation_leaves_no_record(sp, fresh_consultative):
    support.expect_error(
        400, support.CONSULTATIVE_CUSTOMER, allocate, sp, fresh_consultative.id, Decimal("1.00")
    )
    assert adjust_records(sp, customer_id=fresh_consultative.id).total_count == 0


def test_customer_without_movements_has_no_records(sp, fresh_customer):
    resp = adjust_records(sp, customer_id=fresh_customer.id)
    assert resp.total_count == 0
    assert not resp.records


# --------------------------------------------------------------------------
# filters


def test_customer_id_filter_returns_only_that_customers_records(sp, fresh_customer):
    other = support.new_customer(sp)
    mine = {allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id for _ in range(2)}
    allocate(sp, other.id, Decimal("1.00"))
    resp = adjust_records(sp, customer_id=fresh_customer.id)
    assert resp.total_count == 2
    assert {r.trans_id for r in resp.records} == mine
    assert {r.customer_id for r in resp.records} == {fresh_customer.id}


def test_operation_type_filter(sp, fresh_customer):
    adjusted = allocate(sp, fresh_customer.id, Decimal("3.00")).transfer_id
    retrieved = reclaim(sp, fresh_customer.id, Decimal("1.00")).trans_id
    only_adjust = adjust_records(sp, customer_id=fresh_customer.id, operation_type=ADJUST)
    only_retrieve = adjust_records(sp, customer_id=fresh_customer.id, operation_type=RETRIEVE)
    assert [r.trans_id for r in only_adjust.records] == [adjusted]
    assert [r.trans_id for r in only_retrieve.records] == [retrieved]
    assert (only_adjust.total_count, only_retrieve.total_count) == (1, 1)


def test_unbind_filter_finds_nothing_for_plain_movements(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("3.00"))
    reclaim(sp, fresh_customer.id, Decimal("1.00"))
    assert adjust_records(sp, customer_id=fresh_customer.id, operation_type=UNBIND).total_count == 0


def test_trans_id_filter_returns_exactly_that_movement(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    wanted = allocate(sp, fresh_customer.id, Decimal("2.00")).transfer_id
    record = _by_trans_id(sp, wanted)
    assert (record.trans_id, record.amount) == (wanted, "2.00")


def test_unknown_trans_id_finds_nothing(sp):
    resp = adjust_records(sp, trans_id=uuid.uuid4().hex)
    assert resp.total_count == 0
    assert not resp.records


def test_empty_filters_do_not_filter(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    unfiltered = adjust_records(sp, limit=1).total_count
    empty = adjust_records(sp, limit=1, customer_id="", operation_type="", trans_id="").total_count
    assert unfiltered >= 1
    assert empty == unfiltered


def test_time_window_around_the_movement_finds_it(sp, fresh_customer):
    begin = _now() - timedelta(minutes=1)
    transfer_id = allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id
    end = _now() + timedelta(minutes=1)
    resp = adjust_records(
        sp, customer_id=fresh_customer.id, operation_time_begin=utc_instant(begin), operation_time_end=utc_instant(end)
    )
    assert [r.trans_id for r in resp.records] == [transfer_id]


def test_begin_only_window_finds_the_movement(sp, fresh_customer):
    transfer_id = allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id
    resp = adjust_records(
        sp, customer_id=fresh_customer.id, operation_time_begin=utc_instant(_now() - timedelta(hours=1))
    )
    assert [r.trans_id for r in resp.records] == [transfer_id]


def test_window_in_the_past_excludes_the_movement(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    resp = adjust_records(
        sp,
        customer_id=fresh_customer.id,
        operation_time_begin=utc_instant(_now() - timedelta(hours=2)),
        operation_time_end=utc_instant(_now() - timedelta(hours=1)),
    )
    assert resp.total_count == 0
    assert not resp.records


def test_window_in_the_future_excludes_the_movement(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    resp = adjust_records(
        sp, customer_id=fresh_customer.id, operation_time_begin=utc_instant(_now() + timedelta(hours=1))
    )
    assert resp.total_count == 0


MALFORMED_TIMES = [
    "2024-01-01",
    "2024-01-01T00:00:00",
    "2024-01-01 00:00:00Z",
    "2024/01/01T00:00:00Z",
    "20240101T000000Z",
    "yesterday",
]


@pytest.mark.parametrize("value", MALFORMED_TIMES)
@pytest.mark.parametrize("bound", ["operation_time_begin", "operation_time_end"])
def test_malformed_time_is_rejected(sp, bound, value):
    expect_error(400, BAD_PARAM, adjust_records, sp, **{bound: value})


# --------------------------------------------------------------------------
# paging


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_limit_out_of_range_is_rejected(sp, limit):
    expect_error(400, BAD_PARAM, adjust_records, sp, limit=limit)


@pytest.mark.parametrize("limit", [1, 100])
def test_limit_bounds_are_accepted(sp, limit):
    resp = adjust_records(sp, limit=limit)
    assert len(resp.records or []) <= limit


def test_pages_cover_every_record_once(sp, fresh_customer):
    ids = {allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id for _ in range(3)}
    first = adjust_records(sp, customer_id=fresh_customer.id, offset=0, limit=2)
    second = adjust_records(sp, customer_id=fresh_customer.id, offset=2, limit=2)
    assert (first.total_count, second.total_count) == (3, 3)
    assert (len(first.records), len(second.records)) == (2, 1)
    assert {r.trans_id for r in first.records + second.records} == ids


def test_offset_past_the_end_is_empty(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    resp = adjust_records(sp, customer_id=fresh_customer.id, offset=5, limit=10)
    assert resp.total_count == 1
    assert not resp.records


# --------------------------------------------------------------------------
# who sees what


def test_distributor_sees_its_allocation_to_the_reseller(dist, demo):
    reseller_id = demo["reseller"]["domain_id"]
    transfer_id = allocate_indirect(dist, reseller_id, Decimal("2.40")).transfer_id
    record = _by_trans_id(dist, transfer_id)
    assert record.customer_id == reseller_id
    assert record.operation_type == ADJUST
    assert record.amount == "2.40"


def test_distributor_sees_its_reclaim_from_the_reseller(dist, demo):
    reseller_id = demo["reseller"]["domain_id"]
    allocate_indirect(dist, reseller_id, Decimal("1.10"))
    trans_id = reclaim_indirect(dist, reseller_id, Decimal("1.10")).trans_id
    record = _by_trans_id(dist, trans_id)
    assert record.customer_id == reseller_id
    assert record.operation_type == RETRIEVE
    assert record.amount == "1.10"


def test_distributor_filters_its_reseller_records_by_customer_id(dist, demo):
    reseller_id = demo["reseller"]["domain_id"]
    transfer_id = allocate_indirect(dist, reseller_id, Decimal("0.20")).transfer_id
    assert _by_trans_id(dist, transfer_id, customer_id=reseller_id).customer_id == reseller_id
    page = adjust_records(dist, customer_id=reseller_id, limit=100)
    assert page.records
    assert {r.customer_id for r in page.records} == {reseller_id}


def test_reseller_sees_its_allocation_to_its_customer(reseller, fresh_reseller_customer):
    transfer_id = allocate(reseller, fresh_reseller_customer.id, Decimal("3.30")).transfer_id
    record = _only(adjust_records(reseller, customer_id=fresh_reseller_customer.id))
    assert (record.trans_id, record.operation_type, record.amount) == (transfer_id, ADJUST, "3.30")


def test_distributor_with_indirect_partner_id_sees_the_resellers_customer_movements(
    dist, reseller, demo, fresh_reseller_customer
):
    reseller_id = demo["reseller"]["domain_id"]
    transfer_id = allocate(reseller, fresh_reseller_customer.id, Decimal("3.30")).transfer_id
    record = _only(adjust_records(dist, indirect_partner_id=reseller_id, customer_id=fresh_reseller_customer.id))
    assert record.trans_id == transfer_id
    assert record.customer_id == fresh_reseller_customer.id
    assert (record.operation_type, record.amount) == (ADJUST, "3.30")


def test_distributor_with_indirect_partner_id_sees_its_movement_for_the_reseller(dist, demo, fresh_reseller_customer):
    reseller_id = demo["reseller"]["domain_id"]
    transfer_id = allocate(dist, fresh_reseller_customer.id, Decimal("0.75"), indirect_partner_id=reseller_id).transfer_id
    record = _by_trans_id(dist, transfer_id, indirect_partner_id=reseller_id)
    assert record.customer_id == fresh_reseller_customer.id
    assert (record.operation_type, record.amount) == (ADJUST, "0.75")


def test_solution_provider_does_not_see_reseller_records(sp, reseller, fresh_reseller_customer):
    transfer_id = allocate(reseller, fresh_reseller_customer.id, Decimal("1.00")).transfer_id
    assert adjust_records(sp, trans_id=transfer_id).total_count == 0
    assert adjust_records(sp, customer_id=fresh_reseller_customer.id).total_count == 0


def test_reseller_does_not_see_solution_provider_records(sp, reseller, fresh_customer):
    transfer_id = allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id
    assert adjust_records(reseller, trans_id=transfer_id).total_count == 0
    assert adjust_records(reseller, customer_id=fresh_customer.id).total_count == 0


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
    expect_error(400, NOT_OWN_INDIRECT, adjust_records, dist, indirect_partner_id=other(demo))


@pytest.mark.parametrize("who", ["customer", "reseller_customer"])
def test_customer_key_cannot_list_adjust_records(request, who):
    expect_error(403, FORBIDDEN, adjust_records, request.getfixturevalue(who))
