"""Shared building blocks of the SDK compatibility suite.

Everything here talks to the server exactly as a partner's integration would:
through the official ``huaweicloudsdkbss`` client, or (for the few transport
level checks the SDK cannot express) through ``requests`` with a request
signed by the SDK's own ``Signer``.
"""

import json
import os
import re
import subprocess
import types
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import urlparse

import pytest
import requests
import simplejson  # the SDK's own JSON library; writes and reads Decimal exactly
from huaweicloudsdkbss.v2 import (
    AdjustAccountReq,
    AdjustToIndirectPartnerReq,
    BssClient,
    CheckSubcustomerUserReq,
    CheckUserIdentityRequest,
    CreateCustomerV2Req,
    CreateSubCustomerRequest,
    ListCustomerAccountChangeRecordsRequest,
    ListIndirectPartnersRequest,
    ListPartnerAccountChangeRecordsRequest,
    ListPartnerAdjustRecordsRequest,
    ListPartnerBalancesRequest,
    ListSubCustomersRequest,
    QueryIndirectPartnersReq,
    QuerySubCustomerListReq,
    ReclaimIndirectPartnerAccountReq,
    ReclaimIndirectPartnerAccountRequest,
    ReclaimToPartnerAccountBalancesReq,
    ReclaimToPartnerAccountRequest,
    ShowCustomerAccountBalancesRequest,
    UpdateCustomerAccountAmountRequest,
    UpdateIndirectPartnerAccountRequest,
)
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.http.http_handler import HttpHandler
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

# Error codes of the contract.
AUTH_FAILED = "CBC.0154"
FORBIDDEN = "CBC.0151"
BAD_PARAM = "CBC.0100"
BAD_MOBILE = "CBC.5017"
MOBILE_LIMIT = "CBC.99000030"
BAD_NAME = "CBC.99000031"
BAD_PASSWORD = "CBC.99000036"
NOT_OWN_INDIRECT = "CBC.99000037"
NAME_USED = "CBC.99000038"
XACCOUNT_USED = "CBC.99000039"
INDIRECT_REQUIRED = "CBC.50010059"

XACCOUNT_TYPE = "pcenter_sdk_suite"

HEX32 = re.compile(r"^[0-9a-f]{32}$")
ASSOCIATED_ON = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
CHECK_NAME = re.compile(r"^[a-zA-Z-][a-zA-Z0-9_-]{4,31}$")

ASSOCIATION_TYPE = {"consultative": "1", "resale": "2"}

# Marker for "leave this field out of the request body".
OMIT = object()


def base_url():
    url = os.environ.get("PCENTER_URL")
    if not url:
        pytest.exit("PCENTER_URL is not set; run the suite with scripts/sdk-tests.sh", returncode=2)
    return url.rstrip("/")


def load_demo():
    path = os.environ.get("PCENTER_DEMO")
    if not path:
        pytest.exit("PCENTER_DEMO is not set; run the suite with scripts/sdk-tests.sh", returncode=2)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# --------------------------------------------------------------------------
# unique test data


def new_name(prefix="sdk"):
    """A fresh, valid customer domain_name (letters, digits; 5..32 chars)."""
    return (prefix + uuid.uuid4().hex)[:28]


def new_xaccount_id():
    return "x" + uuid.uuid4().hex


def new_mobile():
    """A fresh Chinese mobile number ``1\\d{10}`` (139 + 8 random digits)."""
    return "139" + "%08d" % (uuid.uuid4().int % 10**8)


def new_email():
    return "%s@example.org" % uuid.uuid4().hex


# --------------------------------------------------------------------------
# clients


class ResponseRecorder:
    """Keeps the raw ``requests.Response`` objects an SDK client received."""

    def __init__(self):
        self.responses = []

    def __call__(self, **kwargs):
        self.responses.append(kwargs["response"])

    @property
    def last(self):
        assert self.responses, "no response was recorded"
        return self.responses[-1]


