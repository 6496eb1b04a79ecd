"""The customer's side of partner coupons (customer key):
list_sub_customer_coupons (GET /v2/promotions/benefits/coupons) and
list_customer_coupon_change_records (GET /v2/promotions/benefits/account-change-records)."""

import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import support

from support import (
    COUPON_EXPIRED,
    COUPON_RECLAIMED,
    COUPON_USABLE,
    EXPENSE,
    FORBIDDEN,
    REVENUE,
    cents,
    customer_coupon,
    customer_coupon_changes,
    customer_coupons,
    expect_error,
    issue_coupon,
    new_quota,
    parse_instant,
    reclaim_coupon,
    utc_instant,
)


def _now():
    return datetime.now(timezone.utc)


def _coupon_ids(body):
    return {c["coupon_id"] for c in body.get("user_coupons") or []}


def _only(resp):
    assert resp.total_count == 1, resp
    assert len(resp.records) == 1, resp
    return resp.records[0]


@pytest.fixture
def sp_id(demo):
    return demo["solution_provider"]["domain_id"]


@pytest.fixture
def reseller_id(demo):
    return demo["reseller"]["domain_id"]


@pytest.fixture
def sp_coupon(sp, sp_quota, fresh_customer):
    """A fresh 30.00 coupon of the solution provider's fresh customer."""
    return issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("30.00"))


# --------------------------------------------------------------------------
# the customer's coupons


def test_customer_sees_its_new_coupon(fresh_customer, sp_id, sp_quota, sp_coupon):
    coupon = customer_coupon(fresh_customer.client, sp_coupon)
    assert coupon["status"] == COUPON_USABLE
    assert coupon["customer_id"] == fresh_customer.id
    assert cents(coupon["face_value"]) == Decimal("30.00")
    assert cents(coupon["balance"]) == Decimal("30.00")
    assert coupon["source_id"] == sp_id
    assert coupon["currency"] == "CNY"
    assert parse_instant(coupon["valid_time"]) == sp_quota.effective
    assert parse_instant(coupon["expire_time"]) == sp_quota.expire


def test_sdk_model_reads_the_coupon(fresh_customer, sp_coupon):
    resp, _ = customer_coupons(fresh_customer.client, coupon_id=sp_coupon)
    assert resp.count == 1
    coupon = resp.user_coupons[0]
    assert coupon.coupon_id == sp_coupon
    assert coupon.coupon_type == 1
    assert Decimal(str(coupon.face_value)).quantize(Decimal("0.01")) == Decimal("30.00")


def test_customer_with_no_coupon_lists_nothing(fresh_customer):
    resp, body = customer_coupons(fresh_customer.client)
    assert resp.count == 0
    assert not body.get("user_coupons")


def test_count_is_the_number_of_coupons(sp, sp_quota, fresh_customer):
    ids = {issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00")) for _ in range(3)}
    resp, body = customer_coupons(fresh_customer.client)
    assert resp.count == 3
    assert _coupon_ids(body) == ids


def test_coupons_of_others_are_not_listed(sp, sp_quota, fresh_customer, fresh_consultative):
    issue_coupon(sp, sp_quota.id, fresh_consultative.id, Decimal("1.00"))
    resp, _ = customer_coupons(fresh_customer.client)
    assert resp.count == 0


def test_consultative_customer_sees_its_coupon(sp, sp_quota, fresh_consultative):
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_consultative.id, Decimal("4.00"))
    coupon = customer_coupon(fresh_consultative.client, coupon_id)
    assert coupon["customer_id"] == fresh_consultative.id
    assert cents(coupon["balance"]) == Decimal("4.00")


def test_coupon_from_the_reseller_names_the_reseller_as_source(
    reseller, reseller_id, reseller_quota, fresh_reseller_customer
):
    coupon_id = issue_coupon(reseller, reseller_quota.id, fresh_reseller_customer.id, Decimal("2.00"))
    assert customer_coupon(fresh_reseller_customer.client, coupon_id)["source_id"] == reseller_id


def test_reclaimed_coupon_reads_status_5_and_balance_0(sp, fresh_customer, sp_coupon):
    reclaim_coupon(sp, sp_coupon)
    coupon = customer_coupon(fresh_customer.client, sp_coupon)
    assert coupon["status"] == COUPON_RECLAIMED
    assert cents(coupon["balance"]) == Decimal("0")


