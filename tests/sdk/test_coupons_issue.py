"""create_partner_coupons (POST /v2/promotions/benefits/partner-coupons):
a partner issues cash coupons from its quota to its customers."""

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from support import (
    BAD_PARAM,
    COUPON_TYPE_OF_QUOTA,
    COUPON_USABLE,
    FORBIDDEN,
    LIMITS_BEYOND_QUOTA,
    NOT_OWN_CUSTOMER,
    QUOTA_FROZEN,
    QUOTA_INVALID,
    QUOTA_NORMAL,
    QUOTA_NOT_IN_EFFECT,
    QUOTA_SHORT,
    QUOTA_UNAVAILABLE,
    TOO_MANY_CUSTOMERS,
    all_quotas,
    cents,
    coupons_state,
    create_coupons,
    customer_coupons,
    error_items,
    expect_rejected,
    issue_coupon,
    issued_coupon,
    new_customer,
    new_quota,
    parse_instant,
    quota_balance,
    set_quota_status,
    utc_instant,
    whole_seconds,
)

INVALID_FACE_VALUES = ["0", "0.00", "-1", "-0.01", "1.234", "0.001"]
SERVICES = ["hws.service.type.ebs", "hws.service.type.ecs"]
PRODUCTS = ["00301-01-0-0", "00301-02-0-0"]


def _now():
    return whole_seconds(datetime.now(timezone.utc))


def _window(valid, expire):
    return {"valid_time": utc_instant(valid), "expire_time": utc_instant(expire)}


def _coupons(resp):
    return [info.id for info in resp.coupon_infos or []]


@pytest.fixture
def sp_id(demo):
    return demo["solution_provider"]["domain_id"]


@pytest.fixture
def reseller_id(demo):
    return demo["reseller"]["domain_id"]


@pytest.fixture
def sp_state(sp, sp_quota, fresh_customer):
    """The solution provider's quota, its coupons and records, the fresh customer's coupons."""
    return lambda: coupons_state(sp, quota_ids=[sp_quota.id], customers=[fresh_customer.client])


# --------------------------------------------------------------------------
# successful issues


def test_issue_returns_a_coupon_for_the_customer(sp, sp_quota, fresh_customer):
    resp = create_coupons(sp, sp_quota.id, [fresh_customer.id], Decimal("10.00"))
    assert not resp.error_details
    assert len(resp.coupon_infos) == 1
    info = resp.coupon_infos[0]
    assert info.id == fresh_customer.id
    assert isinstance(info.coupon_id, str) and info.coupon_id


def test_issue_takes_the_face_value_from_the_quota(sp, sp_quota, fresh_customer):
    issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("12.34"))
    assert quota_balance(sp, sp_quota.id) == Decimal("87.66")


def test_issued_coupon_is_usable_with_its_full_face_value(sp, sp_quota, fresh_customer):
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("12.34"))
    coupon = issued_coupon(sp, coupon_id)
    assert coupon.customer_id == fresh_customer.id
    assert coupon.status == COUPON_USABLE
    assert cents(coupon.face_value) == Decimal("12.34")
    assert cents(coupon.balance) == Decimal("12.34")


def test_consultative_customer_receives_a_coupon(sp, sp_quota, fresh_consultative):
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_consultative.id, Decimal("5.00"))
    assert issued_coupon(sp, coupon_id).customer_id == fresh_consultative.id
    assert quota_balance(sp, sp_quota.id) == Decimal("95.00")


def test_every_demo_customer_of_the_solution_provider_receives_a_coupon(sp, sp_quota, sp_customers):
    ids = [c["domain_id"] for c in sp_customers]
    resp = create_coupons(sp, sp_quota.id, ids, Decimal("1.50"))
    assert not resp.error_details
    assert _coupons(resp) == ids
    assert len({info.coupon_id for info in resp.coupon_infos}) == len(ids)
    assert quota_balance(sp, sp_quota.id) == Decimal("100.00") - Decimal("1.50") * len(ids)


def test_coupon_ids_are_distinct(sp, sp_quota, fresh_customer):
    first = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    second = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    assert first != second


