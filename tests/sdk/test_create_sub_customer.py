"""create_sub_customer (POST /v2/partners/sub-customers)."""

import re
import uuid

import pytest

import support
from support import (
    BAD_MOBILE,
    BAD_NAME,
    BAD_PARAM,
    BAD_PASSWORD,
    HEX32,
    INDIRECT_REQUIRED,
    MOBILE_LIMIT,
    NAME_USED,
    NOT_OWN_INDIRECT,
    XACCOUNT_TYPE,
    XACCOUNT_USED,
    assert_name_unused,
    create,
    expect_error,
    find_customer,
    new_mobile,
    new_name,
    new_xaccount_id,
)

CREATE_NAME = re.compile(r"^[a-zA-Z_-][a-zA-Z0-9_-]*$")


def _suffix(n=8):
    return uuid.uuid4().hex[:n]


# --------------------------------------------------------------------------
# solution provider: the customer is associated with the caller


def test_create_returns_domain_id_and_requested_name(sp):
    name = new_name()
    resp = create(sp, domain_name=name)
    assert HEX32.match(resp.domain_id), resp.domain_id
    assert resp.domain_name == name


def test_created_customer_is_listed_for_its_partner(sp):
    name = new_name()
    resp = create(sp, domain_name=name)
    info = find_customer(sp, name)
    assert info is not None
    assert info.customer_id == resp.domain_id
    assert info.account_name == name
    assert support.ASSOCIATED_ON.match(info.associated_on or ""), info.associated_on


def test_create_without_cooperation_type_is_resale(sp):
    name = new_name()
    create(sp, domain_name=name)
    assert find_customer(sp, name).association_type == "2"


def test_create_with_cooperation_type_1_is_consultative(sp):
    name = new_name()
    create(sp, domain_name=name, cooperation_type="1")
    assert find_customer(sp, name).association_type == "1"


@pytest.mark.parametrize("cooperation_type", ["2", "0", "3", ""])
def test_create_with_other_cooperation_type_is_resale(sp, cooperation_type):
    name = new_name()
    create(sp, domain_name=name, cooperation_type=cooperation_type)
    assert find_customer(sp, name).association_type == "2"


def test_created_ids_are_distinct(sp):
    first = create(sp).domain_id
    second = create(sp).domain_id
    assert first != second


def test_customer_of_solution_provider_is_invisible_to_reseller(sp, reseller):
    name = new_name()
    resp = create(sp, domain_name=name)
    assert find_customer(reseller, name) is None
    assert resp.domain_id not in support.customer_ids(reseller)


def test_customer_of_solution_provider_is_invisible_to_distributor(sp, dist):
    name = new_name()
    create(sp, domain_name=name)
    assert support.list_customers(dist, account_name=name).count == 0


def test_created_name_is_reported_used(sp):
    name = new_name()
    create(sp, domain_name=name)
    assert support.check_identity(sp, "name", name).check_result == "used_by_user"


# --------------------------------------------------------------------------
# domain_name


def test_empty_domain_name_generates_a_32_char_name(sp):
    resp = create(sp, domain_name="")
    assert len(resp.domain_name) == 32, resp.domain_name
    assert CREATE_NAME.match(resp.domain_name)
    assert find_customer(sp, resp.domain_name).customer_id == resp.domain_id


def test_absent_domain_name_generates_a_32_char_name(sp):
    resp = create(sp, domain_name=None)
    assert len(resp.domain_name) == 32, resp.domain_name
    assert CREATE_NAME.match(resp.domain_name)
    assert find_customer(sp, resp.domain_name).customer_id == resp.domain_id


def test_generated_names_differ(sp):
    assert create(sp, domain_name=None).domain_name != create(sp, domain_name=None).domain_name


