//! Price inquiry (`/v2/bills/ratings/*`). Amounts are exact JSON numbers where the SDK models
//! say `decimal.Decimal`, strings where they say `str`.

use crate::funds::JsonDecimal;
use crate::schema::Price;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `PeriodProductInfo`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PeriodProductInfo {
    /// Unique in the request.
    #[schema(value_type = String)]
    pub id: Option<String>,
    /// e.g. hws.service.type.ec2
    #[schema(value_type = String)]
    pub cloud_service_type: Option<String>,
    /// e.g. hws.resource.type.vm
    #[schema(value_type = String)]
    pub resource_type: Option<String>,
    #[schema(value_type = String)]
    pub resource_spec: Option<String>,
    #[schema(value_type = String)]
    pub region: Option<String>,
    pub available_zone: Option<String>,
    /// Required for sized specs (disks in GB, bandwidth in Mbps).
    pub resource_size: Option<i64>,
    /// 17: GB, 15: Mbps.
    pub size_measure_id: Option<i64>,
    /// 2: month (1-11), 3: year (1-3).
    #[schema(value_type = i64)]
    pub period_type: Option<i64>,
    #[schema(value_type = i64)]
    pub period_num: Option<i64>,
    /// 1 to 1000.
    #[schema(value_type = i64)]
    pub subscription_num: Option<i64>,
    pub fee_installment_mode: Option<String>,
}

