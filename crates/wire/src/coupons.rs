//! Coupon quota and coupon operations, field for field as the SDK models.

use crate::funds::JsonDecimal;
use crate::schema::{Limit, Offset, Yuan, YuanMovement};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `ErrorDetail`: one failed item of a partially successful batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub error_code: String,
    pub error_msg: String,
    pub id: String,
}

/// `QueryCouponQuotasReqExt`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct QueryCouponQuotasReqExt {
    pub quota_ids: Option<Vec<String>>,
    pub quota_status_list: Option<Vec<i64>>,
    /// 0 voucher (default), 1 cash coupon.
    pub quota_type: Option<i64>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time_end: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub effective_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub effective_time_end: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time_end: Option<String>,
    #[schema(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[schema(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `QuotaLimitInfo` with `LimitValue`s.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaLimitInfo {
    pub limit_key: String,
    pub limit_values: Vec<LimitValue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LimitValue {
    pub value: String,
}

/// `CouponQuotaV2`, and with the reseller fields `IssuedCouponQuota`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouponQuota {
    pub quota_id: String,
    /// 0 voucher, 1 cash coupon.
    pub quota_type: i64,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub last_update_time: String,
    #[schema(value_type = Yuan)]
    pub quota_value: JsonDecimal,
    /// 0 normal, 3 invalid, 4 being adjusted, 5 frozen, 6 reclaimed.
    pub quota_status: i64,
    #[schema(value_type = Yuan)]
    pub balance: JsonDecimal,
    pub measure_id: i64,
    pub currency: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub effective_time: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time: String,
    pub limit_infos: Vec<QuotaLimitInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Issued quotas only.
    pub indirect_partner_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Issued quotas only.
    pub indirect_partner_account_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Issued quotas only.
    pub indirect_partner_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Issued quotas only.
    pub parent_quota_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListQuotaCouponsResponse {
    pub total_count: i64,
    pub quotas: Vec<CouponQuota>,
}

/// `AdjustCouponQuotasReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AdjustCouponQuotasReq {
    #[schema(value_type = String)]
    pub quota_id: Option<String>,
    /// 1 to 100 tier-2 resellers.
    #[schema(value_type = Vec<String>)]
    pub indirect_partner_ids: Option<Vec<String>>,
    #[schema(value_type = YuanMovement)]
    pub quota_amount: Option<JsonDecimal>,
}

/// `QuotaSimpleInfo`.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaSimpleInfo {
    pub id: String,
    pub quota_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UpdateCouponQuotasResponse {
    pub error_details: Vec<ErrorDetail>,
    pub simple_quota_infos: Vec<QuotaSimpleInfo>,
}

/// `ReclaimCouponQuotasReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReclaimCouponQuotasReq {
    /// 1 to 100 sub-quotas.
    #[schema(value_type = Vec<String>)]
    pub quota_ids: Option<Vec<String>>,
    pub remark: Option<String>,
}

