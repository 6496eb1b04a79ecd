"""update_indirect_partner_account (tier-1 -> tier-2) and
reclaim_indirect_partner_account (tier-2 -> tier-1)."""

import uuid
from decimal import Decimal

import pytest

from support import (
    BAD_PARAM,
    FORBIDDEN,
    INSUFFICIENT_BALANCE,
    NOT_OWN_INDIRECT,
    allocate_indirect,
    expect_rejected,
    funds_state,
    partner_balance,
    reclaim_indirect,
)

CENT = Decimal("0.01")
INVALID_AMOUNTS = ["0", "0.00", "-1", "-0.01", "1.234", "0.001"]
OPERATIONS = {"allocate_indirect": allocate_indirect, "reclaim_indirect": reclaim_indirect}

NOT_RESELLERS = [
    lambda demo: demo["solution_provider"]["domain_id"],
    lambda demo: demo["distributor"]["domain_id"],
    lambda demo: [c for c in demo["customers"] if c["partner"] == demo["reseller"]["domain_id"]][0]["domain_id"],
    lambda demo: uuid.uuid4().hex,
]
NOT_RESELLER_IDS = ["solution_provider", "itself", "reseller_customer", "random"]


@pytest.fixture
def reseller_id(demo):
    return demo["reseller"]["domain_id"]


@pytest.fixture
def state(dist, reseller, reseller_id):
    """Both sides of a tier-1 <-> tier-2 movement."""
    return lambda: (funds_state(dist, indirect_partner_id=reseller_id), funds_state(reseller))


# --------------------------------------------------------------------------
# tier-1 -> tier-2


def test_allocation_to_reseller_returns_a_transfer_id(dist, reseller_id):
    resp = allocate_indirect(dist, reseller_id, Decimal("1.00"))
    assert isinstance(resp.transfer_id, str) and resp.transfer_id


def test_allocation_to_reseller_moves_money(dist, reseller, reseller_id):
    dist_before, reseller_before = partner_balance(dist), partner_balance(reseller)
    allocate_indirect(dist, reseller_id, Decimal("15.40"))
    assert dist_before - partner_balance(dist) == Decimal("15.40")
    assert partner_balance(reseller) - reseller_before == Decimal("15.40")


def test_allocations_to_reseller_return_distinct_transfer_ids(dist, reseller_id):
    first = allocate_indirect(dist, reseller_id, Decimal("1.00")).transfer_id
    second = allocate_indirect(dist, reseller_id, Decimal("1.00")).transfer_id
    assert first != second


def test_allocation_to_reseller_ten_cents_three_times(dist, reseller, reseller_id):
    dist_before, reseller_before = partner_balance(dist), partner_balance(reseller)
    for _ in range(3):
        allocate_indirect(dist, reseller_id, Decimal("0.10"))
    assert dist_before - partner_balance(dist) == Decimal("0.30")
    assert partner_balance(reseller) - reseller_before == Decimal("0.30")


def test_allocation_to_reseller_beyond_distributor_balance_is_rejected(dist, reseller_id, state):
    too_much = partner_balance(dist) + CENT
    expect_rejected(400, INSUFFICIENT_BALANCE, state, allocate_indirect, dist, reseller_id, too_much)


# --------------------------------------------------------------------------
# tier-2 -> tier-1


def test_reclaim_from_reseller_returns_a_trans_id(dist, reseller_id):
    allocate_indirect(dist, reseller_id, Decimal("1.00"))
    resp = reclaim_indirect(dist, reseller_id, Decimal("1.00"))
    assert isinstance(resp.trans_id, str) and resp.trans_id


def test_reclaim_from_reseller_moves_money(dist, reseller, reseller_id):
    allocate_indirect(dist, reseller_id, Decimal("9.99"))
    dist_before, reseller_before = partner_balance(dist), partner_balance(reseller)
    reclaim_indirect(dist, reseller_id, Decimal("9.99"))
    assert partner_balance(dist) - dist_before == Decimal("9.99")
    assert reseller_before - partner_balance(reseller) == Decimal("9.99")


def test_reclaim_from_reseller_ten_cents_three_times(dist, reseller, reseller_id):
    allocate_indirect(dist, reseller_id, Decimal("0.30"))
    dist_before, reseller_before = partner_balance(dist), partner_balance(reseller)
    for _ in range(3):
        reclaim_indirect(dist, reseller_id, Decimal("0.10"))
    assert partner_balance(dist) - dist_before == Decimal("0.30")
    assert reseller_before - partner_balance(reseller) == Decimal("0.30")


def test_reclaiming_the_whole_reseller_balance_leaves_zero(dist, reseller, reseller_id):
    whole = partner_balance(reseller)
    assert whole > 0
    dist_before = partner_balance(dist)
    reclaim_indirect(dist, reseller_id, whole)
    try:
        assert partner_balance(reseller) == 0
        assert partner_balance(dist) - dist_before == whole
    finally:
        allocate_indirect(dist, reseller_id, whole)
    assert partner_balance(reseller) == whole


def test_reclaim_beyond_reseller_balance_is_rejected(dist, reseller, reseller_id, state):
    too_much = partner_balance(reseller) + CENT
    expect_rejected(400, INSUFFICIENT_BALANCE, state, reclaim_indirect, dist, reseller_id, too_much)


# --------------------------------------------------------------------------
# shared rules


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("amount", INVALID_AMOUNTS)
def test_invalid_amount_is_rejected_and_nothing_moves(dist, reseller_id, state, operation, amount):
    expect_rejected(400, BAD_PARAM, state, OPERATIONS[operation], dist, reseller_id, Decimal(amount))


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_missing_amount_is_rejected_and_nothing_moves(dist, reseller_id, state, operation):
    expect_rejected(400, BAD_PARAM, state, OPERATIONS[operation], dist, reseller_id, None)


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("other", NOT_RESELLERS, ids=NOT_RESELLER_IDS)
def test_partner_that_is_not_the_distributors_reseller_is_rejected(dist, demo, state, operation, other):
    expect_rejected(400, NOT_OWN_INDIRECT, state, OPERATIONS[operation], dist, other(demo), Decimal("1.00"))


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("who", ["sp", "reseller", "customer", "reseller_customer"])
def test_only_a_tier1_distributor_may_move_money_with_a_reseller(request, reseller_id, state, operation, who):
    client = request.getfixturevalue(who)
    expect_rejected(403, FORBIDDEN, state, OPERATIONS[operation], client, reseller_id, Decimal("1.00"))
