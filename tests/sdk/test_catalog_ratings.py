"""Catalog and price inquiry through the unmodified SDK: list_service_types,
list_resource_types, list_service_resources, list_resource_specs, list_usage_types,
list_measure_units, list_conversions, list_rate_on_period_detail,
list_renew_rate_on_period, list_on_demand_resource_ratings; and the product's
change-of-spec inquiry, customer discounts and operator price-book load."""

import json
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from huaweicloudsdkbss.v2 import (
    DemandProductInfo,
    ListConversionsRequest,
    ListMeasureUnitsRequest,
    ListOnDemandResourceRatingsRequest,
    ListRateOnPeriodDetailRequest,
    ListRenewRateOnPeriodReq,
    ListRenewRateOnPeriodRequest,
    ListResourceSpecsRequest,
    ListResourceTypesRequest,
    ListServiceResourcesRequest,
    ListServiceTypesRequest,
    ListUsageTypesRequest,
    PeriodProductInfo,
    RateOnDemandReq,
    RateOnPeriodReq,
    ResourceSpecsQueryReq,
)

import support
from support import BAD_PARAM, FORBIDDEN, NOT_OWN_CUSTOMER, expect_error

SCALE_DOWN = "CBC.99003170"
RESOURCE_NOT_FOUND = "CBC.99003016"
ECS, VM = "hws.service.type.ec2", "hws.resource.type.vm"
EBS, VOLUME = "hws.service.type.ebs", "hws.resource.type.volume"
PRICE_BOOK = Path(__file__).resolve().parents[2] / "pricebook" / "pricebook-2026.11.json"


def server(pid="1", spec="s6.small.1.linux", months=5, **kw):
    fields = dict(id=pid, cloud_service_type=ECS, resource_type=VM, resource_spec=spec, region="cn-north-4",
                  available_zone="cn-north-4a", period_type=2, period_num=months, subscription_num=1)
    fields.update(kw)
    return PeriodProductInfo(**fields)


def disk(pid="2", gb=30, months=5, spec="SAS", **kw):
    fields = dict(id=pid, cloud_service_type=EBS, resource_type=VOLUME, resource_spec=spec, region="cn-north-4",
                  available_zone="cn-north-4a", resource_size=gb, size_measure_id=17, period_type=2, period_num=months,
                  subscription_num=1)
    fields.update(kw)
    return PeriodProductInfo(**fields)


def rate(client, *products):
    req = ListRateOnPeriodDetailRequest(body=RateOnPeriodReq(project_id="p", product_infos=list(products)))
    return client.list_rate_on_period_detail(req)


def call(client, account, method, path, body=None):
    return support.signed_request(account["ak"], account["sk"], account["domain_id"], path, body, method=method)


# --------------------------------------------------------------------------
# catalog


def test_service_types_use_the_public_codes(sp):
    r = sp.list_service_types(ListServiceTypesRequest(limit=100))
    codes = {s.service_type_code for s in r.service_types}
    assert {ECS, EBS, "hws.service.type.obs", "hws.service.type.rds"} <= codes
    assert r.total_count == len(r.service_types)
    paged = sp.list_service_types(ListServiceTypesRequest(limit=1, offset=1))
    assert len(paged.service_types) == 1 and paged.total_count == r.total_count


def test_resource_types_and_service_resources(sp):
    r = sp.list_resource_types(ListResourceTypesRequest(limit=100))
    by_code = {t.resource_type_code: t for t in r.resource_types}
    assert by_code[VM].service_type_code == ECS
    assert by_code[VOLUME].service_type_code == EBS
    infos = sp.list_service_resources(ListServiceResourcesRequest(service_type_code=EBS)).infos
    assert [i.basic_info.resource_type_code for i in infos] == [VOLUME]
    expect_error(400, BAD_PARAM, sp.list_service_resources, ListServiceResourcesRequest())


def test_resource_specs_by_charge_mode(sp):
    body = ResourceSpecsQueryReq(cloud_service_type=ECS, resource_type=VM, region_code="cn-north-4", charge_mode="period")
    specs = sp.list_resource_specs(ListResourceSpecsRequest(body=body)).cloud_service_basics
    assert "s6.small.1.linux" in {s.resource_spec for s in specs}
    assert all(s.region_code == "cn-north-4" and s.charge_mode == "period" for s in specs)
    body = ResourceSpecsQueryReq(cloud_service_type="hws.service.type.obs", resource_type="hws.resource.type.obs",
                                 region_code="cn-north-4", charge_mode="period")
    assert sp.list_resource_specs(ListResourceSpecsRequest(body=body)).cloud_service_basics == []
    page = sp.list_resource_specs(ListResourceSpecsRequest(body=ResourceSpecsQueryReq(
        cloud_service_type=ECS, resource_type=VM, region_code="cn-north-4", charge_mode="demand", limit=1)))
    assert len(page.cloud_service_basics) == 1 and page.page_info.next_marker
    bad = ResourceSpecsQueryReq(cloud_service_type=ECS, resource_type=VM, region_code="cn-north-4", charge_mode="weekly")
    expect_error(400, BAD_PARAM, sp.list_resource_specs, ListResourceSpecsRequest(body=bad))


