"""X-Idempotency-Key on update_customer_account_amount.

The SDK cannot add headers, so these requests are signed with the SDK's own
Signer and sent with ``requests``.
"""

import uuid
from decimal import Decimal

import pytest

import support
from support import (
    BAD_PARAM,
    IDEMPOTENCY_CONFLICT,
    adjust_records,
    customer_balance,
    error_of,
    funds_state,
    idempotent_allocate,
    partner_balance,
)


def _key():
    return "k-" + uuid.uuid4().hex


def _ok(response):
    assert response.status_code == 200, response.text
    transfer_id = response.json().get("transfer_id")
    assert isinstance(transfer_id, str) and transfer_id, response.text
    return transfer_id


def _rejected(response, status, code):
    assert response.status_code == status, response.text
    assert error_of(response)[0] == code, response.text


@pytest.fixture
def sp_account(demo):
    return demo["solution_provider"]


@pytest.fixture
def reseller_account(demo):
    return demo["reseller"]


def test_request_with_a_key_moves_money(sp, sp_account, fresh_customer):
    before = partner_balance(sp)
    _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("4.40"), _key()))
    assert before - partner_balance(sp) == Decimal("4.40")
    assert customer_balance(fresh_customer.client) == Decimal("4.40")


def test_replay_returns_the_same_transfer_id(sp_account, fresh_customer):
    key = _key()
    first = _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("4.40"), key))
    second = _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("4.40"), key))
    assert first == second


def test_replay_moves_money_once(sp, sp_account, fresh_customer):
    key = _key()
    before = partner_balance(sp)
    for _ in range(3):
        _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("2.20"), key))
    assert before - partner_balance(sp) == Decimal("2.20")
    assert customer_balance(fresh_customer.client) == Decimal("2.20")


def test_replay_records_the_movement_once(sp, sp_account, fresh_customer):
    key = _key()
    transfer_id = _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("2.20"), key))
    _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("2.20"), key))
    resp = adjust_records(sp, customer_id=fresh_customer.id)
    assert resp.total_count == 1
    assert [r.trans_id for r in resp.records] == [transfer_id]


def test_replay_after_other_movements_still_returns_the_first_result(sp, sp_account, fresh_customer):
    key = _key()
    first = _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), key))
    support.allocate(sp, fresh_customer.id, Decimal("3.00"))
    assert _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), key)) == first
    assert customer_balance(fresh_customer.client) == Decimal("4.00")


def test_same_key_with_another_amount_is_a_conflict(sp, sp_account, fresh_customer):
    key = _key()
    _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), key))
    state = lambda: funds_state(sp, customer=fresh_customer.client, customer_id=fresh_customer.id)  # noqa: E731
    before = state()
    _rejected(idempotent_allocate(sp_account, fresh_customer.id, Decimal("2.00"), key), 400, IDEMPOTENCY_CONFLICT)
    assert state() == before
    assert customer_balance(fresh_customer.client) == Decimal("1.00")


def test_same_key_for_another_customer_is_a_conflict(sp, sp_account, fresh_customer):
    other = support.new_customer(sp)
    key = _key()
    _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), key))
    before = (funds_state(sp, customer=other.client, customer_id=other.id), customer_balance(fresh_customer.client))
    _rejected(idempotent_allocate(sp_account, other.id, Decimal("1.00"), key), 400, IDEMPOTENCY_CONFLICT)
    after = (funds_state(sp, customer=other.client, customer_id=other.id), customer_balance(fresh_customer.client))
    assert after == before
    assert customer_balance(other.client) == 0


def test_different_keys_are_different_requests(sp, sp_account, fresh_customer):
    first = _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), _key()))
    second = _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), _key()))
    assert first != second
    assert customer_balance(fresh_customer.client) == Decimal("2.00")


def test_without_a_key_each_request_moves_money(sp, sp_account, fresh_customer):
    first = _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), None))
    second = _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), None))
    assert first != second
    assert customer_balance(fresh_customer.client) == Decimal("2.00")


def test_keys_are_scoped_per_caller(sp, reseller, sp_account, reseller_account, fresh_customer, fresh_reseller_customer):
    key = _key()
    sp_before, reseller_before = partner_balance(sp), partner_balance(reseller)
    mine = _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.50"), key))
    theirs = _ok(idempotent_allocate(reseller_account, fresh_reseller_customer.id, Decimal("1.50"), key))
    assert mine != theirs
    assert sp_before - partner_balance(sp) == Decimal("1.50")
    assert reseller_before - partner_balance(reseller) == Decimal("1.50")
    assert customer_balance(fresh_customer.client) == Decimal("1.50")
    assert customer_balance(fresh_reseller_customer.client) == Decimal("1.50")


def test_key_used_by_another_caller_with_another_body_is_not_a_conflict(
    sp_account, reseller_account, fresh_customer, fresh_reseller_customer
):
    key = _key()
    _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), key))
    _ok(idempotent_allocate(reseller_account, fresh_reseller_customer.id, Decimal("2.00"), key))
    assert customer_balance(fresh_reseller_customer.client) == Decimal("2.00")


VALID_KEYS = {
    "one_char": lambda: uuid.uuid4().hex[0],
    "sixty_four_chars": lambda: uuid.uuid4().hex * 2,
    "every_symbol": lambda: "Az09_.:-" + uuid.uuid4().hex,
    "typical": lambda: "order:2024-01-01.a_b-c." + uuid.uuid4().hex[:8],
}


@pytest.mark.parametrize("case", sorted(VALID_KEYS))
def test_valid_key_is_accepted(sp_account, fresh_customer, case):
    key = VALID_KEYS[case]()
    _ok(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), key))
    assert customer_balance(fresh_customer.client) == Decimal("1.00")


@pytest.mark.parametrize(
    "key",
    [
        "x" * 65,
        "has space",
        "slash/key",
        "star*key",
        "quote'key",
        "comma,key",
    ],
    ids=["sixty_five_chars", "space", "slash", "star", "quote", "comma"],
)
def test_invalid_key_is_rejected_and_nothing_moves(sp, sp_account, fresh_customer, key):
    state = lambda: funds_state(sp, customer=fresh_customer.client, customer_id=fresh_customer.id)  # noqa: E731
    before = state()
    _rejected(idempotent_allocate(sp_account, fresh_customer.id, Decimal("1.00"), key), 400, BAD_PARAM)
    assert state() == before


def test_rejected_request_with_a_key_moves_nothing(sp, sp_account, fresh_consultative):
    state = lambda: funds_state(sp, customer=fresh_consultative.client, customer_id=fresh_consultative.id)  # noqa: E731
    before = state()
    response = idempotent_allocate(sp_account, fresh_consultative.id, Decimal("1.00"), _key())
    _rejected(response, 400, support.CONSULTATIVE_CUSTOMER)
    assert state() == before