VALID_NAMES = {
    "five_chars": lambda: "a" + _suffix(4),
    "thirty_two_chars": lambda: "n" + uuid.uuid4().hex[:31],
    "leading_underscore": lambda: "_u" + _suffix(),
    "leading_dash": lambda: "-d" + _suffix(),
    "upper_case": lambda: "UPPER" + _suffix().upper(),
    "inner_dash_and_underscore": lambda: "a-b_c" + _suffix(),
    "op_inside": lambda: "xop_" + _suffix(),
    "op_without_underscore": lambda: "opx" + _suffix(),
    "shadow_without_underscore": lambda: "shadowx" + _suffix(),
    "letters_then_digits": lambda: "a" + str(uuid.uuid4().int)[:10],
}


@pytest.mark.parametrize("case", sorted(VALID_NAMES))
def test_valid_domain_name_is_accepted(sp, case):
    name = VALID_NAMES[case]()
    resp = create(sp, domain_name=name)
    assert resp.domain_name == name
    assert find_customer(sp, name).customer_id == resp.domain_id


INVALID_NAMES = {
    "four_chars": lambda: "b" + _suffix(3),
    "thirty_three_chars": lambda: "n" + uuid.uuid4().hex[:32],
    "leading_digit": lambda: "1abc" + _suffix(),
    "all_digits": lambda: str(uuid.uuid4().int)[:12],
    "space": lambda: "abc " + _suffix(),
    "dot": lambda: "abc." + _suffix(),
    "at_sign": lambda: "abc@" + _suffix(),
    "non_ascii": lambda: "abc\u00e9" + _suffix(),
    "op_prefix": lambda: "op_" + _suffix(),
    "op_prefix_upper": lambda: "OP_" + _suffix(),
    "op_prefix_mixed": lambda: "Op_" + _suffix(),
    "shadow_prefix": lambda: "shadow_" + _suffix(),
    "shadow_prefix_upper": lambda: "SHADOW_" + _suffix(),
    "shadow_prefix_mixed": lambda: "ShAdOw_" + _suffix(),
}


@pytest.mark.parametrize("case", sorted(INVALID_NAMES))
def test_invalid_domain_name_is_rejected_and_nothing_created(sp, case):
    name, xid = INVALID_NAMES[case](), new_xaccount_id()
    expect_error(400, BAD_NAME, create, sp, domain_name=name, xaccount_id=xid)
    assert_name_unused(sp, name, sp)
    create(sp, xaccount_id=xid)  # the xaccount pair is still free


def test_used_name_is_rejected_and_nothing_created(sp):
    name = new_name()
    first = create(sp, domain_name=name)
    xid = new_xaccount_id()
    expect_error(400, NAME_USED, create, sp, domain_name=name, xaccount_id=xid)
    assert [c.customer_id for c in support.all_customers(sp, account_name=name)] == [first.domain_id]
    create(sp, xaccount_id=xid)


def test_name_of_demo_customer_is_rejected(sp, reseller_customers):
    taken = reseller_customers[0]["domain_name"]
    expect_error(400, NAME_USED, create, sp, domain_name=taken)
    assert find_customer(sp, taken) is None


def test_name_of_demo_partner_is_rejected(sp, demo):
    taken = demo["distributor"]["domain_name"]
    expect_error(400, NAME_USED, create, sp, domain_name=taken)
    assert find_customer(sp, taken) is None


def test_name_used_by_another_partners_customer_is_rejected(sp, dist, demo):
    name = new_name()
    create(dist, domain_name=name, indirect_partner_id=demo["reseller"]["domain_id"])
    expect_error(400, NAME_USED, create, sp, domain_name=name)
    assert find_customer(sp, name) is None


# --------------------------------------------------------------------------
# xaccount


def test_missing_xaccount_id_is_rejected_and_nothing_created(sp):
    name = new_name()
    expect_error(400, BAD_PARAM, create, sp, domain_name=name, xaccount_id=None)
    assert_name_unused(sp, name, sp)


def test_missing_xaccount_type_is_rejected_and_nothing_created(sp):
    name, xid = new_name(), new_xaccount_id()
    expect_error(400, BAD_PARAM, create, sp, domain_name=name, xaccount_id=xid, xaccount_type=None)
    assert_name_unused(sp, name, sp)
    create(sp, xaccount_id=xid)


