"""reclaim_partner_coupons (POST /v2/promotions/benefits/partner-coupons/reclaim):
a partner takes back a usable coupon; its remaining balance returns to the quota."""

import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from huaweicloudsdkbss.v2 import ReclaimPartnerCouponsResponse

from support import (
    COUPON_EXPIRED,
    COUPON_MANUAL_RECLAIM,
    COUPON_NOT_RECLAIMABLE,
    COUPON_RECLAIMED,
    COUPON_USABLE,
    FORBIDDEN,
    NOT_OWN_CUSTOMER,
    all_quotas,
    cents,
    coupon_records,
    coupons_state,
    customer_coupon,
    expect_rejected,
    issue_coupon,
    issued_coupon,
    quota_balance,
    reclaim_coupon,
    utc_instant,
)


@pytest.fixture
def reseller_id(demo):
    return demo["reseller"]["domain_id"]


@pytest.fixture
def sp_coupon(sp, sp_quota, fresh_customer):
    """A fresh 30.00 coupon of the solution provider's fresh customer (quota left with 70.00)."""
    return issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("30.00"))


@pytest.fixture
def reseller_coupon(reseller, reseller_quota, fresh_reseller_customer):
    """A fresh 30.00 coupon issued by the reseller from its fresh sub-quota (left with 70.00)."""
    return issue_coupon(reseller, reseller_quota.id, fresh_reseller_customer.id, Decimal("30.00"))


# --------------------------------------------------------------------------
# successful reclaims


def test_reclaim_answers_with_an_empty_response(sp, sp_coupon):
    resp = reclaim_coupon(sp, sp_coupon)
    assert isinstance(resp, ReclaimPartnerCouponsResponse)


def test_reclaim_returns_the_balance_to_the_quota(sp, sp_quota, sp_coupon):
    assert quota_balance(sp, sp_quota.id) == Decimal("70.00")
    reclaim_coupon(sp, sp_coupon)
    assert quota_balance(sp, sp_quota.id) == Decimal("100.00")


def test_issue_then_reclaim_conserves_the_quota(sp, sp_quota, fresh_consultative):
    before = quota_balance(sp, sp_quota.id)
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_consultative.id, Decimal("12.34"))
    assert before - quota_balance(sp, sp_quota.id) == Decimal("12.34")
    reclaim_coupon(sp, coupon_id)
    assert quota_balance(sp, sp_quota.id) == before


def test_issue_then_reclaim_conserves_a_demo_quota(sp, fresh_customer):
    demo_quota = [q for q in all_quotas(sp) if cents(q.quota_value) == Decimal("10000.00")][0]
    before = quota_balance(sp, demo_quota.quota_id)
    coupon_id = issue_coupon(sp, demo_quota.quota_id, fresh_customer.id, Decimal("9.99"))
    reclaim_coupon(sp, coupon_id)
    assert quota_balance(sp, demo_quota.quota_id) == before


def test_reclaimed_coupon_reads_status_5_and_balance_0(sp, sp_coupon):
    reclaim_coupon(sp, sp_coupon)
    coupon = issued_coupon(sp, sp_coupon)
    assert coupon.status == COUPON_RECLAIMED
    assert cents(coupon.balance) == Decimal("0")
    assert cents(coupon.face_value) == Decimal("30.00")


def test_customer_sees_its_coupon_reclaimed(sp, sp_coupon, fresh_customer):
    reclaim_coupon(sp, sp_coupon)
    coupon = customer_coupon(fresh_customer.client, sp_coupon)
    assert coupon["status"] == COUPON_RECLAIMED
    assert cents(coupon["balance"]) == Decimal("0")


def test_reclaim_leaves_the_customers_other_coupons_alone(sp, sp_quota, sp_coupon, fresh_customer):
    other = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("5.00"))
    reclaim_coupon(sp, sp_coupon)
    coupon = issued_coupon(sp, other)
    assert coupon.status == COUPON_USABLE
    assert cents(coupon.balance) == Decimal("5.00")
    assert quota_balance(sp, sp_quota.id) == Decimal("95.00")


def test_coupon_of_a_consultative_customer_is_reclaimed(sp, sp_quota, fresh_consultative):
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_consultative.id, Decimal("3.00"))
    reclaim_coupon(sp, coupon_id)
    assert issued_coupon(sp, coupon_id).status == COUPON_RECLAIMED
    assert quota_balance(sp, sp_quota.id) == Decimal("100.00")


def test_reseller_reclaims_its_coupon(reseller, reseller_quota, reseller_coupon):
    reclaim_coupon(reseller, reseller_coupon)
    assert quota_balance(reseller, reseller_quota.id) == Decimal("100.00")
    assert issued_coupon(reseller, reseller_coupon).status == COUPON_RECLAIMED


def test_distributor_reclaims_for_the_reseller(dist, reseller, reseller_id, reseller_quota, reseller_coupon):
    reclaim_coupon(dist, reseller_coupon, indirect_partner_id=reseller_id)
    assert quota_balance(reseller, reseller_quota.id) == Decimal("100.00")
    assert issued_coupon(dist, reseller_coupon, indirect_partner_id=reseller_id).status == COUPON_RECLAIMED


