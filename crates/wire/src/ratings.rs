//! Price inquiry (`/v2/bills/ratings/*`). Amounts are exact JSON numbers where the SDK models
//! say `decimal.Decimal`, strings where they say `str`.

use crate::funds::JsonDecimal;
use serde::{Deserialize, Serialize};

/// `PeriodProductInfo`.
#[derive(Debug, Deserialize)]
pub struct PeriodProductInfo {
    pub id: Option<String>,
    pub cloud_service_type: Option<String>,
    pub resource_type: Option<String>,
    pub resource_spec: Option<String>,
    pub region: Option<String>,
    pub available_zone: Option<String>,
    pub resource_size: Option<i64>,
    pub size_measure_id: Option<i64>,
    pub period_type: Option<i64>,
    pub period_num: Option<i64>,
    pub subscription_num: Option<i64>,
    pub fee_installment_mode: Option<String>,
}

/// `RateOnPeriodReq`.
#[derive(Debug, Deserialize)]
pub struct RateOnPeriodReq {
    pub project_id: Option<String>,
    pub product_infos: Option<Vec<PeriodProductInfo>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PeriodProductOfficialRatingResult {
    pub id: String,
    pub product_id: String,
    pub official_website_amount: JsonDecimal,
    pub measure_id: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OfficialWebsiteRatingResult {
    pub official_website_amount: JsonDecimal,
    pub measure_id: i64,
    pub product_rating_results: Vec<PeriodProductOfficialRatingResult>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PeriodProductRatingResult {
    pub id: String,
    pub product_id: String,
    pub amount: JsonDecimal,
    pub official_website_amount: JsonDecimal,
    pub discount_amount: JsonDecimal,
    pub measure_id: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OptionalDiscountRatingResult {
    pub discount_id: String,
    pub amount: JsonDecimal,
    pub official_website_amount: JsonDecimal,
    pub discount_amount: JsonDecimal,
    pub measure_id: i64,
    pub discount_type: i64,
    pub discount_name: String,
    pub best_offer: i64,
    pub product_rating_results: Vec<PeriodProductRatingResult>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListRateOnPeriodDetailResponse {
    pub official_website_rating_result: OfficialWebsiteRatingResult,
    pub optional_discount_rating_results: Vec<OptionalDiscountRatingResult>,
    pub currency: String,
}

/// `ListRenewRateOnPeriodReq`.
#[derive(Debug, Deserialize)]
pub struct ListRenewRateOnPeriodReq {
    pub resource_ids: Option<Vec<String>>,
    pub period_type: Option<i64>,
    pub period_num: Option<i64>,
    pub include_relative_resources: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RenewInquiryResultInfo {
    pub resource_id: String,
    pub amount: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OfficialWebsiteRatingResultV2 {
    pub official_website_amount: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OptionalDiscountRatingResultV2 {
    pub discount_id: String,
    pub amount: String,
    pub official_website_amount: String,
    pub discount_amount: String,
    pub discount_type: i64,
    pub discount_name: String,
    pub best_offer: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FailResourceInfo {
    pub error_code: String,
    pub error_msg: String,
    pub resource_id: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListRenewRateOnPeriodResponse {
    pub currency: String,
    pub renew_inquiry_results: Vec<RenewInquiryResultInfo>,
    pub official_website_rating_result: OfficialWebsiteRatingResultV2,
    pub optional_discount_rating_results: Vec<OptionalDiscountRatingResultV2>,
    pub fail_resource_infos: Vec<FailResourceInfo>,
}

/// `DemandProductInfo`.
#[derive(Debug, Deserialize)]
pub struct DemandProductInfo {
    pub id: Option<String>,
    pub cloud_service_type: Option<String>,
    pub resource_type: Option<String>,
    pub resource_spec: Option<String>,
    pub region: Option<String>,
    pub available_zone: Option<String>,
    pub resource_size: Option<i64>,
    pub size_measure_id: Option<i64>,
    pub usage_factor: Option<String>,
    pub usage_value: Option<JsonDecimal>,
    pub usage_measure_id: Option<i64>,
    pub subscription_num: Option<i64>,
}

/// `RateOnDemandReq`.
#[derive(Debug, Deserialize)]
pub struct RateOnDemandReq {
    pub project_id: Option<String>,
    pub inquiry_precision: Option<i64>,
    pub product_infos: Option<Vec<DemandProductInfo>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DemandDiscountRatingResult {
    pub discount_id: String,
    pub discount_type: i64,
    pub amount: JsonDecimal,
    pub measure_id: i64,
    pub discount_name: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DemandProductRatingResult {
    pub id: String,
    pub product_id: String,
    pub amount: JsonDecimal,
    pub discount_amount: JsonDecimal,
    pub official_website_amount: JsonDecimal,
    pub measure_id: i64,
    pub discount_rating_results: Vec<DemandDiscountRatingResult>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ListOnDemandResourceRatingsResponse {
    pub amount: JsonDecimal,
    pub discount_amount: JsonDecimal,
    pub official_website_amount: JsonDecimal,
    pub measure_id: i64,
    pub currency: String,
    pub product_rating_results: Vec<DemandProductRatingResult>,
}

/// Change-of-spec inquiry (product extension): a yearly/monthly resource as bought, the spec
/// (and size) it would change to, and the time it has left of its period.
#[derive(Debug, Deserialize)]
pub struct ChangeSpecRateReq {
    pub product_info: Option<PeriodProductInfo>,
    pub new_resource_spec: Option<String>,
    pub new_resource_size: Option<i64>,
    /// The resource's remaining time in its current period, in milliseconds.
    pub remaining_ms: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ChangeSpecRateResponse {
    pub currency: String,
    pub official_website_amount: JsonDecimal,
    pub amount: JsonDecimal,
    pub discount_amount: JsonDecimal,
    pub measure_id: i64,
    pub optional_discount_rating_results: Vec<OptionalDiscountRatingResult>,
}
