"""Role checks: callers without the right role get 403 CBC.0151."""

import pytest

import support
from support import FORBIDDEN, expect_error


def _create(client):
    return support.create(client)


def _list_customers(client):
    return support.list_customers(client)


def _check_identity(client):
    return support.check_identity(client, "name", support.new_name())


def _list_indirect(client):
    return support.list_indirect(client)


PARTNER_OPERATIONS = {
    "create_sub_customer": _create,
    "list_sub_customers": _list_customers,
    "check_user_identity": _check_identity,
    "list_indirect_partners": _list_indirect,
}


@pytest.mark.parametrize("operation", sorted(PARTNER_OPERATIONS))
def test_customer_key_is_forbidden(customer, operation):
    expect_error(403, FORBIDDEN, PARTNER_OPERATIONS[operation], customer)


@pytest.mark.parametrize("operation", sorted(PARTNER_OPERATIONS))
def test_reseller_customer_key_is_forbidden(reseller_customer, operation):
    expect_error(403, FORBIDDEN, PARTNER_OPERATIONS[operation], reseller_customer)


@pytest.mark.parametrize("operation", sorted(PARTNER_OPERATIONS))
def test_operator_key_is_forbidden(operator, operation):
    expect_error(403, FORBIDDEN, PARTNER_OPERATIONS[operation], operator)


def test_solution_provider_cannot_list_indirect_partners(sp):
    expect_error(403, FORBIDDEN, support.list_indirect, sp)


def test_reseller_cannot_list_indirect_partners(reseller):
    expect_error(403, FORBIDDEN, support.list_indirect, reseller)


def test_reseller_cannot_create_customers(reseller):
    expect_error(403, FORBIDDEN, support.create, reseller)


@pytest.mark.parametrize("who", ["customer", "reseller_customer", "operator", "reseller"])
def test_forbidden_create_creates_nothing(request, sp, reseller, who):
    client = request.getfixturevalue(who)
    name, xid = support.new_name(), support.new_xaccount_id()
    expect_error(403, FORBIDDEN, support.create, client, domain_name=name, xaccount_id=xid)
    support.assert_name_unused(sp, name, sp, reseller)
    support.create(sp, xaccount_id=xid)  # the xaccount pair is still free
