"""list_issued_partner_coupons (GET /v2/promotions/benefits/partner-coupons) and
list_partner_coupons_record (GET /v2/promotions/benefits/partner-coupons/records/query)."""

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from support import (
    COUPON_ISSUE,
    COUPON_MANUAL_RECLAIM,
    COUPON_RECLAIMED,
    COUPON_USABLE,
    FORBIDDEN,
    NOT_OWN_CUSTOMER,
    QUOTA_SHORT,
    cents,
    coupon_records,
    create_coupons,
    error_items,
    expect_error,
    issue_coupon,
    issued_coupon,
    issued_coupons,
    issued_quota,
    new_quota,
    parse_instant,
    quota_of,
    quota_records,
    reclaim_coupon,
    reclaim_quotas,
    utc_instant,
)


def _now():
    return datetime.now(timezone.utc)


def _window(minutes=5):
    now = _now()
    return utc_instant(now - timedelta(minutes=minutes)), utc_instant(now + timedelta(minutes=minutes))


def _past_window():
    now = _now()
    return utc_instant(now - timedelta(days=2)), utc_instant(now - timedelta(days=1))


def _coupon_ids(resp):
    return {c.coupon_id for c in resp.user_coupons or []}


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
# issued coupons: what a coupon says


def test_issued_coupon_fields(sp, sp_quota, sp_coupon, fresh_customer):
    coupon = issued_coupon(sp, sp_coupon)
    assert coupon.coupon_id == sp_coupon
    assert coupon.status == COUPON_USABLE
    assert coupon.customer_id == fresh_customer.id
    assert coupon.coupon_type == 1
    assert coupon.measure_id == 1
    assert cents(coupon.face_value) == Decimal("30.00")
    assert cents(coupon.balance) == Decimal("30.00")
    assert parse_instant(coupon.effective_time) == sp_quota.effective
    assert parse_instant(coupon.expire_time) == sp_quota.expire


def test_issued_coupon_create_time_is_a_utc_instant_of_the_issue(sp, sp_quota, fresh_customer):
    before = _now().replace(microsecond=0) - timedelta(seconds=2)
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    after = _now() + timedelta(seconds=2)
    when = parse_instant(issued_coupon(sp, coupon_id).create_time)
    assert before <= when <= after, when


def test_coupons_are_listed_to_the_issuing_partner_only(sp, reseller, dist, reseller_id, sp_coupon):
    assert _coupon_ids(issued_coupons(reseller, coupon_id=sp_coupon)) == set()
    assert _coupon_ids(issued_coupons(dist, coupon_id=sp_coupon, indirect_partner_id=reseller_id)) == set()


def test_failed_issue_lists_no_coupon(sp, sp_quota, fresh_customer, reseller_customers):
    before = issued_coupons(sp, limit=1).total_count
    resp = create_coupons(sp, sp_quota.id, [reseller_customers[0]["domain_id"], fresh_customer.id], Decimal("100.01"))
    assert [code for _, code in error_items(resp)] == [NOT_OWN_CUSTOMER, QUOTA_SHORT]
    assert issued_coupons(sp, limit=1).total_count == before
    assert issued_coupons(sp, customer_id=fresh_customer.id).total_count == 0


# --------------------------------------------------------------------------
# issued coupons: filters and paging


def test_filter_by_customer_id(sp, sp_quota, fresh_customer, fresh_consultative):
    a = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    b = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("2.00"))
    issue_coupon(sp, sp_quota.id, fresh_consultative.id, Decimal("3.00"))
    resp = issued_coupons(sp, customer_id=fresh_customer.id)
    assert resp.total_count == 2
    assert _coupon_ids(resp) == {a, b}


def test_filter_by_unknown_coupon_id_lists_nothing(sp):
    resp = issued_coupons(sp, coupon_id=uuid.uuid4().hex)
    assert resp.total_count == 0
    assert not resp.user_coupons


def test_filter_by_status(sp, sp_quota, fresh_customer):
    kept = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    gone = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("2.00"))
    reclaim_coupon(sp, gone)
    assert _coupon_ids(issued_coupons(sp, customer_id=fresh_customer.id, status=COUPON_USABLE)) == {kept}
    assert _coupon_ids(issued_coupons(sp, customer_id=fresh_customer.id, status=COUPON_RECLAIMED)) == {gone}