/// `RateOnPeriodReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RateOnPeriodReq {
    pub project_id: Option<String>,
    #[schema(value_type = Vec<PeriodProductInfo>)]
    pub product_infos: Option<Vec<PeriodProductInfo>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PeriodProductOfficialRatingResult {
    pub id: String,
    pub product_id: String,
    #[schema(value_type = Price)]
    pub official_website_amount: JsonDecimal,
    pub measure_id: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OfficialWebsiteRatingResult {
    #[schema(value_type = Price)]
    pub official_website_amount: JsonDecimal,
    pub measure_id: i64,
    pub product_rating_results: Vec<PeriodProductOfficialRatingResult>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PeriodProductRatingResult {
    pub id: String,
    pub product_id: String,
    #[schema(value_type = Price)]
    pub amount: JsonDecimal,
    #[schema(value_type = Price)]
    pub official_website_amount: JsonDecimal,
    #[schema(value_type = Price)]
    pub discount_amount: JsonDecimal,
    pub measure_id: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OptionalDiscountRatingResult {
    pub discount_id: String,
    #[schema(value_type = Price)]
    pub amount: JsonDecimal,
    #[schema(value_type = Price)]
    pub official_website_amount: JsonDecimal,
    #[schema(value_type = Price)]
    pub discount_amount: JsonDecimal,
    pub measure_id: i64,
    /// 607: discount rate set by the partner.
    pub discount_type: i64,
    pub discount_name: String,
    /// 1: the largest discount; 0 otherwise.
    pub best_offer: i64,
    pub product_rating_results: Vec<PeriodProductRatingResult>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListRateOnPeriodDetailResponse {
    pub official_website_rating_result: OfficialWebsiteRatingResult,
    pub optional_discount_rating_results: Vec<OptionalDiscountRatingResult>,
    pub currency: String,
}

/// `ListRenewRateOnPeriodReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ListRenewRateOnPeriodReq {
    #[schema(value_type = Vec<String>)]
    pub resource_ids: Option<Vec<String>>,
    #[schema(value_type = i64)]
    pub period_type: Option<i64>,
    #[schema(value_type = i64)]
    pub period_num: Option<i64>,
    pub include_relative_resources: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RenewInquiryResultInfo {
    pub resource_id: String,
    pub amount: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OfficialWebsiteRatingResultV2 {
    pub official_website_amount: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OptionalDiscountRatingResultV2 {
    pub discount_id: String,
    pub amount: String,
    pub official_website_amount: String,
    pub discount_amount: String,
    pub discount_type: i64,
    pub discount_name: String,
    pub best_offer: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FailResourceInfo {
    pub error_code: String,
    pub error_msg: String,
    pub resource_id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListRenewRateOnPeriodResponse {
    pub currency: String,
    pub renew_inquiry_results: Vec<RenewInquiryResultInfo>,
    pub official_website_rating_result: OfficialWebsiteRatingResultV2,
    pub optional_discount_rating_results: Vec<OptionalDiscountRatingResultV2>,
    pub fail_resource_infos: Vec<FailResourceInfo>,
}

/// `DemandProductInfo`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DemandProductInfo {
    #[schema(value_type = String)]
    pub id: Option<String>,
    #[schema(value_type = String)]
    pub cloud_service_type: Option<String>,
    #[schema(value_type = String)]
    pub resource_type: Option<String>,
    #[schema(value_type = String)]
    pub resource_spec: Option<String>,
    #[schema(value_type = String)]
    pub region: Option<String>,
    pub available_zone: Option<String>,
    pub resource_size: Option<i64>,
    pub size_measure_id: Option<i64>,
    /// e.g. Duration.
    #[schema(value_type = String)]
    pub usage_factor: Option<String>,
    /// Exact decimal.
    #[schema(value_type = f64, minimum = 0)]
    pub usage_value: Option<JsonDecimal>,
    /// 4: hour, 14: minute, 10: GB.
    #[schema(value_type = i64)]
    pub usage_measure_id: Option<i64>,
    #[schema(value_type = i64)]
    pub subscription_num: Option<i64>,
}

/// `RateOnDemandReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RateOnDemandReq {
    pub project_id: Option<String>,
    /// 0 (default): 6 decimals; 1: 10 decimals.
    pub inquiry_precision: Option<i64>,
    #[schema(value_type = Vec<DemandProductInfo>)]
    pub product_infos: Option<Vec<DemandProductInfo>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DemandDiscountRatingResult {
    pub discount_id: String,
    pub discount_type: i64,
    #[schema(value_type = Price)]
    pub amount: JsonDecimal,
    pub measure_id: i64,
    pub discount_name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DemandProductRatingResult {
    pub id: String,
    pub product_id: String,
    #[schema(value_type = Price)]
    pub amount: JsonDecimal,
    #[schema(value_type = Price)]
    pub discount_amount: JsonDecimal,
    #[schema(value_type = Price)]
    pub official_website_amount: JsonDecimal,
    pub measure_id: i64,
    pub discount_rating_results: Vec<DemandDiscountRatingResult>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListOnDemandResourceRatingsResponse {
    #[schema(value_type = Price)]
    pub amount: JsonDecimal,
    #[schema(value_type = Price)]
    pub discount_amount: JsonDecimal,
    #[schema(value_type = Price)]
    pub official_website_amount: JsonDecimal,
    pub measure_id: i64,
    pub currency: String,
    pub product_rating_results: Vec<DemandProductRatingResult>,
}

/// Change-of-spec inquiry (product extension): a yearly/monthly resource as bought, the spec
/// (and size) it would change to, and the time it has left of its period.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeSpecRateReq {
    #[schema(value_type = PeriodProductInfo)]
    pub product_info: Option<PeriodProductInfo>,
    #[schema(value_type = String)]
    pub new_resource_spec: Option<String>,
    pub new_resource_size: Option<i64>,
    /// The resource's remaining time in its current period, in milliseconds.
    /// Default: the whole period (month 30 days, year 365). Ignored with `resource_id`.
    pub remaining_ms: Option<i64>,
    /// One of the calling customer's yearly/monthly resources: the quote is then exactly what
    /// a change-of-spec order placed now would charge (every paid term it has left);
    /// `product_info` is not needed.
    pub resource_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChangeSpecRateResponse {
    pub currency: String,
    #[schema(value_type = Price)]
    pub official_website_amount: JsonDecimal,
    #[schema(value_type = Price)]
    pub amount: JsonDecimal,
    #[schema(value_type = Price)]
    pub discount_amount: JsonDecimal,
    pub measure_id: i64,
    pub optional_discount_rating_results: Vec<OptionalDiscountRatingResult>,
}
