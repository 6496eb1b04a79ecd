"""update_coupon_quotas (POST /v2/partners/coupon-quotas/indirect-partner-adjust):
a tier-1 distributor issues sub-quotas of its quota to its tier-2 resellers."""

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
    QUOTA_NOT_IN_EFFECT,
    QUOTA_SHORT,
    QUOTA_UNAVAILABLE,
    adjust_quotas,
    all_quotas,
    cents,
    error_items,
    expect_rejected,
    issued_quota,
    new_quota,
    quota_balance,
    quota_of,
    quota_state,
    set_quota_status,
    whole_seconds,
)

INVALID_AMOUNTS = ["0", "0.00", "-1", "-0.01", "1.234", "0.001"]


def _now():
    return whole_seconds(datetime.now(timezone.utc))


@pytest.fixture
def reseller_id(demo):
    return demo["reseller"]["domain_id"]


@pytest.fixture
def dist_id(demo):
    return demo["distributor"]["domain_id"]


@pytest.fixture
def state(dist, dist_quota, reseller_id):
    """The distributor's quota, its issued sub-quotas and records, the reseller's quotas."""
    return lambda: quota_state(dist, quota_ids=[dist_quota.id], indirect_partner_id=reseller_id)


# --------------------------------------------------------------------------
# successful issues


def test_issue_returns_the_new_sub_quota(dist, dist_quota, reseller_id):
    resp = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("30.00"))
    assert not resp.error_details
    assert len(resp.simple_quota_infos) == 1
    info = resp.simple_quota_infos[0]
    assert info.id == reseller_id
    assert isinstance(info.quota_id, str) and info.quota_id
    assert info.quota_id != dist_quota.id


def test_issue_takes_the_amount_from_the_parent_quota(dist, dist_quota, reseller_id):
    adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("30.00"))
    assert quota_balance(dist, dist_quota.id) == Decimal("70.00")


def test_parent_quota_value_is_unchanged_by_an_issue(dist, dist_quota, reseller_id):
    adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("30.00"))
    assert cents(quota_of(dist, dist_quota.id).quota_value) == Decimal("100.00")


def test_reseller_holds_the_issued_sub_quota(dist, reseller, dist_quota, reseller_id):
    sub_id = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("12.34")).simple_quota_infos[0].quota_id
    quota = quota_of(reseller, sub_id)
    assert cents(quota.quota_value) == Decimal("12.34")
    assert cents(quota.balance) == Decimal("12.34")
    assert quota.quota_status == QUOTA_NORMAL
    assert quota.quota_type == 0
    assert quota.currency == "CNY"


def test_distributor_sees_the_sub_quota_among_the_resellers_quotas(dist, dist_quota, reseller_id):
    sub_id = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("5.00")).simple_quota_infos[0].quota_id
    assert quota_balance(dist, sub_id, indirect_partner_id=reseller_id) == Decimal("5.00")


def test_sub_quota_is_listed_as_issued_from_its_parent(dist, dist_quota, reseller_id):
    sub_id = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("5.00")).simple_quota_infos[0].quota_id
    sub = issued_quota(dist, sub_id)
    assert sub.parent_quota_id == dist_quota.id
    assert sub.indirect_partner_id == reseller_id


def test_successive_issues_make_distinct_sub_quotas(dist, dist_quota, reseller_id):
    first = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("1.00")).simple_quota_infos[0].quota_id
    second = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("1.00")).simple_quota_infos[0].quota_id
    assert first != second
    assert quota_balance(dist, dist_quota.id) == Decimal("98.00")


def test_ten_cents_three_times_is_exactly_thirty_cents(dist, dist_quota, reseller_id):
    for _ in range(3):
        adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("0.10"))
    assert quota_balance(dist, dist_quota.id) == Decimal("99.70")


def test_issuing_the_whole_balance_empties_the_parent(dist, dist_quota, reseller_id):
    resp = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("100.00"))
    assert not resp.error_details
    assert quota_balance(dist, dist_quota.id) == Decimal("0.00")