def test_usage_types_measure_units_and_conversions(sp):
    usage = sp.list_usage_types(ListUsageTypesRequest(resource_type_code=VM)).usage_types
    assert [(u.code, u.service_type_code) for u in usage] == [("Duration", ECS)]
    units = {m.measure_id: m for m in sp.list_measure_units(ListMeasureUnitsRequest()).measure_units}
    assert units[17].abbreviation == "GB" and units[1].measure_type == 1 and units[4].measure_name == "Hour"
    conv = sp.list_conversions(ListConversionsRequest(measure_type=2)).conversions
    assert conv and all(c.measure_type == 2 for c in conv)
    assert any(c.measure_id == 5 and c.ref_measure_id == 4 and c.conversion_ratio == 24 for c in conv)


# --------------------------------------------------------------------------
# yearly/monthly inquiry


def test_a_server_and_its_30_gb_disk_for_5_months(sp):
    r = rate(sp, server(), disk())
    official = r.official_website_rating_result
    assert r.currency == "CNY"
    assert Decimal(str(official.official_website_amount)) == Decimal("213.50")
    lines = {p.id: Decimal(str(p.official_website_amount)) for p in official.product_rating_results}
    assert lines == {"1": Decimal("161.00"), "2": Decimal("52.50")}
    assert r.optional_discount_rating_results == []


def test_yearly_is_cheaper_than_twelve_months(sp):
    yearly = rate(sp, server(period_type=3, months=1)).official_website_rating_result.official_website_amount
    monthly = rate(sp, server(months=1)).official_website_rating_result.official_website_amount
    assert Decimal(str(yearly)) < 12 * Decimal(str(monthly))


@pytest.mark.parametrize("kw", [dict(months=12), dict(period_type=3, months=4), dict(period_type=1), dict(subscription_num=0),
                                dict(resource_spec="nope"), dict(region="mars-1"), dict(available_zone="cn-south-1a")])
def test_bad_period_products_are_refused(sp, kw):
    months = kw.pop("months", 5)
    expect_error(400, BAD_PARAM, rate, sp, server(months=months, **kw))


def test_disks_need_a_size_in_range(sp):
    expect_error(400, BAD_PARAM, rate, sp, disk(gb=5))
    expect_error(400, BAD_PARAM, rate, sp, disk(size_measure_id=10))


def test_customer_discounts_give_best_offer(sp, demo, sp_customers, customer):
    sp_account = demo["solution_provider"]
    cust = [c for c in sp_customers if c["association_type"] == "resale"][0]
    granted = []
    for name, rate_, services in (("ECS 10 % off", 0.9, [ECS]), ("All 5 % off", 0.95, [])):
        resp = call(sp, sp_account, "POST", "/v2/partners/customer-discounts",
                    {"customer_id": cust["domain_id"], "discount_name": name, "discount_rate": rate_, "service_type_codes": services})
        assert resp.status_code == 200, resp.text
        granted.append(resp.json()["discount_id"])
    try:
        r = rate(customer, server(), disk())
        options = {o.discount_name: o for o in r.optional_discount_rating_results}
        ecs, everything = options["ECS 10 % off"], options["All 5 % off"]
        assert Decimal(str(ecs.discount_amount)) == Decimal("16.10")
        assert Decimal(str(everything.discount_amount)) == Decimal("10.67")
        assert (ecs.best_offer, everything.best_offer) == (1, 0)
        assert Decimal(str(ecs.amount)) == Decimal("197.40")
        assert ecs.discount_type == 607
        # The partner itself sees official prices only.
        assert rate(sp, server(), disk()).optional_discount_rating_results == []
        listed = call(sp, sp_account, "GET", "/v2/partners/customer-discounts").json()
        assert set(granted) <= {d["discount_id"] for d in listed["discounts"]}
    finally:
        for d in granted:
            assert call(sp, sp_account, "POST", "/v2/partners/customer-discounts/revoke", {"discount_id": d}).status_code == 200
    assert rate(customer, server(), disk()).optional_discount_rating_results == []


