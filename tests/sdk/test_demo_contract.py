"""The demo data set printed by ``pcenter seed demo --json``."""

import pytest

PARTNER_KEYS = {"domain_id", "domain_name", "ak", "sk", "login", "password"}
ACCOUNTS = ("operator", "distributor", "reseller", "solution_provider")


@pytest.mark.parametrize("role", ACCOUNTS)
def test_demo_account_has_credentials_and_identity(demo, role):
    account = demo[role]
    assert PARTNER_KEYS <= set(account), sorted(PARTNER_KEYS - set(account))
    for key in PARTNER_KEYS:
        assert isinstance(account[key], str) and account[key], key


def test_demo_reseller_parent_is_the_distributor(demo):
    assert demo["reseller"]["parent"] == demo["distributor"]["domain_id"]


def test_demo_account_ids_names_and_keys_are_distinct(demo):
    accounts = [demo[r] for r in ACCOUNTS] + demo["customers"]
    for key in ("domain_id", "domain_name", "ak"):
        values = [a[key] for a in accounts]
        assert len(set(values)) == len(values), key


def test_demo_customers_layout(demo):
    sp_id = demo["solution_provider"]["domain_id"]
    reseller_id = demo["reseller"]["domain_id"]
    layout = sorted((c["partner"], c["association_type"]) for c in demo["customers"])
    assert layout == sorted(
        [(sp_id, "resale"), (sp_id, "resale"), (sp_id, "consultative"), (reseller_id, "resale")]
    )


def test_demo_customer_has_credentials(demo):
    for c in demo["customers"]:
        assert PARTNER_KEYS <= set(c), sorted(PARTNER_KEYS - set(c))
        assert c["association_type"] in ("resale", "consultative")


def test_demo_distributor_has_no_customers(demo):
    dist_id = demo["distributor"]["domain_id"]
    assert not [c for c in demo["customers"] if c["partner"] == dist_id]