def test_ten_cents_three_times_is_exactly_thirty_cents(sp, sp_quota, fresh_customer):
    for _ in range(3):
        issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("0.10"))
    assert quota_balance(sp, sp_quota.id) == Decimal("99.70")


def test_whole_number_and_one_decimal_face_values_are_accepted(sp, sp_quota, fresh_customer):
    issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("5"))
    issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("2.5"))
    assert quota_balance(sp, sp_quota.id) == Decimal("92.50")


def test_issuing_the_whole_balance_empties_the_quota(sp, sp_quota, fresh_customer):
    issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("100.00"))
    assert quota_balance(sp, sp_quota.id) == Decimal("0")


def test_issue_from_a_demo_quota_moves_exactly_the_face_value(sp, fresh_customer):
    demo_quota = [q for q in all_quotas(sp) if cents(q.quota_value) == Decimal("10000.00")][0]
    before = cents(demo_quota.balance)
    issue_coupon(sp, demo_quota.quota_id, fresh_customer.id, Decimal("0.01"))
    assert before - quota_balance(sp, demo_quota.quota_id) == Decimal("0.01")


def test_coupon_from_a_type_0_quota_has_coupon_type_1(sp, sp_quota, fresh_customer):
    coupon_id = issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    assert issued_coupon(sp, coupon_id).coupon_type == COUPON_TYPE_OF_QUOTA[0] == 1


def test_coupon_from_a_type_1_quota_has_coupon_type_4(sp, sp_id, fresh_customer):
    q = new_quota(sp_id, quota_type=1)
    coupon_id = issue_coupon(sp, q.id, fresh_customer.id, Decimal("1.00"))
    assert issued_coupon(sp, coupon_id).coupon_type == COUPON_TYPE_OF_QUOTA[1] == 4
    assert quota_balance(sp, q.id, quota_type=1) == Decimal("99.00")


def test_memo_is_accepted(sp, sp_quota, fresh_customer):
    issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"), memo="spring campaign")
    assert quota_balance(sp, sp_quota.id) == Decimal("99.00")


# --------------------------------------------------------------------------
# validity window


