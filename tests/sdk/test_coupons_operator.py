"""Coupon quotas granted by the platform operator (product extension):
POST /v2/operator/coupon-quotas and POST /v2/operator/coupon-quotas/status."""

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import support
from support import (
    BAD_PARAM,
    FORBIDDEN,
    QUOTA_FROZEN,
    QUOTA_INVALID,
    QUOTA_NORMAL,
    cents,
    error_of,
    issue_coupon,
    list_quotas,
    new_quota,
    parse_instant,
    quota_of,
    quota_request,
    quota_status_request,
    set_quota_status,
    utc_instant,
    whole_seconds,
)

INVALID_VALUES = ["0", "0.00", "-1", "-0.01", "1.234", "0.001"]


def _now():
    return whole_seconds(datetime.now(timezone.utc))


def _body(partner_id, value="100.00", quota_type=0, **extra):
    now = _now()
    body = {
        "partner_id": partner_id,
        "quota_type": quota_type,
        "quota_value": Decimal(value),
        "effective_time": utc_instant(now - timedelta(hours=1)),
        "expire_time": utc_instant(now + timedelta(days=30)),
    }
    body.update(extra)
    return body


def _quota_counts(client):
    """How many quotas of each type the partner has."""
    return tuple(list_quotas(client, quota_type=t, limit=1).total_count for t in (0, 1))


def _expect_refused(response, status, code):
    assert response.status_code == status, response.text
    assert error_of(response)[0] == code, response.text


@pytest.fixture
def sp_id(demo):
    return demo["solution_provider"]["domain_id"]


# --------------------------------------------------------------------------
# granting quotas


def test_grant_returns_a_quota_id(sp_id):
    response = quota_request(_body(sp_id))
    assert response.status_code == 200, response.text
    quota_id = response.json()["quota_id"]
    assert isinstance(quota_id, str) and quota_id


def test_granted_quotas_have_distinct_ids(sp_id):
    assert new_quota(sp_id).id != new_quota(sp_id).id


def test_granted_quota_is_listed_to_its_partner(sp, sp_id):
    q = new_quota(sp_id, Decimal("250.00"))
    quota = quota_of(sp, q.id)
    assert cents(quota.quota_value) == Decimal("250.00")
    assert cents(quota.balance) == Decimal("250.00")
    assert quota.quota_type == 0
    assert quota.quota_status == QUOTA_NORMAL
    assert quota.currency == "CNY"
    assert quota.measure_id == 1


def test_granted_quota_keeps_the_requested_window(sp, sp_id):
    q = new_quota(sp_id, effective=_now() - timedelta(days=3), expire=_now() + timedelta(days=40))
    quota = quota_of(sp, q.id)
    assert parse_instant(quota.effective_time) == q.effective
    assert parse_instant(quota.expire_time) == q.expire


def test_quota_value_with_one_decimal_place_is_accepted(sp, sp_id):
    q = new_quota(sp_id, Decimal("12.5"))
    assert cents(quota_of(sp, q.id).quota_value) == Decimal("12.50")


def test_whole_number_quota_value_is_accepted(sp, sp_id):
    q = new_quota(sp_id, Decimal("7"))
    assert cents(quota_of(sp, q.id).balance) == Decimal("7.00")


def test_quota_without_effective_time_is_effective_from_now(sp, sp_id):
    body = _body(sp_id)
    del body["effective_time"]
    before = _now() - timedelta(seconds=2)
    response = quota_request(body)
    after = _now() + timedelta(seconds=2)
    assert response.status_code == 200, response.text
    quota = quota_of(sp, response.json()["quota_id"])
    assert before <= parse_instant(quota.effective_time) <= after, quota.effective_time


def test_quota_without_effective_time_can_issue_coupons_at_once(sp, sp_id, fresh_customer):
    body = _body(sp_id, "10.00")
    del body["effective_time"]
    response = quota_request(body)
    assert response.status_code == 200, response.text
    quota_id = response.json()["quota_id"]
    issue_coupon(sp, quota_id, fresh_customer.id, Decimal("1.00"))
    assert cents(quota_of(sp, quota_id).balance) == Decimal("9.00")


def test_quota_of_type_1_is_listed_with_quota_type_1(sp, sp_id):
    q = new_quota(sp_id, quota_type=1)
    quota = quota_of(sp, q.id, quota_type=1)
    assert quota.quota_type == 1
    assert cents(quota.balance) == Decimal("100.00")


def test_distributor_quota_is_listed_to_the_distributor_only(dist, sp, demo):
    q = new_quota(demo["distributor"]["domain_id"])
    assert cents(quota_of(dist, q.id).quota_value) == Decimal("100.00")
    assert support.find_quota(sp, q.id) is None


