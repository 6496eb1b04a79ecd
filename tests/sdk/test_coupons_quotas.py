"""list_quota_coupons (POST /v2/partners/coupon-quotas/query): a partner's coupon quotas."""

import re
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from support import (
    BAD_PARAM,
    FORBIDDEN,
    NOT_OWN_INDIRECT,
    QUOTA_FROZEN,
    QUOTA_INVALID,
    QUOTA_NORMAL,
    all_quotas,
    cents,
    expect_error,
    find_quota,
    list_quotas,
    new_quota,
    parse_instant,
    quota_of,
    set_quota_status,
    utc_instant,
    whole_seconds,
)

INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _now():
    return whole_seconds(datetime.now(timezone.utc))


def _ids(resp):
    return {q.quota_id for q in resp.quotas or []}


@pytest.fixture
def sp_id(demo):
    return demo["solution_provider"]["domain_id"]


@pytest.fixture
def reseller_id(demo):
    return demo["reseller"]["domain_id"]


# --------------------------------------------------------------------------
# demo quotas


@pytest.mark.parametrize(
    "who, value",
    [("sp", "10000.00"), ("dist", "20000.00"), ("reseller", "5000.00")],
    ids=["solution_provider", "distributor", "reseller"],
)
def test_demo_quota_is_listed(request, who, value):
    client = request.getfixturevalue(who)
    values = [cents(q.quota_value) for q in all_quotas(client)]
    assert Decimal(value) in values, values


def test_demo_quotas_are_normal_type_0_quotas_in_cny(sp):
    quotas = [q for q in all_quotas(sp) if cents(q.quota_value) == Decimal("10000.00")]
    assert quotas
    for q in quotas:
        assert q.quota_type == 0
        assert q.currency == "CNY"
        assert q.measure_id == 1


# --------------------------------------------------------------------------
# what a quota says


def test_quota_fields(sp, sp_quota):
    quota = quota_of(sp, sp_quota.id)
    assert quota.quota_id == sp_quota.id
    assert quota.quota_type == 0
    assert cents(quota.quota_value) == Decimal("100.00")
    assert cents(quota.balance) == Decimal("100.00")
    assert quota.quota_status == QUOTA_NORMAL
    assert quota.currency == "CNY"
    assert quota.measure_id == 1


def test_quota_times_are_utc_instants(sp, sp_quota):
    quota = quota_of(sp, sp_quota.id)
    assert INSTANT.match(quota.effective_time), quota.effective_time
    assert INSTANT.match(quota.expire_time), quota.expire_time
    assert parse_instant(quota.effective_time) == sp_quota.effective
    assert parse_instant(quota.expire_time) == sp_quota.expire


def test_quota_past_its_expire_time_reads_invalid(sp, sp_id):
    q = new_quota(sp_id, effective=_now() - timedelta(days=5), expire=_now() - timedelta(hours=1))
    assert quota_of(sp, q.id).quota_status == QUOTA_INVALID


def test_quota_is_listed_to_its_partner_only(sp, dist, reseller, sp_quota):
    assert find_quota(sp, sp_quota.id) is not None
    assert find_quota(dist, sp_quota.id) is None
    assert find_quota(reseller, sp_quota.id) is None


def test_reseller_lists_its_sub_quota(reseller, reseller_quota):
    quota = quota_of(reseller, reseller_quota.id)
    assert cents(quota.quota_value) == reseller_quota.value
    assert cents(quota.balance) == reseller_quota.value
    assert quota.quota_status == QUOTA_NORMAL


# --------------------------------------------------------------------------
# filters


def test_quota_type_defaults_to_0(sp, sp_id):
    q = new_quota(sp_id, quota_type=1)
    assert q.id not in _ids(list_quotas(sp, quota_ids=[q.id]))
    assert q.id not in _ids(list_quotas(sp, quota_ids=[q.id], quota_type=0))


def test_quota_type_1_lists_only_type_1_quotas(sp, sp_id, sp_quota):
    q = new_quota(sp_id, quota_type=1)
    resp = list_quotas(sp, quota_ids=[q.id, sp_quota.id], quota_type=1)
    assert _ids(resp) == {q.id}
    assert resp.total_count == 1
    assert all(x.quota_type == 1 for x in all_quotas(sp, quota_type=1))


def test_default_listing_holds_only_type_0_quotas(sp, sp_id):
    new_quota(sp_id, quota_type=1)
    assert all(q.quota_type == 0 for q in all_quotas(sp))


def test_filter_by_one_quota_id(sp, sp_id, sp_quota):
    new_quota(sp_id)
    resp = list_quotas(sp, quota_ids=[sp_quota.id])
    assert resp.total_count == 1
    assert _ids(resp) == {sp_quota.id}


def test_filter_by_several_quota_ids(sp, sp_id):
    a, b = new_quota(sp_id), new_quota(sp_id)
    new_quota(sp_id)
    resp = list_quotas(sp, quota_ids=[a.id, b.id])
    assert resp.total_count == 2
    assert _ids(resp) == {a.id, b.id}


def test_filter_by_unknown_quota_id_lists_nothing(sp):
    resp = list_quotas(sp, quota_ids=[uuid.uuid4().hex])
    assert resp.total_count == 0
    assert not resp.quotas


