"""Fixtures for the SDK compatibility suite.

The suite expects a running server and the output of ``pcenter seed demo --json``;
scripts/sdk-tests.sh provides both through PCENTER_URL and PCENTER_DEMO.
"""

import types

import pytest

import support


@pytest.fixture(scope="module")
def demo():
    return support.load_demo()


@pytest.fixture(scope="module")
def url():
    return support.base_url()


@pytest.fixture(scope="module")
def sp_customers(demo):
    """Demo customers of the solution provider."""
    sp_id = demo["solution_provider"]["domain_id"]
    return [c for c in demo["customers"] if c["partner"] == sp_id]


@pytest.fixture(scope="module")
def reseller_customers(demo):
    """Demo customers of the tier-2 reseller."""
    reseller_id = demo["reseller"]["domain_id"]
    return [c for c in demo["customers"] if c["partner"] == reseller_id]


@pytest.fixture(scope="module")
def sp(demo):
    """Client of the solution provider (a partner with its own customers)."""
    return support.client_for(demo["solution_provider"])


@pytest.fixture(scope="module")
def dist(demo):
    """Client of the tier-1 distributor."""
    return support.client_for(demo["distributor"])


@pytest.fixture(scope="module")
def reseller(demo):
    """Client of the tier-2 reseller (indirect partner of the distributor)."""
    return support.client_for(demo["reseller"])


@pytest.fixture(scope="module")
def operator(demo):
    """Client of the platform operator account."""
    return support.client_for(demo["operator"])


@pytest.fixture(scope="module")
def customer(sp_customers):
    """Client of a resale customer of the solution provider."""
    resale = [c for c in sp_customers if c["association_type"] == "resale"]
    return support.client_for(resale[0])


@pytest.fixture(scope="module")
def reseller_customer(reseller_customers):
    """Client of the reseller's customer."""
    return support.client_for(reseller_customers[0])


@pytest.fixture
def recorder():
    return support.ResponseRecorder()


@pytest.fixture
def fresh_customer(sp):
    """A new resale customer of the solution provider, with its own key (no money yet)."""
    return support.new_customer(sp)


@pytest.fixture
def fresh_consultative(sp):
    """A new consultative customer of the solution provider, with its own key."""
    return support.new_customer(sp, cooperation_type="1")


@pytest.fixture
def fresh_reseller_customer(dist, demo):
    """A new customer of the tier-2 reseller (created by the distributor), with its own key."""
    return support.new_customer(dist, indirect_partner_id=demo["reseller"]["domain_id"])


@pytest.fixture
def sp_quota(demo):
    """A fresh coupon quota of 100.00 (type 0) of the solution provider, effective for 30 days."""
    return support.new_quota(demo["solution_provider"]["domain_id"])


@pytest.fixture
def dist_quota(demo):
    """A fresh coupon quota of 100.00 (type 0) of the distributor, effective for 30 days."""
    return support.new_quota(demo["distributor"]["domain_id"])


@pytest.fixture
def reseller_quota(dist, demo):
    """A fresh sub-quota of 100.00 of the reseller, issued by the distributor.

    It comes from a fresh 100.00 quota of the distributor (left with 0.00).
    Namespace: ``id`` (the sub-quota) and ``parent`` (the distributor's quota).
    """
    reseller_id = demo["reseller"]["domain_id"]
    parent = support.new_quota(demo["distributor"]["domain_id"])
    sub_id = support.issue_sub_quota(dist, parent.id, reseller_id, parent.value)
    return types.SimpleNamespace(id=sub_id, parent=parent, value=parent.value)