def test_quota_with_limits_is_granted(sp, sp_id):
    q = new_quota(sp_id, cloud_service_types=["hws.service.type.ebs"], product_ids=["00301-01"])
    assert quota_of(sp, q.id).quota_status == QUOTA_NORMAL


def test_quota_whose_window_has_passed_is_granted_and_reads_invalid(sp, sp_id):
    q = new_quota(sp_id, effective=_now() - timedelta(days=10), expire=_now() - timedelta(days=1))
    assert quota_of(sp, q.id).quota_status == QUOTA_INVALID


# --------------------------------------------------------------------------
# refused grants change nothing


@pytest.mark.parametrize("value", INVALID_VALUES)
def test_invalid_quota_value_is_refused(sp, sp_id, value):
    before = _quota_counts(sp)
    _expect_refused(quota_request(_body(sp_id, value)), 400, BAD_PARAM)
    assert _quota_counts(sp) == before


def test_missing_quota_value_is_refused(sp, sp_id):
    body = _body(sp_id)
    del body["quota_value"]
    before = _quota_counts(sp)
    _expect_refused(quota_request(body), 400, BAD_PARAM)
    assert _quota_counts(sp) == before


@pytest.mark.parametrize("gap", [timedelta(0), -timedelta(seconds=1), -timedelta(days=1)], ids=["equal", "1s", "1d"])
def test_expire_time_not_after_effective_time_is_refused(sp, sp_id, gap):
    effective = _now() + timedelta(days=1)
    body = _body(sp_id, effective_time=utc_instant(effective), expire_time=utc_instant(effective + gap))
    before = _quota_counts(sp)
    _expect_refused(quota_request(body), 400, BAD_PARAM)
    assert _quota_counts(sp) == before


@pytest.mark.parametrize(
    "who",
    [
        lambda demo: demo["solution_provider"],
        lambda demo: demo["distributor"],
        lambda demo: demo["reseller"],
        lambda demo: demo["customers"][0],
    ],
    ids=["solution_provider", "distributor", "reseller", "customer"],
)
def test_only_the_operator_grants_quotas(sp, sp_id, demo, who):
    before = _quota_counts(sp)
    _expect_refused(quota_request(_body(sp_id), account=who(demo)), 403, FORBIDDEN)
    assert _quota_counts(sp) == before


# --------------------------------------------------------------------------
# status changes


def test_operator_freezes_a_quota(sp, sp_quota):
    set_quota_status(sp_quota.id, QUOTA_FROZEN)
    assert quota_of(sp, sp_quota.id).quota_status == QUOTA_FROZEN


def test_operator_invalidates_a_quota(sp, sp_quota):
    set_quota_status(sp_quota.id, QUOTA_INVALID)
    assert quota_of(sp, sp_quota.id).quota_status == QUOTA_INVALID


@pytest.mark.parametrize("status", [QUOTA_FROZEN, QUOTA_INVALID])
def test_operator_restores_a_quota(sp, sp_quota, status):
    set_quota_status(sp_quota.id, status)
    set_quota_status(sp_quota.id, QUOTA_NORMAL)
    quota = quota_of(sp, sp_quota.id)
    assert quota.quota_status == QUOTA_NORMAL
    assert cents(quota.balance) == sp_quota.value


def test_status_change_keeps_the_balance(sp, sp_quota):
    set_quota_status(sp_quota.id, QUOTA_FROZEN)
    assert cents(quota_of(sp, sp_quota.id).balance) == sp_quota.value


def test_status_change_response_is_an_empty_object(sp_quota):
    response = quota_status_request(sp_quota.id, QUOTA_FROZEN)
    assert response.status_code == 200, response.text
    assert response.json() == {}


@pytest.mark.parametrize(
    "who",
    [lambda demo: demo["solution_provider"], lambda demo: demo["distributor"], lambda demo: demo["customers"][0]],
    ids=["solution_provider", "distributor", "customer"],
)
def test_only_the_operator_changes_a_quota_status(sp, sp_quota, demo, who):
    response = quota_status_request(sp_quota.id, QUOTA_FROZEN, account=who(demo))
    _expect_refused(response, 403, FORBIDDEN)
    assert quota_of(sp, sp_quota.id).quota_status == QUOTA_NORMAL


def test_unknown_quota_status_target_is_refused():
    response = quota_status_request(uuid.uuid4().hex, QUOTA_FROZEN)
    assert 400 <= response.status_code < 500, response.text