def make_client(ak, sk, domain_id, recorder=None):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 60)
    handler = HttpHandler()
    if recorder is not None:
        handler.add_response_handler(recorder)
    return (
        BssClient.new_builder()
        .with_http_config(config)
        .with_credentials(GlobalCredentials(ak, sk, domain_id))
        .with_endpoint(base_url())
        .with_http_handler(handler)
        .build()
    )


def client_for(account, recorder=None):
    return make_client(account["ak"], account["sk"], account["domain_id"], recorder)


# --------------------------------------------------------------------------
# operations


def create(client, domain_name=OMIT, xaccount_id=OMIT, xaccount_type=OMIT, **fields):
    """create_sub_customer with unique defaults for name and xaccount.

    Pass ``OMIT`` to leave a field out of the body; any other keyword is a
    CreateCustomerV2Req field (mobile_phone, password, cooperation_type,
    indirect_partner_id, ...).
    """
    if domain_name is OMIT:
        domain_name = new_name()
    if xaccount_id is OMIT:
        xaccount_id = new_xaccount_id()
    if xaccount_type is OMIT:
        xaccount_type = XACCOUNT_TYPE
    body = CreateCustomerV2Req(**fields)
    # Assign after construction so that None really means "absent" and the
    # SDK model's required-field handling cannot interfere.
    body.xaccount_id = None
    body.xaccount_type = None
    if domain_name is not None and domain_name is not OMIT:
        body.domain_name = domain_name
    if xaccount_id is not None and xaccount_id is not OMIT:
        body.xaccount_id = xaccount_id
    if xaccount_type is not None and xaccount_type is not OMIT:
        body.xaccount_type = xaccount_type
    return client.create_sub_customer(CreateSubCustomerRequest(body=body))


def list_customers(client, **filters):
    return client.list_sub_customers(ListSubCustomersRequest(body=QuerySubCustomerListReq(**filters)))


def all_customers(client, **filters):
    """Every customer matching ``filters``, paging with limit=100."""
    out = []
    offset = 0
    while True:
        resp = list_customers(client, offset=offset, limit=100, **filters)
        page = resp.customer_infos or []
        out.extend(page)
        offset += len(page)
        if not page or offset >= resp.count:
            return out


def customer_ids(client, **filters):
    return {c.customer_id for c in all_customers(client, **filters)}


def find_customer(client, domain_name):
    """The CustomerInformation whose account_name is exactly domain_name, or None."""
    matches = [c for c in all_customers(client, account_name=domain_name) if c.account_name == domain_name]
    assert len(matches) <= 1, "account_name %r listed %d times" % (domain_name, len(matches))
    return matches[0] if matches else None


def check_identity(client, search_type, search_value):
    return client.check_user_identity(
        CheckUserIdentityRequest(body=CheckSubcustomerUserReq(search_type=search_type, search_value=search_value))
    )


def list_indirect(client, **filters):
    return client.list_indirect_partners(ListIndirectPartnersRequest(body=QueryIndirectPartnersReq(**filters)))


def expect_error(status, error_code, fn, *args, **kwargs):
    """Call fn and require a ClientRequestException with this status and error_code."""
    with pytest.raises(ClientRequestException) as info:
        fn(*args, **kwargs)
    exc = info.value
    assert (exc.status_code, exc.error_code) == (status, error_code), "got %s %s: %s" % (
        exc.status_code,
        exc.error_code,
        exc.error_msg,
    )
    return exc


def checkable_name(domain_name):
    """Whether check_user_identity accepts domain_name as a 'name' search value.

    The SDK documents the rules: ``^[a-zA-Z-][a-zA-Z0-9_-]{4,31}$``, not
    starting with ``op_``/``shadow_`` (any case), not all digits.
    """
    lowered = domain_name.lower()
    return bool(CHECK_NAME.match(domain_name)) and not lowered.startswith(("op_", "shadow_"))


