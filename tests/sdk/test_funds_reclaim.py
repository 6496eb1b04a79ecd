"""reclaim_to_partner_account (POST /v2/accounts/partner-accounts/reclaim):
customer account -> partner cash."""

import uuid
from decimal import Decimal

import pytest

import support
from support import (
    BAD_PARAM,
    CONSULTATIVE_CUSTOMER,
    FORBIDDEN,
    INSUFFICIENT_BALANCE,
    NOT_OWN_CUSTOMER,
    NOT_OWN_INDIRECT,
    allocate,
    customer_balance,
    expect_rejected,
    funds_state,
    partner_balance,
    reclaim,
)

CENT = Decimal("0.01")
INVALID_AMOUNTS = ["0", "0.00", "-1", "-0.01", "1.234", "0.001"]


@pytest.fixture
def funded(sp, fresh_customer):
    """A new customer of the solution provider holding 50.00."""
    allocate(sp, fresh_customer.id, Decimal("50.00"))
    return fresh_customer


@pytest.fixture
def funded_reseller_customer(reseller, fresh_reseller_customer):
    """A new customer of the reseller holding 30.00."""
    allocate(reseller, fresh_reseller_customer.id, Decimal("30.00"))
    return fresh_reseller_customer


def _sp_state(sp, c):
    return lambda: funds_state(sp, customer=c.client, customer_id=c.id)


# --------------------------------------------------------------------------
# successful reclaims


def test_reclaim_returns_a_trans_id(sp, funded):
    resp = reclaim(sp, funded.id, Decimal("1.00"))
    assert isinstance(resp.trans_id, str) and resp.trans_id


def test_reclaim_moves_money_from_customer_to_partner(sp, funded):
    before = partner_balance(sp)
    reclaim(sp, funded.id, Decimal("12.30"))
    assert partner_balance(sp) - before == Decimal("12.30")
    assert customer_balance(funded.client) == Decimal("37.70")


def test_reclaims_return_distinct_trans_ids(sp, funded):
    first = reclaim(sp, funded.id, Decimal("1.00")).trans_id
    second = reclaim(sp, funded.id, Decimal("1.00")).trans_id
    assert first != second


def test_reclaim_trans_id_differs_from_allocation_transfer_id(sp, fresh_customer):
    transfer_id = allocate(sp, fresh_customer.id, Decimal("2.00")).transfer_id
    assert reclaim(sp, fresh_customer.id, Decimal("2.00")).trans_id != transfer_id


def test_reclaiming_the_whole_balance_leaves_zero(sp, funded):
    before = partner_balance(sp)
    reclaim(sp, funded.id, Decimal("50.00"))
    assert customer_balance(funded.client) == 0
    assert partner_balance(sp) - before == Decimal("50.00")


def test_ten_cents_three_times_is_exactly_thirty_cents(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("1.00"))
    before = partner_balance(sp)
    for _ in range(3):
        reclaim(sp, fresh_customer.id, Decimal("0.10"))
    assert customer_balance(fresh_customer.client) == Decimal("0.70")
    assert partner_balance(sp) - before == Decimal("0.30")


def test_allocation_then_full_reclaim_restores_partner_balance(sp, fresh_customer):
    before = partner_balance(sp)
    allocate(sp, fresh_customer.id, Decimal("8.08"))
    reclaim(sp, fresh_customer.id, Decimal("8.08"))
    assert partner_balance(sp) == before
    assert customer_balance(fresh_customer.client) == 0


def test_reclaim_from_demo_customer(sp, customer, sp_customers):
    target = [c for c in sp_customers if c["association_type"] == "resale"][0]
    allocate(sp, target["domain_id"], Decimal("0.90"))
    before = customer_balance(customer)
    reclaim(sp, target["domain_id"], Decimal("0.40"))
    assert before - customer_balance(customer) == Decimal("0.40")


def test_reseller_reclaims_from_its_own_customer(reseller, funded_reseller_customer):
    before = partner_balance(reseller)
    reclaim(reseller, funded_reseller_customer.id, Decimal("10.50"))
    assert partner_balance(reseller) - before == Decimal("10.50")
    assert customer_balance(funded_reseller_customer.client) == Decimal("19.50")


def test_distributor_reclaims_into_the_resellers_account(dist, reseller, demo, funded_reseller_customer):
    reseller_id = demo["reseller"]["domain_id"]
    dist_before, reseller_before = partner_balance(dist), partner_balance(reseller)
    resp = reclaim(dist, funded_reseller_customer.id, Decimal("7.25"), indirect_partner_id=reseller_id)
    assert resp.trans_id
    assert partner_balance(dist) == dist_before
    assert partner_balance(reseller) - reseller_before == Decimal("7.25")
    assert customer_balance(funded_reseller_customer.client) == Decimal("22.75")


# --------------------------------------------------------------------------
# amount rules


@pytest.mark.parametrize("amount", INVALID_AMOUNTS)
def test_invalid_amount_is_rejected_and_nothing_moves(sp, funded, amount):
    expect_rejected(400, BAD_PARAM, _sp_state(sp, funded), reclaim, sp, funded.id, Decimal(amount))


def test_missing_amount_is_rejected_and_nothing_moves(sp, funded):
    expect_rejected(400, BAD_PARAM, _sp_state(sp, funded), reclaim, sp, funded.id, None)


def test_missing_customer_id_is_rejected_and_nothing_moves(sp):
    expect_rejected(400, BAD_PARAM, lambda: funds_state(sp), reclaim, sp, None, Decimal("1.00"))


