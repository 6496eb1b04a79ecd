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
    AdjustCouponQuotasReq,
    AdjustToIndirectPartnerReq,
    BssClient,
    CheckSubcustomerUserReq,
    CheckUserIdentityRequest,
    CreateCustomerV2Req,
    CreatePartnerCouponsReq,
    CreatePartnerCouponsRequest,
    CreateSubCustomerRequest,
    ListCouponQuotasRecordsRequest,
    ListCustomerAccountChangeRecordsRequest,
    ListCustomerCouponChangeRecordsRequest,
    ListIndirectPartnersRequest,
    ListIssuedCouponQuotasRequest,
    ListIssuedPartnerCouponsRequest,
    ListPartnerAccountChangeRecordsRequest,
    ListPartnerAdjustRecordsRequest,
    ListPartnerBalancesRequest,
    ListPartnerCouponsRecordRequest,
    ListQuotaCouponsRequest,
    ListSubCustomerCouponsRequest,
    ListSubCustomersRequest,
    QueryCouponQuotasReqExt,
    QueryIndirectPartnersReq,
    QuerySubCustomerListReq,
    ReclaimCouponQuotasReq,
    ReclaimCouponQuotasRequest,
    ReclaimIndirectPartnerAccountReq,
    ReclaimIndirectPartnerAccountRequest,
    ReclaimPartnerCouponsReq,
    ReclaimPartnerCouponsRequest,
    ReclaimToPartnerAccountBalancesReq,
    ReclaimToPartnerAccountRequest,
    ShowCustomerAccountBalancesRequest,
    UpdateCouponQuotasRequest,
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


class FreshNonce(dict):
    """Preset headers of an SDK client whose ``X-Request-Nonce`` is new for every request.

    The SDK signs every header it sends, preset headers included, with an ``X-Sdk-Date`` of
    whole seconds. Tests send identical requests on purpose (the same allocation three times,
    a second reclaim to see it refused); each must be a request of its own, not a replay of
    the first, which the server refuses with 401 CBC.0155 (docs/API-DESIGN.md, "Replays").
    The client merges ``preset_headers`` through ``keys()`` and ``[]``, read here afresh.
    """

    def __init__(self):
        super().__init__({NONCE_HEADER: ""})

    def __iter__(self):
        return iter([NONCE_HEADER])

    def keys(self):
        return [NONCE_HEADER]

    def __getitem__(self, key):
        return uuid.uuid4().hex if key == NONCE_HEADER else super().__getitem__(key)


def make_client(ak, sk, domain_id, recorder=None):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 60)
    handler = HttpHandler()
    if recorder is not None:
        handler.add_response_handler(recorder)
    client = (
        BssClient.new_builder()
        .with_http_config(config)
        .with_credentials(GlobalCredentials(ak, sk, domain_id))
        .with_endpoint(base_url())
        .with_http_handler(handler)
        .build()
    )
    client.preset_headers = FreshNonce()
    return client


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
    headers[NONCE_HEADER] = uuid.uuid4().hex
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


# A signed header of the raw requests of this suite, unique per request (see sign_json).
NONCE_HEADER = "X-Request-Nonce"
# The same signed request sent again after it changed something.
REPLAYED = "CBC.0155"


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
    return send_prepared(sign_json(account, path, body, method, extra_headers))


def sign_json(account, path, body, method="POST", extra_headers=None):
    """``signed_json`` without sending: ``(method, url, headers, data)``, to be sent (and
    sent again, byte for byte) with ``send_prepared``.

    Each request signs its own ``X-Request-Nonce``: the SDK signs with a date to the
    second, and two requests meant as two (an idempotent retry, a second attempt) must
    differ in a signed header, else the second is refused as a replay (CBC.0155).
    """
    url = urlparse(base_url())
    headers = {"Content-Type": "application/json", "X-Domain-Id": account["domain_id"], NONCE_HEADER: uuid.uuid4().hex}
    if extra_headers:
        headers.update(extra_headers)
    payload = simplejson.dumps(body, use_decimal=True).encode("utf-8") if body is not None else b""
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
    return method, request.url, dict(request.header_params), request.body


def send_prepared(prepared):
    """Sends a request made by ``sign_json`` (the same bytes every time)."""
    method, url, headers, data = prepared
    return requests.request(method, url, headers=headers, data=data, timeout=30)


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