def assert_name_unused(checker, domain_name, *partners):
    """Nothing was registered under domain_name.

    ``checker`` is any partner client (name availability is global) and is
    asked whenever the name is a valid check_user_identity value; every client
    in ``partners`` must not list a customer with that exact name (checked on
    the full, unfiltered listing so that it does not rely on filter rules).
    """
    if checkable_name(domain_name):
        assert check_identity(checker, "name", domain_name).check_result == "available"
    for partner in partners:
        names = [c.account_name for c in all_customers(partner)]
        assert domain_name not in names


# --------------------------------------------------------------------------
# raw signed requests (transport level checks)

SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


def sdk_date(offset=timedelta(0)):
    return (datetime.now(timezone.utc) + offset).strftime(SDK_DATE_FORMAT)


def signed_request(
    ak,
    sk,
    domain_id,
    path,
    body=None,
    method="POST",
    date=None,
    send_body=None,
    extra_headers=None,
):
    """Sign a request with the SDK's Signer and send it with ``requests``.

    ``date`` presets X-Sdk-Date (the signer keeps an existing one);
    ``send_body`` replaces the body after signing (to tamper with it).
    """
    url = urlparse(base_url())
    headers = {"Content-Type": "application/json"}
    if domain_id is not None:
        headers["X-Domain-Id"] = domain_id
    if date is not None:
        headers["X-Sdk-Date"] = date
    if extra_headers:
        headers.update(extra_headers)
    payload = json.dumps(body).encode("utf-8") if body is not None else b""
    request = SdkRequest(
        method=method,
        schema=url.scheme,
        host=url.netloc,
        resource_path=path,
        query_params=[],
        header_params=headers,
        body=payload,
    )
    Signer(GlobalCredentials(ak, sk, domain_id)).sign(request)
    data = request.body if send_body is None else json.dumps(send_body).encode("utf-8")
    return requests.request(method, request.url, headers=request.header_params, data=data, timeout=30)


def error_of(response):
    body = response.json()
    return body.get("error_code"), body.get("error_msg")


# --------------------------------------------------------------------------
# funds: money movements, balances and records

INSUFFICIENT_BALANCE = "CBC.99005003"
CONSULTATIVE_CUSTOMER = "CBC.99007004"
NOT_OWN_CUSTOMER = "CBC.99000035"
IDEMPOTENCY_CONFLICT = "CBC.99007009"

ADJUST = "SOURCE_OPERATION_BEADJUST"
RETRIEVE = "SOURCE_OPERATION_BERETRIEVE"
UNBIND = "SOURCE_OPERATION_BEUNBIND"
# Spelled as the SDK documents it.
RECHARGE = "SOURCE_OPERAIION_RECHARGE"
DEBIT = "BALANCE_TYPE_DEBIT"

ADJUST_PATH = "/v2/accounts/partner-accounts/adjust-amount"

MONEY_STRING = re.compile(r"^-?\d+\.\d{2}$")
UTC_INSTANT = "%Y-%m-%dT%H:%M:%SZ"
CHINA = timezone(timedelta(hours=8))


def cents(value):
    """A money string or number as an exact Decimal (never through float)."""
    assert not isinstance(value, float), "money arrived as a float: %r" % (value,)
    assert isinstance(value, (str, int, Decimal)) and not isinstance(value, bool), "not money: %r" % (value,)
    return Decimal(value)


def allocate(client, customer_id, amount, indirect_partner_id=None):
    """update_customer_account_amount: partner (or its tier-2) -> customer."""
    body = AdjustAccountReq(customer_id=customer_id, amount=amount, indirect_partner_id=indirect_partner_id)
    return client.update_customer_account_amount(UpdateCustomerAccountAmountRequest(body=body))


