"""list_sub_customers (POST /v2/partners/sub-customers/query)."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest

import support
from support import (
    ASSOCIATED_ON,
    ASSOCIATION_TYPE,
    BAD_PARAM,
    NOT_OWN_INDIRECT,
    all_customers,
    create,
    customer_ids,
    expect_error,
    list_customers,
    new_name,
)

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _ids(accounts):
    return {a["domain_id"] for a in accounts}


def _parse(ts):
    return datetime.strptime(ts, TIME_FORMAT).replace(tzinfo=timezone.utc)


def _fmt(dt):
    return dt.strftime(TIME_FORMAT)


@pytest.fixture(scope="module")
def batch(sp):
    """Eleven customers of the solution provider sharing a unique name prefix."""
    prefix = "pg" + uuid.uuid4().hex[:10]
    names = ["%s%02d" % (prefix, i) for i in range(11)]
    ids = {create(sp, domain_name=n).domain_id for n in names}
    return prefix, ids


# --------------------------------------------------------------------------
# isolation


def test_solution_provider_sees_its_demo_customers(sp, sp_customers):
    assert _ids(sp_customers) <= customer_ids(sp)


def test_solution_provider_never_sees_reseller_customers(sp, reseller_customers):
    assert not (_ids(reseller_customers) & customer_ids(sp))


def test_reseller_sees_its_demo_customer(reseller, reseller_customers):
    assert _ids(reseller_customers) <= customer_ids(reseller)


def test_reseller_never_sees_solution_provider_customers(reseller, sp_customers):
    assert not (_ids(sp_customers) & customer_ids(reseller))


def test_distributor_without_indirect_partner_sees_no_customers(dist):
    resp = list_customers(dist)
    assert resp.count == 0
    assert not resp.customer_infos


def test_distributor_sees_reseller_customers_with_indirect_partner(dist, demo, reseller_customers):
    ids = customer_ids(dist, indirect_partner_id=demo["reseller"]["domain_id"])
    assert _ids(reseller_customers) <= ids


def test_distributor_view_of_reseller_matches_reseller_view(dist, reseller, demo):
    via_distributor = customer_ids(dist, indirect_partner_id=demo["reseller"]["domain_id"])
    assert via_distributor == customer_ids(reseller)


@pytest.mark.parametrize("target", ["solution_provider", "distributor", "random"])
def test_distributor_with_foreign_indirect_partner_is_rejected(dist, demo, target):
    indirect = uuid.uuid4().hex if target == "random" else demo[target]["domain_id"]
    expect_error(400, NOT_OWN_INDIRECT, list_customers, dist, indirect_partner_id=indirect)


def test_demo_association_types_are_reported(sp, reseller, demo):
    listed = {c.customer_id: c for c in all_customers(sp) + all_customers(reseller)}
    for c in demo["customers"]:
        assert listed[c["domain_id"]].association_type == ASSOCIATION_TYPE[c["association_type"]], c["domain_name"]


def test_demo_customer_entries_carry_id_and_name(sp, sp_customers):
    listed = {c.customer_id: c for c in all_customers(sp)}
    for c in sp_customers:
        assert listed[c["domain_id"]].account_name == c["domain_name"]


def test_associated_on_format(sp, reseller):
    for c in all_customers(sp) + all_customers(reseller):
        assert ASSOCIATED_ON.match(c.associated_on or ""), c.associated_on


# --------------------------------------------------------------------------
# filters


def test_account_name_filter_matches_substring(sp):
    name = new_name("flt")
    resp = create(sp, domain_name=name)
    listed = list_customers(sp, account_name=name[3:-3])
    assert listed.count == 1
    assert [c.customer_id for c in listed.customer_infos] == [resp.domain_id]


def test_account_name_filter_without_match_is_empty(sp):
    resp = list_customers(sp, account_name="nomatch" + uuid.uuid4().hex)
    assert resp.count == 0 and not resp.customer_infos


def test_account_name_filter_applies_to_demo_customer(sp, sp_customers):
    target = sp_customers[0]
    listed = all_customers(sp, account_name=target["domain_name"])
    assert target["domain_id"] in {c.customer_id for c in listed}
    assert all(target["domain_name"] in c.account_name for c in listed)


def test_customer_id_filter_returns_that_customer(sp, sp_customers):
    target = sp_customers[0]
    resp = list_customers(sp, customer_id=target["domain_id"])
    assert resp.count == 1
    assert [c.customer_id for c in resp.customer_infos] == [target["domain_id"]]


def test_customer_id_filter_of_foreign_customer_is_empty(sp, reseller_customers):
    resp = list_customers(sp, customer_id=reseller_customers[0]["domain_id"])
    assert resp.count == 0 and not resp.customer_infos


@pytest.mark.parametrize("association_type", ["1", "2"])
def test_association_type_filter(sp, sp_customers, association_type):
    listed = all_customers(sp, association_type=association_type)
    assert listed
    assert all(c.association_type == association_type for c in listed)
    expected = {c["domain_id"] for c in sp_customers if ASSOCIATION_TYPE[c["association_type"]] == association_type}
    assert expected <= {c.customer_id for c in listed}


def test_association_type_filters_partition_the_list(sp):
    total = list_customers(sp).count
    assert list_customers(sp, association_type="1").count + list_customers(sp, association_type="2").count == total


def test_customer_filter_without_match_is_empty(sp):
    resp = list_customers(sp, customer="nomatch" + uuid.uuid4().hex)
    assert resp.count == 0 and not resp.customer_infos


def test_customer_filter_matches_real_name_substring(sp):
    named = [c for c in all_customers(sp) if c.customer]
    if not named:
        pytest.skip("no customer of the solution provider has a real name")
    target = named[0]
    # Filters do not support spaces (SDK documentation): search for the middle
    # of the longest word of the real name.
    word = max(target.customer.split(), key=len)
    part = word[1:-1] if len(word) > 2 else word
    listed = all_customers(sp, customer=part)
    assert target.customer_id in {c.customer_id for c in listed}
    assert all(part in (c.customer or "") for c in listed)


def test_label_filter_without_match_is_empty(sp):
    resp = list_customers(sp, label="nomatch" + uuid.uuid4().hex)
    assert resp.count == 0 and not resp.customer_infos


def test_label_filter_matches_label(sp):
    labelled = [c for c in all_customers(sp) if c.label]
    if not labelled:
        pytest.skip("no customer of the solution provider has a label")
    target = labelled[0]
    listed = all_customers(sp, label=target.label)
    assert target.customer_id in {c.customer_id for c in listed}


def test_filters_combine(sp):
    name = new_name("cmb")
    create(sp, domain_name=name, cooperation_type="1")
    assert list_customers(sp, account_name=name, association_type="1").count == 1
    assert list_customers(sp, account_name=name, association_type="2").count == 0


# --------------------------------------------------------------------------
# associated_on range


def test_associated_on_range_around_creation_matches(sp):
    name = new_name("tim")
    create(sp, domain_name=name)
    info = support.find_customer(sp, name)
    at = _parse(info.associated_on)
    resp = list_customers(
        sp,
        account_name=name,
        associated_on_begin=_fmt(at - timedelta(minutes=1)),
        associated_on_end=_fmt(at + timedelta(minutes=1)),
    )
    assert resp.count == 1


def test_associated_on_is_close_to_now(sp):
    name = new_name("now")
    create(sp, domain_name=name)
    at = _parse(support.find_customer(sp, name).associated_on)
    assert abs((datetime.now(timezone.utc) - at).total_seconds()) < 600


def test_associated_on_begin_in_future_is_empty(sp):
    resp = list_customers(sp, associated_on_begin="2099-01-01T00:00:00Z")
    assert resp.count == 0 and not resp.customer_infos


def test_associated_on_end_in_past_is_empty(sp):
    resp = list_customers(sp, associated_on_end="2000-01-01T00:00:00Z")
    assert resp.count == 0 and not resp.customer_infos


def test_wide_associated_on_range_keeps_everything(sp):
    total = list_customers(sp).count
    wide = list_customers(sp, associated_on_begin="2000-01-01T00:00:00Z", associated_on_end="2099-12-31T23:59:59Z")
    assert wide.count == total


def test_range_ending_before_creation_excludes_customer(sp):
    name = new_name("bef")
    create(sp, domain_name=name)
    at = _parse(support.find_customer(sp, name).associated_on)
    assert list_customers(sp, account_name=name, associated_on_end=_fmt(at - timedelta(minutes=5))).count == 0


@pytest.mark.parametrize("field", ["associated_on_begin", "associated_on_end"])
@pytest.mark.parametrize(
    "value", ["2019-05-06 08:05:01", "2019-05-06", "yesterday", "2019-13-06T08:05:01Z"]
)
def test_malformed_associated_on_is_rejected(sp, field, value):
    expect_error(400, BAD_PARAM, list_customers, sp, **{field: value})


# --------------------------------------------------------------------------
# paging


def test_default_limit_is_ten(sp, batch):
    prefix, ids = batch
    resp = list_customers(sp, account_name=prefix)
    assert resp.count == 11
    assert len(resp.customer_infos) == 10


def test_offset_skips_entries(sp, batch):
    prefix, ids = batch
    first = list_customers(sp, account_name=prefix, offset=0, limit=10)
    rest = list_customers(sp, account_name=prefix, offset=10, limit=10)
    assert rest.count == 11
    assert len(rest.customer_infos) == 1
    seen = {c.customer_id for c in first.customer_infos} | {c.customer_id for c in rest.customer_infos}
    assert seen == ids


def test_pages_do_not_overlap(sp, batch):
    prefix, ids = batch
    pages = [list_customers(sp, account_name=prefix, offset=o, limit=3).customer_infos for o in range(0, 12, 3)]
    flat = [c.customer_id for page in pages for c in page]
    assert len(flat) == len(set(flat)) == 11
    assert set(flat) == ids


def test_limit_restricts_page_but_not_count(sp, batch):
    prefix, _ = batch
    resp = list_customers(sp, account_name=prefix, limit=1)
    assert len(resp.customer_infos) == 1
    assert resp.count == 11


def test_offset_past_end_is_empty_but_counts(sp, batch):
    prefix, _ = batch
    resp = list_customers(sp, account_name=prefix, offset=50)
    assert not resp.customer_infos
    assert resp.count == 11


def test_limit_100_is_accepted(sp):
    resp = list_customers(sp, limit=100)
    assert len(resp.customer_infos) == min(resp.count, 100)


def test_limit_1_is_accepted(sp):
    assert len(list_customers(sp, limit=1).customer_infos) == 1


@pytest.mark.parametrize("limit", [101, 1000, 0, -1])
def test_limit_out_of_range_is_rejected(sp, limit):
    expect_error(400, BAD_PARAM, list_customers, sp, limit=limit)


def test_count_matches_full_listing(sp):
    total = list_customers(sp).count
    assert len(all_customers(sp)) == total


# --------------------------------------------------------------------------
# customers created through the API


def test_resale_customer_created_through_api_is_listed_as_resale(sp):
    name = new_name("rsl")
    resp = create(sp, domain_name=name)
    listed = list_customers(sp, customer_id=resp.domain_id)
    assert listed.count == 1
    info = listed.customer_infos[0]
    assert (info.account_name, info.association_type) == (name, "2")


def test_consultative_customer_created_through_api_is_listed_as_consultative(sp):
    name = new_name("cns")
    resp = create(sp, domain_name=name, cooperation_type="1")
    listed = list_customers(sp, customer_id=resp.domain_id)
    assert listed.count == 1
    info = listed.customer_infos[0]
    assert (info.account_name, info.association_type) == (name, "1")


def test_new_customer_increments_count(sp):
    before = list_customers(sp).count
    create(sp)
    assert list_customers(sp).count == before + 1