# --------------------------------------------------------------------------
# coupons: quotas, tier-2 sub-quotas, partner coupons and their records

QUOTA_UNAVAILABLE = "CBC.99000012"  # unknown, someone else's, or its status forbids it
QUOTA_SHORT = "CBC.99000013"
QUOTA_NOT_IN_EFFECT = "CBC.99000017"  # not yet effective, or expired
TOO_MANY_CUSTOMERS = "CBC.99000020"
LIMITS_BEYOND_QUOTA = "CBC.99000023"
COUPON_NOT_RECLAIMABLE = "CBC.99007004"

OPERATOR_QUOTA_PATH = "/v2/operator/coupon-quotas"
OPERATOR_QUOTA_STATUS_PATH = "/v2/operator/coupon-quotas/status"

# quota_status
QUOTA_NORMAL, QUOTA_INVALID, QUOTA_FROZEN, QUOTA_RECLAIMED = 0, 3, 5, 6
# coupon status
COUPON_USABLE, COUPON_USED, COUPON_EXPIRED, COUPON_RECLAIMED = 2, 3, 4, 5
# coupon_type by quota_type
COUPON_TYPE_OF_QUOTA = {0: 1, 1: 4}
# quota record operation_type
QUOTA_ISSUE, QUOTA_RECLAIM = "10", "11"
# partner coupon record operation_type
COUPON_ISSUE, COUPON_MANUAL_RECLAIM, COUPON_EXPIRY_RECLAIM = "1", "2", "4"
REVENUE, EXPENSE = "REVENUE", "EXPENSE"


def parse_instant(ts):
    """A ``yyyy-MM-ddTHH:mm:ssZ`` string as an aware UTC datetime."""
    return datetime.strptime(ts, UTC_INSTANT).replace(tzinfo=timezone.utc)


def whole_seconds(dt):
    return dt.replace(microsecond=0)


def operator_account():
    return load_demo()["operator"]


def quota_request(body, account=None):
    """POST /v2/operator/coupon-quotas (operator extension) with ``account`` (default: the operator)."""
    return signed_json(account or operator_account(), OPERATOR_QUOTA_PATH, body)


def quota_status_request(quota_id, quota_status, account=None):
    """POST /v2/operator/coupon-quotas/status with ``account`` (default: the operator)."""
    body = {"quota_id": quota_id, "quota_status": quota_status}
    return signed_json(account or operator_account(), OPERATOR_QUOTA_STATUS_PATH, body)


def new_quota(
    partner_id,
    value=Decimal("100.00"),
    quota_type=0,
    effective=None,
    expire=None,
    cloud_service_types=None,
    product_ids=None,
):
    """A fresh coupon quota granted by the operator.

    The window defaults to [now - 1 hour, now + 30 days] (whole seconds).
    Returns a namespace with ``id``, ``partner_id``, ``value``, ``quota_type``,
    ``effective`` and ``expire`` (aware datetimes).
    """
    now = whole_seconds(datetime.now(timezone.utc))
    effective = whole_seconds(effective) if effective is not None else now - timedelta(hours=1)
    expire = whole_seconds(expire) if expire is not None else now + timedelta(days=30)
    body = {
        "partner_id": partner_id,
        "quota_type": quota_type,
        "quota_value": Decimal(value),
        "effective_time": utc_instant(effective),
        "expire_time": utc_instant(expire),
    }
    if cloud_service_types is not None:
        body["cloud_service_types"] = cloud_service_types
    if product_ids is not None:
        body["product_ids"] = product_ids
    response = quota_request(body)
    assert response.status_code == 200, response.text
    quota_id = response.json()["quota_id"]
    assert isinstance(quota_id, str) and quota_id, response.text
    return types.SimpleNamespace(
        id=quota_id,
        partner_id=partner_id,
        value=Decimal(value),
        quota_type=quota_type,
        effective=effective,
        expire=expire,
    )


def set_quota_status(quota_id, quota_status):
    """The operator freezes (5), invalidates (3) or restores (0) a quota."""
    response = quota_status_request(quota_id, quota_status)
    assert response.status_code == 200, response.text


def list_quotas(client, **filters):
    """list_quota_coupons (POST /v2/partners/coupon-quotas/query)."""
    return client.list_quota_coupons(ListQuotaCouponsRequest(body=QueryCouponQuotasReqExt(**filters)))