def test_validity_defaults_to_the_quota_window(sp, sp_quota, fresh_customer):
    coupon = issued_coupon(sp, issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00")))
    assert parse_instant(coupon.effective_time) == sp_quota.effective
    assert parse_instant(coupon.expire_time) == sp_quota.expire


def test_validity_inside_the_quota_window_is_kept(sp, sp_quota, fresh_customer):
    valid = sp_quota.effective + timedelta(minutes=30)
    expire = sp_quota.expire - timedelta(days=1)
    coupon_id = issue_coupon(
        sp,
        sp_quota.id,
        fresh_customer.id,
        Decimal("1.00"),
        valid_time=utc_instant(valid),
        expire_time=utc_instant(expire),
    )
    coupon = issued_coupon(sp, coupon_id)
    assert parse_instant(coupon.effective_time) == valid
    assert parse_instant(coupon.expire_time) == expire


def test_validity_equal_to_the_quota_window_is_accepted(sp, sp_quota, fresh_customer):
    issue_coupon(
        sp,
        sp_quota.id,
        fresh_customer.id,
        Decimal("1.00"),
        valid_time=utc_instant(sp_quota.effective),
        expire_time=utc_instant(sp_quota.expire),
    )


@pytest.mark.parametrize(
    "window",
    [
        lambda q: {"valid_time": utc_instant(q.effective - timedelta(seconds=1))},
        lambda q: {"expire_time": utc_instant(q.expire + timedelta(seconds=1))},
        lambda q: {"valid_time": utc_instant(q.expire + timedelta(hours=1))},
        lambda q: {"expire_time": utc_instant(q.effective - timedelta(hours=1))},
        lambda q: _window(q.effective + timedelta(days=2), q.effective + timedelta(days=2)),
        lambda q: _window(q.effective + timedelta(days=2), q.effective + timedelta(days=1)),
    ],
    ids=[
        "valid_before_quota",
        "expire_after_quota",
        "valid_after_quota",
        "expire_before_quota",
        "expire_equals_valid",
        "expire_before_valid",
    ],
)
def test_validity_outside_the_quota_window_is_rejected(sp, sp_quota, fresh_customer, sp_state, window):
    expect_rejected(
        400,
        BAD_PARAM,
        sp_state,
        create_coupons,
        sp,
        sp_quota.id,
        [fresh_customer.id],
        Decimal("1.00"),
        **window(sp_quota),
    )


# --------------------------------------------------------------------------
# service and product limits


def test_ten_services_and_ten_products_are_accepted_on_a_quota_without_limits(sp, sp_quota, fresh_customer):
    issue_coupon(
        sp,
        sp_quota.id,
        fresh_customer.id,
        Decimal("1.00"),
        cloud_service_types=["hws.service.type.s%d" % i for i in range(10)],
        product_ids=["p-%d" % i for i in range(10)],
    )


@pytest.mark.parametrize("field", ["cloud_service_types", "product_ids"])
def test_more_than_ten_limits_are_rejected(sp, sp_quota, fresh_customer, sp_state, field):
    expect_rejected(
        400,
        BAD_PARAM,
        sp_state,
        create_coupons,
        sp,
        sp_quota.id,
        [fresh_customer.id],
        Decimal("1.00"),
        **{field: ["x-%d" % i for i in range(11)]},
    )


@pytest.fixture
def limited_quota(sp_id):
    return new_quota(sp_id, cloud_service_types=SERVICES, product_ids=PRODUCTS)


def test_limits_within_the_quotas_limits_are_accepted(sp, limited_quota, fresh_customer):
    issue_coupon(
        sp,
        limited_quota.id,
        fresh_customer.id,
        Decimal("1.00"),
        cloud_service_types=SERVICES[:1],
        product_ids=PRODUCTS[1:],
    )
    assert quota_balance(sp, limited_quota.id) == Decimal("99.00")


@pytest.mark.parametrize(
    "limits",
    [
        {"cloud_service_types": ["hws.service.type.obs"]},
        {"cloud_service_types": SERVICES + ["hws.service.type.obs"]},
        {"product_ids": ["00301-99-0-0"]},
    ],
    ids=["other_service", "extra_service", "other_product"],
)
def test_limits_beyond_the_quotas_limits_are_rejected(sp, limited_quota, fresh_customer, limits):
    expect_rejected(
        400,
        LIMITS_BEYOND_QUOTA,
        lambda: coupons_state(sp, quota_ids=[limited_quota.id], customers=[fresh_customer.client]),
        create_coupons,
        sp,
        limited_quota.id,
        [fresh_customer.id],
        Decimal("1.00"),
        **limits,
    )


# --------------------------------------------------------------------------
# per-customer failures (HTTP 200)


def test_mixed_customers_issue_to_own_customers_while_the_balance_lasts(
    sp, sp_quota, fresh_customer, fresh_consultative, reseller_customers
):
    third = new_customer(sp)
    foreign = reseller_customers[0]["domain_id"]
    unknown = uuid.uuid4().hex
    resp = create_coupons(
        sp, sp_quota.id, [fresh_customer.id, foreign, fresh_consultative.id, unknown, third.id], Decimal("40.00")
    )
    assert _coupons(resp) == [fresh_customer.id, fresh_consultative.id]
    assert error_items(resp) == [(foreign, NOT_OWN_CUSTOMER), (unknown, NOT_OWN_CUSTOMER), (third.id, QUOTA_SHORT)]
    assert quota_balance(sp, sp_quota.id) == Decimal("20.00")
    assert customer_coupons(third.client)[0].count == 0


def test_customers_that_are_not_the_partners_are_reported_and_nothing_moves(
    sp, sp_quota, sp_state, reseller_customers, reseller_customer
):
    foreign = reseller_customers[0]["domain_id"]
    unknown = uuid.uuid4().hex
    state = lambda: (sp_state(), coupons_state(sp, customers=[reseller_customer]))  # noqa: E731
    before = state()
    resp = create_coupons(sp, sp_quota.id, [foreign, unknown], Decimal("1.00"))
    assert error_items(resp) == [(foreign, NOT_OWN_CUSTOMER), (unknown, NOT_OWN_CUSTOMER)]
    assert not resp.coupon_infos
    assert state() == before


@pytest.mark.parametrize(
    "other",
    [
        lambda demo: demo["solution_provider"]["domain_id"],
        lambda demo: demo["reseller"]["domain_id"],
        lambda demo: demo["operator"]["domain_id"],
    ],
    ids=["itself", "reseller", "operator"],
)
def test_partner_accounts_are_not_customers(sp, sp_quota, sp_state, demo, other):
    target = other(demo)
    before = sp_state()
    resp = create_coupons(sp, sp_quota.id, [target], Decimal("1.00"))
    assert error_items(resp) == [(target, NOT_OWN_CUSTOMER)]
    assert sp_state() == before


def test_face_value_beyond_the_balance_is_reported_and_nothing_moves(sp, sp_quota, fresh_customer, sp_state):
    before = sp_state()
    resp = create_coupons(sp, sp_quota.id, [fresh_customer.id], Decimal("100.01"))
    assert error_items(resp) == [(fresh_customer.id, QUOTA_SHORT)]
    assert not resp.coupon_infos
    assert sp_state() == before


def test_empty_quota_reports_every_customer(sp, sp_quota, fresh_customer, fresh_consultative):
    issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("100.00"))
    resp = create_coupons(sp, sp_quota.id, [fresh_customer.id, fresh_consultative.id], Decimal("0.01"))
    assert error_items(resp) == [(fresh_customer.id, QUOTA_SHORT), (fresh_consultative.id, QUOTA_SHORT)]
    assert quota_balance(sp, sp_quota.id) == Decimal("0")


