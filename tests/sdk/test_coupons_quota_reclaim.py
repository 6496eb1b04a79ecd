"""reclaim_coupon_quotas (POST /v2/partners/coupon-quotas/indirect-partner-reclaim):
a tier-1 distributor takes back the remaining balance of sub-quotas it issued."""

import uuid
from decimal import Decimal

import pytest

from support import (
    BAD_PARAM,
    FORBIDDEN,
    QUOTA_FROZEN,
    QUOTA_INVALID,
    QUOTA_RECLAIMED,
    QUOTA_UNAVAILABLE,
    cents,
    coupons_state,
    create_coupons,
    error_items,
    expect_rejected,
    issue_coupon,
    issue_sub_quota,
    issued_quota,
    new_quota,
    quota_balance,
    quota_of,
    quota_state,
    reclaim_quotas,
    set_quota_status,
)


@pytest.fixture
def reseller_id(demo):
    return demo["reseller"]["domain_id"]


@pytest.fixture
def sub_id(dist, dist_quota, reseller_id):
    """A fresh 40.00 sub-quota of the reseller; the distributor's quota is left with 60.00."""
    return issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("40.00"))


def _infos(resp):
    return [(info.quota_id, cents(info.quota_balance)) for info in resp.simple_quota_infos or []]


# --------------------------------------------------------------------------
# successful reclaims


def test_reclaim_reports_the_sub_quota_with_a_zero_balance(dist, sub_id):
    resp = reclaim_quotas(dist, [sub_id], remark="end of campaign")
    assert _infos(resp) == [(sub_id, Decimal("0"))]
    assert not resp.error_details


def test_reclaim_returns_the_balance_to_the_parent_quota(dist, dist_quota, sub_id):
    assert quota_balance(dist, dist_quota.id) == Decimal("60.00")
    reclaim_quotas(dist, [sub_id])
    assert quota_balance(dist, dist_quota.id) == Decimal("100.00")


def test_reclaimed_sub_quota_reads_status_6_and_balance_0(dist, sub_id):
    reclaim_quotas(dist, [sub_id])
    sub = issued_quota(dist, sub_id)
    assert sub.quota_status == QUOTA_RECLAIMED
    assert cents(sub.balance) == Decimal("0")


def test_reseller_sees_its_sub_quota_reclaimed(dist, reseller, sub_id):
    reclaim_quotas(dist, [sub_id])
    quota = quota_of(reseller, sub_id)
    assert quota.quota_status == QUOTA_RECLAIMED
    assert cents(quota.balance) == Decimal("0")


def test_reclaim_returns_only_what_the_reseller_has_not_spent(
    dist, reseller, dist_quota, sub_id, fresh_reseller_customer
):
    issue_coupon(reseller, sub_id, fresh_reseller_customer.id, Decimal("15.00"))
    assert quota_balance(reseller, sub_id) == Decimal("25.00")
    reclaim_quotas(dist, [sub_id])
    assert quota_balance(dist, dist_quota.id) == Decimal("85.00")
    assert cents(issued_quota(dist, sub_id).balance) == Decimal("0")


def test_issue_then_reclaim_conserves_the_parent_quota(dist, dist_quota, reseller_id):
    before = quota_balance(dist, dist_quota.id)
    sub = issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("33.33"))
    reclaim_quotas(dist, [sub])
    assert quota_balance(dist, dist_quota.id) == before


def test_several_sub_quotas_are_reclaimed_in_one_call(dist, dist_quota, reseller_id):
    first = issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("10.00"))
    second = issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("20.00"))
    resp = reclaim_quotas(dist, [first, second])
    assert _infos(resp) == [(first, Decimal("0")), (second, Decimal("0"))]
    assert quota_balance(dist, dist_quota.id) == Decimal("100.00")


def test_sub_quotas_of_different_parents_go_back_to_their_own_parent(dist, demo, reseller_id):
    dist_id = demo["distributor"]["domain_id"]
    a, b = new_quota(dist_id), new_quota(dist_id)
    sub_a = issue_sub_quota(dist, a.id, reseller_id, Decimal("10.00"))
    sub_b = issue_sub_quota(dist, b.id, reseller_id, Decimal("30.00"))
    reclaim_quotas(dist, [sub_a, sub_b])
    assert quota_balance(dist, a.id) == Decimal("100.00")
    assert quota_balance(dist, b.id) == Decimal("100.00")


def test_invalidated_sub_quota_can_be_reclaimed(dist, dist_quota, sub_id):
    set_quota_status(sub_id, QUOTA_INVALID)
    resp = reclaim_quotas(dist, [sub_id])
    assert _infos(resp) == [(sub_id, Decimal("0"))]
    assert quota_balance(dist, dist_quota.id) == Decimal("100.00")
    assert issued_quota(dist, sub_id).quota_status == QUOTA_RECLAIMED


