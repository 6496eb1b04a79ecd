"""Replayed signed requests (docs/DOMAIN.md#R-AUTH-10).

A request signed once with the SDK's own Signer and sent again byte for byte: once the first
changed something, the copies are refused with 401 CBC.0155 and change nothing; a request
refused without effect is processed again when sent again; reads are answered every time.
"""

from decimal import Decimal

from support import (
    ADJUST_PATH,
    INSUFFICIENT_BALANCE,
    REPLAYED,
    customer_balance,
    error_of,
    partner_balance,
    send_prepared,
    sign_json,
)


def test_replayed_allocate_is_refused_and_moves_money_once(sp, demo, fresh_customer):
    before = partner_balance(sp)
    prepared = sign_json(demo["solution_provider"], ADJUST_PATH, {"customer_id": fresh_customer.id, "amount": Decimal("1.10")})
    first = send_prepared(prepared)
    assert first.status_code == 200, first.text
    for _ in range(3):
        again = send_prepared(prepared)
        assert again.status_code == 401, again.text
        code, message = error_of(again)
        assert code == REPLAYED, again.text
        assert "replay" in message, message
    assert before - partner_balance(sp) == Decimal("1.10")
    assert customer_balance(fresh_customer.client) == Decimal("1.10")


def test_refused_request_sent_again_is_processed_again(sp, demo, fresh_customer):
    too_much = partner_balance(sp) + Decimal("1000.00")
    prepared = sign_json(demo["solution_provider"], ADJUST_PATH, {"customer_id": fresh_customer.id, "amount": too_much})
    for _ in range(2):
        response = send_prepared(prepared)
        assert response.status_code == 400, response.text
        assert error_of(response)[0] == INSUFFICIENT_BALANCE, response.text
    assert customer_balance(fresh_customer.client) == Decimal("0.00")


def test_replayed_read_is_answered(demo):
    prepared = sign_json(demo["solution_provider"], "/v2/accounts/partner-accounts/balances", None, method="GET")
    for _ in range(3):
        response = send_prepared(prepared)
        assert response.status_code == 200, response.text
