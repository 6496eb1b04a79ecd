"""list_issued_coupon_quotas (GET /v2/partners/issued-coupon-quotas) and
list_coupon_quotas_records (GET /v2/partners/coupon-quotas/records): a tier-1
distributor's sub-quotas and the history of issues and reclaims."""

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from support import (
    FORBIDDEN,
    QUOTA_ISSUE,
    QUOTA_NORMAL,
    QUOTA_RECLAIM,
    QUOTA_RECLAIMED,
    QUOTA_SHORT,
    adjust_quotas,
    cents,
    error_items,
    expect_error,
    issue_coupon,
    issue_sub_quota,
    issued_quota,
    issued_quotas,
    parse_instant,
    quota_of,
    quota_records,
    reclaim_quotas,
    utc_instant,
)


def _now():
    return datetime.now(timezone.utc)


def _only(resp):
    assert resp.total_count == 1, resp
    assert len(resp.records) == 1, resp
    return resp.records[0]


@pytest.fixture
def reseller_id(demo):
    return demo["reseller"]["domain_id"]


@pytest.fixture
def sub_id(dist, dist_quota, reseller_id):
    """A fresh 40.00 sub-quota of the reseller, issued from dist_quota."""
    return issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("40.00"))


# --------------------------------------------------------------------------
# issued sub-quotas


def test_issued_sub_quota_fields(dist, demo, dist_quota, sub_id, reseller_id):
    sub = issued_quota(dist, sub_id)
    assert sub.quota_id == sub_id
    assert sub.parent_quota_id == dist_quota.id
    assert sub.indirect_partner_id == reseller_id
    assert sub.indirect_partner_account_name == demo["reseller"]["domain_name"]
    assert isinstance(sub.indirect_partner_name, str) and sub.indirect_partner_name
    assert sub.quota_type == 0
    assert cents(sub.quota_value) == Decimal("40.00")
    assert cents(sub.balance) == Decimal("40.00")
    assert sub.quota_status == QUOTA_NORMAL
    assert sub.currency == "CNY"
    assert sub.measure_id == 1


def test_demo_sub_quota_of_the_reseller_is_issued_from_the_demo_quota(dist, reseller_id):
    subs, offset = [], 0
    while True:
        page = issued_quotas(dist, indirect_partner_id=reseller_id, offset=offset, limit=100)
        subs.extend(page.quotas or [])
        offset += len(page.quotas or [])
        if not page.quotas or offset >= page.total_count:
            break
    from_demo = [q for q in subs if cents(q.quota_value) == Decimal("5000.00")]
    assert from_demo, "the demo sub-quota of 5000.00 is not listed"
    parent = from_demo[0].parent_quota_id
    assert cents(quota_of(dist, parent).quota_value) == Decimal("20000.00")


def test_issued_sub_quota_balance_follows_the_resellers_coupons(dist, reseller, sub_id, fresh_reseller_customer):
    issue_coupon(reseller, sub_id, fresh_reseller_customer.id, Decimal("12.50"))
    sub = issued_quota(dist, sub_id)
    assert cents(sub.balance) == Decimal("27.50")
    assert cents(sub.quota_value) == Decimal("40.00")


def test_reclaimed_sub_quota_is_still_listed_with_status_6(dist, sub_id):
    reclaim_quotas(dist, [sub_id])
    sub = issued_quota(dist, sub_id)
    assert sub.quota_status == QUOTA_RECLAIMED
    assert cents(sub.balance) == Decimal("0")


def test_filter_by_parent_quota_id(dist, dist_quota, reseller_id):
    first = issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("1.00"))
    second = issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("2.00"))
    resp = issued_quotas(dist, parent_quota_id=dist_quota.id)
    assert resp.total_count == 2
    assert {q.quota_id for q in resp.quotas} == {first, second}
    assert all(q.parent_quota_id == dist_quota.id for q in resp.quotas)


def test_filter_by_indirect_partner_id(dist, sub_id, reseller_id):
    resp = issued_quotas(dist, indirect_partner_id=reseller_id, limit=100)
    assert resp.total_count >= 1
    assert all(q.indirect_partner_id == reseller_id for q in resp.quotas)
    assert sub_id in {q.quota_id for q in issued_quotas(dist, indirect_partner_id=reseller_id, quota_id=sub_id).quotas}


def test_filter_by_unknown_quota_id_lists_nothing(dist, sub_id):
    resp = issued_quotas(dist, quota_id=uuid.uuid4().hex)
    assert resp.total_count == 0
    assert not resp.quotas


def test_parent_quota_is_not_an_issued_quota(dist, dist_quota, sub_id):
    resp = issued_quotas(dist, quota_id=dist_quota.id)
    assert resp.total_count == 0


def test_issued_quotas_page(dist, dist_quota, reseller_id):
    ids = {issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("1.00")) for _ in range(3)}
    first = issued_quotas(dist, parent_quota_id=dist_quota.id, offset=0, limit=2)
    rest = issued_quotas(dist, parent_quota_id=dist_quota.id, offset=2, limit=2)
    assert first.total_count == rest.total_count == 3
    assert len(first.quotas) == 2 and len(rest.quotas) == 1
    assert {q.quota_id for q in first.quotas + rest.quotas} == ids


def test_failed_issue_lists_no_sub_quota(dist, dist_quota, reseller_id):
    resp = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("100.01"))
    assert error_items(resp) == [(reseller_id, QUOTA_SHORT)]
    assert issued_quotas(dist, parent_quota_id=dist_quota.id).total_count == 0


# --------------------------------------------------------------------------
# quota records


