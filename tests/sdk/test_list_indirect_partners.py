"""list_indirect_partners (POST /v2/partners/indirect-partners/query)."""

import uuid

import pytest

from support import ASSOCIATED_ON, BAD_PARAM, FORBIDDEN, expect_error, list_indirect


def test_distributor_sees_exactly_the_demo_reseller(dist, demo):
    resp = list_indirect(dist)
    assert resp.count == 1
    assert [p.indirect_partner_id for p in resp.indirect_partners] == [demo["reseller"]["domain_id"]]


def test_indirect_partner_entry_fields(dist, demo):
    reseller = demo["reseller"]
    entry = list_indirect(dist).indirect_partners[0]
    assert entry.account_name == reseller["domain_name"]
    assert entry.email == reseller["domain_name"] + "@example.com"
    assert entry.name
    assert ASSOCIATED_ON.match(entry.associated_on or ""), entry.associated_on


def test_account_name_filter_matches_substring(dist, demo):
    name = demo["reseller"]["domain_name"]
    resp = list_indirect(dist, account_name=name[1:-1] if len(name) > 2 else name)
    assert resp.count == 1
    assert resp.indirect_partners[0].indirect_partner_id == demo["reseller"]["domain_id"]


def test_account_name_filter_without_match_is_empty(dist):
    resp = list_indirect(dist, account_name="nomatch" + uuid.uuid4().hex)
    assert resp.count == 0 and not resp.indirect_partners


def test_indirect_partner_id_filter(dist, demo):
    resp = list_indirect(dist, indirect_partner_id=demo["reseller"]["domain_id"])
    assert resp.count == 1
    assert resp.indirect_partners[0].indirect_partner_id == demo["reseller"]["domain_id"]


def test_offset_past_end_is_empty_but_counts(dist):
    resp = list_indirect(dist, offset=1, limit=10)
    assert resp.count == 1
    assert not resp.indirect_partners


def test_limit_100_is_accepted(dist):
    assert list_indirect(dist, limit=100).count == 1


@pytest.mark.parametrize("limit", [101, 1000])
def test_limit_above_100_is_rejected(dist, limit):
    expect_error(400, BAD_PARAM, list_indirect, dist, limit=limit)


@pytest.mark.parametrize("who", ["sp", "reseller", "customer", "reseller_customer", "operator"])
def test_non_tier1_caller_is_forbidden(request, who):
    expect_error(403, FORBIDDEN, list_indirect, request.getfixturevalue(who))