def reclaim(client, customer_id, amount, indirect_partner_id=None):
    """reclaim_to_partner_account: customer -> partner (or its tier-2)."""
    body = ReclaimToPartnerAccountBalancesReq(
        customer_id=customer_id, amount=amount, indirect_partner_id=indirect_partner_id
    )
    return client.reclaim_to_partner_account(ReclaimToPartnerAccountRequest(body=body))


def allocate_indirect(client, indirect_partner_id, amount):
    """update_indirect_partner_account: tier-1 -> tier-2."""
    body = AdjustToIndirectPartnerReq(indirect_partner_id=indirect_partner_id, amount=amount)
    return client.update_indirect_partner_account(UpdateIndirectPartnerAccountRequest(body=body))


def reclaim_indirect(client, indirect_partner_id, amount):
    """reclaim_indirect_partner_account: tier-2 -> tier-1."""
    body = ReclaimIndirectPartnerAccountReq(indirect_partner_id=indirect_partner_id, amount=amount)
    return client.reclaim_indirect_partner_account(ReclaimIndirectPartnerAccountRequest(body=body))


class _LastResponse:
    def __init__(self):
        self.response = None

    def __call__(self, **kwargs):
        self.response = kwargs["response"]


def _last_response_of(client):
    """Attach (once) a handler keeping the last raw response the client received."""
    keeper = getattr(client, "_pcenter_last_response", None)
    if keeper is None:
        keeper = _LastResponse()
        client._http_handler.add_response_handler(keeper)
        client._pcenter_last_response = keeper
    return keeper


def exact_json(response):
    """The JSON body of a raw response with every non-integer number as a Decimal."""
    return simplejson.loads(response.text, parse_float=Decimal)


def list_partner_balances(client, indirect_partner_id=None):
    """list_partner_balances through the SDK; returns (SDK response, exact JSON body).

    The SDK models ``AccountBalanceV2.amount`` as a float, so amounts are read
    from the raw body with exact decimals.
    """
    keeper = _last_response_of(client)
    resp = client.list_partner_balances(ListPartnerBalancesRequest(indirect_partner_id=indirect_partner_id))
    return resp, exact_json(keeper.response)


def partner_balance(client, indirect_partner_id=None):
    """The cash balance (account_type 1) of the partner, or of its tier-2, as a Decimal."""
    _, body = list_partner_balances(client, indirect_partner_id)
    cash = [b for b in body.get("account_balances") or [] if b.get("account_type") == 1]
    assert len(cash) == 1, body
    return cents(cash[0]["amount"])


def show_customer_balances(client):
    return client.show_customer_account_balances(ShowCustomerAccountBalancesRequest())


def customer_balance(client):
    """The cash balance (account_type 1) of the calling customer, as a Decimal."""
    resp = show_customer_balances(client)
    cash = [b for b in resp.account_balances or [] if b.account_type == 1]
    assert len(cash) == 1, resp
    return cents(cash[0].amount)


def adjust_records(client, **filters):
    """list_partner_adjust_records (GET /v3/accounts/partner-accounts/adjust-records)."""
    return client.list_partner_adjust_records(ListPartnerAdjustRecordsRequest(**filters))


def partner_change_records(client, **filters):
    """list_partner_account_change_records; balance_type defaults to BALANCE_TYPE_DEBIT."""
    filters.setdefault("balance_type", DEBIT)
    return client.list_partner_account_change_records(ListPartnerAccountChangeRecordsRequest(**filters))


def customer_change_records(client, **filters):
    """list_customer_account_change_records; balance_type defaults to BALANCE_TYPE_DEBIT."""
    filters.setdefault("balance_type", DEBIT)
    return client.list_customer_account_change_records(ListCustomerAccountChangeRecordsRequest(**filters))


def utc_instant(dt):
    return dt.astimezone(timezone.utc).strftime(UTC_INSTANT)


def china_date(dt=None):
    """The UTC+8 calendar date (YYYY-MM-DD) of dt (default: now)."""
    return (dt or datetime.now(timezone.utc)).astimezone(CHINA).strftime("%Y-%m-%d")


