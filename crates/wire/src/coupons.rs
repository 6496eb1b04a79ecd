//! Coupon quota and coupon operations, field for field as the SDK models.

use crate::funds::JsonDecimal;
use serde::{Deserialize, Serialize};

/// `ErrorDetail`: one failed item of a partially successful batch.
#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    pub error_code: String,
    pub error_msg: String,
    pub id: String,
}

/// `QueryCouponQuotasReqExt`.
#[derive(Debug, Default, Deserialize)]
pub struct QueryCouponQuotasReqExt {
    pub quota_ids: Option<Vec<String>>,
    pub quota_status_list: Option<Vec<i64>>,
    pub quota_type: Option<i64>,
    pub create_time_begin: Option<String>,
    pub create_time_end: Option<String>,
    pub effective_time_begin: Option<String>,
    pub effective_time_end: Option<String>,
    pub expire_time_begin: Option<String>,
    pub expire_time_end: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `QuotaLimitInfo` with `LimitValue`s.
#[derive(Debug, Serialize)]
pub struct QuotaLimitInfo {
    pub limit_key: String,
    pub limit_values: Vec<LimitValue>,
}

#[derive(Debug, Serialize)]
pub struct LimitValue {
    pub value: String,
}

/// `CouponQuotaV2`, and with the reseller fields `IssuedCouponQuota`.
#[derive(Debug, Serialize)]
pub struct CouponQuota {
    pub quota_id: String,
    pub quota_type: i64,
    pub create_time: String,
    pub last_update_time: String,
    pub quota_value: JsonDecimal,
    pub quota_status: i64,
    pub balance: JsonDecimal,
    pub measure_id: i64,
    pub currency: String,
    pub effective_time: String,
    pub expire_time: String,
    pub limit_infos: Vec<QuotaLimitInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indirect_partner_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indirect_partner_account_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indirect_partner_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_quota_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ListQuotaCouponsResponse {
    pub total_count: i64,
    pub quotas: Vec<CouponQuota>,
}

/// `AdjustCouponQuotasReq`.
#[derive(Debug, Deserialize)]
pub struct AdjustCouponQuotasReq {
    pub quota_id: Option<String>,
    pub indirect_partner_ids: Option<Vec<String>>,
    pub quota_amount: Option<JsonDecimal>,
}

/// `QuotaSimpleInfo`.
#[derive(Debug, Serialize)]
pub struct QuotaSimpleInfo {
    pub id: String,
    pub quota_id: String,
}

#[derive(Debug, Serialize)]
pub struct UpdateCouponQuotasResponse {
    pub error_details: Vec<ErrorDetail>,
    pub simple_quota_infos: Vec<QuotaSimpleInfo>,
}

/// `ReclaimCouponQuotasReq`.
#[derive(Debug, Deserialize)]
pub struct ReclaimCouponQuotasReq {
    pub quota_ids: Option<Vec<String>>,
    pub remark: Option<String>,
}

/// `QuotaReclaim`.
#[derive(Debug, Serialize)]
pub struct QuotaReclaim {
    pub quota_id: String,
    pub quota_balance: JsonDecimal,
}

#[derive(Debug, Serialize)]
pub struct ReclaimCouponQuotasResponse {
    pub error_details: Vec<ErrorDetail>,
    pub simple_quota_infos: Vec<QuotaReclaim>,
}

#[derive(Debug, Deserialize)]
pub struct ListIssuedCouponQuotasQuery {
    pub quota_id: Option<String>,
    pub indirect_partner_id: Option<String>,
    pub parent_quota_id: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub coupon_id: Option<String>,
    pub customer_id: Option<String>,
    pub order_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListCouponQuotasRecordsQuery {
    pub indirect_partner_id: Option<String>,
    pub quota_id: Option<String>,
    pub operation_time_begin: Option<String>,
    pub operation_time_end: Option<String>,
    pub parent_quota_id: Option<String>,
    pub operation_type: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub balance_type: Option<String>,
    pub revenue_expense_type: Option<String>,
}

/// `QuotaRecord`.
#[derive(Debug, Serialize)]
pub struct QuotaRecord {
    pub id: String,
    pub operator: String,
    pub operation_type: String,
    pub quota_id: String,
    pub parent_quota_id: String,
    pub amount: JsonDecimal,
    pub operation_time: String,
    pub result: String,
    pub indirect_partner_account_name: String,
    pub indirect_partner_id: String,
    pub indirect_partner_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ListCouponQuotasRecordsResponse {
    pub total_count: i64,
    pub records: Vec<QuotaRecord>,
}

/// `CreatePartnerCouponsReq`.
#[derive(Debug, Deserialize)]
pub struct CreatePartnerCouponsReq {
    pub quota_id: Option<String>,
    pub customer_ids: Option<Vec<String>>,
    pub face_value: Option<JsonDecimal>,
    pub valid_time: Option<String>,
    pub expire_time: Option<String>,
    pub cloud_service_types: Option<Vec<String>>,
    pub product_ids: Option<Vec<String>>,
    pub memo: Option<String>,
    pub indirect_partner_id: Option<String>,
}

/// `CouponSimpleInfo`.
#[derive(Debug, Serialize)]
pub struct CouponSimpleInfo {
    pub id: String,
    pub coupon_id: String,
}

#[derive(Debug, Serialize)]
pub struct CreatePartnerCouponsResponse {
    pub error_details: Vec<ErrorDetail>,
    pub coupon_infos: Vec<CouponSimpleInfo>,
}

#[derive(Debug, Deserialize)]
pub struct ListIssuedPartnerCouponsQuery {
    pub coupon_id: Option<String>,
    pub customer_id: Option<String>,
    pub order_id: Option<String>,
    pub coupon_type: Option<i64>,
    pub status: Option<i64>,
    pub create_time_begin: Option<String>,
    pub create_time_end: Option<String>,
    pub effective_time_begin: Option<String>,
    pub effective_time_end: Option<String>,
    pub expire_time_begin: Option<String>,
    pub expire_time_end: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `ICouponUseLimitInfoV2`.
#[derive(Debug, Serialize)]
pub struct CouponUseLimit {
    pub limit_key: String,
    pub value1: String,
}

/// `IQueryUserPartnerCouponsResultV2`.
#[derive(Debug, Serialize)]
pub struct PartnerCoupon {
    pub coupon_id: String,
    pub status: i64,
    pub customer_id: String,
    pub coupon_type: i64,
    pub measure_id: i64,
    pub face_value: JsonDecimal,
    pub effective_time: String,
    pub expire_time: String,
    pub media_type: i64,
    pub fetch_method: i64,
    pub use_limits: Vec<CouponUseLimit>,
    pub create_time: String,
    pub balance: JsonDecimal,
    pub is_frozen: String,
}

#[derive(Debug, Serialize)]
pub struct ListIssuedPartnerCouponsResponse {
    pub total_count: i64,
    pub user_coupons: Vec<PartnerCoupon>,
}

/// `ReclaimPartnerCouponsReq`.
#[derive(Debug, Deserialize)]
pub struct ReclaimPartnerCouponsReq {
    pub coupon_id: Option<String>,
    pub indirect_partner_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListPartnerCouponsRecordQuery {
    pub operation_types: Option<Vec<String>>,
    pub quota_id: Option<String>,
    pub quota_type: Option<i64>,
    pub coupon_ids: Option<Vec<String>>,
    pub customer_id: Option<String>,
    pub operation_time_begin: Option<String>,
    pub operation_time_end: Option<String>,
    pub result: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `CouponRecordV2`.
#[derive(Debug, Serialize)]
pub struct CouponRecord {
    pub id: String,
    pub operation_type: String,
    pub quota_id: String,
    pub quota_type: i64,
    pub coupon_id: String,
    pub customer_id: String,
    pub operation_amount: JsonDecimal,
    pub operation_time: String,
    pub result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ListPartnerCouponsRecordResponse {
    pub total_count: i64,
    pub records: Vec<CouponRecord>,
}

#[derive(Debug, Deserialize)]
pub struct ListCustomerCouponChangeRecordsQuery {
    pub balance_type: Option<String>,
    pub revenue_expense_type: Option<String>,
    pub trade_type: Option<String>,
    pub trade_id: Option<String>,
    pub trade_time_begin: Option<String>,
    pub trade_time_end: Option<String>,
    pub coupon_id: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// `CustomerCouponChangeRecord`.
#[derive(Debug, Serialize)]
pub struct CustomerCouponChangeRecord {
    pub coupon_id: String,
    pub trade_detail_type: String,
    pub trade_time: String,
    pub trade_id: String,
    pub change_amount: String,
    pub balance_after_change: String,
    pub revenue_expense_type: String,
    pub account_name: String,
}

#[derive(Debug, Serialize)]
pub struct ListCustomerCouponChangeRecordsResponse {
    pub total_count: i64,
    pub currency: String,
    pub records: Vec<CustomerCouponChangeRecord>,
}

#[derive(Debug, Deserialize)]
pub struct ListSubCustomerCouponsQuery {
    pub coupon_id: Option<String>,
    pub order_id: Option<String>,
    pub promotion_plan_id: Option<String>,
    pub coupon_type: Option<i64>,
    pub status: Option<i64>,
    pub active_start_time: Option<String>,
    pub active_end_time: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub source_id: Option<String>,
    pub indirect_partner_id: Option<String>,
}

/// `IQueryUserCouponsResultV2`.
#[derive(Debug, Serialize)]
pub struct UserCoupon {
    pub coupon_id: String,
    pub status: i64,
    pub customer_id: String,
    pub coupon_type: i64,
    pub measure_id: i64,
    pub face_value: JsonDecimal,
    pub valid_time: String,
    pub expire_time: String,
    pub media_type: i64,
    pub fetch_method: i64,
    pub use_limits: Vec<CouponUseLimit>,
    pub create_time: String,
    pub coupon_version: i64,
    pub balance: JsonDecimal,
    pub is_frozen: String,
    pub currency: String,
    pub source_id: String,
}

#[derive(Debug, Serialize)]
pub struct ListSubCustomerCouponsResponse {
    pub count: i64,
    pub user_coupons: Vec<UserCoupon>,
}

/// Operator grant of a quota (product extension).
#[derive(Debug, Deserialize)]
pub struct GrantQuotaReq {
    pub partner_id: Option<String>,
    pub quota_type: Option<i64>,
    pub quota_value: Option<JsonDecimal>,
    pub effective_time: Option<String>,
    pub expire_time: Option<String>,
    pub cloud_service_types: Option<Vec<String>>,
    pub product_ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct GrantQuotaResponse {
    pub quota_id: String,
}

/// Operator quota status change (product extension).
#[derive(Debug, Deserialize)]
pub struct SetQuotaStatusReq {
    pub quota_id: Option<String>,
    pub quota_status: Option<i64>,
}
