//! create_sub_customer, check_user_identity, list_sub_customers.

use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::principal::{FullScopePartner, PartnerCaller};
use crate::services::customers as services;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use pc_domain::customer::{IdentityCheck, IdentityQuery, NewCustomerInput};
use pc_domain::query::{format_utc, parse_fuzzy, parse_utc_bound, Page};
use pc_domain::tenancy::AssociationType;
use pc_domain::DomainId;
use pc_storage::{CustomerFilter, CustomerItem};
use pc_wire::customers::*;

#[utoipa::path(
    post, path = "/v2/partners/sub-customers", operation_id = "create_sub_customer", tag = "customers",
    summary = "Create a customer associated with the caller (or, for a tier-1, with one of its resellers).",
    request_body = CreateCustomerV2Req,
    responses((status = 200, description = "Success.", body = CreateSubCustomerResponse), crate::openapi::ApiErrors)
)]
pub async fn create_sub_customer(
    State(state): State<AppState>,
    caller: FullScopePartner,
    ApiJson(req): ApiJson<CreateCustomerV2Req>,
) -> ApiResult<CreateSubCustomerResponse> {
    let input = NewCustomerInput {
        domain_name: req.domain_name.as_deref(),
        xaccount_type: req.xaccount_type.as_deref(),
        xaccount_id: req.xaccount_id.as_deref(),
        mobile_phone: req.mobile_phone.as_deref(),
        password: req.password.as_deref(),
        cooperation_type: req.cooperation_type.as_deref(),
        is_close_market_ms: req.is_close_market_ms.as_deref(),
    };
    let (id, name) = services::create_sub_customer(&state.db, &caller, input, req.indirect_partner_id.as_deref()).await?;
    Ok(Json(CreateSubCustomerResponse { domain_id: id.to_string(), domain_name: name.to_string() }))
}

#[utoipa::path(
    post, path = "/v2/partners/sub-customers/users/check-identity", operation_id = "check_user_identity", tag = "customers",
    summary = "Check whether an e-mail, mobile number or login name is still available.",
    request_body = CheckSubcustomerUserReq,
    responses((status = 200, description = "Success.", body = CheckUserIdentityResponse), crate::openapi::ApiErrors)
)]
pub async fn check_user_identity(
    State(state): State<AppState>,
    _caller: PartnerCaller,
    ApiJson(req): ApiJson<CheckSubcustomerUserReq>,
) -> ApiResult<CheckUserIdentityResponse> {
    let query = IdentityQuery::parse(req.search_type.as_deref(), req.search_value.as_deref())?;
    let uses = state.db.count_identity_uses(&query).await?;
    let check = IdentityCheck::evaluate(&query, uses);
    Ok(Json(CheckUserIdentityResponse {
        check_result: if check.available { "available" } else { "used_by_user" }.to_owned(),
        mobile_remain_available_num: check.mobile_remaining,
    }))
}

#[utoipa::path(
    post, path = "/v2/partners/sub-customers/query", operation_id = "list_sub_customers", tag = "customers",
    summary = "List the caller's customers (or, for a tier-1, a reseller's).",
    request_body = QuerySubCustomerListReq,
    responses((status = 200, description = "Success.", body = ListSubCustomersResponse), crate::openapi::ApiErrors)
)]
pub async fn list_sub_customers(
    State(state): State<AppState>,
    caller: PartnerCaller,
    ApiJson(req): ApiJson<QuerySubCustomerListReq>,
) -> ApiResult<ListSubCustomersResponse> {
    let page = Page::parse(req.offset, req.limit)?;
    let filter = CustomerFilter {
        account_name: parse_fuzzy("account_name", req.account_name.as_deref())?,
        customer: parse_fuzzy("customer", req.customer.as_deref())?,
        label: parse_fuzzy("label", req.label.as_deref())?,
        association_type: match req.association_type.as_deref() {
            None | Some("") => None,
            Some(s) => Some(AssociationType::parse_filter(s)?),
        },
        associated_from: parse_utc_bound("associated_on_begin", req.associated_on_begin.as_deref())?,
        associated_to: parse_utc_bound("associated_on_end", req.associated_on_end.as_deref())?,
        customer_id: match req.customer_id.as_deref() {
            None | Some("") => None,
            Some(s) => Some(DomainId::parse(s)?),
        },
    };
    let (items, count) = services::list_sub_customers(&state.db, &caller, &filter, page, req.indirect_partner_id.as_deref()).await?;
    Ok(Json(ListSubCustomersResponse { customer_infos: items.into_iter().map(customer_information).collect(), count }))
}

fn customer_information(c: CustomerItem) -> CustomerInformation {
    CustomerInformation {
        customer: c.display_name,
        account_name: c.domain_name,
        customer_id: c.customer_id.to_string(),
        associated_on: format_utc(c.associated_on),
        association_type: c.association_type.code().to_string(),
        label: c.label,
        country_code: c.mobile.as_ref().map(|_| "0086".to_owned()),
        telephone: c.mobile,
        verified_status: c.verified_status.to_string(),
        customer_type: c.customer_type,
        is_frozen: 0,
        account_managers: c.managers.into_iter().map(|account_name| AccountManager { account_name }).collect(),
        xaccount_id: c.xaccount_id,
        xaccount_type: c.xaccount_type,
        email: c.email,
    }
}
