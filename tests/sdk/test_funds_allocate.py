"""update_customer_account_amount (POST /v2/accounts/partner-accounts/adjust-amount):
partner cash -> customer account."""

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
)

CENT = Decimal("0.01")
INVALID_AMOUNTS = ["0", "0.00", "-1", "-0.01", "1.234", "0.001"]


# --------------------------------------------------------------------------
# successful allocations


def test_allocation_returns_a_transfer_id(sp, fresh_customer):
    resp = allocate(sp, fresh_customer.id, Decimal("3.00"))
    assert isinstance(resp.transfer_id, str) and resp.transfer_id


def test_allocation_moves_money_from_partner_to_customer(sp, fresh_customer):
    before = partner_balance(sp)
    allocate(sp, fresh_customer.id, Decimal("12.30"))
    assert before - partner_balance(sp) == Decimal("12.30")
    assert customer_balance(fresh_customer.client) == Decimal("12.30")


def test_allocation_to_demo_customer_adds_to_its_balance(sp, customer, sp_customers):
    target = [c for c in sp_customers if c["association_type"] == "resale"][0]
    before = customer_balance(customer)
    allocate(sp, target["domain_id"], Decimal("0.57"))
    assert customer_balance(customer) - before == Decimal("0.57")


def test_allocations_return_distinct_transfer_ids(sp, fresh_customer):
    first = allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id
    second = allocate(sp, fresh_customer.id, Decimal("1.00")).transfer_id
    assert first != second


def test_ten_cents_three_times_is_exactly_thirty_cents(sp, fresh_customer):
    before = partner_balance(sp)
    for _ in range(3):
        allocate(sp, fresh_customer.id, Decimal("0.10"))
    assert customer_balance(fresh_customer.client) == Decimal("0.30")
    assert before - partner_balance(sp) == Decimal("0.30")


def test_one_cent_is_accepted(sp, fresh_customer):
    allocate(sp, fresh_customer.id, CENT)
    assert customer_balance(fresh_customer.client) == CENT


def test_whole_number_amount_is_accepted(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("5"))
    assert customer_balance(fresh_customer.client) == Decimal("5.00")


def test_one_decimal_place_is_accepted(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("2.5"))
    assert customer_balance(fresh_customer.client) == Decimal("2.50")


def test_successive_allocations_add_up(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("7.15"))
    allocate(sp, fresh_customer.id, Decimal("2.86"))
    assert customer_balance(fresh_customer.client) == Decimal("10.01")


def test_reseller_allocates_to_its_own_customer(reseller, fresh_reseller_customer):
    before = partner_balance(reseller)
    allocate(reseller, fresh_reseller_customer.id, Decimal("4.20"))
    assert before - partner_balance(reseller) == Decimal("4.20")
    assert customer_balance(fresh_reseller_customer.client) == Decimal("4.20")


def test_distributor_allocates_from_the_resellers_account(dist, reseller, demo, fresh_reseller_customer):
    reseller_id = demo["reseller"]["domain_id"]
    dist_before, reseller_before = partner_balance(dist), partner_balance(reseller)
    resp = allocate(dist, fresh_reseller_customer.id, Decimal("6.66"), indirect_partner_id=reseller_id)
    assert resp.transfer_id
    assert partner_balance(dist) == dist_before
    assert reseller_before - partner_balance(reseller) == Decimal("6.66")
    assert customer_balance(fresh_reseller_customer.client) == Decimal("6.66")


def test_distributor_allocates_to_demo_reseller_customer(dist, reseller, demo, reseller_customers, reseller_customer):
    reseller_id = demo["reseller"]["domain_id"]
    reseller_before, customer_before = partner_balance(reseller), customer_balance(reseller_customer)
    allocate(dist, reseller_customers[0]["domain_id"], Decimal("0.33"), indirect_partner_id=reseller_id)
    assert reseller_before - partner_balance(reseller) == Decimal("0.33")
    assert customer_balance(reseller_customer) - customer_before == Decimal("0.33")