def test_filter_by_status(sp, sp_quota, fresh_customer):
    kept = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    gone = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("2.00"))
    reclaim_coupon(sp, gone)
    assert _coupon_ids(customer_coupons(fresh_customer.client, status=COUPON_USABLE)[1]) == {kept}
    assert _coupon_ids(customer_coupons(fresh_customer.client, status=COUPON_RECLAIMED)[1]) == {gone}


def test_filter_by_coupon_type(sp, sp_id, sp_quota, fresh_customer):
    type1 = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    type4 = issue_coupon(sp, new_quota(sp_id, quota_type=1).id, fresh_customer.id, Decimal("1.00"))
    assert _coupon_ids(customer_coupons(fresh_customer.client, coupon_type=1)[1]) == {type1}
    assert _coupon_ids(customer_coupons(fresh_customer.client, coupon_type=4)[1]) == {type4}


def test_filter_by_source_id(fresh_customer, sp_id, reseller_id, sp_coupon):
    assert _coupon_ids(customer_coupons(fresh_customer.client, source_id=sp_id)[1]) == {sp_coupon}
    assert customer_coupons(fresh_customer.client, source_id=reseller_id)[0].count == 0


def test_filter_by_coupon_id(sp, sp_quota, fresh_customer, sp_coupon):
    issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    resp, body = customer_coupons(fresh_customer.client, coupon_id=sp_coupon)
    assert resp.count == 1
    assert _coupon_ids(body) == {sp_coupon}


def test_coupons_page(sp, sp_quota, fresh_customer):
    ids = {issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00")) for _ in range(3)}
    first = customer_coupons(fresh_customer.client, offset=0, limit=2)
    rest = customer_coupons(fresh_customer.client, offset=2, limit=2)
    assert first[0].count == rest[0].count == 3
    assert len(first[1]["user_coupons"]) == 2 and len(rest[1]["user_coupons"]) == 1
    assert _coupon_ids(first[1]) | _coupon_ids(rest[1]) == ids


def test_expired_coupon_reads_status_4(sp, sp_quota, fresh_customer):
    expire = _now().replace(microsecond=0) + timedelta(seconds=3)
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("2.00"), expire_time=utc_instant(expire))
    assert customer_coupon(fresh_customer.client, coupon_id)["status"] == COUPON_USABLE
    time.sleep(max(0.0, (expire - _now()).total_seconds()) + 1.5)
    coupon = customer_coupon(fresh_customer.client, coupon_id)
    assert coupon["status"] == COUPON_EXPIRED
    assert parse_instant(coupon["expire_time"]) == expire


@pytest.mark.parametrize("who", ["sp", "dist", "reseller"])
def test_partner_key_cannot_list_customer_coupons(request, who):
    expect_error(403, FORBIDDEN, customer_coupons, request.getfixturevalue(who))


# --------------------------------------------------------------------------
# coupon change records


def test_issue_is_revenue_of_the_face_value(fresh_customer, sp_coupon):
    record = _only(customer_coupon_changes(fresh_customer.client, coupon_id=sp_coupon))
    assert record.coupon_id == sp_coupon
    assert record.revenue_expense_type == REVENUE
    assert cents(record.change_amount).copy_abs() == Decimal("30.00")
    assert cents(record.balance_after_change) == Decimal("30.00")
    assert isinstance(record.trade_detail_type, str) and record.trade_detail_type


def test_change_amounts_are_strings(fresh_customer, sp_coupon):
    record = _only(customer_coupon_changes(fresh_customer.client, coupon_id=sp_coupon))
    assert isinstance(record.change_amount, str)
    assert isinstance(record.balance_after_change, str)


def test_issue_trade_time_is_a_utc_instant_of_the_issue(sp, sp_quota, fresh_customer):
    before = _now().replace(microsecond=0) - timedelta(seconds=2)
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    after = _now() + timedelta(seconds=2)
    when = parse_instant(_only(customer_coupon_changes(fresh_customer.client, coupon_id=coupon_id)).trade_time)
    assert before <= when <= after, when