def test_whole_number_and_one_decimal_amounts_are_accepted(dist, dist_quota, reseller_id):
    adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("5"))
    adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("2.5"))
    assert quota_balance(dist, dist_quota.id) == Decimal("92.50")


def test_issue_from_a_demo_quota_moves_exactly_the_amount(dist, demo, reseller_id):
    demo_quota = [q for q in all_quotas(dist) if cents(q.quota_value) == Decimal("20000.00")][0]
    before = cents(demo_quota.balance)
    adjust_quotas(dist, demo_quota.quota_id, [reseller_id], Decimal("0.01"))
    assert before - quota_balance(dist, demo_quota.quota_id) == Decimal("0.01")


# --------------------------------------------------------------------------
# per-item failures (HTTP 200)


@pytest.mark.parametrize(
    "other",
    [
        lambda demo: demo["solution_provider"]["domain_id"],
        lambda demo: demo["distributor"]["domain_id"],
        lambda demo: [c for c in demo["customers"] if c["partner"] == demo["reseller"]["domain_id"]][0]["domain_id"],
        lambda demo: uuid.uuid4().hex,
    ],
    ids=["solution_provider", "itself", "reseller_customer", "random"],
)
def test_partner_that_is_not_a_reseller_is_reported_and_nothing_moves(dist, demo, dist_quota, state, other):
    target = other(demo)
    before = state()
    resp = adjust_quotas(dist, dist_quota.id, [target], Decimal("10.00"))
    assert error_items(resp) == [(target, NOT_OWN_INDIRECT)]
    assert not resp.simple_quota_infos
    assert state() == before


def test_amount_beyond_the_parent_balance_is_reported_and_nothing_moves(dist, dist_quota, reseller_id, state):
    before = state()
    resp = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("100.01"))
    assert error_items(resp) == [(reseller_id, QUOTA_SHORT)]
    assert not resp.simple_quota_infos
    assert state() == before


def test_amount_beyond_a_drawn_down_parent_is_reported(dist, dist_quota, reseller_id):
    adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("60.00"))
    resp = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("40.01"))
    assert error_items(resp) == [(reseller_id, QUOTA_SHORT)]
    assert quota_balance(dist, dist_quota.id) == Decimal("40.00")


def test_mixed_partners_issue_only_to_the_reseller(dist, demo, dist_quota, reseller_id):
    sp_id, random_id = demo["solution_provider"]["domain_id"], uuid.uuid4().hex
    issued_before = quota_state(dist)["issued"]
    resp = adjust_quotas(dist, dist_quota.id, [sp_id, reseller_id, random_id], Decimal("10.00"))
    assert [info.id for info in resp.simple_quota_infos] == [reseller_id]
    assert error_items(resp) == [(sp_id, NOT_OWN_INDIRECT), (random_id, NOT_OWN_INDIRECT)]
    assert quota_balance(dist, dist_quota.id) == Decimal("90.00")
    assert quota_state(dist)["issued"] == issued_before + 1


# --------------------------------------------------------------------------
# whole-request rejections


@pytest.mark.parametrize("amount", INVALID_AMOUNTS)
def test_invalid_amount_is_rejected_and_nothing_moves(dist, dist_quota, reseller_id, state, amount):
    expect_rejected(400, BAD_PARAM, state, adjust_quotas, dist, dist_quota.id, [reseller_id], Decimal(amount))


def test_missing_amount_is_rejected_and_nothing_moves(dist, dist_quota, reseller_id, state):
    expect_rejected(400, BAD_PARAM, state, adjust_quotas, dist, dist_quota.id, [reseller_id], None)


def test_empty_partner_list_is_rejected_and_nothing_moves(dist, dist_quota, state):
    expect_rejected(400, BAD_PARAM, state, adjust_quotas, dist, dist_quota.id, [], Decimal("1.00"))