def test_filter_by_coupon_type(sp, sp_id, sp_quota, fresh_customer):
    type1 = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    type4 = issue_coupon(sp, new_quota(sp_id, quota_type=1).id, fresh_customer.id, Decimal("1.00"))
    assert _coupon_ids(issued_coupons(sp, customer_id=fresh_customer.id, coupon_type=1)) == {type1}
    assert _coupon_ids(issued_coupons(sp, customer_id=fresh_customer.id, coupon_type=4)) == {type4}


def test_filter_by_create_time(sp, sp_coupon, fresh_customer):
    begin, end = _window()
    assert _coupon_ids(
        issued_coupons(sp, customer_id=fresh_customer.id, create_time_begin=begin, create_time_end=end)
    ) == {sp_coupon}
    begin, end = _past_window()
    assert issued_coupons(
        sp, customer_id=fresh_customer.id, create_time_begin=begin, create_time_end=end
    ).total_count == 0


def test_filter_by_effective_time(sp, sp_quota, sp_coupon, fresh_customer):
    eff = sp_quota.effective
    inside = issued_coupons(
        sp,
        customer_id=fresh_customer.id,
        effective_time_begin=utc_instant(eff - timedelta(minutes=1)),
        effective_time_end=utc_instant(eff + timedelta(minutes=1)),
    )
    assert _coupon_ids(inside) == {sp_coupon}
    later = issued_coupons(
        sp,
        customer_id=fresh_customer.id,
        effective_time_begin=utc_instant(eff + timedelta(minutes=1)),
        effective_time_end=utc_instant(eff + timedelta(hours=1)),
    )
    assert later.total_count == 0


def test_filter_by_expire_time(sp, sp_quota, sp_coupon, fresh_customer):
    exp = sp_quota.expire
    inside = issued_coupons(
        sp,
        customer_id=fresh_customer.id,
        expire_time_begin=utc_instant(exp - timedelta(minutes=1)),
        expire_time_end=utc_instant(exp + timedelta(minutes=1)),
    )
    assert _coupon_ids(inside) == {sp_coupon}
    earlier = issued_coupons(
        sp,
        customer_id=fresh_customer.id,
        expire_time_begin=utc_instant(exp - timedelta(hours=1)),
        expire_time_end=utc_instant(exp - timedelta(minutes=1)),
    )
    assert earlier.total_count == 0