def test_one_hundred_customers_are_accepted(sp, sp_quota, sp_state):
    ids = [uuid.uuid4().hex for _ in range(100)]
    before = sp_state()
    resp = create_coupons(sp, sp_quota.id, ids, Decimal("1.00"))
    assert error_items(resp) == [(i, NOT_OWN_CUSTOMER) for i in ids]
    assert sp_state() == before


# --------------------------------------------------------------------------
# whole-request rejections


@pytest.mark.parametrize("face_value", INVALID_FACE_VALUES)
def test_invalid_face_value_is_rejected(sp, sp_quota, fresh_customer, sp_state, face_value):
    expect_rejected(
        400, BAD_PARAM, sp_state, create_coupons, sp, sp_quota.id, [fresh_customer.id], Decimal(face_value)
    )


def test_missing_face_value_is_rejected(sp, sp_quota, fresh_customer, sp_state):
    expect_rejected(400, BAD_PARAM, sp_state, create_coupons, sp, sp_quota.id, [fresh_customer.id], None)


def test_empty_customer_list_is_rejected(sp, sp_quota, sp_state):
    expect_rejected(400, BAD_PARAM, sp_state, create_coupons, sp, sp_quota.id, [], Decimal("1.00"))


def test_more_than_one_hundred_customers_are_rejected(sp, sp_quota, fresh_customer, sp_state):
    ids = [fresh_customer.id] + [uuid.uuid4().hex for _ in range(100)]
    expect_rejected(400, TOO_MANY_CUSTOMERS, sp_state, create_coupons, sp, sp_quota.id, ids, Decimal("0.01"))


def test_unknown_quota_is_rejected(sp, fresh_customer, sp_state):
    expect_rejected(
        400, QUOTA_UNAVAILABLE, sp_state, create_coupons, sp, uuid.uuid4().hex, [fresh_customer.id], Decimal("1.00")
    )


def test_another_partners_quota_is_rejected(sp, dist, dist_quota, fresh_customer, sp_state):
    expect_rejected(
        400,
        QUOTA_UNAVAILABLE,
        lambda: (sp_state(), quota_balance(dist, dist_quota.id)),
        create_coupons,
        sp,
        dist_quota.id,
        [fresh_customer.id],
        Decimal("1.00"),
    )