def test_allocating_the_whole_tier2_balance_empties_it(dist, demo, fresh_reseller_customer):
    reseller_id = demo["reseller"]["domain_id"]
    whole = partner_balance(dist, reseller_id)
    assert whole > 0
    try:
        allocate(dist, fresh_reseller_customer.id, whole, indirect_partner_id=reseller_id)
        assert partner_balance(dist, reseller_id) == 0
        assert customer_balance(fresh_reseller_customer.client) == whole
    finally:
        # Give the money back to the reseller so other tests keep a funded tier-2.
        left = customer_balance(fresh_reseller_customer.client)
        if left > 0:
            support.reclaim(dist, fresh_reseller_customer.id, left, indirect_partner_id=reseller_id)
    assert partner_balance(dist, reseller_id) == whole


# --------------------------------------------------------------------------
# amount rules


@pytest.mark.parametrize("amount", INVALID_AMOUNTS)
def test_invalid_amount_is_rejected_and_nothing_moves(sp, fresh_customer, amount):
    expect_rejected(
        400,
        BAD_PARAM,
        lambda: funds_state(sp, customer=fresh_customer.client, customer_id=fresh_customer.id),
        allocate,
        sp,
        fresh_customer.id,
        Decimal(amount),
    )


def test_invalid_amount_for_funded_customer_moves_nothing(sp, fresh_customer):
    allocate(sp, fresh_customer.id, Decimal("2.00"))
    expect_rejected(
        400,
        BAD_PARAM,
        lambda: funds_state(sp, customer=fresh_customer.client, customer_id=fresh_customer.id),
        allocate,
        sp,
        fresh_customer.id,
        Decimal("1.005"),
    )
    assert customer_balance(fresh_customer.client) == Decimal("2.00")


def test_missing_amount_is_rejected_and_nothing_moves(sp, fresh_customer):
    expect_rejected(
        400,
        BAD_PARAM,
        lambda: funds_state(sp, customer=fresh_customer.client, customer_id=fresh_customer.id),
        allocate,
        sp,
        fresh_customer.id,
        None,
    )


def test_missing_customer_id_is_rejected_and_nothing_moves(sp):
    expect_rejected(400, BAD_PARAM, lambda: funds_state(sp), allocate, sp, None, Decimal("1.00"))


@pytest.mark.parametrize("amount", INVALID_AMOUNTS)
def test_invalid_amount_from_distributor_for_reseller_is_rejected(dist, demo, fresh_reseller_customer, amount):
    reseller_id = demo["reseller"]["domain_id"]
    expect_rejected(
        400,
        BAD_PARAM,
        lambda: funds_state(
            dist,
            customer=fresh_reseller_customer.client,
            indirect_partner_id=reseller_id,
            customer_id=fresh_reseller_customer.id,
        ),
        allocate,
        dist,
        fresh_reseller_customer.id,
        Decimal(amount),
        indirect_partner_id=reseller_id,
    )


# --------------------------------------------------------------------------
# balance


def test_allocation_beyond_partner_balance_is_rejected(sp, fresh_customer):
    too_much = partner_balance(sp) + CENT
    expect_rejected(
        400,
        INSUFFICIENT_BALANCE,
        lambda: funds_state(sp, customer=fresh_customer.client, customer_id=fresh_customer.id),
        allocate,
        sp,
        fresh_customer.id,
        too_much,
    )


def test_allocation_beyond_reseller_balance_is_rejected(reseller, fresh_reseller_customer):
    too_much = partner_balance(reseller) + CENT
    expect_rejected(
        400,
        INSUFFICIENT_BALANCE,
        lambda: funds_state(reseller, customer=fresh_reseller_customer.client, customer_id=fresh_reseller_customer.id),
        allocate,
        reseller,
        fresh_reseller_customer.id,
        too_much,
    )


def test_distributor_allocation_is_limited_by_the_resellers_balance(dist, demo, fresh_reseller_customer):
    reseller_id = demo["reseller"]["domain_id"]
    too_much = partner_balance(dist, reseller_id) + CENT
    # The distributor itself could afford it: only the tier-2's account counts.
    assert partner_balance(dist) >= too_much
    expect_rejected(
        400,
        INSUFFICIENT_BALANCE,
        lambda: funds_state(
            dist,
            customer=fresh_reseller_customer.client,
            indirect_partner_id=reseller_id,
            customer_id=fresh_reseller_customer.id,
        ),
        allocate,
        dist,
        fresh_reseller_customer.id,
        too_much,
        indirect_partner_id=reseller_id,
    )


# --------------------------------------------------------------------------
# whose customer


