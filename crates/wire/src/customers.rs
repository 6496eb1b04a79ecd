//! Sub-customer operations: create_sub_customer, check_user_identity, list_sub_customers.

use crate::schema::{Limit, Offset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `CreateCustomerV2Req`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CreateCustomerV2Req {
    /// 5 to 32 characters; random when absent or empty.
    pub domain_name: Option<String>,
    pub mobile_phone: Option<String>,
    pub verification_code: Option<String>,
    /// At most 128 characters.
    #[schema(value_type = String)]
    pub xaccount_id: Option<String>,
    /// At most 64 characters.
    #[schema(value_type = String)]
    pub xaccount_type: Option<String>,
    pub password: Option<String>,
    pub is_close_market_ms: Option<String>,
    /// "1" consultative; anything else resale.
    pub cooperation_type: Option<String>,
    pub indirect_partner_id: Option<String>,
    pub include_association_result: Option<bool>,
}

/// `CreateSubCustomerResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateSubCustomerResponse {
    pub domain_id: String,
    pub domain_name: String,
}

/// `CheckSubcustomerUserReq`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CheckSubcustomerUserReq {
    /// email, mobile or name.
    #[schema(value_type = String)]
    pub search_type: Option<String>,
    #[schema(value_type = String)]
    pub search_value: Option<String>,
}

/// `CheckUserIdentityResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckUserIdentityResponse {
    /// "available" or "used_by_user".
    pub check_result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_remain_available_num: Option<i64>,
}

/// `QuerySubCustomerListReq`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct QuerySubCustomerListReq {
    pub account_name: Option<String>,
    pub customer: Option<String>,
    #[schema(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[schema(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    pub label: Option<String>,
    /// "1" consultative, "2" resale.
    pub association_type: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub associated_on_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub associated_on_end: Option<String>,
    pub customer_id: Option<String>,
    pub indirect_partner_id: Option<String>,
}

/// `AccountManager`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccountManager {
    pub account_name: String,
}

/// `CustomerInformation`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustomerInformation {
    pub customer: String,
    pub account_name: String,
    pub customer_id: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub associated_on: String,
    /// "1" consultative, "2" resale.
    pub association_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    /// "-1" not verified, "0" under review, "1" rejected, "2" verified.
    pub verified_status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    pub customer_type: i64,
    pub is_frozen: i64,
    pub account_managers: Vec<AccountManager>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xaccount_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xaccount_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `ListSubCustomersResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ListSubCustomersResponse {
    pub customer_infos: Vec<CustomerInformation>,
    pub count: i64,
}