def all_quotas(client, **filters):
    """Every quota matching ``filters``, paging with limit=100."""
    out, offset = [], 0
    while True:
        resp = list_quotas(client, offset=offset, limit=100, **filters)
        page = resp.quotas or []
        out.extend(page)
        offset += len(page)
        if not page or offset >= resp.total_count:
            return out


def find_quota(client, quota_id, quota_type=None, indirect_partner_id=None):
    """The CouponQuotaV2 with this id as the caller lists it, or None."""
    resp = list_quotas(client, quota_ids=[quota_id], quota_type=quota_type, indirect_partner_id=indirect_partner_id)
    matches = [q for q in resp.quotas or [] if q.quota_id == quota_id]
    assert len(matches) <= 1, resp
    return matches[0] if matches else None


def quota_of(client, quota_id, quota_type=None, indirect_partner_id=None):
    quota = find_quota(client, quota_id, quota_type, indirect_partner_id)
    assert quota is not None, "quota %s is not listed" % quota_id
    return quota


def quota_balance(client, quota_id, quota_type=None, indirect_partner_id=None):
    return cents(quota_of(client, quota_id, quota_type, indirect_partner_id).balance)


def adjust_quotas(client, quota_id, indirect_partner_ids, quota_amount):
    """update_coupon_quotas: tier-1 quota -> sub-quotas of tier-2 partners."""
    body = AdjustCouponQuotasReq(
        quota_id=quota_id, indirect_partner_ids=indirect_partner_ids, quota_amount=quota_amount
    )
    return client.update_coupon_quotas(UpdateCouponQuotasRequest(body=body))


def issue_sub_quota(dist, parent_quota_id, indirect_partner_id, amount):
    """A new sub-quota of ``amount`` for the tier-2, issued from ``parent_quota_id``; its id."""
    resp = adjust_quotas(dist, parent_quota_id, [indirect_partner_id], Decimal(amount))
    assert not resp.error_details, resp
    assert len(resp.simple_quota_infos or []) == 1, resp
    info = resp.simple_quota_infos[0]
    assert info.id == indirect_partner_id, resp
    return info.quota_id


def reclaim_quotas(client, quota_ids, remark=None):
    """reclaim_coupon_quotas: sub-quotas -> the tier-1's parent quotas."""
    body = ReclaimCouponQuotasReq(quota_ids=quota_ids, remark=remark)
    return client.reclaim_coupon_quotas(ReclaimCouponQuotasRequest(body=body))


def issued_quotas(client, **filters):
    """list_issued_coupon_quotas (GET /v2/partners/issued-coupon-quotas)."""
    return client.list_issued_coupon_quotas(ListIssuedCouponQuotasRequest(**filters))


def issued_quota(client, quota_id):
    """The IssuedCouponQuota (sub-quota) with this id as its tier-1 lists it."""
    resp = issued_quotas(client, quota_id=quota_id)
    matches = [q for q in resp.quotas or [] if q.quota_id == quota_id]
    assert len(matches) == 1, resp
    return matches[0]


def quota_records(client, **filters):
    """list_coupon_quotas_records (GET /v2/partners/coupon-quotas/records)."""
    return client.list_coupon_quotas_records(ListCouponQuotasRecordsRequest(**filters))


def create_coupons(client, quota_id, customer_ids, face_value, **fields):
    """create_partner_coupons; ``fields`` are further CreatePartnerCouponsReq fields."""
    body = CreatePartnerCouponsReq(quota_id=quota_id, customer_ids=customer_ids, face_value=face_value, **fields)
    return client.create_partner_coupons(CreatePartnerCouponsRequest(body=body))


def issue_coupon(client, quota_id, customer_id, face_value, **fields):
    """One coupon for one customer that must succeed; its coupon_id."""
    resp = create_coupons(client, quota_id, [customer_id], Decimal(face_value), **fields)
    assert not resp.error_details, resp
    assert len(resp.coupon_infos or []) == 1, resp
    info = resp.coupon_infos[0]
    assert info.id == customer_id, resp
    assert isinstance(info.coupon_id, str) and info.coupon_id, resp
    return info.coupon_id


def issued_coupons(client, **filters):
    """list_issued_partner_coupons (GET /v2/promotions/benefits/partner-coupons)."""
    return client.list_issued_partner_coupons(ListIssuedPartnerCouponsRequest(**filters))