def test_duplicate_xaccount_is_rejected_and_nothing_created(sp):
    xid = new_xaccount_id()
    create(sp, xaccount_id=xid)
    name = new_name()
    expect_error(400, XACCOUNT_USED, create, sp, domain_name=name, xaccount_id=xid)
    assert_name_unused(sp, name, sp)


def test_duplicate_xaccount_via_distributor_is_rejected(sp, dist, demo):
    xid = new_xaccount_id()
    create(sp, xaccount_id=xid)
    name = new_name()
    expect_error(
        400,
        XACCOUNT_USED,
        create,
        dist,
        domain_name=name,
        xaccount_id=xid,
        indirect_partner_id=demo["reseller"]["domain_id"],
    )
    assert_name_unused(sp, name, sp)


def test_same_xaccount_id_with_other_type_is_accepted(sp):
    xid = new_xaccount_id()
    create(sp, xaccount_id=xid, xaccount_type=XACCOUNT_TYPE)
    name = new_name()
    create(sp, domain_name=name, xaccount_id=xid, xaccount_type=XACCOUNT_TYPE + "_other")
    assert find_customer(sp, name) is not None


# --------------------------------------------------------------------------
# password


@pytest.mark.parametrize(
    "password",
    ["Passw0rd", "abcdefg1", "ABCDEFG!", "abcdefgh!", "12345678a", "Abcdefgh", "Aa1!Aa1!Aa1!Aa1!"],
)
def test_valid_password_is_accepted(sp, password):
    name = new_name()
    create(sp, domain_name=name, password=password)
    assert find_customer(sp, name) is not None


INVALID_PASSWORDS = {
    "empty": "",
    "seven_chars": "Abc123!",
    "lower_only": "abcdefghij",
    "upper_only": "ABCDEFGHIJ",
    "digits_only": "1234567890",
    "special_only": "!@#$%^&*()",
}


@pytest.mark.parametrize("case", sorted(INVALID_PASSWORDS))
def test_invalid_password_is_rejected_and_nothing_created(sp, case):
    name, xid = new_name(), new_xaccount_id()
    expect_error(400, BAD_PASSWORD, create, sp, domain_name=name, xaccount_id=xid, password=INVALID_PASSWORDS[case])
    assert_name_unused(sp, name, sp)
    create(sp, xaccount_id=xid)


def test_password_equal_to_name_is_rejected_and_nothing_created(sp):
    name, xid = "Pw" + _suffix(12), new_xaccount_id()
    expect_error(400, BAD_PASSWORD, create, sp, domain_name=name, xaccount_id=xid, password=name)
    assert_name_unused(sp, name, sp)
    create(sp, xaccount_id=xid)


def test_password_equal_to_reversed_name_is_rejected_and_nothing_created(sp):
    name, xid = "Pw" + _suffix(12), new_xaccount_id()
    expect_error(400, BAD_PASSWORD, create, sp, domain_name=name, xaccount_id=xid, password=name[::-1])
    assert_name_unused(sp, name, sp)
    create(sp, xaccount_id=xid)


def test_password_containing_mobile_is_rejected_and_nothing_created(sp):
    name, xid, mobile = new_name(), new_xaccount_id(), new_mobile()
    expect_error(
        400,
        BAD_PASSWORD,
        create,
        sp,
        domain_name=name,
        xaccount_id=xid,
        mobile_phone=mobile,
        password="Pw" + mobile + "!",
    )
    assert_name_unused(sp, name, sp)
    assert support.check_identity(sp, "mobile", "0086-" + mobile).mobile_remain_available_num == 5
    create(sp, xaccount_id=xid)


# --------------------------------------------------------------------------
# mobile_phone


def test_valid_mobile_is_accepted(sp):
    name, mobile = new_name(), new_mobile()
    create(sp, domain_name=name, mobile_phone=mobile)
    assert find_customer(sp, name) is not None


INVALID_MOBILES = {
    "ten_digits": lambda: new_mobile()[:10],
    "twelve_digits": lambda: new_mobile() + "1",
    "leading_2": lambda: "2" + new_mobile()[1:],
    "with_country_code": lambda: "+86" + new_mobile(),
    "with_dash": lambda: "0086-" + new_mobile(),
    "letters": lambda: "139abcdefgh",
}


