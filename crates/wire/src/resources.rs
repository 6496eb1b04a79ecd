//! Yearly/monthly resources: `QueryResourcesReq`, `OrderInstanceV2`, renewal,
//! unsubscription, auto-renewal, renewal settings and conversion to on-demand.

use serde::{Deserialize, Serialize};

/// `QueryResourcesReq`.
#[derive(Debug, Deserialize, Default)]
pub struct QueryResourcesReq {
    pub resource_ids: Option<Vec<String>>,
    pub order_id: Option<String>,
    pub only_main_resource: Option<i64>,
    pub status_list: Option<Vec<i64>>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub expire_time_begin: Option<String>,
    pub expire_time_end: Option<String>,
    pub service_type_code: Option<String>,
    pub customer_id: Option<String>,
}

/// `OrderInstanceV2`.
#[derive(Debug, Serialize)]
pub struct OrderInstance {
    pub id: String,
    pub resource_id: String,
    pub resource_name: String,
    pub region_code: String,
    pub service_type_code: String,
    pub resource_type_code: String,
    pub resource_spec_code: String,
    pub product_id: String,
    pub is_main_resource: i64,
    pub status: i64,
    pub effective_time: String,
    pub expire_time: Option<String>,
    /// 0 enter grace at expiry, 1 become on-demand at expiry.
    pub expire_policy: i64,
    pub product_spec_desc: String,
    pub update_time: String,
}

#[derive(Debug, Serialize)]
pub struct ListResourcesResponse {
    pub data: Vec<OrderInstance>,
    pub total_count: i64,
}

/// `RenewalResourcesReq`.
#[derive(Debug, Deserialize)]
pub struct RenewalResourcesReq {
    pub resource_ids: Option<Vec<String>>,
    pub period_type: Option<i64>,
    pub period_num: Option<i64>,
    pub is_auto_pay: Option<i64>,
}

/// `FailResourceInfo`.
#[derive(Debug, Serialize)]
pub struct FailResourceInfo {
    pub error_code: String,
    pub error_msg: String,
    pub resource_id: String,
}

/// Answer of renewal and unsubscription: the orders created and the per-resource failures.
#[derive(Debug, Serialize)]
pub struct OrderIdsResponse {
    pub order_ids: Vec<String>,
    pub fail_resource_infos: Vec<FailResourceInfo>,
}

/// `UnsubscribeResourcesReq`.
#[derive(Debug, Deserialize)]
pub struct UnsubscribeResourcesReq {
    pub resource_ids: Option<Vec<String>>,
    pub unsubscribe_type: Option<i64>,
    pub unsubscribe_reason_type: Option<i64>,
    pub unsubscribe_reason: Option<String>,
}

/// `AutoRenewalResourcesReq` (the body is optional).
#[derive(Debug, Deserialize, Default)]
pub struct AutoRenewalResourcesReq {
    pub auto_renew_times: Option<i64>,
    pub period_type: Option<String>,
}

/// `RenewResourceConfigReq`.
#[derive(Debug, Deserialize)]
pub struct RenewResourceConfigReq {
    pub config_name: Option<String>,
    pub config_value: Option<String>,
}

/// Answer of `set_resources_renew_config`.
#[derive(Debug, Serialize)]
pub struct CodeResponse {
    pub error_code: String,
    pub error_msg: String,
}

/// `PeriodToOnDemandReq`.
#[derive(Debug, Deserialize)]
pub struct PeriodToOnDemandReq {
    pub operation: Option<String>,
    pub resource_ids: Option<Vec<String>>,
}

/// `ErrorDetail`.
#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    pub error_code: String,
    pub error_msg: String,
    pub id: String,
}

#[derive(Debug, Serialize)]
pub struct ErrorDetailsResponse {
    pub error_details: Vec<ErrorDetail>,
}
