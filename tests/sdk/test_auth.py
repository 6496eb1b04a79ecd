"""SDK-HMAC-SHA256 authentication: every failure is 401 CBC.0154."""

import uuid
from datetime import timedelta

import requests

import support
from support import AUTH_FAILED, expect_error

QUERY_PATH = "/v2/partners/sub-customers/query"


def _sp(demo):
    return demo["solution_provider"]


def _raw(demo, **kwargs):
    a = _sp(demo)
    return support.signed_request(a["ak"], a["sk"], a["domain_id"], QUERY_PATH, {"limit": 1}, **kwargs)


def test_sdk_signed_request_is_accepted(sp):
    resp = support.list_customers(sp, limit=1)
    assert resp.count >= 1


def test_wrong_sk_is_rejected(demo):
    a = _sp(demo)
    client = support.make_client(a["ak"], a["sk"][::-1] + "x", a["domain_id"])
    expect_error(401, AUTH_FAILED, support.list_customers, client)


def test_unknown_ak_is_rejected(demo):
    a = _sp(demo)
    client = support.make_client(uuid.uuid4().hex.upper()[:20], a["sk"], a["domain_id"])
    expect_error(401, AUTH_FAILED, support.list_customers, client)


def test_domain_id_of_another_account_is_rejected(demo):
    a = _sp(demo)
    client = support.make_client(a["ak"], a["sk"], demo["reseller"]["domain_id"])
    expect_error(401, AUTH_FAILED, support.list_customers, client)


def test_unknown_domain_id_is_rejected(demo):
    a = _sp(demo)
    client = support.make_client(a["ak"], a["sk"], uuid.uuid4().hex)
    expect_error(401, AUTH_FAILED, support.list_customers, client)


def test_another_accounts_key_with_own_domain_id_is_rejected(demo):
    # Reseller's key pair presented with the solution provider's X-Domain-Id.
    r = demo["reseller"]
    client = support.make_client(r["ak"], r["sk"], _sp(demo)["domain_id"])
    expect_error(401, AUTH_FAILED, support.list_customers, client)


def test_raw_signed_request_with_current_date_is_accepted(demo):
    resp = _raw(demo, date=support.sdk_date())
    assert resp.status_code == 200, resp.text
    assert resp.json()["count"] >= 1


def test_date_five_minutes_old_is_accepted(demo):
    resp = _raw(demo, date=support.sdk_date(-timedelta(minutes=5)))
    assert resp.status_code == 200, resp.text


def test_date_fourteen_minutes_old_is_accepted(demo):
    resp = _raw(demo, date=support.sdk_date(-timedelta(minutes=14)))
    assert resp.status_code == 200, resp.text


def test_date_fourteen_minutes_ahead_is_accepted(demo):
    resp = _raw(demo, date=support.sdk_date(timedelta(minutes=14)))
    assert resp.status_code == 200, resp.text


def test_date_sixteen_minutes_old_is_rejected(demo):
    resp = _raw(demo, date=support.sdk_date(-timedelta(minutes=16)))
    assert resp.status_code == 401, resp.text
    assert support.error_of(resp)[0] == AUTH_FAILED


def test_date_sixteen_minutes_ahead_is_rejected(demo):
    resp = _raw(demo, date=support.sdk_date(timedelta(minutes=16)))
    assert resp.status_code == 401, resp.text
    assert support.error_of(resp)[0] == AUTH_FAILED


def test_body_changed_after_signing_is_rejected(demo):
    resp = _raw(demo, send_body={"limit": 2})
    assert resp.status_code == 401, resp.text
    assert support.error_of(resp)[0] == AUTH_FAILED


def test_request_without_authorization_is_rejected(demo, url):
    resp = requests.post(
        url + QUERY_PATH,
        json={"limit": 1},
        headers={"X-Domain-Id": _sp(demo)["domain_id"], "X-Sdk-Date": support.sdk_date()},
        timeout=10,
    )
    assert resp.status_code == 401, resp.text
    assert support.error_of(resp)[0] == AUTH_FAILED


def test_rejected_create_creates_nothing(demo, sp):
    a = _sp(demo)
    client = support.make_client(a["ak"], a["sk"] + "x", a["domain_id"])
    name, xid = support.new_name(), support.new_xaccount_id()
    expect_error(401, AUTH_FAILED, support.create, client, domain_name=name, xaccount_id=xid)
    support.assert_name_unused(sp, name, sp)
    support.create(sp, xaccount_id=xid)  # the xaccount pair is still free