def test_issued_coupons_page(sp, sp_quota, fresh_customer):
    ids = {issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00")) for _ in range(3)}
    first = issued_coupons(sp, customer_id=fresh_customer.id, offset=0, limit=2)
    rest = issued_coupons(sp, customer_id=fresh_customer.id, offset=2, limit=2)
    assert first.total_count == rest.total_count == 3
    assert len(first.user_coupons) == 2 and len(rest.user_coupons) == 1
    assert _coupon_ids(first) | _coupon_ids(rest) == ids


def test_distributor_lists_the_resellers_coupons(
    dist, reseller, reseller_id, reseller_quota, fresh_reseller_customer
):
    coupon_id = issue_coupon(reseller, reseller_quota.id, fresh_reseller_customer.id, Decimal("2.00"))
    resp = issued_coupons(dist, customer_id=fresh_reseller_customer.id, indirect_partner_id=reseller_id)
    assert _coupon_ids(resp) == {coupon_id}


def test_reseller_lists_the_coupons_the_distributor_issued_for_it(
    dist, reseller, reseller_id, reseller_quota, fresh_reseller_customer
):
    coupon_id = issue_coupon(
        dist, reseller_quota.id, fresh_reseller_customer.id, Decimal("2.00"), indirect_partner_id=reseller_id
    )
    assert _coupon_ids(issued_coupons(reseller, customer_id=fresh_reseller_customer.id)) == {coupon_id}


def test_distributor_own_listing_does_not_hold_the_resellers_coupons(
    dist, reseller, reseller_quota, fresh_reseller_customer
):
    coupon_id = issue_coupon(reseller, reseller_quota.id, fresh_reseller_customer.id, Decimal("2.00"))
    assert _coupon_ids(issued_coupons(dist, coupon_id=coupon_id)) == set()


# --------------------------------------------------------------------------
# coupon records


def test_issue_record_fields(sp, sp_quota, sp_coupon, fresh_customer):
    record = _only(coupon_records(sp, coupon_ids=[sp_coupon]))
    assert isinstance(record.id, str) and record.id
    assert record.operation_type == COUPON_ISSUE
    assert record.quota_id == sp_quota.id
    assert record.quota_type == 0
    assert record.coupon_id == sp_coupon
    assert record.customer_id == fresh_customer.id
    assert cents(record.operation_amount) == Decimal("30.00")
    assert record.result == "0"


def test_issue_record_time_is_a_utc_instant_of_the_issue(sp, sp_quota, fresh_customer):
    before = _now().replace(microsecond=0) - timedelta(seconds=2)
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    after = _now() + timedelta(seconds=2)
    when = parse_instant(_only(coupon_records(sp, coupon_ids=[coupon_id])).operation_time)
    assert before <= when <= after, when


def test_reclaim_record_fields(sp, sp_quota, sp_coupon, fresh_customer):
    reclaim_coupon(sp, sp_coupon)
    record = _only(coupon_records(sp, coupon_ids=[sp_coupon], operation_types=[COUPON_MANUAL_RECLAIM]))
    assert record.operation_type == COUPON_MANUAL_RECLAIM
    assert record.quota_id == sp_quota.id
    assert record.coupon_id == sp_coupon
    assert record.customer_id == fresh_customer.id
    assert cents(record.operation_amount) == Decimal("30.00")
    assert record.result == "0"


def test_issue_and_reclaim_are_two_records_of_the_coupon(sp, sp_coupon):
    reclaim_coupon(sp, sp_coupon)
    resp = coupon_records(sp, coupon_ids=[sp_coupon])
    assert resp.total_count == 2
    assert sorted(r.operation_type for r in resp.records) == [COUPON_ISSUE, COUPON_MANUAL_RECLAIM]
    assert len({r.id for r in resp.records}) == 2


def test_type_1_quota_coupon_record_has_quota_type_1(sp, sp_id, fresh_customer):
    q = new_quota(sp_id, quota_type=1)
    coupon_id = issue_coupon(sp, q.id, fresh_customer.id, Decimal("1.00"))
    record = _only(coupon_records(sp, coupon_ids=[coupon_id]))
    assert record.quota_type == 1
    assert record.quota_id == q.id


@pytest.mark.parametrize(
    "types, expected",
    [
        ([COUPON_ISSUE], [COUPON_ISSUE]),
        ([COUPON_MANUAL_RECLAIM], [COUPON_MANUAL_RECLAIM]),
        ([COUPON_ISSUE, COUPON_MANUAL_RECLAIM], [COUPON_ISSUE, COUPON_MANUAL_RECLAIM]),
    ],
    ids=["issue", "reclaim", "both"],
)
def test_filter_by_operation_types(sp, sp_coupon, types, expected):
    reclaim_coupon(sp, sp_coupon)
    resp = coupon_records(sp, coupon_ids=[sp_coupon], operation_types=types)
    assert sorted(r.operation_type for r in resp.records) == expected
    assert resp.total_count == len(expected)


def test_filter_by_several_coupon_ids(sp, sp_quota, fresh_customer):
    a = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    b = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("2.00"))
    issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("3.00"))
    resp = coupon_records(sp, coupon_ids=[a, b])
    assert resp.total_count == 2
    assert {r.coupon_id for r in resp.records} == {a, b}


def test_filter_by_quota_id(sp, sp_quota, fresh_customer, fresh_consultative):
    a = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    b = issue_coupon(sp, sp_quota.id, fresh_consultative.id, Decimal("2.00"))
    resp = coupon_records(sp, quota_id=sp_quota.id)
    assert resp.total_count == 2
    assert {r.coupon_id for r in resp.records} == {a, b}


def test_filter_by_quota_type(sp, sp_id, fresh_customer):
    q = new_quota(sp_id, quota_type=1)
    coupon_id = issue_coupon(sp, q.id, fresh_customer.id, Decimal("1.00"))
    assert {r.coupon_id for r in coupon_records(sp, customer_id=fresh_customer.id, quota_type=1).records} == {coupon_id}
    assert coupon_records(sp, customer_id=fresh_customer.id, quota_type=0).total_count == 0