def test_solution_provider_cannot_use_the_resellers_quota(sp, reseller, reseller_quota, fresh_customer, sp_state):
    expect_rejected(
        400,
        QUOTA_UNAVAILABLE,
        lambda: (sp_state(), quota_balance(reseller, reseller_quota.id)),
        create_coupons,
        sp,
        reseller_quota.id,
        [fresh_customer.id],
        Decimal("1.00"),
    )


@pytest.mark.parametrize("status", [QUOTA_FROZEN, QUOTA_INVALID], ids=["frozen", "invalid"])
def test_quota_in_wrong_status_is_rejected(sp, sp_quota, fresh_customer, sp_state, status):
    set_quota_status(sp_quota.id, status)
    expect_rejected(
        400, QUOTA_UNAVAILABLE, sp_state, create_coupons, sp, sp_quota.id, [fresh_customer.id], Decimal("1.00")
    )


@pytest.mark.parametrize("status", [QUOTA_FROZEN, QUOTA_INVALID], ids=["frozen", "invalid"])
def test_restored_quota_issues_again(sp, sp_quota, fresh_customer, status):
    set_quota_status(sp_quota.id, status)
    set_quota_status(sp_quota.id, QUOTA_NORMAL)
    issue_coupon(sp, sp_quota.id, fresh_customer.id, Decimal("1.00"))
    assert quota_balance(sp, sp_quota.id) == Decimal("99.00")


def test_quota_not_yet_effective_is_rejected(sp, sp_id, fresh_customer):
    q = new_quota(sp_id, effective=_now() + timedelta(days=1), expire=_now() + timedelta(days=30))
    expect_rejected(
        400,
        QUOTA_NOT_IN_EFFECT,
        lambda: coupons_state(sp, quota_ids=[q.id], customers=[fresh_customer.client]),
        create_coupons,
        sp,
        q.id,
        [fresh_customer.id],
        Decimal("1.00"),
    )


def test_expired_quota_is_rejected(sp, sp_id, fresh_customer):
    q = new_quota(sp_id, effective=_now() - timedelta(days=5), expire=_now() - timedelta(hours=1))
    expect_rejected(
        400,
        QUOTA_NOT_IN_EFFECT,
        lambda: coupons_state(sp, quota_ids=[q.id], customers=[fresh_customer.client]),
        create_coupons,
        sp,
        q.id,
        [fresh_customer.id],
        Decimal("1.00"),
    )


# --------------------------------------------------------------------------
# the tier-2 reseller, with its own key or through its tier-1


def test_reseller_issues_from_its_sub_quota(reseller, reseller_quota, fresh_reseller_customer):
    coupon_id = issue_coupon(reseller, reseller_quota.id, fresh_reseller_customer.id, Decimal("8.00"))
    assert issued_coupon(reseller, coupon_id).customer_id == fresh_reseller_customer.id
    assert quota_balance(reseller, reseller_quota.id) == Decimal("92.00")


def test_reseller_cannot_issue_to_a_solution_provider_customer(reseller, reseller_quota, fresh_customer):
    state = lambda: coupons_state(  # noqa: E731
        reseller, quota_ids=[reseller_quota.id], customers=[fresh_customer.client]
    )
    before = state()
    resp = create_coupons(reseller, reseller_quota.id, [fresh_customer.id], Decimal("1.00"))
    assert error_items(resp) == [(fresh_customer.id, NOT_OWN_CUSTOMER)]
    assert state() == before


def test_reseller_cannot_use_the_distributors_quota(reseller, dist, dist_quota, fresh_reseller_customer):
    expect_rejected(
        400,
        QUOTA_UNAVAILABLE,
        lambda: (
            coupons_state(reseller, customers=[fresh_reseller_customer.client]),
            quota_balance(dist, dist_quota.id),
        ),
        create_coupons,
        reseller,
        dist_quota.id,
        [fresh_reseller_customer.id],
        Decimal("1.00"),
    )


