//! Sub-customer operations: create_sub_customer, check_user_identity, list_sub_customers.

use serde::{Deserialize, Serialize};

/// `CreateCustomerV2Req`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CreateCustomerV2Req {
    pub domain_name: Option<String>,
    pub mobile_phone: Option<String>,
    pub verification_code: Option<String>,
    pub xaccount_id: Option<String>,
    pub xaccount_type: Option<String>,
    pub password: Option<String>,
    pub is_close_market_ms: Option<String>,
    pub cooperation_type: Option<String>,
    pub indirect_partner_id: Option<String>,
    pub include_association_result: Option<bool>,
}

/// `CreateSubCustomerResponse`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateSubCustomerResponse {
    pub domain_id: String,
    pub domain_name: String,
}

/// `CheckSubcustomerUserReq`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckSubcustomerUserReq {
    pub search_type: Option<String>,
    pub search_value: Option<String>,
}

/// `CheckUserIdentityResponse`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckUserIdentityResponse {
    /// "available" or "used_by_user".
    pub check_result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_remain_available_num: Option<i64>,
}

/// `QuerySubCustomerListReq`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct QuerySubCustomerListReq {
    pub account_name: Option<String>,
    pub customer: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub label: Option<String>,
    pub association_type: Option<String>,
    pub associated_on_begin: Option<String>,
    pub associated_on_end: Option<String>,
    pub customer_id: Option<String>,
    pub indirect_partner_id: Option<String>,
}

/// `AccountManager`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountManager {
    pub account_name: String,
}

/// `CustomerInformation`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomerInformation {
    pub customer: String,
    pub account_name: String,
    pub customer_id: String,
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListSubCustomersResponse {
    pub customer_infos: Vec<CustomerInformation>,
    pub count: i64,
}