def issue_key(domain_id):
    """A new access key for an account, issued with ``pcenter admin issue-key``."""
    binary, db = os.environ.get("PCENTER_BIN"), os.environ.get("PCENTER_DB")
    if not binary or not db:
        pytest.exit("PCENTER_BIN/PCENTER_DB are not set; run the suite with scripts/sdk-tests.sh", returncode=2)
    out = subprocess.run(
        [binary, "--db", db, "admin", "issue-key", "--account", domain_id],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, "issue-key failed: %s" % out.stderr
    return json.loads(out.stdout)


def new_customer(partner, **fields):
    """A fresh customer of ``partner`` together with a client acting with the customer's own key.

    ``fields`` go to create_sub_customer (cooperation_type, indirect_partner_id, ...).
    Returns a namespace with ``id``, ``name`` and ``client``.
    """
    resp = create(partner, **fields)
    key = issue_key(resp.domain_id)
    client = make_client(key["ak"], key["sk"], resp.domain_id)
    return types.SimpleNamespace(id=resp.domain_id, name=resp.domain_name, client=client)


def funds_state(partner, customer=None, indirect_partner_id=None, customer_id=None):
    """What a rejected movement must leave unchanged.

    The partner's balance and its adjust-record count; with
    ``indirect_partner_id`` also that tier-2's balance and records (as the
    tier-1 sees them); with ``customer`` (a client acting with the customer's
    key) the customer's balance; with ``customer_id`` the number of adjust
    records of that customer.
    """
    state = {
        "partner_balance": partner_balance(partner),
        "partner_records": adjust_records(partner, limit=1).total_count,
    }
    if indirect_partner_id is not None:
        state["tier2_balance"] = partner_balance(partner, indirect_partner_id)
        state["tier2_records"] = adjust_records(partner, limit=1, indirect_partner_id=indirect_partner_id).total_count
    if customer is not None:
        state["customer_balance"] = customer_balance(customer)
    if customer_id is not None:
        filters = {"customer_id": customer_id, "limit": 1}
        if indirect_partner_id is not None:
            filters["indirect_partner_id"] = indirect_partner_id
        state["customer_records"] = adjust_records(partner, **filters).total_count
    return state


def signed_json(account, path, body, method="POST", extra_headers=None):
    """A signed JSON request for a demo-style account dict (``ak``, ``sk``, ``domain_id``).

    Unlike ``signed_request`` the body may hold Decimals; they are written as
    exact JSON numbers, as the SDK writes them.
    """
    url = urlparse(base_url())
    headers = {"Content-Type": "application/json", "X-Domain-Id": account["domain_id"]}
    if extra_headers:
        headers.update(extra_headers)
    payload = simplejson.dumps(body, use_decimal=True).encode("utf-8")
    request = SdkRequest(
        method=method,
        schema=url.scheme,
        host=url.netloc,
        resource_path=path,
        query_params=[],
        header_params=headers,
        body=payload,
    )
    Signer(GlobalCredentials(account["ak"], account["sk"], account["domain_id"])).sign(request)
    return requests.request(method, request.url, headers=request.header_params, data=request.body, timeout=30)


def idempotent_allocate(account, customer_id, amount, key, indirect_partner_id=None):
    """POST adjust-amount with an X-Idempotency-Key header (the SDK cannot add headers)."""
    body = {"customer_id": customer_id, "amount": amount}
    if indirect_partner_id is not None:
        body["indirect_partner_id"] = indirect_partner_id
    headers = {"X-Idempotency-Key": key} if key is not None else None
    return signed_json(account, ADJUST_PATH, body, extra_headers=headers)


def expect_rejected(status, error_code, state, fn, *args, **kwargs):
    """expect_error, and require ``state()`` (balances, record counts) to read the same after it."""
    before = state()
    exc = expect_error(status, error_code, fn, *args, **kwargs)
    assert state() == before, "a rejected call changed something"
    return exc