def test_discounts_only_for_own_customers(demo, reseller_customers):
    sp_account = demo["solution_provider"]
    foreign = reseller_customers[0]["domain_id"]
    resp = call(None, sp_account, "POST", "/v2/partners/customer-discounts",
                {"customer_id": foreign, "discount_name": "x", "discount_rate": 0.9})
    assert (resp.status_code, support.error_of(resp)[0]) == (400, NOT_OWN_CUSTOMER)
    cust = demo["customers"][0]["domain_id"]
    for bad_rate in (0, 1, 1.5, 0.12345):
        resp = call(None, sp_account, "POST", "/v2/partners/customer-discounts",
                    {"customer_id": cust, "discount_name": "x", "discount_rate": bad_rate})
        assert (resp.status_code, support.error_of(resp)[0]) == (400, BAD_PARAM), bad_rate
    resp = call(None, demo["solution_provider"], "POST", "/v2/partners/customer-discounts/revoke", {"discount_id": "nope"})
    assert resp.status_code == 400


# --------------------------------------------------------------------------
# renewal, on demand, change of spec


def test_renewal_of_unknown_resources_fails_per_resource(sp):
    req = ListRenewRateOnPeriodRequest(body=ListRenewRateOnPeriodReq(resource_ids=["r-1", "r-2"], period_type=2, period_num=1))
    r = sp.list_renew_rate_on_period(req)
    assert [(f.resource_id, f.error_code) for f in r.fail_resource_infos] == [("r-1", RESOURCE_NOT_FOUND), ("r-2", RESOURCE_NOT_FOUND)]
    assert r.renew_inquiry_results == []
    bad = ListRenewRateOnPeriodRequest(body=ListRenewRateOnPeriodReq(resource_ids=["r-1"], period_type=2, period_num=12))
    expect_error(400, BAD_PARAM, sp.list_renew_rate_on_period, bad)


def on_demand(client, precision, value="1", measure=4):
    product = DemandProductInfo(id="1", cloud_service_type=EBS, resource_type=VOLUME, resource_spec="SAS", region="cn-north-4",
                                resource_size=30, size_measure_id=17, usage_factor="Duration", usage_value=Decimal(value),
                                usage_measure_id=measure, subscription_num=1)
    req = ListOnDemandResourceRatingsRequest(body=RateOnDemandReq(project_id="p", inquiry_precision=precision, product_infos=[product]))
    return client.list_on_demand_resource_ratings(req)


def test_on_demand_precision(sp):
    assert Decimal(str(on_demand(sp, 0).official_website_amount)) == Decimal("0.021")
    third_minute = on_demand(sp, 0, "0.333333", 14).official_website_amount
    assert Decimal(str(third_minute)) == Decimal("0.000117")
    ten = on_demand(sp, 1, "0.333333", 14).official_website_amount
    assert Decimal(str(ten)) == Decimal("0.0001166666")
    expect_error(400, BAD_PARAM, on_demand, sp, 2)
    expect_error(400, BAD_PARAM, on_demand, sp, 0, "1", 17)


def change_spec(demo, new_spec, months=1, remaining_ms=None):
    info = {"id": "1", "cloud_service_type": ECS, "resource_type": VM, "resource_spec": "s6.xlarge.2.linux", "region": "cn-north-4",
            "period_type": 2, "period_num": months, "subscription_num": 1}
    body = {"product_info": info, "new_resource_spec": new_spec}
    if remaining_ms is not None:
        body["remaining_ms"] = remaining_ms
    return call(None, demo["solution_provider"], "POST", "/v2/bills/ratings/change-spec-rate", body)


def test_change_of_spec_scales_up_only(demo):
    up = change_spec(demo, "c6.2xlarge.4.linux", remaining_ms=15 * 86_400_000)
    assert up.status_code == 200, up.text
    # (1130.80 − 266.00) × 15 / 30
    assert Decimal(str(up.json()["official_website_amount"])) == Decimal("432.40")
    down = change_spec(demo, "s6.large.2.linux")
    assert (down.status_code, support.error_of(down)[0]) == (400, SCALE_DOWN)
    assert "vCPUs 4 → 2" in support.error_of(down)[1]


# --------------------------------------------------------------------------
# operator price book


def test_only_the_operator_loads_price_books(demo):
    book = json.loads(PRICE_BOOK.read_text())
    same = call(None, demo["operator"], "POST", "/v2/operator/price-books", book)
    assert same.status_code == 200 and same.json()["result"] == "unchanged", same.text
    resp = call(None, demo["solution_provider"], "POST", "/v2/operator/price-books", book)
    assert (resp.status_code, support.error_of(resp)[0]) == (403, FORBIDDEN)
    book["specs"][0]["prices"]["monthly"] = "1.00"
    resp = call(None, demo["operator"], "POST", "/v2/operator/price-books", book)
    assert (resp.status_code, support.error_of(resp)[0]) == (400, BAD_PARAM)
    book["version"] = "bad-" + uuid.uuid4().hex[:8]
    book["specs"][0]["prices"]["monthly"] = "-1"
    resp = call(None, demo["operator"], "POST", "/v2/operator/price-books", book)
    assert (resp.status_code, support.error_of(resp)[0]) == (400, BAD_PARAM)
