"""list_partner_balances and show_customer_account_balances."""

import uuid
from decimal import Decimal

import pytest

import support
from support import FORBIDDEN, NOT_OWN_INDIRECT, expect_error

PARTNERS = ("sp", "dist", "reseller")


def _is_number(value):
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


# --------------------------------------------------------------------------
# partner balance


@pytest.mark.parametrize("who", PARTNERS)
def test_partner_balance_is_one_cny_cash_entry(request, who):
    client = request.getfixturevalue(who)
    _, body = support.list_partner_balances(client)
    entries = body["account_balances"]
    assert len(entries) == 1, body
    entry = entries[0]
    assert entry["account_type"] == 1
    assert entry["currency"] == "CNY"
    assert entry["measure_id"] == 1
    assert _is_number(entry["designated_amount"]) and entry["designated_amount"] == 0


@pytest.mark.parametrize("who", PARTNERS)
def test_partner_balance_amount_is_an_exact_number_with_cents(request, who):
    client = request.getfixturevalue(who)
    _, body = support.list_partner_balances(client)
    amount = body["account_balances"][0]["amount"]
    assert _is_number(amount), "amount is not a JSON number: %r" % (amount,)
    assert amount == Decimal(amount).quantize(Decimal("0.01"))


def test_sdk_reads_partner_balance(sp):
    resp, _ = support.list_partner_balances(sp)
    assert len(resp.account_balances) == 1
    entry = resp.account_balances[0]
    assert (entry.account_type, entry.currency, entry.measure_id) == (1, "CNY", 1)


@pytest.mark.parametrize("who", PARTNERS)
def test_demo_partner_starts_with_money(request, who):
    # Seeded by operator top-ups; tests only ever move small amounts.
    assert support.partner_balance(request.getfixturevalue(who)) > 0


def test_distributor_reads_reseller_balance(dist, reseller, demo):
    via_distributor = support.partner_balance(dist, demo["reseller"]["domain_id"])
    assert via_distributor == support.partner_balance(reseller)


def test_distributor_reads_reseller_balance_as_one_cash_entry(dist, demo):
    _, body = support.list_partner_balances(dist, demo["reseller"]["domain_id"])
    entries = body["account_balances"]
    assert len(entries) == 1, body
    assert (entries[0]["account_type"], entries[0]["currency"], entries[0]["measure_id"]) == (1, "CNY", 1)


def test_distributor_reseller_view_follows_a_movement(dist, reseller, demo):
    reseller_id = demo["reseller"]["domain_id"]
    before = support.partner_balance(dist, reseller_id)
    support.allocate_indirect(dist, reseller_id, Decimal("1.25"))
    assert support.partner_balance(dist, reseller_id) - before == Decimal("1.25")
    assert support.partner_balance(reseller) == support.partner_balance(dist, reseller_id)


@pytest.mark.parametrize(
    "other",
    [
        lambda demo: demo["solution_provider"]["domain_id"],
        lambda demo: demo["distributor"]["domain_id"],
        lambda demo: uuid.uuid4().hex,
    ],
    ids=["solution_provider", "itself", "random"],
)
def test_distributor_cannot_read_balance_of_a_partner_that_is_not_its_reseller(dist, demo, other):
    expect_error(400, NOT_OWN_INDIRECT, support.list_partner_balances, dist, other(demo))


@pytest.mark.parametrize("who", ["customer", "reseller_customer"])
def test_customer_key_cannot_read_partner_balance(request, who):
    expect_error(403, FORBIDDEN, support.list_partner_balances, request.getfixturevalue(who))


# --------------------------------------------------------------------------
# customer balance


def test_new_customer_has_zero_balance(fresh_customer):
    assert support.customer_balance(fresh_customer.client) == 0


def test_customer_balance_response_shape(fresh_customer):
    resp = support.show_customer_balances(fresh_customer.client)
    assert len(resp.account_balances) == 1, resp
    entry = resp.account_balances[0]
    assert entry.account_type == 1
    assert _is_number(entry.amount), "amount is not a JSON number: %r" % (entry.amount,)
    assert resp.debt_amount == 0
    assert resp.measure_id == 1
    assert resp.currency == "CNY"


def test_demo_customer_balance_response_shape(customer):
    resp = support.show_customer_balances(customer)
    cash = [b for b in resp.account_balances if b.account_type == 1]
    assert len(cash) == 1, resp
    assert _is_number(cash[0].amount)
    assert cash[0].amount >= 0
    assert (resp.debt_amount, resp.measure_id, resp.currency) == (0, 1, "CNY")


def test_new_consultative_customer_has_zero_balance(fresh_consultative):
    assert support.customer_balance(fresh_consultative.client) == 0


def test_new_reseller_customer_has_zero_balance(fresh_reseller_customer):
    assert support.customer_balance(fresh_reseller_customer.client) == 0


def test_customer_balance_follows_an_allocation(sp, fresh_customer):
    support.allocate(sp, fresh_customer.id, Decimal("12.30"))
    assert support.customer_balance(fresh_customer.client) == Decimal("12.30")


@pytest.mark.parametrize("who", PARTNERS)
def test_partner_key_cannot_read_customer_balance(request, who):
    expect_error(403, FORBIDDEN, support.show_customer_balances, request.getfixturevalue(who))