def test_filter_by_customer_id(sp, sp_quota, fresh_customer, fresh_consultative):
    a = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    issue_coupon(sp, sp_quota.id, fresh_consultative.id, Decimal("2.00"))
    resp = coupon_records(sp, customer_id=fresh_customer.id)
    assert resp.total_count == 1
    assert resp.records[0].coupon_id == a


def test_filter_by_operation_time(sp, sp_coupon):
    def count(begin, end):
        return coupon_records(
            sp, coupon_ids=[sp_coupon], operation_time_begin=begin, operation_time_end=end
        ).total_count

    assert count(*_window()) == 1
    assert count(*_past_window()) == 0


def test_filter_by_result(sp, sp_coupon):
    assert coupon_records(sp, coupon_ids=[sp_coupon], result="0").total_count == 1


def test_records_page(sp, sp_quota, fresh_customer):
    for _ in range(3):
        issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    first = coupon_records(sp, quota_id=sp_quota.id, offset=0, limit=2)
    rest = coupon_records(sp, quota_id=sp_quota.id, offset=2, limit=2)
    assert first.total_count == rest.total_count == 3
    assert len(first.records) == 2 and len(rest.records) == 1
    assert len({r.id for r in first.records + rest.records}) == 3


def test_partial_issue_records_only_the_coupons_issued(sp, sp_quota, fresh_customer, fresh_consultative):
    unknown = uuid.uuid4().hex
    resp = create_coupons(sp, sp_quota.id, [fresh_customer.id, unknown, fresh_consultative.id], Decimal("60.00"))
    assert [info.id for info in resp.coupon_infos] == [fresh_customer.id]
    records = coupon_records(sp, quota_id=sp_quota.id)
    assert records.total_count == 1
    assert records.records[0].customer_id == fresh_customer.id


def test_distributor_reads_the_resellers_records(dist, reseller, reseller_id, reseller_quota, fresh_reseller_customer):
    coupon_id = issue_coupon(reseller, reseller_quota.id, fresh_reseller_customer.id, Decimal("2.00"))
    record = _only(coupon_records(dist, coupon_ids=[coupon_id], indirect_partner_id=reseller_id))
    assert record.quota_id == reseller_quota.id
    assert record.customer_id == fresh_reseller_customer.id


def test_records_are_the_acting_partners_only(sp, reseller, sp_coupon):
    assert coupon_records(reseller, coupon_ids=[sp_coupon]).total_count == 0
    assert coupon_records(sp, coupon_ids=[sp_coupon]).total_count == 1


# --------------------------------------------------------------------------
# roles

OPERATIONS = {"list_issued_partner_coupons": issued_coupons, "list_partner_coupons_record": coupon_records}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("who", ["customer", "reseller_customer"])
def test_customer_key_cannot_read_partner_coupons(request, operation, who):
    expect_error(403, FORBIDDEN, OPERATIONS[operation], request.getfixturevalue(who))


# --------------------------------------------------------------------------
# money on the wire


def _is_number(value):
    return isinstance(value, (Decimal, int)) and not isinstance(value, bool)


def test_money_fields_are_exact_json_numbers(sp, dist, sp_quota, sp_coupon, reseller_quota):
    quota = quota_of(sp, sp_quota.id)
    coupon = issued_coupon(sp, sp_coupon)
    record = _only(coupon_records(sp, coupon_ids=[sp_coupon]))
    sub = issued_quota(dist, reseller_quota.id)
    quota_record = _only(quota_records(dist, quota_id=reseller_quota.id))
    reclaimed = reclaim_quotas(dist, [reseller_quota.id]).simple_quota_infos[0]
    values = {
        "quota.quota_value": quota.quota_value,
        "quota.balance": quota.balance,
        "coupon.face_value": coupon.face_value,
        "coupon.balance": coupon.balance,
        "record.operation_amount": record.operation_amount,
        "sub_quota.quota_value": sub.quota_value,
        "sub_quota.balance": sub.balance,
        "quota_record.amount": quota_record.amount,
        "reclaim.quota_balance": reclaimed.quota_balance,
    }
    assert {k: v for k, v in values.items() if not _is_number(v)} == {}