def test_unknown_quota_is_rejected(dist, reseller_id, state):
    unknown = uuid.uuid4().hex
    expect_rejected(400, QUOTA_UNAVAILABLE, state, adjust_quotas, dist, unknown, [reseller_id], Decimal("1.00"))


def test_another_partners_quota_is_rejected(dist, sp, sp_quota, reseller_id, state):
    expect_rejected(
        400,
        QUOTA_UNAVAILABLE,
        lambda: (state(), quota_balance(sp, sp_quota.id)),
        adjust_quotas,
        dist,
        sp_quota.id,
        [reseller_id],
        Decimal("1.00"),
    )


def test_the_resellers_sub_quota_cannot_be_issued_again(dist, reseller_quota, reseller_id):
    expect_rejected(
        400,
        QUOTA_UNAVAILABLE,
        lambda: quota_state(dist, sub_quota_ids=[reseller_quota.id], indirect_partner_id=reseller_id),
        adjust_quotas,
        dist,
        reseller_quota.id,
        [reseller_id],
        Decimal("1.00"),
    )


@pytest.mark.parametrize("status", [QUOTA_FROZEN, QUOTA_INVALID], ids=["frozen", "invalid"])
def test_quota_in_wrong_status_is_rejected(dist, dist_quota, reseller_id, state, status):
    set_quota_status(dist_quota.id, status)
    expect_rejected(400, QUOTA_UNAVAILABLE, state, adjust_quotas, dist, dist_quota.id, [reseller_id], Decimal("1.00"))


@pytest.mark.parametrize("status", [QUOTA_FROZEN, QUOTA_INVALID], ids=["frozen", "invalid"])
def test_restored_quota_issues_again(dist, dist_quota, reseller_id, status):
    set_quota_status(dist_quota.id, status)
    set_quota_status(dist_quota.id, QUOTA_NORMAL)
    resp = adjust_quotas(dist, dist_quota.id, [reseller_id], Decimal("1.00"))
    assert not resp.error_details
    assert quota_balance(dist, dist_quota.id) == Decimal("99.00")


def test_quota_not_yet_effective_is_rejected(dist, dist_id, reseller_id):
    q = new_quota(dist_id, effective=_now() + timedelta(days=1), expire=_now() + timedelta(days=30))
    expect_rejected(
        400,
        QUOTA_NOT_IN_EFFECT,
        lambda: quota_state(dist, quota_ids=[q.id], indirect_partner_id=reseller_id),
        adjust_quotas,
        dist,
        q.id,
        [reseller_id],
        Decimal("1.00"),
    )


def test_expired_quota_is_rejected(dist, dist_id, reseller_id):
    q = new_quota(dist_id, effective=_now() - timedelta(days=5), expire=_now() - timedelta(hours=1))
    expect_rejected(
        400,
        QUOTA_NOT_IN_EFFECT,
        lambda: quota_state(dist, quota_ids=[q.id], indirect_partner_id=reseller_id),
        adjust_quotas,
        dist,
        q.id,
        [reseller_id],
        Decimal("1.00"),
    )


def test_amount_rule_is_checked_before_the_partners(dist, dist_quota, state):
    expect_rejected(
        400, BAD_PARAM, state, adjust_quotas, dist, dist_quota.id, [uuid.uuid4().hex], Decimal("1.234")
    )


# --------------------------------------------------------------------------
# roles


@pytest.mark.parametrize("who", ["sp", "reseller", "customer", "reseller_customer"])
def test_only_a_tier1_distributor_issues_sub_quotas(request, dist, dist_quota, reseller_id, state, who):
    client = request.getfixturevalue(who)
    expect_rejected(403, FORBIDDEN, state, adjust_quotas, client, dist_quota.id, [reseller_id], Decimal("1.00"))


def test_solution_provider_cannot_issue_from_its_own_quota(sp, sp_quota, reseller_id):
    expect_rejected(
        403,
        FORBIDDEN,
        lambda: quota_balance(sp, sp_quota.id),
        adjust_quotas,
        sp,
        sp_quota.id,
        [reseller_id],
        Decimal("1.00"),
    )
