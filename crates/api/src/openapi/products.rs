//! Catalog, price inquiry, customer discounts and price-book operations of the document.

use super::{
    array, boolean, described, integer, limit, object, offset, q, q_required, request, schema_ref, string, Access, Input, Operation,
};
use serde_json::{json, Value};

fn price() -> Value {
    json!({"type": "number", "description": "Exact decimal amount in yuan (2 places for yearly/monthly, 6 or 10 on demand)."})
}

fn op(
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    tag: &'static str,
    input: Input,
    output: &'static str,
) -> Operation {
    Operation { method, path, id, summary, tag, access: Access::Signed, input, output }
}

pub(super) fn operations() -> Vec<Operation> {
    vec![
        op("get", "/v2/products/service-types", "list_service_types", "Cloud service types of the price book in effect.", "products",
            Input::Query(vec![q("limit", limit()), q("offset", offset()), q("service_type_name", string())]), "ListServiceTypesResponse"),
        op("get", "/v2/products/resource-types", "list_resource_types", "Resource types of the price book in effect.", "products",
            Input::Query(vec![q("limit", limit()), q("offset", offset())]), "ListResourceTypesResponse"),
        op("get", "/v2/products/service-resources", "list_service_resources", "Resource types of one cloud service type.", "products",
            Input::Query(vec![q_required("service_type_code", string()), q("limit", limit()), q("offset", offset())]), "ListServiceResourcesResponse"),
        op("post", "/v2/products/resource-specs-query", "list_resource_specs", "Specs of a resource type sold in a region under a charge mode.", "products",
            Input::Body("ResourceSpecsQueryReq"), "ListResourceSpecsResponse"),
        op("get", "/v2/products/usage-types", "list_usage_types", "Usage types (on-demand usage factors) of a resource type.", "products",
            Input::Query(vec![q_required("resource_type_code", string()), q("offset", offset()), q("limit", limit())]), "ListUsageTypesResponse"),
        op("get", "/v2/bases/measurements", "list_measure_units", "Measure units (1 yuan, 4 hour, 17 GB, ...).", "products", Input::None, "ListMeasureUnitsResponse"),
        op("get", "/v2/bases/conversions", "list_conversions", "Measure unit conversions.", "products",
            Input::Query(vec![q("measure_type", integer())]), "ListConversionsResponse"),
        op("post", "/v2/bills/ratings/period-resources/subscribe-rate", "list_rate_on_period_detail",
            "Yearly/monthly price of several products, official and with each applicable discount (best_offer marks the best).", "ratings",
            Input::Body("RateOnPeriodReq"), "ListRateOnPeriodDetailResponse"),
        op("post", "/v2/bills/ratings/period-resources/renew-rate", "list_renew_rate_on_period",
            "Renewal price of yearly/monthly resources; unknown resources are listed in fail_resource_infos (CBC.99003016).", "ratings",
            Input::Body("ListRenewRateOnPeriodReq"), "ListRenewRateOnPeriodResponse"),
        op("post", "/v2/bills/ratings/on-demand-resources", "list_on_demand_resource_ratings",
            "On-demand price for a usage (inquiry_precision 0: 6 decimals, 1: 10).", "ratings", Input::Body("RateOnDemandReq"),
            "ListOnDemandResourceRatingsResponse"),
        op("post", "/v2/bills/ratings/change-spec-rate", "change_spec_rate",
            "Change-of-spec price for the time left (product extension); scaling down is refused (CBC.99003170).", "ratings",
            Input::Body("ChangeSpecRateReq"), "ChangeSpecRateResponse"),
        op("post", "/v2/partners/customer-discounts", "grant_customer_discount",
            "Partner: grant one of its customers a discount rate (product extension).", "ratings", Input::Body("GrantCustomerDiscountReq"),
            "CustomerDiscountInfo"),
        op("get", "/v2/partners/customer-discounts", "list_customer_discounts", "Partner: its active customer discounts (product extension).",
            "ratings", Input::Query(vec![q("customer_id", string())]), "ListCustomerDiscountsResponse"),
        op("post", "/v2/partners/customer-discounts/revoke", "revoke_customer_discount", "Partner: revoke a customer discount (product extension).",
            "ratings", Input::Body("RevokeCustomerDiscountReq"), "EmptyResponse"),
        op("post", "/v2/operator/price-books", "operator_load_price_book",
            "Operator: load a price-book version (the body is the price-book document, see pricebook/). A version in effect is never rewritten.",
            "operator", Input::Body("PriceBook"), "PriceBookLoadResponse"),
    ]
}