/// `QuotaReclaim`.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaReclaim {
    pub quota_id: String,
    #[schema(value_type = Yuan)]
    pub quota_balance: JsonDecimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReclaimCouponQuotasResponse {
    pub error_details: Vec<ErrorDetail>,
    pub simple_quota_infos: Vec<QuotaReclaim>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListIssuedCouponQuotasQuery {
    pub quota_id: Option<String>,
    pub indirect_partner_id: Option<String>,
    pub parent_quota_id: Option<String>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    pub coupon_id: Option<String>,
    pub customer_id: Option<String>,
    pub order_id: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCouponQuotasRecordsQuery {
    pub indirect_partner_id: Option<String>,
    pub quota_id: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub operation_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub operation_time_end: Option<String>,
    pub parent_quota_id: Option<String>,
    /// 10 issue, 11 reclaim; empty: both.
    pub operation_type: Option<String>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    pub balance_type: Option<String>,
    pub revenue_expense_type: Option<String>,
}

/// `QuotaRecord`.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaRecord {
    pub id: String,
    pub operator: String,
    /// 10 issue, 11 reclaim.
    pub operation_type: String,
    pub quota_id: String,
    pub parent_quota_id: String,
    #[schema(value_type = Yuan)]
    pub amount: JsonDecimal,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub operation_time: String,
    pub result: String,
    pub indirect_partner_account_name: String,
    pub indirect_partner_id: String,
    pub indirect_partner_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    #[serde(flatten)]
    pub acted_by: crate::ActedBy,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListCouponQuotasRecordsResponse {
    pub total_count: i64,
    pub records: Vec<QuotaRecord>,
}

/// `CreatePartnerCouponsReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePartnerCouponsReq {
    #[schema(value_type = String)]
    pub quota_id: Option<String>,
    /// 1 to 100 customers.
    #[schema(value_type = Vec<String>)]
    pub customer_ids: Option<Vec<String>>,
    #[schema(value_type = YuanMovement)]
    pub face_value: Option<JsonDecimal>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub valid_time: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time: Option<String>,
    pub cloud_service_types: Option<Vec<String>>,
    pub product_ids: Option<Vec<String>>,
    pub memo: Option<String>,
    pub indirect_partner_id: Option<String>,
}

/// `CouponSimpleInfo`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouponSimpleInfo {
    pub id: String,
    pub coupon_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatePartnerCouponsResponse {
    pub error_details: Vec<ErrorDetail>,
    pub coupon_infos: Vec<CouponSimpleInfo>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListIssuedPartnerCouponsQuery {
    pub coupon_id: Option<String>,
    pub customer_id: Option<String>,
    pub order_id: Option<String>,
    pub coupon_type: Option<i64>,
    pub status: Option<i64>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time_end: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub effective_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub effective_time_end: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time_end: Option<String>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `ICouponUseLimitInfoV2`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouponUseLimit {
    pub limit_key: String,
    pub value1: String,
}

/// `IQueryUserPartnerCouponsResultV2`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerCoupon {
    pub coupon_id: String,
    /// 2 usable, 3 used, 4 expired, 5 reclaimed.
    pub status: i64,
    pub customer_id: String,
    /// 1 voucher, 4 cash coupon.
    pub coupon_type: i64,
    pub measure_id: i64,
    #[schema(value_type = Yuan)]
    pub face_value: JsonDecimal,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub effective_time: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time: String,
    pub media_type: i64,
    pub fetch_method: i64,
    pub use_limits: Vec<CouponUseLimit>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time: String,
    #[schema(value_type = Yuan)]
    pub balance: JsonDecimal,
    pub is_frozen: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListIssuedPartnerCouponsResponse {
    pub total_count: i64,
    pub user_coupons: Vec<PartnerCoupon>,
}

/// `ReclaimPartnerCouponsReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReclaimPartnerCouponsReq {
    #[schema(value_type = String)]
    pub coupon_id: Option<String>,
    pub indirect_partner_id: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPartnerCouponsRecordQuery {
    /// Record types 1 to 9; repeat the parameter for several.
    #[param(style = Form, explode)]
    pub operation_types: Option<Vec<String>>,
    pub quota_id: Option<String>,
    pub quota_type: Option<i64>,
    /// Repeat the parameter for several.
    #[param(style = Form, explode)]
    pub coupon_ids: Option<Vec<String>>,
    pub customer_id: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub operation_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub operation_time_end: Option<String>,
    pub result: Option<String>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `CouponRecordV2`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouponRecord {
    pub id: String,
    pub operation_type: String,
    pub quota_id: String,
    pub quota_type: i64,
    pub coupon_id: String,
    pub customer_id: String,
    #[schema(value_type = Yuan)]
    pub operation_amount: JsonDecimal,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub operation_time: String,
    pub result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    #[serde(flatten)]
    pub acted_by: crate::ActedBy,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListPartnerCouponsRecordResponse {
    pub total_count: i64,
    pub records: Vec<CouponRecord>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCustomerCouponChangeRecordsQuery {
    pub balance_type: Option<String>,
    /// REVENUE or EXPENSE; empty: both.
    pub revenue_expense_type: Option<String>,
    pub trade_type: Option<String>,
    pub trade_id: Option<String>,
    /// Date `YYYY-MM-DD` (UTC+8) or UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub trade_time_begin: Option<String>,
    /// Date `YYYY-MM-DD` (UTC+8, inclusive) or UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub trade_time_end: Option<String>,
    pub coupon_id: Option<String>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
}

/// `CustomerCouponChangeRecord`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerCouponChangeRecord {
    pub coupon_id: String,
    pub trade_detail_type: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub trade_time: String,
    pub trade_id: String,
    /// Decimal text with two decimals.
    pub change_amount: String,
    /// Decimal text with two decimals.
    pub balance_after_change: String,
    /// REVENUE or EXPENSE.
    pub revenue_expense_type: String,
    pub account_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListCustomerCouponChangeRecordsResponse {
    pub total_count: i64,
    pub currency: String,
    pub records: Vec<CustomerCouponChangeRecord>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListSubCustomerCouponsQuery {
    pub coupon_id: Option<String>,
    pub order_id: Option<String>,
    pub promotion_plan_id: Option<String>,
    pub coupon_type: Option<i64>,
    pub status: Option<i64>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub active_start_time: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub active_end_time: Option<String>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    pub source_id: Option<String>,
    pub indirect_partner_id: Option<String>,
}

/// `IQueryUserCouponsResultV2`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserCoupon {
    pub coupon_id: String,
    /// 2 usable, 3 used, 4 expired, 5 reclaimed.
    pub status: i64,
    pub customer_id: String,
    /// 1 voucher, 4 cash coupon.
    pub coupon_type: i64,
    pub measure_id: i64,
    #[schema(value_type = Yuan)]
    pub face_value: JsonDecimal,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub valid_time: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time: String,
    pub media_type: i64,
    pub fetch_method: i64,
    pub use_limits: Vec<CouponUseLimit>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time: String,
    pub coupon_version: i64,
    #[schema(value_type = Yuan)]
    pub balance: JsonDecimal,
    pub is_frozen: String,
    pub currency: String,
    pub source_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListSubCustomerCouponsResponse {
    pub count: i64,
    pub user_coupons: Vec<UserCoupon>,
}

/// Operator grant of a quota (product extension).
#[derive(Debug, Deserialize, ToSchema)]
pub struct GrantQuotaReq {
    #[schema(value_type = String)]
    pub partner_id: Option<String>,
    /// 0 voucher (default), 1 cash coupon.
    pub quota_type: Option<i64>,
    #[schema(value_type = YuanMovement)]
    pub quota_value: Option<JsonDecimal>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`; default now.
    pub effective_time: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    #[schema(value_type = String)]
    pub expire_time: Option<String>,
    pub cloud_service_types: Option<Vec<String>>,
    pub product_ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantQuotaResponse {
    pub quota_id: String,
}

/// Operator quota status change (product extension).
#[derive(Debug, Deserialize, ToSchema)]
pub struct SetQuotaStatusReq {
    #[schema(value_type = String)]
    pub quota_id: Option<String>,
    /// 0 normal, 3 invalid or 5 frozen.
    #[schema(value_type = i64)]
    pub quota_status: Option<i64>,
}
