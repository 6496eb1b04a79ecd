"""check_user_identity (POST /v2/partners/sub-customers/users/check-identity)."""

import pytest

import support
from support import BAD_PARAM, FORBIDDEN, check_identity, create, expect_error, new_mobile, new_name

AVAILABLE = "available"
USED = "used_by_user"


# --------------------------------------------------------------------------
# name


def test_unused_name_is_available(sp):
    assert check_identity(sp, "name", new_name()).check_result == AVAILABLE


def test_demo_customer_name_is_used(sp, demo):
    for c in demo["customers"]:
        assert check_identity(sp, "name", c["domain_name"]).check_result == USED, c["domain_name"]


def test_created_customer_name_is_used(sp):
    name = create(sp).domain_name
    assert check_identity(sp, "name", name).check_result == USED


def test_name_created_by_another_partner_is_used_for_everyone(dist, reseller, demo):
    name = create(dist, indirect_partner_id=demo["reseller"]["domain_id"]).domain_name
    assert check_identity(reseller, "name", name).check_result == USED
    assert check_identity(dist, "name", name).check_result == USED


@pytest.mark.parametrize("name", ["abcd", "1abcdef", "_abcdef", "abc.def", "abc def", "a" * 33, ""])
def test_malformed_name_is_rejected(sp, name):
    expect_error(400, BAD_PARAM, check_identity, sp, "name", name)


@pytest.mark.parametrize("prefix", ["op_", "OP_", "shadow_", "Shadow_"])
def test_reserved_prefix_name_is_not_available(sp, prefix):
    # The SDK documents that a login name cannot start with op_ or shadow_: such a name is
    # never available, whether or not an account uses it.
    assert check_identity(sp, "name", prefix + new_name()[:8]).check_result == USED


@pytest.mark.parametrize("name", ["abcde", "-abcde", "Ab_c-d9", "a" * 32])
def test_well_formed_name_is_accepted(sp, name):
    assert check_identity(sp, "name", name).check_result in (AVAILABLE, USED)


# --------------------------------------------------------------------------
# email


def test_unused_email_is_available(sp):
    assert check_identity(sp, "email", support.new_email()).check_result == AVAILABLE


@pytest.mark.parametrize("role", ["distributor", "reseller", "solution_provider"])
def test_demo_partner_email_is_used(sp, demo, role):
    email = demo[role]["domain_name"] + "@example.com"
    assert check_identity(sp, "email", email).check_result == USED


def test_demo_customer_email_is_used(sp, demo):
    for c in demo["customers"]:
        email = c["domain_name"] + "@example.com"
        assert check_identity(sp, "email", email).check_result == USED, email


@pytest.mark.parametrize("email", ["not-an-email", "example.com", ""])
def test_email_without_at_sign_is_rejected(sp, email):
    expect_error(400, BAD_PARAM, check_identity, sp, "email", email)


# --------------------------------------------------------------------------
# mobile


def test_unused_mobile_has_five_remaining(sp):
    resp = check_identity(sp, "mobile", "0086-" + new_mobile())
    assert resp.check_result == AVAILABLE
    assert resp.mobile_remain_available_num == 5


def test_mobile_used_once_has_four_remaining(sp):
    mobile = new_mobile()
    create(sp, mobile_phone=mobile)
    resp = check_identity(sp, "mobile", "0086-" + mobile)
    assert resp.check_result == AVAILABLE
    assert resp.mobile_remain_available_num == 4


def test_mobile_used_five_times_is_used(sp):
    mobile = new_mobile()
    for _ in range(5):
        create(sp, mobile_phone=mobile)
    resp = check_identity(sp, "mobile", "0086-" + mobile)
    assert resp.check_result == USED
    assert resp.mobile_remain_available_num == 0


def test_mobile_count_includes_other_partners_customers(sp, dist, demo):
    mobile = new_mobile()
    create(sp, mobile_phone=mobile)
    create(dist, mobile_phone=mobile, indirect_partner_id=demo["reseller"]["domain_id"])
    assert check_identity(sp, "mobile", "0086-" + mobile).mobile_remain_available_num == 3


@pytest.mark.parametrize(
    "value",
    [
        "13800000000",  # no country code
        "0086 13800000000",
        "086-13800000000",  # country code is 4 digits
        "+86-13800000000",
        "0086-",
        "0086-138abc",
        "",
    ],
)
def test_malformed_mobile_is_rejected(sp, value):
    expect_error(400, BAD_PARAM, check_identity, sp, "mobile", value)


def test_mobile_with_other_country_code_is_rejected(sp):
    expect_error(400, BAD_PARAM, check_identity, sp, "mobile", "0044-" + new_mobile())


# --------------------------------------------------------------------------
# search_type and callers


@pytest.mark.parametrize("search_type", ["phone", "", "domain_id"])
def test_unknown_search_type_is_rejected(sp, search_type):
    expect_error(400, BAD_PARAM, check_identity, sp, search_type, "abcdefg")


@pytest.mark.parametrize("partner", ["dist", "reseller", "sp"])
def test_every_partner_may_check(request, partner):
    client = request.getfixturevalue(partner)
    assert check_identity(client, "name", new_name()).check_result == AVAILABLE


def test_customer_may_not_check(customer):
    expect_error(403, FORBIDDEN, check_identity, customer, "name", new_name())