@pytest.mark.parametrize("case", sorted(INVALID_MOBILES))
def test_invalid_mobile_is_rejected_and_nothing_created(sp, case):
    name, xid = new_name(), new_xaccount_id()
    expect_error(400, BAD_MOBILE, create, sp, domain_name=name, xaccount_id=xid, mobile_phone=INVALID_MOBILES[case]())
    assert_name_unused(sp, name, sp)
    create(sp, xaccount_id=xid)


def test_five_customers_per_mobile_are_accepted(sp):
    mobile = new_mobile()
    for _ in range(5):
        create(sp, mobile_phone=mobile)
    assert support.check_identity(sp, "mobile", "0086-" + mobile).mobile_remain_available_num == 0


def test_sixth_customer_per_mobile_is_rejected_and_nothing_created(sp):
    mobile = new_mobile()
    for _ in range(5):
        create(sp, mobile_phone=mobile)
    name, xid = new_name(), new_xaccount_id()
    expect_error(400, MOBILE_LIMIT, create, sp, domain_name=name, xaccount_id=xid, mobile_phone=mobile)
    assert_name_unused(sp, name, sp)
    create(sp, xaccount_id=xid)


# --------------------------------------------------------------------------
# tier-1 distributor on behalf of its tier-2 reseller


def test_distributor_creates_customer_for_its_reseller(dist, reseller, demo):
    name = new_name()
    resp = create(dist, domain_name=name, indirect_partner_id=demo["reseller"]["domain_id"])
    assert HEX32.match(resp.domain_id)
    assert resp.domain_name == name
    info = find_customer(reseller, name)
    assert info is not None and info.customer_id == resp.domain_id
    assert info.association_type == "2"


def test_distributor_created_customer_is_listed_under_the_reseller_for_distributor(dist, demo):
    name = new_name()
    reseller_id = demo["reseller"]["domain_id"]
    resp = create(dist, domain_name=name, indirect_partner_id=reseller_id)
    ids = support.customer_ids(dist, indirect_partner_id=reseller_id, account_name=name)
    assert ids == {resp.domain_id}


def test_distributor_created_customer_is_not_the_distributors_own(dist, demo):
    name = new_name()
    create(dist, domain_name=name, indirect_partner_id=demo["reseller"]["domain_id"])
    assert support.list_customers(dist, account_name=name).count == 0


def test_distributor_created_customer_is_invisible_to_solution_provider(dist, sp, demo):
    name = new_name()
    create(dist, domain_name=name, indirect_partner_id=demo["reseller"]["domain_id"])
    assert find_customer(sp, name) is None


def test_distributor_without_indirect_partner_is_rejected_and_nothing_created(dist, sp, reseller):
    name, xid = new_name(), new_xaccount_id()
    expect_error(400, INDIRECT_REQUIRED, create, dist, domain_name=name, xaccount_id=xid)
    assert_name_unused(sp, name, sp, reseller)
    create(sp, xaccount_id=xid)


@pytest.mark.parametrize("target", ["solution_provider", "distributor", "customer", "random"])
def test_distributor_with_foreign_indirect_partner_is_rejected_and_nothing_created(dist, sp, reseller, demo, target):
    if target == "random":
        indirect = uuid.uuid4().hex
    elif target == "customer":
        indirect = demo["customers"][0]["domain_id"]
    else:
        indirect = demo[target]["domain_id"]
    name, xid = new_name(), new_xaccount_id()
    expect_error(400, NOT_OWN_INDIRECT, create, dist, domain_name=name, xaccount_id=xid, indirect_partner_id=indirect)
    assert_name_unused(sp, name, sp, reseller)
    create(sp, xaccount_id=xid)


def test_create_body_with_all_optional_fields(sp):
    name = new_name()
    resp = create(
        sp,
        domain_name=name,
        mobile_phone=new_mobile(),
        password="Str0ng!Passw0rd",
        is_close_market_ms="true",
        cooperation_type="1",
        include_association_result=True,
    )
    assert resp.domain_name == name
    assert find_customer(sp, name).association_type == "1"