def test_reseller_reclaims_a_coupon_the_distributor_issued_for_it(
    dist, reseller, reseller_id, reseller_quota, fresh_reseller_customer
):
    coupon_id = issue_coupon(
        dist, reseller_quota.id, fresh_reseller_customer.id, Decimal("4.00"), indirect_partner_id=reseller_id
    )
    reclaim_coupon(reseller, coupon_id)
    assert quota_balance(reseller, reseller_quota.id) == Decimal("100.00")


# --------------------------------------------------------------------------
# rejected reclaims change nothing


def test_reclaiming_twice_is_rejected(sp, sp_quota, sp_coupon, fresh_customer):
    reclaim_coupon(sp, sp_coupon)
    expect_rejected(
        400,
        COUPON_NOT_RECLAIMABLE,
        lambda: (
            coupons_state(sp, quota_ids=[sp_quota.id], customers=[fresh_customer.client]),
            issued_coupon(sp, sp_coupon).status,
        ),
        reclaim_coupon,
        sp,
        sp_coupon,
    )
    assert quota_balance(sp, sp_quota.id) == Decimal("100.00")


def test_unknown_coupon_is_rejected(sp, sp_quota):
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: coupons_state(sp, quota_ids=[sp_quota.id]),
        reclaim_coupon,
        sp,
        uuid.uuid4().hex,
    )


def _both_sides(sp, sp_quota, sp_coupon, reseller, reseller_quota, reseller_coupon):
    return lambda: (
        coupons_state(sp, quota_ids=[sp_quota.id]),
        issued_coupon(sp, sp_coupon).status,
        coupons_state(reseller, quota_ids=[reseller_quota.id]),
        issued_coupon(reseller, reseller_coupon).status,
    )


def test_solution_provider_cannot_reclaim_the_resellers_coupon(
    sp, sp_quota, sp_coupon, reseller, reseller_quota, reseller_coupon
):
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        _both_sides(sp, sp_quota, sp_coupon, reseller, reseller_quota, reseller_coupon),
        reclaim_coupon,
        sp,
        reseller_coupon,
    )


def test_reseller_cannot_reclaim_the_solution_providers_coupon(
    sp, sp_quota, sp_coupon, reseller, reseller_quota, reseller_coupon
):
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        _both_sides(sp, sp_quota, sp_coupon, reseller, reseller_quota, reseller_coupon),
        reclaim_coupon,
        reseller,
        sp_coupon,
    )


def test_distributor_without_indirect_partner_id_cannot_reclaim_the_resellers_coupon(
    dist, reseller, reseller_quota, reseller_coupon
):
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: (
            coupons_state(reseller, quota_ids=[reseller_quota.id]),
            issued_coupon(reseller, reseller_coupon).status,
        ),
        reclaim_coupon,
        dist,
        reseller_coupon,
    )


def test_distributor_for_the_reseller_cannot_reclaim_the_solution_providers_coupon(
    dist, sp, sp_quota, sp_coupon, reseller_id
):
    expect_rejected(
        400,
        NOT_OWN_CUSTOMER,
        lambda: (coupons_state(sp, quota_ids=[sp_quota.id]), issued_coupon(sp, sp_coupon).status),
        reclaim_coupon,
        dist,
        sp_coupon,
        indirect_partner_id=reseller_id,
    )


def test_expired_coupon_cannot_be_reclaimed(sp, sp_quota, fresh_customer):
    expire = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=3)
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("2.00"), expire_time=utc_instant(expire))
    time.sleep(max(0.0, (expire - datetime.now(timezone.utc)).total_seconds()) + 1.5)
    assert issued_coupon(sp, coupon_id).status == COUPON_EXPIRED
    # The server records expiries on its own schedule, so only what a manual
    # reclaim would change is compared: the coupon's status on both sides and
    # its manual-reclaim records.
    expect_rejected(
        400,
        COUPON_NOT_RECLAIMABLE,
        lambda: (
            issued_coupon(sp, coupon_id).status,
            customer_coupon(fresh_customer.client, coupon_id)["status"],
            coupon_records(sp, coupon_ids=[coupon_id], operation_types=[COUPON_MANUAL_RECLAIM]).total_count,
        ),
        reclaim_coupon,
        sp,
        coupon_id,
    )


# --------------------------------------------------------------------------
# roles


@pytest.mark.parametrize("who", ["customer", "reseller_customer"])
def test_customer_key_cannot_reclaim_coupons(request, sp, sp_quota, sp_coupon, fresh_customer, who):
    expect_rejected(
        403,
        FORBIDDEN,
        lambda: (
            coupons_state(sp, quota_ids=[sp_quota.id], customers=[fresh_customer.client]),
            issued_coupon(sp, sp_coupon).status,
        ),
        reclaim_coupon,
        request.getfixturevalue(who),
        sp_coupon,
    )


def test_customer_key_cannot_reclaim_its_own_coupon(sp, sp_quota, sp_coupon, fresh_customer):
    expect_rejected(
        403,
        FORBIDDEN,
        lambda: (coupons_state(sp, quota_ids=[sp_quota.id]), issued_coupon(sp, sp_coupon).status),
        reclaim_coupon,
        fresh_customer.client,
        sp_coupon,
    )