def test_filter_by_status_finds_a_frozen_quota(sp, sp_quota):
    set_quota_status(sp_quota.id, QUOTA_FROZEN)
    assert _ids(list_quotas(sp, quota_ids=[sp_quota.id], quota_status_list=[QUOTA_FROZEN])) == {sp_quota.id}
    assert _ids(list_quotas(sp, quota_ids=[sp_quota.id], quota_status_list=[QUOTA_NORMAL])) == set()
    both = list_quotas(sp, quota_ids=[sp_quota.id], quota_status_list=[QUOTA_NORMAL, QUOTA_FROZEN])
    assert _ids(both) == {sp_quota.id}


def test_filter_by_status_normal(sp, sp_quota):
    assert _ids(list_quotas(sp, quota_ids=[sp_quota.id], quota_status_list=[QUOTA_NORMAL])) == {sp_quota.id}
    assert all(q.quota_status == QUOTA_NORMAL for q in all_quotas(sp, quota_status_list=[QUOTA_NORMAL]))


def test_filter_by_status_invalid_finds_an_expired_quota(sp, sp_id):
    q = new_quota(sp_id, effective=_now() - timedelta(days=5), expire=_now() - timedelta(hours=1))
    assert _ids(list_quotas(sp, quota_ids=[q.id], quota_status_list=[QUOTA_INVALID])) == {q.id}
    assert _ids(list_quotas(sp, quota_ids=[q.id], quota_status_list=[QUOTA_NORMAL])) == set()


def test_filter_by_create_time(sp, sp_id):
    before = _now() - timedelta(minutes=5)
    q = new_quota(sp_id)
    after = _now() + timedelta(minutes=5)
    inside = list_quotas(
        sp, quota_ids=[q.id], create_time_begin=utc_instant(before), create_time_end=utc_instant(after)
    )
    assert _ids(inside) == {q.id}
    past = list_quotas(
        sp,
        quota_ids=[q.id],
        create_time_begin=utc_instant(before - timedelta(days=2)),
        create_time_end=utc_instant(before - timedelta(days=1)),
    )
    assert _ids(past) == set()


def test_filter_by_effective_time(sp, sp_id):
    effective = _now() - timedelta(days=10)
    q = new_quota(sp_id, effective=effective)
    inside = list_quotas(
        sp,
        quota_ids=[q.id],
        effective_time_begin=utc_instant(effective - timedelta(minutes=1)),
        effective_time_end=utc_instant(effective + timedelta(minutes=1)),
    )
    assert _ids(inside) == {q.id}
    later = list_quotas(
        sp,
        quota_ids=[q.id],
        effective_time_begin=utc_instant(effective + timedelta(minutes=1)),
        effective_time_end=utc_instant(effective + timedelta(hours=1)),
    )
    assert _ids(later) == set()


def test_filter_by_expire_time(sp, sp_id):
    expire = _now() + timedelta(days=50)
    q = new_quota(sp_id, expire=expire)
    inside = list_quotas(
        sp,
        quota_ids=[q.id],
        expire_time_begin=utc_instant(expire - timedelta(minutes=1)),
        expire_time_end=utc_instant(expire + timedelta(minutes=1)),
    )
    assert _ids(inside) == {q.id}
    earlier = list_quotas(
        sp,
        quota_ids=[q.id],
        expire_time_begin=utc_instant(expire - timedelta(hours=1)),
        expire_time_end=utc_instant(expire - timedelta(minutes=1)),
    )
    assert _ids(earlier) == set()


# --------------------------------------------------------------------------
# paging


def test_limit_bounds_the_page(sp, sp_id):
    for _ in range(3):
        new_quota(sp_id)
    resp = list_quotas(sp, offset=0, limit=2)
    assert resp.total_count >= 3
    assert len(resp.quotas) == 2


def test_pages_cover_every_quota_once(sp, sp_id):
    for _ in range(3):
        new_quota(sp_id)
    total = list_quotas(sp, limit=1).total_count
    seen, offset = [], 0
    while offset < total:
        page = list_quotas(sp, offset=offset, limit=2).quotas or []
        assert page
        seen.extend(q.quota_id for q in page)
        offset += len(page)
    assert len(seen) == total
    assert len(set(seen)) == total


def test_offset_past_the_end_gives_an_empty_page(sp):
    total = list_quotas(sp, limit=1).total_count
    resp = list_quotas(sp, offset=total + 5, limit=10)
    assert resp.total_count == total
    assert not resp.quotas


def test_limit_100_is_accepted(sp):
    resp = list_quotas(sp, limit=100)
    assert len(resp.quotas or []) <= 100


@pytest.mark.parametrize("limit", [0, 101, -1])
def test_limit_out_of_range_is_rejected(sp, limit):
    expect_error(400, BAD_PARAM, list_quotas, sp, limit=limit)


# --------------------------------------------------------------------------
# tier-1 reading its tier-2's quotas


def test_distributor_lists_the_resellers_quotas(dist, reseller_id, reseller_quota):
    quota = quota_of(dist, reseller_quota.id, indirect_partner_id=reseller_id)
    assert cents(quota.balance) == reseller_quota.value
    assert find_quota(dist, reseller_quota.parent.id, indirect_partner_id=reseller_id) is None


def test_distributor_own_listing_does_not_hold_the_resellers_quotas(dist, reseller_quota):
    assert find_quota(dist, reseller_quota.id) is None
    assert find_quota(dist, reseller_quota.parent.id) is not None


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
    expect_error(400, NOT_OWN_INDIRECT, list_quotas, dist, indirect_partner_id=other(demo))


# --------------------------------------------------------------------------
# roles


@pytest.mark.parametrize("who", ["customer", "reseller_customer"])
def test_customer_key_cannot_list_quotas(request, who):
    expect_error(403, FORBIDDEN, list_quotas, request.getfixturevalue(who))
