//! Yearly/monthly resources: `QueryResourcesReq`, `OrderInstanceV2`, renewal,
//! unsubscription, auto-renewal, renewal settings and conversion to on-demand.

use crate::schema::{Limit, Offset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `QueryResourcesReq`.
#[derive(Debug, Deserialize, Default, ToSchema)]
pub struct QueryResourcesReq {
    pub resource_ids: Option<Vec<String>>,
    pub order_id: Option<String>,
    pub only_main_resource: Option<i64>,
    pub status_list: Option<Vec<i64>>,
    #[schema(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[schema(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time_end: Option<String>,
    pub service_type_code: Option<String>,
    pub customer_id: Option<String>,
}

/// `OrderInstanceV2`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderInstance {
    pub id: String,
    pub resource_id: String,
    pub resource_name: String,
    pub region_code: String,
    pub service_type_code: String,
    pub resource_type_code: String,
    /// The resource type's name from the price book.
    pub resource_type_name: String,
    /// The cloud service type's name from the price book.
    pub service_type_name: String,
    pub resource_spec_code: String,
    pub product_id: String,
    pub is_main_resource: i64,
    /// 2 in use, 3 closed, 4 frozen, 5 expired (grace).
    pub status: i64,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub effective_time: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time: Option<String>,
    /// 0 enter grace at expiry, 1 become on-demand at expiry.
    pub expire_policy: i64,
    pub product_spec_desc: String,
    /// The size of a sized resource (a disk), in `spec_size_measure_id`; absent for others.
    pub spec_size: Option<i64>,
    /// 17: GB.
    pub spec_size_measure_id: Option<i64>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub update_time: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListResourcesResponse {
    pub data: Vec<OrderInstance>,
    pub total_count: i64,
}

/// `RenewalResourcesReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RenewalResourcesReq {
    #[schema(value_type = Vec<String>)]
    pub resource_ids: Option<Vec<String>>,
    /// 2 month, 3 year.
    #[schema(value_type = i64)]
    pub period_type: Option<i64>,
    /// 1-11 months or 1-3 years.
    #[schema(value_type = i64)]
    pub period_num: Option<i64>,
    pub is_auto_pay: Option<i64>,
}

/// `FailResourceInfo`, as in the price inquiry.
pub use crate::ratings::FailResourceInfo;

/// Answer of renewal and unsubscription: the orders created and the per-resource failures.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderIdsResponse {
    pub order_ids: Vec<String>,
    pub fail_resource_infos: Vec<FailResourceInfo>,
}

/// `UnsubscribeResourcesReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UnsubscribeResourcesReq {
    #[schema(value_type = Vec<String>)]
    pub resource_ids: Option<Vec<String>>,
    /// 1 the resource and its renewals, 2 renewals only.
    #[schema(value_type = i64)]
    pub unsubscribe_type: Option<i64>,
    pub unsubscribe_reason_type: Option<i64>,
    pub unsubscribe_reason: Option<String>,
}

/// `AutoRenewalResourcesReq` (the body is optional).
#[derive(Debug, Deserialize, Default, ToSchema)]
pub struct AutoRenewalResourcesReq {
    /// 0 (unlimited, default) to 99 renewals.
    pub auto_renew_times: Option<i64>,
    /// MONTH or YEAR; default the resource's period.
    pub period_type: Option<String>,
}

/// `RenewResourceConfigReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RenewResourceConfigReq {
    /// DEDUCTION_DATE or EXPIRE_DATE.
    #[schema(value_type = String)]
    pub config_name: Option<String>,
    /// DEDUCTION_DATE: 2 to 7 days before expiry; EXPIRE_DATE: day 1 to 28, or -1 the last day.
    #[schema(value_type = String)]
    pub config_value: Option<String>,
}

/// Answer of `set_resources_renew_config`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeResponse {
    pub error_code: String,
    pub error_msg: String,
}

/// `PeriodToOnDemandReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PeriodToOnDemandReq {
    /// SET_UP or CANCEL.
    #[schema(value_type = String)]
    pub operation: Option<String>,
    #[schema(value_type = Vec<String>)]
    pub resource_ids: Option<Vec<String>>,
}

/// `ErrorDetail`, as in the coupon batches.
pub use crate::coupons::ErrorDetail;

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetailsResponse {
    pub error_details: Vec<ErrorDetail>,
}