def test_reclaim_is_expense_of_the_remaining_balance(sp, fresh_customer, sp_coupon):
    reclaim_coupon(sp, sp_coupon)
    record = _only(customer_coupon_changes(fresh_customer.client, coupon_id=sp_coupon, revenue_expense_type=EXPENSE))
    assert record.coupon_id == sp_coupon
    assert record.revenue_expense_type == EXPENSE
    assert cents(record.change_amount).copy_abs() == Decimal("30.00")
    assert cents(record.balance_after_change) == Decimal("0")


def test_issue_and_reclaim_are_two_changes(sp, fresh_customer, sp_coupon):
    reclaim_coupon(sp, sp_coupon)
    resp = customer_coupon_changes(fresh_customer.client, coupon_id=sp_coupon)
    assert resp.total_count == 2
    assert sorted(r.revenue_expense_type for r in resp.records) == [EXPENSE, REVENUE]


@pytest.mark.parametrize("kind", [REVENUE, EXPENSE])
def test_filter_by_revenue_expense_type(sp, fresh_customer, sp_coupon, kind):
    reclaim_coupon(sp, sp_coupon)
    record = _only(customer_coupon_changes(fresh_customer.client, revenue_expense_type=kind))
    assert record.revenue_expense_type == kind


def test_filter_by_trade_time(fresh_customer, sp_coupon):
    now = _now()
    inside = customer_coupon_changes(
        fresh_customer.client,
        trade_time_begin=utc_instant(now - timedelta(minutes=5)),
        trade_time_end=utc_instant(now + timedelta(minutes=5)),
    )
    assert inside.total_count == 1
    past = customer_coupon_changes(
        fresh_customer.client,
        trade_time_begin=utc_instant(now - timedelta(days=2)),
        trade_time_end=utc_instant(now - timedelta(days=1)),
    )
    assert past.total_count == 0


def test_filter_by_trade_date_in_utc8(fresh_customer, sp_coupon):
    # The SDK documents these bounds as YYYY-MM-DD dates (UTC+8); whole days are inclusive.
    today = support.china_date()
    yesterday = support.china_date(_now() - timedelta(days=1))
    assert customer_coupon_changes(fresh_customer.client, trade_time_begin=today, trade_time_end=today).total_count == 1
    assert customer_coupon_changes(fresh_customer.client, trade_time_begin=yesterday, trade_time_end=yesterday).total_count == 0


def test_filter_by_unknown_coupon_id_lists_nothing(fresh_customer, sp_coupon):
    assert customer_coupon_changes(fresh_customer.client, coupon_id=uuid.uuid4().hex).total_count == 0


def test_other_filters_are_accepted(fresh_customer, sp_coupon):
    resp = customer_coupon_changes(fresh_customer.client, balance_type="BALANCE_TYPE_COUPON", coupon_id=sp_coupon)
    assert resp.total_count == 1
    customer_coupon_changes(fresh_customer.client, trade_type="COUPONADJUST", trade_id=uuid.uuid4().hex)


def test_change_records_are_in_cny(fresh_customer, sp_coupon):
    assert customer_coupon_changes(fresh_customer.client).currency == "CNY"


def test_changes_of_others_are_not_listed(sp, sp_quota, fresh_customer, fresh_consultative):
    issue_coupon(sp, sp_quota.id, fresh_consultative.id, Decimal("1.00"))
    assert customer_coupon_changes(fresh_customer.client).total_count == 0


def test_changes_page(sp, sp_quota, fresh_customer):
    for _ in range(3):
        issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    first = customer_coupon_changes(fresh_customer.client, offset=0, limit=2)
    rest = customer_coupon_changes(fresh_customer.client, offset=2, limit=2)
    assert first.total_count == rest.total_count == 3
    assert len(first.records) == 2 and len(rest.records) == 1
    assert len({r.coupon_id for r in first.records + rest.records}) == 3


def test_coupon_from_the_distributor_for_the_reseller_is_revenue_of_the_customer(
    dist, reseller_id, reseller_quota, fresh_reseller_customer
):
    coupon_id = issue_coupon(
        dist, reseller_quota.id, fresh_reseller_customer.id, Decimal("6.00"), indirect_partner_id=reseller_id
    )
    record = _only(customer_coupon_changes(fresh_reseller_customer.client, coupon_id=coupon_id))
    assert record.revenue_expense_type == REVENUE
    assert cents(record.change_amount).copy_abs() == Decimal("6.00")
