//! Catalog operations (`/v2/products/*`, `/v2/bases/*`) and the product's price-book and
//! customer-discount extensions.

use crate::funds::JsonDecimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct ServiceTypes {
    pub service_type_name: String,
    pub service_type_code: String,
    pub abbreviation: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListServiceTypesResponse {
    pub total_count: i64,
    pub service_types: Vec<ServiceTypes>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ResourceTypes {
    pub resource_type_code: String,
    pub resource_type_name: String,
    pub resource_type_desc: String,
    pub service_type_code: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListResourceTypesResponse {
    pub total_count: i64,
    pub resource_types: Vec<ResourceTypes>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ResourceBasicInfo {
    pub resource_type_code: String,
    pub product_owner_service: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ServiceResourceInfo {
    pub basic_info: ResourceBasicInfo,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListServiceResourcesResponse {
    pub total_count: i64,
    pub infos: Vec<ServiceResourceInfo>,
}

#[derive(Debug, Deserialize)]
pub struct ResourceSpecsFilter {
    pub key: Option<String>,
    pub value: Option<String>,
}

/// `ResourceSpecsQueryReq`.
#[derive(Debug, Deserialize)]
pub struct ResourceSpecsQueryReq {
    pub cloud_service_type: Option<String>,
    pub resource_type: Option<String>,
    pub region_code: Option<String>,
    pub charge_mode: Option<String>,
    pub filters: Option<Vec<ResourceSpecsFilter>>,
    pub marker: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
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

#[derive(Debug, Serialize, Deserialize)]
pub struct PageInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListResourceSpecsResponse {
    pub page_info: PageInfo,
    pub cloud_service_basics: Vec<CloudServiceBasic>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct UsageType {
    pub code: String,
    pub name: String,
    pub resource_type_code: String,
    pub service_type_code: String,
    pub resource_type_name: String,
    pub service_type_name: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListUsageTypesResponse {
    pub total_count: i64,
    pub usage_types: Vec<UsageType>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct MeasureUnitRest {
    pub measure_id: i64,
    pub measure_name: String,
    pub abbreviation: String,
    pub measure_type: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListMeasureUnitsResponse {
    pub measure_units: Vec<MeasureUnitRest>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Conversion {
    pub measure_id: i64,
    pub ref_measure_id: i64,
    pub conversion_ratio: i64,
    pub measure_type: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListConversionsResponse {
    pub conversions: Vec<Conversion>,
}

/// Operator: load a price book (the price-book JSON document itself is the body).
#[derive(Debug, Serialize, Deserialize)]
pub struct PriceBookLoadResponse {
    pub book_id: String,
    pub version: String,
    pub effective_from: String,
    /// `loaded`, `unchanged` or `replaced`.
    pub result: String,
}

/// Partner: grant a customer a discount rate.
#[derive(Debug, Deserialize)]
pub struct GrantCustomerDiscountReq {
    pub customer_id: Option<String>,
    pub discount_name: Option<String>,
    /// Exact decimal, 0 < rate < 1 (0.85 = pay 85 %).
    pub discount_rate: Option<JsonDecimal>,
    pub service_type_codes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct RevokeCustomerDiscountReq {
    pub discount_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CustomerDiscountInfo {
    pub discount_id: String,
    pub customer_id: String,
    pub discount_name: String,
    pub discount_rate: JsonDecimal,
    pub service_type_codes: Vec<String>,
    pub created_time: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListCustomerDiscountsResponse {
    pub total_count: i64,
    pub discounts: Vec<CustomerDiscountInfo>,
}

/// Query of `list_service_types`.
#[derive(Debug, Deserialize)]
pub struct ServiceTypesQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub service_type_name: Option<String>,
}

/// Query of `list_resource_types`.
#[derive(Debug, Deserialize)]
pub struct ResourceTypesQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Query of `list_service_resources`.
#[derive(Debug, Deserialize)]
pub struct ServiceResourcesQuery {
    pub service_type_code: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Query of `list_usage_types`.
#[derive(Debug, Deserialize)]
pub struct UsageTypesQuery {
    pub resource_type_code: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Query of `list_conversions`.
#[derive(Debug, Deserialize)]
pub struct ConversionsQuery {
    pub measure_type: Option<i64>,
}

/// Query of the customer-discount listing.
#[derive(Debug, Deserialize)]
pub struct CustomerDiscountsQuery {
    pub customer_id: Option<String>,
}