def test_issue_record_fields(dist, demo, dist_quota, sub_id, reseller_id):
    record = _only(quota_records(dist, quota_id=sub_id))
    assert isinstance(record.id, str) and record.id
    assert record.operation_type == QUOTA_ISSUE
    assert record.quota_id == sub_id
    assert record.parent_quota_id == dist_quota.id
    assert cents(record.amount) == Decimal("40.00")
    assert record.result == "0"
    assert record.operator == demo["distributor"]["domain_name"]
    assert record.indirect_partner_id == reseller_id
    assert record.indirect_partner_account_name == demo["reseller"]["domain_name"]
    assert isinstance(record.indirect_partner_name, str) and record.indirect_partner_name


def test_issue_record_time_is_a_utc_instant_of_the_issue(dist, dist_quota, reseller_id):
    before = _now().replace(microsecond=0) - timedelta(seconds=2)
    sub = issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("1.00"))
    after = _now() + timedelta(seconds=2)
    when = parse_instant(_only(quota_records(dist, quota_id=sub)).operation_time)
    assert before <= when <= after, when


def test_reclaim_record_fields(dist, demo, dist_quota, sub_id, reseller_id):
    reclaim_quotas(dist, [sub_id], remark="campaign closed")
    record = _only(quota_records(dist, quota_id=sub_id, operation_type=QUOTA_RECLAIM))
    assert record.operation_type == QUOTA_RECLAIM
    assert record.quota_id == sub_id
    assert record.parent_quota_id == dist_quota.id
    assert cents(record.amount) == Decimal("40.00")
    assert record.result == "0"
    assert record.operator == demo["distributor"]["domain_name"]
    assert record.indirect_partner_id == reseller_id
    assert record.remark == "campaign closed"


def test_reclaim_record_amount_is_what_came_back(dist, reseller, sub_id, fresh_reseller_customer):
    issue_coupon(reseller, sub_id, fresh_reseller_customer.id, Decimal("15.00"))
    reclaim_quotas(dist, [sub_id])
    record = _only(quota_records(dist, quota_id=sub_id, operation_type=QUOTA_RECLAIM))
    assert cents(record.amount) == Decimal("25.00")


def test_issue_and_reclaim_are_two_records_of_the_sub_quota(dist, sub_id):
    reclaim_quotas(dist, [sub_id])
    resp = quota_records(dist, quota_id=sub_id)
    assert resp.total_count == 2
    assert sorted(r.operation_type for r in resp.records) == [QUOTA_ISSUE, QUOTA_RECLAIM]
    assert len({r.id for r in resp.records}) == 2


@pytest.mark.parametrize("operation_type", [QUOTA_ISSUE, QUOTA_RECLAIM])
def test_filter_by_operation_type(dist, sub_id, operation_type):
    reclaim_quotas(dist, [sub_id])
    record = _only(quota_records(dist, quota_id=sub_id, operation_type=operation_type))
    assert record.operation_type == operation_type


def test_filter_by_parent_quota_id(dist, dist_quota, reseller_id):
    first = issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("1.00"))
    second = issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("2.00"))
    resp = quota_records(dist, parent_quota_id=dist_quota.id)
    assert resp.total_count == 2
    assert {r.quota_id for r in resp.records} == {first, second}
    assert {cents(r.amount) for r in resp.records} == {Decimal("1.00"), Decimal("2.00")}


def test_filter_by_indirect_partner_id(dist, sub_id, reseller_id):
    resp = quota_records(dist, indirect_partner_id=reseller_id, quota_id=sub_id)
    assert _only(resp).indirect_partner_id == reseller_id
    page = quota_records(dist, indirect_partner_id=reseller_id, limit=100).records
    assert all(r.indirect_partner_id == reseller_id for r in page)


def test_filter_by_operation_time(dist, sub_id):
    now = _now()
    inside = quota_records(
        dist,
        quota_id=sub_id,
        operation_time_begin=utc_instant(now - timedelta(minutes=5)),
        operation_time_end=utc_instant(now + timedelta(minutes=5)),
    )
    assert inside.total_count == 1
    past = quota_records(
        dist,
        quota_id=sub_id,
        operation_time_begin=utc_instant(now - timedelta(days=2)),
        operation_time_end=utc_instant(now - timedelta(days=1)),
    )
    assert past.total_count == 0


def test_records_page(dist, dist_quota, reseller_id):
    for _ in range(3):
        issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("1.00"))
    first = quota_records(dist, parent_quota_id=dist_quota.id, offset=0, limit=2)
    rest = quota_records(dist, parent_quota_id=dist_quota.id, offset=2, limit=2)
    assert first.total_count == rest.total_count == 3
    assert len(first.records) == 2 and len(rest.records) == 1
    assert len({r.id for r in first.records + rest.records}) == 3


def test_failed_issue_adds_no_record(dist, dist_quota, reseller_id):
    before = quota_records(dist, limit=1).total_count
    resp = adjust_quotas(dist, dist_quota.id, [reseller_id, uuid.uuid4().hex], Decimal("100.01"))
    assert not resp.simple_quota_infos
    assert quota_records(dist, limit=1).total_count == before


def test_failed_reclaim_adds_no_record(dist, sub_id):
    reclaim_quotas(dist, [sub_id])
    before = quota_records(dist, limit=1).total_count
    reclaim_quotas(dist, [sub_id, uuid.uuid4().hex])
    assert quota_records(dist, limit=1).total_count == before


# --------------------------------------------------------------------------
# roles

OPERATIONS = {"list_issued_coupon_quotas": issued_quotas, "list_coupon_quotas_records": quota_records}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("who", ["sp", "reseller", "customer", "reseller_customer"])
def test_only_a_tier1_distributor_reads_sub_quotas(request, operation, who):
    expect_error(403, FORBIDDEN, OPERATIONS[operation], request.getfixturevalue(who))