fn period_product() -> Value {
    request(
        &["id", "cloud_service_type", "resource_type", "resource_spec", "region", "period_type", "period_num", "subscription_num"],
        vec![
            ("id", described(string(), "Unique in the request.")),
            ("cloud_service_type", described(string(), "e.g. hws.service.type.ec2")),
            ("resource_type", described(string(), "e.g. hws.resource.type.vm")),
            ("resource_spec", string()),
            ("region", string()),
            ("available_zone", string()),
            ("resource_size", described(integer(), "Required for sized specs (disks in GB, bandwidth in Mbps).")),
            ("size_measure_id", described(integer(), "17: GB, 15: Mbps.")),
            ("period_type", described(integer(), "2: month (1-11), 3: year (1-3).")),
            ("period_num", integer()),
            ("subscription_num", described(integer(), "1 to 1000.")),
            ("fee_installment_mode", string()),
        ],
    )
}

fn rating_line() -> Value {
    object(
        &["id", "product_id", "amount", "official_website_amount", "discount_amount", "measure_id"],
        vec![
            ("id", string()),
            ("product_id", string()),
            ("amount", price()),
            ("official_website_amount", price()),
            ("discount_amount", price()),
            ("measure_id", integer()),
        ],
    )
}

fn discount_option() -> Value {
    object(
        &[
            "discount_id",
            "amount",
            "official_website_amount",
            "discount_amount",
            "measure_id",
            "discount_type",
            "discount_name",
            "best_offer",
            "product_rating_results",
        ],
        vec![
            ("discount_id", string()),
            ("amount", price()),
            ("official_website_amount", price()),
            ("discount_amount", price()),
            ("measure_id", integer()),
            ("discount_type", described(integer(), "607: discount rate set by the partner.")),
            ("discount_name", string()),
            ("best_offer", described(integer(), "1: the largest discount; 0 otherwise.")),
            ("product_rating_results", array(schema_ref("PeriodProductRatingResult"))),
        ],
    )
}

fn total(name: &str, item: &str) -> Value {
    object(&["total_count", name], vec![("total_count", integer()), (name, array(schema_ref(item)))])
}