@pytest.mark.parametrize("amount", INVALID_AMOUNTS)
def test_invalid_amount_from_distributor_for_reseller_is_rejected(dist, demo, funded_reseller_customer, amount):
    reseller_id = demo["reseller"]["domain_id"]
    c = funded_reseller_customer
    expect_rejected(
        400,
        BAD_PARAM,
        lambda: funds_state(dist, customer=c.client, indirect_partner_id=reseller_id, customer_id=c.id),
        reclaim,
        dist,
        c.id,
        Decimal(amount),
        indirect_partner_id=reseller_id,
    )


# --------------------------------------------------------------------------
# balance


def test_reclaim_beyond_customer_balance_is_rejected(sp, funded):
    expect_rejected(
        400, INSUFFICIENT_BALANCE, _sp_state(sp, funded), reclaim, sp, funded.id, Decimal("50.00") + CENT
    )
    assert customer_balance(funded.client) == Decimal("50.00")


def test_reclaim_from_customer_without_money_is_rejected(sp, fresh_customer):
    expect_rejected(400, INSUFFICIENT_BALANCE, _sp_state(sp, fresh_customer), reclaim, sp, fresh_customer.id, CENT)


def test_reclaim_after_full_reclaim_is_rejected(sp, funded):
    reclaim(sp, funded.id, Decimal("50.00"))
    expect_rejected(400, INSUFFICIENT_BALANCE, _sp_state(sp, funded), reclaim, sp, funded.id, CENT)


def test_distributor_reclaim_beyond_reseller_customer_balance_is_rejected(dist, demo, funded_reseller_customer):
    reseller_id = demo["reseller"]["domain_id"]
    c = funded_reseller_customer
    expect_rejected(
        400,
        INSUFFICIENT_BALANCE,
        lambda: funds_state(dist, customer=c.client, indirect_partner_id=reseller_id, customer_id=c.id),
        reclaim,
        dist,
        c.id,
        Decimal("30.01"),
        indirect_partner_id=reseller_id,
    )


# --------------------------------------------------------------------------
# whose customer


def test_reclaim_from_new_consultative_customer_is_rejected(sp, fresh_consultative):
    expect_rejected(
        400,
        CONSULTATIVE_CUSTOMER,
        _sp_state(sp, fresh_consultative),
        reclaim,
        sp,
        fresh_consultative.id,
        Decimal("1.00"),
    )


def test_reclaim_from_demo_consultative_customer_is_rejected(sp, sp_customers):
    target = [c for c in sp_customers if c["association_type"] == "consultative"][0]
    expect_rejected(
        400,
        CONSULTATIVE_CUSTOMER,
        lambda: funds_state(sp, customer=support.client_for(target), customer_id=target["domain_id"]),
        reclaim,
        sp,
        target["domain_id"],
        Decimal("1.00"),
    )


def test_solution_provider_cannot_reclaim_from_the_resellers_customer(sp, reseller, funded_reseller_customer):
    c = funded_reseller_customer
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: (
            funds_state(sp, customer_id=c.id),
            funds_state(reseller, customer=c.client, customer_id=c.id),
        ),
        reclaim,
        sp,
        c.id,
        Decimal("1.00"),
    )


def test_reseller_cannot_reclaim_from_a_solution_provider_customer(sp, reseller, funded):
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: (funds_state(reseller, customer_id=funded.id), _sp_state(sp, funded)()),
        reclaim,
        reseller,
        funded.id,
        Decimal("1.00"),
    )


def test_reclaim_from_unknown_customer_id_is_rejected(sp):
    unknown = uuid.uuid4().hex
    expect_rejected(
        400, NOT_OWN_CUSTOMER, lambda: funds_state(sp, customer_id=unknown), reclaim, sp, unknown, Decimal("1.00")
    )


def test_distributor_without_indirect_partner_id_cannot_reclaim_from_reseller_customer(
    dist, demo, funded_reseller_customer
):
    reseller_id = demo["reseller"]["domain_id"]
    c = funded_reseller_customer
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: funds_state(dist, customer=c.client, indirect_partner_id=reseller_id),
        reclaim,
        dist,
        c.id,
        Decimal("1.00"),
    )


def test_distributor_cannot_reclaim_for_reseller_from_another_partners_customer(dist, sp, demo, funded):
    reseller_id = demo["reseller"]["domain_id"]
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: (funds_state(dist, indirect_partner_id=reseller_id), _sp_state(sp, funded)()),
        reclaim,
        dist,
        funded.id,
        Decimal("1.00"),
        indirect_partner_id=reseller_id,
    )


@pytest.mark.parametrize(
    "other",
    [
        lambda demo: demo["solution_provider"]["domain_id"],
        lambda demo: demo["distributor"]["domain_id"],
        lambda demo: uuid.uuid4().hex,
    ],
    ids=["solution_provider", "itself", "random"],
)
def test_distributor_naming_a_partner_that_is_not_its_reseller_is_rejected(
    dist, demo, funded_reseller_customer, other
):
    reseller_id = demo["reseller"]["domain_id"]
    c = funded_reseller_customer
    expect_rejected(
        400,
        NOT_OWN_INDIRECT,
        lambda: funds_state(dist, customer=c.client, indirect_partner_id=reseller_id, customer_id=c.id),
        reclaim,
        dist,
        c.id,
        Decimal("1.00"),
        indirect_partner_id=other(demo),
    )


# --------------------------------------------------------------------------
# roles


@pytest.mark.parametrize("who", ["customer", "reseller_customer"])
def test_customer_key_cannot_reclaim(request, sp, who, funded):
    expect_rejected(
        403, FORBIDDEN, _sp_state(sp, funded), reclaim, request.getfixturevalue(who), funded.id, Decimal("1.00")
    )


def test_customer_key_cannot_reclaim_from_itself(sp, funded):
    expect_rejected(403, FORBIDDEN, _sp_state(sp, funded), reclaim, funded.client, funded.id, Decimal("1.00"))
