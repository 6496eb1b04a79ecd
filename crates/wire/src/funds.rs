//! Funds operations. Money crosses the wire as exact JSON numbers (`RawValue`), never
//! through a float: requests keep the literal the client sent, responses write the decimal
//! text (`12.30`). Record amounts are strings where the SDK models say so.

use crate::schema::{Limit, Offset, Yuan, YuanMovement};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

/// An exact decimal JSON number.
pub type JsonDecimal = Box<RawValue>;

/// Writes decimal text (e.g. `12.30`, the `Display` of `Money` or `Decimal`) as a JSON number.
/// Text that is not a JSON number is written as `null` rather than panicking on a request.
pub fn json_decimal(text: String) -> JsonDecimal {
    RawValue::from_string(text).unwrap_or_default()
}

/// The literal of a JSON number, or of a numeric string.
pub fn decimal_literal(raw: &RawValue) -> &str {
    let s = raw.get().trim();
    s.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(s)
}

/// `AdjustAccountReq` and `ReclaimToPartnerAccountBalancesReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CustomerFundsReq {
    #[schema(value_type = String)]
    pub customer_id: Option<String>,
    #[schema(value_type = YuanMovement)]
    pub amount: Option<JsonDecimal>,
    pub indirect_partner_id: Option<String>,
}

/// `AdjustToIndirectPartnerReq` and `ReclaimIndirectPartnerAccountReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResellerFundsReq {
    #[schema(value_type = String)]
    pub indirect_partner_id: Option<String>,
    #[schema(value_type = YuanMovement)]
    pub amount: Option<JsonDecimal>,
}

/// Operator top-up of a partner's cash account (product extension).
#[derive(Debug, Deserialize, ToSchema)]
pub struct TopUpReq {
    #[schema(value_type = String)]
    pub partner_id: Option<String>,
    #[schema(value_type = YuanMovement)]
    pub amount: Option<JsonDecimal>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TransferIdResponse {
    pub transfer_id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TransIdResponse {
    pub trans_id: String,
}

/// `AccountBalanceV2` / `AccountBalanceV3`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountBalance {
    pub account_id: String,
    /// 1: cash balance.
    pub account_type: i64,
    #[schema(value_type = Yuan)]
    pub amount: JsonDecimal,
    pub currency: String,
    #[schema(value_type = Yuan)]
    pub designated_amount: JsonDecimal,
    /// 1: yuan.
    pub measure_id: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPartnerBalancesQuery {
    pub indirect_partner_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListPartnerBalancesResponse {
    pub account_balances: Vec<AccountBalance>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShowCustomerAccountBalancesResponse {
    pub account_balances: Vec<AccountBalance>,
    #[schema(value_type = Yuan)]
    pub debt_amount: JsonDecimal,
    pub measure_id: i64,
    pub currency: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPartnerAdjustRecordsQuery {
    pub customer_id: Option<String>,
    pub operation_type: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub operation_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub operation_time_end: Option<String>,
    pub trans_id: Option<String>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `AdjustRecordV3`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustRecordV3 {
    pub customer_id: String,
    pub customer_name: String,
    pub operation_type: String,
    /// Decimal text with two decimals.
    pub amount: String,
    pub currency: String,
    pub apply_scene: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub operation_time: String,
    pub measure_id: i64,
    pub trans_id: String,
    /// Product extension: the partner whose money moved (a tier-1 acting for one of its
    /// tier-2s: the tier-2).
    pub on_behalf_of_id: String,
    #[serde(flatten)]
    pub acted_by: crate::ActedBy,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListPartnerAdjustRecordsResponse {
    pub records: Vec<AdjustRecordV3>,
    pub total_count: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPartnerAccountChangeRecordsQuery {
    /// BALANCE_TYPE_DEBIT or BALANCE_TYPE_CREDIT; empty: all.
    pub balance_type: Option<String>,
    pub trade_type: Option<String>,
    /// Date `YYYY-MM-DD` in UTC+8, inclusive.
    pub trade_time_begin: Option<String>,
    /// Date `YYYY-MM-DD` in UTC+8, inclusive.
    pub trade_time_end: Option<String>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `AccountChangeRecord`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountChangeRecord {
    pub account_change_id: String,
    pub trade_detail_type: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub trade_time: String,
    pub trade_id: String,
    /// Decimal text with two decimals.
    pub change_amount: String,
    /// Decimal text with two decimals.
    pub balance_after_change: String,
    /// "1" income, "2" expense.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListPartnerAccountChangeRecordsResponse {
    pub total_count: i64,
    pub currency: String,
    pub records: Vec<AccountChangeRecord>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCustomerAccountChangeRecordsQuery {
    /// BALANCE_TYPE_DEBIT or BALANCE_TYPE_CREDIT.
    #[param(required = true)]
    pub balance_type: Option<String>,
    /// REVENUE or EXPENSE; empty: both.
    pub revenue_expense_type: Option<String>,
    pub trade_type: Option<String>,
    /// Date `YYYY-MM-DD` in UTC+8, inclusive.
    pub trade_time_begin: Option<String>,
    /// Date `YYYY-MM-DD` in UTC+8, inclusive.
    pub trade_time_end: Option<String>,
    pub trade_id: Option<String>,
    pub payment_channel_id: Option<String>,
    pub payment_channel_no: Option<String>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
}

/// `CustomerAccountChangeRecord`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerAccountChangeRecord {
    pub account_change_id: String,
    pub trade_detail_type: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub trade_time: String,
    pub trade_id: String,
    /// Decimal text with two decimals.
    pub change_amount: String,
    /// Decimal text with two decimals.
    pub balance_after_change: String,
    /// "REVENUE" or "EXPENSE".
    pub revenue_expense_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListCustomerAccountChangeRecordsResponse {
    pub total_count: i64,
    pub currency: String,
    pub records: Vec<CustomerAccountChangeRecord>,
}