def test_emptied_sub_quota_can_be_reclaimed(dist, reseller, dist_quota, sub_id, fresh_reseller_customer):
    issue_coupon(reseller, sub_id, fresh_reseller_customer.id, Decimal("40.00"))
    resp = reclaim_quotas(dist, [sub_id])
    assert _infos(resp) == [(sub_id, Decimal("0"))]
    assert quota_balance(dist, dist_quota.id) == Decimal("60.00")


# --------------------------------------------------------------------------
# per-item failures (HTTP 200)


def test_reclaiming_twice_reports_the_second_and_moves_nothing(dist, dist_quota, sub_id):
    reclaim_quotas(dist, [sub_id])
    state = lambda: quota_state(dist, quota_ids=[dist_quota.id], sub_quota_ids=[sub_id])  # noqa: E731
    before = state()
    resp = reclaim_quotas(dist, [sub_id])
    assert error_items(resp) == [(sub_id, QUOTA_UNAVAILABLE)]
    assert not resp.simple_quota_infos
    assert state() == before


@pytest.mark.parametrize(
    "target",
    [
        lambda ctx: uuid.uuid4().hex,
        lambda ctx: ctx["dist_quota"].id,
        lambda ctx: ctx["sp_quota"].id,
    ],
    ids=["unknown", "own_parent_quota", "solution_provider_quota"],
)
def test_quota_that_is_not_an_issued_sub_quota_is_reported(dist, sp, dist_quota, sp_quota, target):
    quota_id = target({"dist_quota": dist_quota, "sp_quota": sp_quota})
    state = lambda: (  # noqa: E731
        quota_state(dist, quota_ids=[dist_quota.id]),
        quota_balance(sp, sp_quota.id),
    )
    before = state()
    resp = reclaim_quotas(dist, [quota_id])
    assert error_items(resp) == [(quota_id, QUOTA_UNAVAILABLE)]
    assert not resp.simple_quota_infos
    assert state() == before


def test_frozen_sub_quota_is_reported_and_keeps_its_balance(dist, dist_quota, sub_id):
    set_quota_status(sub_id, QUOTA_FROZEN)
    state = lambda: quota_state(dist, quota_ids=[dist_quota.id], sub_quota_ids=[sub_id])  # noqa: E731
    before = state()
    resp = reclaim_quotas(dist, [sub_id])
    assert error_items(resp) == [(sub_id, QUOTA_UNAVAILABLE)]
    assert state() == before
    assert cents(issued_quota(dist, sub_id).balance) == Decimal("40.00")


def test_mixed_quota_ids_reclaim_only_the_good_ones(dist, dist_quota, reseller_id):
    first = issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("10.00"))
    second = issue_sub_quota(dist, dist_quota.id, reseller_id, Decimal("5.00"))
    unknown = uuid.uuid4().hex
    resp = reclaim_quotas(dist, [first, unknown, second, dist_quota.id])
    assert _infos(resp) == [(first, Decimal("0")), (second, Decimal("0"))]
    assert error_items(resp) == [(unknown, QUOTA_UNAVAILABLE), (dist_quota.id, QUOTA_UNAVAILABLE)]
    assert quota_balance(dist, dist_quota.id) == Decimal("100.00")


def test_reclaimed_sub_quota_issues_no_more_coupons(dist, reseller, sub_id, fresh_reseller_customer):
    reclaim_quotas(dist, [sub_id])
    expect_rejected(
        400,
        QUOTA_UNAVAILABLE,
        lambda: coupons_state(reseller, quota_ids=[sub_id], customers=[fresh_reseller_customer.client]),
        create_coupons,
        reseller,
        sub_id,
        [fresh_reseller_customer.id],
        Decimal("1.00"),
    )


# --------------------------------------------------------------------------
# whole-request rejections


def test_empty_quota_ids_are_rejected(dist, dist_quota):
    expect_rejected(
        400, BAD_PARAM, lambda: quota_state(dist, quota_ids=[dist_quota.id]), reclaim_quotas, dist, []
    )


@pytest.mark.parametrize("who", ["sp", "reseller", "customer", "reseller_customer"])
def test_only_a_tier1_distributor_reclaims_sub_quotas(request, dist, dist_quota, sub_id, who):
    client = request.getfixturevalue(who)
    expect_rejected(
        403,
        FORBIDDEN,
        lambda: quota_state(dist, quota_ids=[dist_quota.id], sub_quota_ids=[sub_id]),
        reclaim_quotas,
        client,
        [sub_id],
    )