def issued_coupon(client, coupon_id, indirect_partner_id=None):
    """The IQueryUserPartnerCouponsResultV2 with this id as the issuing partner lists it."""
    resp = issued_coupons(client, coupon_id=coupon_id, indirect_partner_id=indirect_partner_id)
    matches = [c for c in resp.user_coupons or [] if c.coupon_id == coupon_id]
    assert len(matches) == 1, resp
    return matches[0]


def reclaim_coupon(client, coupon_id, indirect_partner_id=None):
    """reclaim_partner_coupons: the coupon's remaining balance back to its quota."""
    body = ReclaimPartnerCouponsReq(coupon_id=coupon_id, indirect_partner_id=indirect_partner_id)
    return client.reclaim_partner_coupons(ReclaimPartnerCouponsRequest(body=body))


def coupon_records(client, **filters):
    """list_partner_coupons_record (GET /v2/promotions/benefits/partner-coupons/records/query)."""
    return client.list_partner_coupons_record(ListPartnerCouponsRecordRequest(**filters))


def customer_coupon_changes(client, **filters):
    """list_customer_coupon_change_records (customer key)."""
    return client.list_customer_coupon_change_records(ListCustomerCouponChangeRecordsRequest(**filters))


def customer_coupons(client, **filters):
    """list_sub_customer_coupons (customer key); returns (SDK response, exact JSON body).

    The SDK models ``face_value`` and ``balance`` of IQueryUserCouponsResultV2
    as floats, so amounts are read from the raw body with exact decimals.
    """
    keeper = _last_response_of(client)
    resp = client.list_sub_customer_coupons(ListSubCustomerCouponsRequest(**filters))
    return resp, exact_json(keeper.response)


def customer_coupon(client, coupon_id):
    """The raw JSON of one coupon as the customer lists it (amounts as Decimal)."""
    _, body = customer_coupons(client, coupon_id=coupon_id)
    matches = [c for c in body.get("user_coupons") or [] if c.get("coupon_id") == coupon_id]
    assert len(matches) == 1, body
    return matches[0]


def coupons_state(partner, quota_ids=(), indirect_partner_id=None, customers=(), quota_type=None):
    """What a rejected (or wholly failed) coupon operation must leave unchanged.

    Balances of ``quota_ids`` (as ``partner`` lists them, for its tier-2 with
    ``indirect_partner_id``), the numbers of issued coupons and coupon records
    of the acting partner, and for every client in ``customers`` the number of
    coupons it holds and of its coupon change records.
    """
    state = {
        "quotas": {q: quota_balance(partner, q, quota_type, indirect_partner_id) for q in quota_ids},
        "coupons": issued_coupons(partner, limit=1, indirect_partner_id=indirect_partner_id).total_count,
        "records": coupon_records(partner, limit=1, indirect_partner_id=indirect_partner_id).total_count,
    }
    for i, customer in enumerate(customers):
        state["customer%d_coupons" % i] = customer_coupons(customer, limit=1)[0].count
        state["customer%d_changes" % i] = customer_coupon_changes(customer, limit=1).total_count
    return state


def quota_state(dist, quota_ids=(), sub_quota_ids=(), indirect_partner_id=None):
    """What a rejected (or wholly failed) tier-1 quota operation must leave unchanged.

    Balances of the tier-1's own ``quota_ids``, status and balance of
    ``sub_quota_ids``, the numbers of its issued sub-quotas and of its quota
    records, and (with ``indirect_partner_id``) the number of that tier-2's quotas.
    """
    state = {
        "quotas": {q: quota_balance(dist, q) for q in quota_ids},
        "sub_quotas": {},
        "issued": issued_quotas(dist, limit=1).total_count,
        "records": quota_records(dist, limit=1).total_count,
    }
    for q in sub_quota_ids:
        sub = issued_quota(dist, q)
        state["sub_quotas"][q] = (sub.quota_status, cents(sub.balance))
    if indirect_partner_id is not None:
        state["tier2_quotas"] = list_quotas(dist, indirect_partner_id=indirect_partner_id, limit=1).total_count
    return state


def error_items(resp):
    """error_details of a per-item response as [(id, error_code)]."""
    return [(e.id, e.error_code) for e in resp.error_details or []]