pub(super) fn schemas() -> Vec<(&'static str, Value)> {
    let str_props = |names: &[&str]| object(names, names.iter().map(|n| (*n, string())).collect::<Vec<_>>());
    vec![
        ("ServiceTypes", str_props(&["service_type_name", "service_type_code", "abbreviation"])),
        ("ListServiceTypesResponse", total("service_types", "ServiceTypes")),
        ("ResourceTypes", str_props(&["resource_type_code", "resource_type_name", "resource_type_desc", "service_type_code"])),
        ("ListResourceTypesResponse", total("resource_types", "ResourceTypes")),
        ("ResourceBasicInfo", str_props(&["resource_type_code", "product_owner_service", "name", "description"])),
        ("ServiceResourceInfo", object(&["basic_info"], vec![("basic_info", schema_ref("ResourceBasicInfo"))])),
        ("ListServiceResourcesResponse", total("infos", "ServiceResourceInfo")),
        (
            "ResourceSpecsQueryReq",
            request(
                &["cloud_service_type", "resource_type", "region_code", "charge_mode"],
                vec![
                    ("cloud_service_type", string()),
                    ("resource_type", string()),
                    ("region_code", string()),
                    ("charge_mode", described(string(), "period, demand or oneOff.")),
                    (
                        "filters",
                        array(object(&[], vec![("key", described(string(), "vcpus, memory_gb or resource_spec.")), ("value", string())])),
                    ),
                    ("marker", described(string(), "next_marker of the previous page.")),
                    ("limit", json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": 1000})),
                ],
            ),
        ),
        (
            "CloudServiceBasic",
            str_props(&[
                "cloud_service_type",
                "cloud_service_type_name",
                "resource_type",
                "resource_type_name",
                "resource_spec",
                "resource_spec_name",
                "charge_mode",
                "region_code",
            ]),
        ),
        (
            "ListResourceSpecsResponse",
            object(
                &["page_info", "cloud_service_basics"],
                vec![
                    ("page_info", object(&[], vec![("next_marker", string())])),
                    ("cloud_service_basics", array(schema_ref("CloudServiceBasic"))),
                ],
            ),
        ),
        ("UsageType", str_props(&["code", "name", "resource_type_code", "service_type_code", "resource_type_name", "service_type_name"])),
        ("ListUsageTypesResponse", total("usage_types", "UsageType")),
        (
            "MeasureUnitRest",
            object(
                &["measure_id", "measure_name", "abbreviation", "measure_type"],
                vec![("measure_id", integer()), ("measure_name", string()), ("abbreviation", string()), ("measure_type", integer())],
            ),
        ),
        ("ListMeasureUnitsResponse", object(&["measure_units"], vec![("measure_units", array(schema_ref("MeasureUnitRest")))])),
        (
            "Conversion",
            object(
                &["measure_id", "ref_measure_id", "conversion_ratio", "measure_type"],
                vec![
                    ("measure_id", integer()),
                    ("ref_measure_id", integer()),
                    ("conversion_ratio", integer()),
                    ("measure_type", integer()),
                ],
            ),
        ),
        ("ListConversionsResponse", object(&["conversions"], vec![("conversions", array(schema_ref("Conversion")))])),
        ("PeriodProductInfo", period_product()),
        (
            "RateOnPeriodReq",
            request(&["product_infos"], vec![("project_id", string()), ("product_infos", array(schema_ref("PeriodProductInfo")))]),
        ),
        ("PeriodProductRatingResult", rating_line()),
        ("OptionalDiscountRatingResult", discount_option()),
        (
            "ListRateOnPeriodDetailResponse",
            object(
                &["official_website_rating_result", "optional_discount_rating_results", "currency"],
                vec![
                    (
                        "official_website_rating_result",
                        object(
                            &["official_website_amount", "measure_id", "product_rating_results"],
                            vec![
                                ("official_website_amount", price()),
                                ("measure_id", integer()),
                                (
                                    "product_rating_results",
                                    array(object(
                                        &["id", "product_id", "official_website_amount", "measure_id"],
                                        vec![
                                            ("id", string()),
                                            ("product_id", string()),
                                            ("official_website_amount", price()),
                                            ("measure_id", integer()),
                                        ],
                                    )),
                                ),
                            ],
                        ),
                    ),
                    ("optional_discount_rating_results", array(schema_ref("OptionalDiscountRatingResult"))),
                    ("currency", string()),
                ],
            ),
        ),
        (
            "ListRenewRateOnPeriodReq",
            request(
                &["resource_ids", "period_type", "period_num"],
                vec![
                    ("resource_ids", array(string())),
                    ("period_type", integer()),
                    ("period_num", integer()),
                    ("include_relative_resources", boolean()),
                ],
            ),
        ),
        (
            "ListRenewRateOnPeriodResponse",
            object(
                &[
                    "currency",
                    "renew_inquiry_results",
                    "official_website_rating_result",
                    "optional_discount_rating_results",
                    "fail_resource_infos",
                ],
                vec![
                    ("currency", string()),
                    ("renew_inquiry_results", array(str_props(&["resource_id", "amount"]))),
                    ("official_website_rating_result", str_props(&["official_website_amount"])),
                    (
                        "optional_discount_rating_results",
                        array(object(
                            &[],
                            vec![
                                ("discount_id", string()),
                                ("amount", string()),
                                ("official_website_amount", string()),
                                ("discount_amount", string()),
                                ("discount_type", integer()),
                                ("discount_name", string()),
                                ("best_offer", integer()),
                            ],
                        )),
                    ),
                    ("fail_resource_infos", array(str_props(&["error_code", "error_msg", "resource_id"]))),
                ],
            ),
        ),
        (
            "DemandProductInfo",
            request(
                &[
                    "id",
                    "cloud_service_type",
                    "resource_type",
                    "resource_spec",
                    "region",
                    "usage_factor",
                    "usage_value",
                    "usage_measure_id",
                    "subscription_num",
                ],
                vec![
                    ("id", string()),
                    ("cloud_service_type", string()),
                    ("resource_type", string()),
                    ("resource_spec", string()),
                    ("region", string()),
                    ("available_zone", string()),
                    ("resource_size", integer()),
                    ("size_measure_id", integer()),
                    ("usage_factor", described(string(), "e.g. Duration.")),
                    ("usage_value", json!({"type": "number", "minimum": 0})),
                    ("usage_measure_id", described(integer(), "4: hour, 14: minute, 10: GB.")),
                    ("subscription_num", integer()),
                ],
            ),
        ),
        (
            "RateOnDemandReq",
            request(
                &["product_infos"],
                vec![
                    ("project_id", string()),
                    ("inquiry_precision", described(integer(), "0 (default): 6 decimals; 1: 10 decimals.")),
                    ("product_infos", array(schema_ref("DemandProductInfo"))),
                ],
            ),
        ),
        (
            "ListOnDemandResourceRatingsResponse",
            object(
                &["amount", "discount_amount", "official_website_amount", "measure_id", "currency", "product_rating_results"],
                vec![
                    ("amount", price()),
                    ("discount_amount", price()),
                    ("official_website_amount", price()),
                    ("measure_id", integer()),
                    ("currency", string()),
                    (
                        "product_rating_results",
                        array(object(
                            &[
                                "id",
                                "product_id",
                                "amount",
                                "discount_amount",
                                "official_website_amount",
                                "measure_id",
                                "discount_rating_results",
                            ],
                            vec![
                                ("id", string()),
                                ("product_id", string()),
                                ("amount", price()),
                                ("discount_amount", price()),
                                ("official_website_amount", price()),
                                ("measure_id", integer()),
                                (
                                    "discount_rating_results",
                                    array(object(
                                        &["discount_id", "discount_type", "amount", "measure_id", "discount_name"],
                                        vec![
                                            ("discount_id", string()),
                                            ("discount_type", integer()),
                                            ("amount", price()),
                                            ("measure_id", integer()),
                                            ("discount_name", string()),
                                        ],
                                    )),
                                ),
                            ],
                        )),
                    ),
                ],
            ),
        ),
        (
            "ChangeSpecRateReq",
            request(
                &["product_info", "new_resource_spec"],
                vec![
                    ("product_info", schema_ref("PeriodProductInfo")),
                    ("new_resource_spec", string()),
                    ("new_resource_size", integer()),
                    (
                        "remaining_ms",
                        described(integer(), "Time left in the period, ms; default the whole period (month 30 days, year 365)."),
                    ),
                ],
            ),
        ),
        (
            "ChangeSpecRateResponse",
            object(
                &["currency", "official_website_amount", "amount", "discount_amount", "measure_id", "optional_discount_rating_results"],
                vec![
                    ("currency", string()),
                    ("official_website_amount", price()),
                    ("amount", price()),
                    ("discount_amount", price()),
                    ("measure_id", integer()),
                    ("optional_discount_rating_results", array(schema_ref("OptionalDiscountRatingResult"))),
                ],
            ),
        ),
        (
            "GrantCustomerDiscountReq",
            request(
                &["customer_id", "discount_name", "discount_rate"],
                vec![
                    ("customer_id", string()),
                    ("discount_name", described(string(), "1 to 64 characters.")),
                    (
                        "discount_rate",
                        json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": true, "description": "0.85 = pay 85 %; at most 4 places."}),
                    ),
                    ("service_type_codes", described(array(string()), "Empty: every service.")),
                ],
            ),
        ),
        (
            "CustomerDiscountInfo",
            object(
                &["discount_id", "customer_id", "discount_name", "discount_rate", "service_type_codes", "created_time"],
                vec![
                    ("discount_id", string()),
                    ("customer_id", string()),
                    ("discount_name", string()),
                    ("discount_rate", json!({"type": "number"})),
                    ("service_type_codes", array(string())),
                    ("created_time", string()),
                ],
            ),
        ),
        ("ListCustomerDiscountsResponse", total("discounts", "CustomerDiscountInfo")),
        ("RevokeCustomerDiscountReq", request(&["discount_id"], vec![("discount_id", string())])),
        (
            "PriceBook",
            json!({"type": "object", "description": "A price-book document: version, effective_from, currency, measure_units, conversions, regions, service_types, resource_types, usage_types, specs (see pricebook/pricebook-2026.11.json)."}),
        ),
        ("PriceBookLoadResponse", str_props(&["book_id", "version", "effective_from", "result"])),
    ]
}