def test_allocation_to_new_consultative_customer_is_rejected(sp, fresh_consultative):
    expect_rejected(
        400,
        CONSULTATIVE_CUSTOMER,
        lambda: funds_state(sp, customer=fresh_consultative.client, customer_id=fresh_consultative.id),
        allocate,
        sp,
        fresh_consultative.id,
        Decimal("1.00"),
    )


def test_allocation_to_demo_consultative_customer_is_rejected(sp, sp_customers):
    target = [c for c in sp_customers if c["association_type"] == "consultative"][0]
    expect_rejected(
        400,
        CONSULTATIVE_CUSTOMER,
        lambda: funds_state(sp, customer=support.client_for(target), customer_id=target["domain_id"]),
        allocate,
        sp,
        target["domain_id"],
        Decimal("1.00"),
    )


def test_solution_provider_cannot_allocate_to_the_resellers_customer(sp, reseller, reseller_customers, reseller_customer):
    target = reseller_customers[0]["domain_id"]
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: (
            funds_state(sp, customer_id=target),
            funds_state(reseller, customer=reseller_customer, customer_id=target),
        ),
        allocate,
        sp,
        target,
        Decimal("1.00"),
    )


def test_reseller_cannot_allocate_to_a_solution_provider_customer(sp, reseller, fresh_customer):
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: (
            funds_state(reseller, customer_id=fresh_customer.id),
            funds_state(sp, customer=fresh_customer.client, customer_id=fresh_customer.id),
        ),
        allocate,
        reseller,
        fresh_customer.id,
        Decimal("1.00"),
    )


def test_allocation_to_unknown_customer_id_is_rejected(sp):
    unknown = uuid.uuid4().hex
    expect_rejected(
        400, NOT_OWN_CUSTOMER, lambda: funds_state(sp, customer_id=unknown), allocate, sp, unknown, Decimal("1.00")
    )


def test_allocation_to_a_partner_account_is_rejected(sp, demo):
    other = demo["reseller"]["domain_id"]
    expect_rejected(
        400, NOT_OWN_CUSTOMER, lambda: funds_state(sp, customer_id=other), allocate, sp, other, Decimal("1.00")
    )


def test_distributor_without_indirect_partner_id_cannot_allocate_to_reseller_customer(
    dist, demo, fresh_reseller_customer
):
    reseller_id = demo["reseller"]["domain_id"]
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: funds_state(dist, customer=fresh_reseller_customer.client, indirect_partner_id=reseller_id),
        allocate,
        dist,
        fresh_reseller_customer.id,
        Decimal("1.00"),
    )


def test_distributor_cannot_allocate_for_reseller_to_another_partners_customer(dist, sp, demo, fresh_customer):
    reseller_id = demo["reseller"]["domain_id"]
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: (
            funds_state(dist, indirect_partner_id=reseller_id),
            funds_state(sp, customer=fresh_customer.client, customer_id=fresh_customer.id),
        ),
        allocate,
        dist,
        fresh_customer.id,
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
    dist, demo, fresh_reseller_customer, other
):
    reseller_id = demo["reseller"]["domain_id"]
    expect_rejected(
        400,
        NOT_OWN_INDIRECT,
        lambda: funds_state(
            dist,
            customer=fresh_reseller_customer.client,
            indirect_partner_id=reseller_id,
            customer_id=fresh_reseller_customer.id,
        ),
        allocate,
        dist,
        fresh_reseller_customer.id,
        Decimal("1.00"),
        indirect_partner_id=other(demo),
    )


# --------------------------------------------------------------------------
# roles


@pytest.mark.parametrize("who", ["customer", "reseller_customer"])
def test_customer_key_cannot_allocate(request, sp, who, fresh_customer):
    client = request.getfixturevalue(who)
    expect_rejected(
        403,
        FORBIDDEN,
        lambda: funds_state(sp, customer=fresh_customer.client, customer_id=fresh_customer.id),
        allocate,
        client,
        fresh_customer.id,
        Decimal("1.00"),
    )


def test_customer_key_cannot_allocate_to_itself(sp, fresh_customer):
    expect_rejected(
        403,
        FORBIDDEN,
        lambda: funds_state(sp, customer=fresh_customer.client, customer_id=fresh_customer.id),
        allocate,
        fresh_customer.client,
        fresh_customer.id,
        Decimal("1.00"),
    )
