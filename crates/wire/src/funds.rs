//! Funds operations. Money crosses the wire as exact JSON numbers (`RawValue`), never
//! through a float: requests keep the literal the client sent, responses write the decimal
//! text (`12.30`). Record amounts are strings where the SDK models say so.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// An exact decimal JSON number.
pub type JsonDecimal = Box<RawValue>;

/// Writes decimal text (e.g. `12.30`) as a JSON number.
pub fn json_decimal(text: String) -> JsonDecimal {
    RawValue::from_string(text).expect("decimal text is a valid JSON number")
}

/// The literal of a JSON number, or of a numeric string.
pub fn decimal_literal(raw: &RawValue) -> &str {
    let s = raw.get().trim();
    s.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(s)
}

/// `AdjustAccountReq` and `ReclaimToPartnerAccountBalancesReq`.
#[derive(Debug, Deserialize)]
pub struct CustomerFundsReq {
    pub customer_id: Option<String>,
    pub amount: Option<JsonDecimal>,
    pub indirect_partner_id: Option<String>,
}

/// `AdjustToIndirectPartnerReq` and `ReclaimIndirectPartnerAccountReq`.
#[derive(Debug, Deserialize)]
pub struct ResellerFundsReq {
    pub indirect_partner_id: Option<String>,
    pub amount: Option<JsonDecimal>,
}

/// Operator top-up of a partner's cash account (product extension).
#[derive(Debug, Deserialize)]
pub struct TopUpReq {
    pub partner_id: Option<String>,
    pub amount: Option<JsonDecimal>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TransferIdResponse {
    pub transfer_id: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TransIdResponse {
    pub trans_id: String,
}

/// `AccountBalanceV2` / `AccountBalanceV3`.
#[derive(Debug, Serialize)]
pub struct AccountBalance {
    pub account_id: String,
    pub account_type: i64,
    pub amount: JsonDecimal,
    pub currency: String,
    pub designated_amount: JsonDecimal,
    pub measure_id: i64,
}

#[derive(Debug, Deserialize)]
pub struct ListPartnerBalancesQuery {
    pub indirect_partner_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ListPartnerBalancesResponse {
    pub account_balances: Vec<AccountBalance>,
}

#[derive(Debug, Serialize)]
pub struct ShowCustomerAccountBalancesResponse {
    pub account_balances: Vec<AccountBalance>,
    pub debt_amount: JsonDecimal,
    pub measure_id: i64,
    pub currency: String,
}

#[derive(Debug, Deserialize)]
pub struct ListPartnerAdjustRecordsQuery {
    pub customer_id: Option<String>,
    pub operation_type: Option<String>,
    pub operation_time_begin: Option<String>,
    pub operation_time_end: Option<String>,
    pub trans_id: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `AdjustRecordV3`.
#[derive(Debug, Serialize)]
pub struct AdjustRecordV3 {
    pub customer_id: String,
    pub customer_name: String,
    pub operation_type: String,
    pub amount: String,
    pub currency: String,
    pub apply_scene: String,
    pub operation_time: String,
    pub measure_id: i64,
    pub trans_id: String,
}

#[derive(Debug, Serialize)]
pub struct ListPartnerAdjustRecordsResponse {
    pub records: Vec<AdjustRecordV3>,
    pub total_count: i64,
}

#[derive(Debug, Deserialize)]
pub struct ListPartnerAccountChangeRecordsQuery {
    pub balance_type: Option<String>,
    pub trade_type: Option<String>,
    pub trade_time_begin: Option<String>,
    pub trade_time_end: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `AccountChangeRecord`.
#[derive(Debug, Serialize)]
pub struct AccountChangeRecord {
    pub account_change_id: String,
    pub trade_detail_type: String,
    pub trade_time: String,
    pub trade_id: String,
    pub change_amount: String,
    pub balance_after_change: String,
    /// "1" income, "2" expense.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ListPartnerAccountChangeRecordsResponse {
    pub total_count: i64,
    pub currency: String,
    pub records: Vec<AccountChangeRecord>,
}

#[derive(Debug, Deserialize)]
pub struct ListCustomerAccountChangeRecordsQuery {
    pub balance_type: Option<String>,
    pub revenue_expense_type: Option<String>,
    pub trade_type: Option<String>,
    pub trade_time_begin: Option<String>,
    pub trade_time_end: Option<String>,
    pub trade_id: Option<String>,
    pub payment_channel_id: Option<String>,
    pub payment_channel_no: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// `CustomerAccountChangeRecord`.
#[derive(Debug, Serialize)]
pub struct CustomerAccountChangeRecord {
    pub account_change_id: String,
    pub trade_detail_type: String,
    pub trade_time: String,
    pub trade_id: String,
    pub change_amount: String,
    pub balance_after_change: String,
    /// "REVENUE" or "EXPENSE".
    pub revenue_expense_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ListCustomerAccountChangeRecordsResponse {
    pub total_count: i64,
    pub currency: String,
    pub records: Vec<CustomerAccountChangeRecord>,
}