def test_distributor_issues_for_the_reseller(dist, reseller, reseller_id, reseller_quota, fresh_reseller_customer):
    coupon_id = issue_coupon(
        dist, reseller_quota.id, fresh_reseller_customer.id, Decimal("7.00"), indirect_partner_id=reseller_id
    )
    assert quota_balance(reseller, reseller_quota.id) == Decimal("93.00")
    assert quota_balance(dist, reseller_quota.id, indirect_partner_id=reseller_id) == Decimal("93.00")
    coupon = issued_coupon(dist, coupon_id, indirect_partner_id=reseller_id)
    assert coupon.customer_id == fresh_reseller_customer.id
    assert cents(coupon.face_value) == Decimal("7.00")


def test_distributor_issues_to_the_demo_reseller_customer(dist, reseller_id, reseller_quota, reseller_customers):
    target = reseller_customers[0]["domain_id"]
    resp = create_coupons(dist, reseller_quota.id, [target], Decimal("0.50"), indirect_partner_id=reseller_id)
    assert _coupons(resp) == [target]
    assert not resp.error_details


def test_distributors_issue_does_not_touch_its_own_quota(dist, reseller_id, reseller_quota, fresh_reseller_customer):
    before = quota_balance(dist, reseller_quota.parent.id)
    issue_coupon(dist, reseller_quota.id, fresh_reseller_customer.id, Decimal("7.00"), indirect_partner_id=reseller_id)
    assert quota_balance(dist, reseller_quota.parent.id) == before


def test_distributor_for_the_reseller_cannot_use_its_own_quota(dist, reseller_id, dist_quota, fresh_reseller_customer):
    expect_rejected(
        400,
        QUOTA_UNAVAILABLE,
        lambda: (
            coupons_state(dist, indirect_partner_id=reseller_id, customers=[fresh_reseller_customer.client]),
            quota_balance(dist, dist_quota.id),
        ),
        create_coupons,
        dist,
        dist_quota.id,
        [fresh_reseller_customer.id],
        Decimal("1.00"),
        indirect_partner_id=reseller_id,
    )


def test_distributor_for_the_reseller_cannot_issue_to_another_partners_customer(
    dist, reseller_id, reseller_quota, fresh_customer
):
    state = lambda: coupons_state(  # noqa: E731
        dist, quota_ids=[reseller_quota.id], indirect_partner_id=reseller_id, customers=[fresh_customer.client]
    )
    before = state()
    resp = create_coupons(
        dist, reseller_quota.id, [fresh_customer.id], Decimal("1.00"), indirect_partner_id=reseller_id
    )
    assert error_items(resp) == [(fresh_customer.id, NOT_OWN_CUSTOMER)]
    assert state() == before


def test_distributor_for_the_reseller_is_limited_by_the_sub_quota(
    dist, reseller_id, reseller_quota, fresh_reseller_customer
):
    state = lambda: coupons_state(dist, quota_ids=[reseller_quota.id], indirect_partner_id=reseller_id)  # noqa: E731
    before = state()
    resp = create_coupons(
        dist, reseller_quota.id, [fresh_reseller_customer.id], Decimal("100.01"), indirect_partner_id=reseller_id
    )
    assert error_items(resp) == [(fresh_reseller_customer.id, QUOTA_SHORT)]
    assert state() == before


# --------------------------------------------------------------------------
# roles


@pytest.mark.parametrize("who", ["customer", "reseller_customer"])
def test_customer_key_cannot_issue_coupons(request, sp_quota, fresh_customer, sp_state, who):
    client = request.getfixturevalue(who)
    expect_rejected(
        403, FORBIDDEN, sp_state, create_coupons, client, sp_quota.id, [fresh_customer.id], Decimal("1.00")
    )


def test_customer_key_cannot_issue_itself_a_coupon(sp_quota, fresh_customer, sp_state):
    expect_rejected(
        403,
        FORBIDDEN,
        sp_state,
        create_coupons,
        fresh_customer.client,
        sp_quota.id,
        [fresh_customer.id],
        Decimal("1.00"),
    )
