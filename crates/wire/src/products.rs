//! Catalog operations (`/v2/products/*`, `/v2/bases/*`) and the product's price-book and
//! customer-discount extensions.

use crate::funds::JsonDecimal;
use crate::schema::{Limit, Offset};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{IntoParams, PartialSchema, ToSchema};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ServiceTypes {
    pub service_type_name: String,
    pub service_type_code: String,
    pub abbreviation: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListServiceTypesResponse {
    pub total_count: i64,
    pub service_types: Vec<ServiceTypes>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ResourceTypes {
    pub resource_type_code: String,
    pub resource_type_name: String,
    pub resource_type_desc: String,
    pub service_type_code: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListResourceTypesResponse {
    pub total_count: i64,
    pub resource_types: Vec<ResourceTypes>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ResourceBasicInfo {
    pub resource_type_code: String,
    pub product_owner_service: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ServiceResourceInfo {
    pub basic_info: ResourceBasicInfo,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListServiceResourcesResponse {
    pub total_count: i64,
    pub infos: Vec<ServiceResourceInfo>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResourceSpecsFilter {
    /// vcpus, memory_gb or resource_spec.
    pub key: Option<String>,
    pub value: Option<String>,
}

/// `ResourceSpecsQueryReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResourceSpecsQueryReq {
    #[schema(value_type = String)]
    pub cloud_service_type: Option<String>,
    #[schema(value_type = String)]
    pub resource_type: Option<String>,
    #[schema(value_type = String)]
    pub region_code: Option<String>,
    /// period, demand or oneOff.
    #[schema(value_type = String)]
    pub charge_mode: Option<String>,
    pub filters: Option<Vec<ResourceSpecsFilter>>,
    /// next_marker of the previous page.
    pub marker: Option<String>,
    /// Page size, 1 to 1000.
    #[schema(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CloudServiceBasic {
    pub cloud_service_type: String,
    pub cloud_service_type_name: String,
    pub resource_type: String,
    pub resource_type_name: String,
    pub resource_spec: String,
    pub resource_spec_name: String,
    pub charge_mode: String,
    pub region_code: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PageInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListResourceSpecsResponse {
    pub page_info: PageInfo,
    pub cloud_service_basics: Vec<CloudServiceBasic>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UsageType {
    pub code: String,
    pub name: String,
    pub resource_type_code: String,
    pub service_type_code: String,
    pub resource_type_name: String,
    pub service_type_name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListUsageTypesResponse {
    pub total_count: i64,
    pub usage_types: Vec<UsageType>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeasureUnitRest {
    pub measure_id: i64,
    pub measure_name: String,
    pub abbreviation: String,
    pub measure_type: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListMeasureUnitsResponse {
    pub measure_units: Vec<MeasureUnitRest>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Conversion {
    pub measure_id: i64,
    pub ref_measure_id: i64,
    pub conversion_ratio: i64,
    pub measure_type: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListConversionsResponse {
    pub conversions: Vec<Conversion>,
}

/// Operator: load a price book. The body is the price-book JSON document itself, read by
/// `pc_domain::catalog`; this type only names its schema.
pub struct PriceBookDocument;

impl PartialSchema for PriceBookDocument {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "A price-book document: version, effective_from, currency, measure_units, conversions, regions, service_types, \
                 resource_types, usage_types, specs (see pricebook/pricebook-2026.11.json).",
            ))
            .into()
    }
}

impl ToSchema for PriceBookDocument {}

/// Answer of loading a price book.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PriceBookLoadResponse {
    pub book_id: String,
    pub version: String,
    pub effective_from: String,
    /// `loaded`, `unchanged` or `replaced`.
    pub result: String,
}

/// Operator: the lowest discount rate a partner may grant.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DiscountFloorReq {
    #[schema(value_type = String)]
    pub partner_id: Option<String>,
    /// Exact decimal, 0 < rate <= 1, at most 4 places (0.8: no grant below 80 %; 1: no discount).
    #[schema(value_type = f64, exclusive_minimum = 0, maximum = 1)]
    pub min_rate: Option<JsonDecimal>,
    /// The service type the floor is for; absent or empty: every service type without its own.
    pub service_type_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiscountFloorResponse {
    pub partner_id: String,
    /// Absent: the floor for every service type without its own.
    pub service_type_code: Option<String>,
    #[schema(value_type = f64)]
    pub min_rate: JsonDecimal,
}

/// Partner: grant a customer a discount rate.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GrantCustomerDiscountReq {
    #[schema(value_type = String)]
    pub customer_id: Option<String>,
    /// 1 to 64 characters.
    #[schema(value_type = String)]
    pub discount_name: Option<String>,
    /// Exact decimal, 0 < rate < 1 (0.85 = pay 85 %).
    /// At most 4 decimal places.
    #[schema(value_type = f64, exclusive_minimum = 0, exclusive_maximum = 1)]
    pub discount_rate: Option<JsonDecimal>,
    /// Empty: every service.
    pub service_type_codes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeCustomerDiscountReq {
    #[schema(value_type = String)]
    pub discount_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CustomerDiscountInfo {
    pub discount_id: String,
    pub customer_id: String,
    pub discount_name: String,
    /// Exact decimal, e.g. 0.85.
    #[schema(value_type = f64)]
    pub discount_rate: JsonDecimal,
    pub service_type_codes: Vec<String>,
    pub created_time: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListCustomerDiscountsResponse {
    pub total_count: i64,
    pub discounts: Vec<CustomerDiscountInfo>,
}

/// Query of `list_service_types`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServiceTypesQuery {
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    pub service_type_name: Option<String>,
}

/// Query of `list_resource_types`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResourceTypesQuery {
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
}

/// Query of `list_service_resources`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServiceResourcesQuery {
    #[param(required = true)]
    pub service_type_code: Option<String>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
}

/// Query of `list_usage_types`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageTypesQuery {
    #[param(required = true)]
    pub resource_type_code: Option<String>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
}

/// Query of `list_conversions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversionsQuery {
    pub measure_type: Option<i64>,
}

/// Query of the customer-discount listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerDiscountsQuery {
    pub customer_id: Option<String>,
}
