//! Yearly/monthly resources of the Open API: listing, renewal, unsubscription, auto-renewal,
//! renewal settings and conversion to on-demand. Batch operations answer per resource.

use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::principal::{CustomerCaller, CustomerOrPartner};
use crate::services::orders::{self as svc, OrderParty};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use pc_domain::orders::{source_type, Period, ResourceStatus, MAX_RESOURCES_PER_REQUEST};
use pc_domain::query::{format_utc, parse_utc, Page};
use pc_domain::DomainError;
use pc_storage::{Resource, ResourceFilter};
use pc_wire::orders::Empty;
use pc_wire::resources::*;

fn instant(field: &str, v: Option<&str>) -> Result<Option<i64>, DomainError> {
    match v {
        None | Some("") => Ok(None),
        Some(s) => parse_utc(field, s).map(Some),
    }
}

fn resource_view(r: &Resource) -> OrderInstance {
    OrderInstance {
        id: r.resource_id.clone(),
        resource_id: r.resource_id.clone(),
        resource_name: r.resource_spec.clone(),
        region_code: r.region.clone(),
        service_type_code: r.cloud_service_type.clone(),
        resource_type_code: r.resource_type.clone(),
        resource_spec_code: r.resource_spec.clone(),
        product_id: r.product_id.clone(),
        is_main_resource: 1,
        status: r.status.code(),
        effective_time: format_utc(r.effective_at),
        expire_time: r.expire_at.map(format_utc),
        expire_policy: i64::from(r.to_on_demand),
        product_spec_desc: r.resource_spec.clone(),
        update_time: format_utc(r.effective_at),
    }
}

/// The customer's own view; a partner names its resale customer in `customer_id`.
pub async fn list_pay_per_use_customer_resources(
    State(state): State<AppState>,
    p: CustomerOrPartner,
    ApiJson(req): ApiJson<QueryResourcesReq>,
) -> ApiResult<ListResourcesResponse> {
    let (scope, customer) = match &p {
        CustomerOrPartner::Customer(me) => (me.scope().clone(), me.id().clone()),
        CustomerOrPartner::Partner(partner) => {
            (partner.own_scope(), super::orders::partner_customer(&state, partner, req.customer_id.as_deref()).await?)
        }
    };
    let page = Page::parse(req.offset, req.limit)?;
    let ids = req.resource_ids.unwrap_or_default();
    if ids.len() > 50 {
        return Err(DomainError::invalid("resource_ids may name at most 50 resources.").into());
    }
    if let Some(m) = req.only_main_resource {
        if !(0..=1).contains(&m) {
            return Err(DomainError::invalid("only_main_resource must be 0 or 1.").into());
        }
    }
    if req.service_type_code.as_deref() == Some("") {
        return Err(DomainError::invalid("service_type_code must not be an empty string; omit it instead.").into());
    }
    let f = ResourceFilter {
        resource_ids: ids,
        order_id: req.order_id.filter(|s| !s.is_empty()),
        statuses: req.status_list.unwrap_or_default().into_iter().map(ResourceStatus::parse).collect::<Result<_, _>>()?,
        expire: (
            instant("expire_time_begin", req.expire_time_begin.as_deref())?,
            instant("expire_time_end", req.expire_time_end.as_deref())?,
        ),
        service_type_code: req.service_type_code,
        period_only: true,
    };
    let now = state.db.now().await?;
    let (resources, total) = state.db.list_resources(&scope, &customer, &f, now, page).await?;
    Ok(Json(ListResourcesResponse { data: resources.iter().map(resource_view).collect(), total_count: total }))
}

fn resource_ids(v: Option<Vec<String>>) -> Result<Vec<String>, DomainError> {
    let ids = v.unwrap_or_default();
    if ids.is_empty() || ids.len() > MAX_RESOURCES_PER_REQUEST {
        return Err(DomainError::invalid(format!("resource_ids must name 1 to {MAX_RESOURCES_PER_REQUEST} resources.")));
    }
    Ok(ids)
}

fn failure(resource_id: &str, e: ApiError) -> Result<FailResourceInfo, ApiError> {
    match e {
        ApiError::Rule(r) => {
            Ok(FailResourceInfo { error_code: r.code.code().into(), error_msg: r.message, resource_id: resource_id.into() })
        }
        other => Err(other),
    }
}

async fn customer_party(state: &AppState, p: &CustomerCaller) -> Result<OrderParty, ApiError> {
    let me = p.id().clone();
    let partner = state.db.customer_standing_with(&me, false).await?.map(|s| s.partner_id);
    let name = state.db.find_account(&me).await?.map(|a| a.domain_name).unwrap_or_default();
    Ok(OrderParty { customer: me, partner, source_type: source_type::CUSTOMER, placed_by: name })
}

pub async fn renewal_resources(
    State(state): State<AppState>,
    p: CustomerCaller,
    ApiJson(req): ApiJson<RenewalResourcesReq>,
) -> ApiResult<OrderIdsResponse> {
    let party = customer_party(&state, &p).await?;
    let ids = resource_ids(req.resource_ids)?;
    let period = Period::parse(req.period_type, req.period_num)?;
    let auto_pay = match req.is_auto_pay {
        None | Some(0) => false,
        Some(1) => true,
        Some(other) => return Err(DomainError::invalid(format!("is_auto_pay must be 0 or 1, not {other}.")).into()),
    };
    let (mut order_ids, mut fails) = (Vec::new(), Vec::new());
    for id in &ids {
        match svc::renew_resource(&state.db, &party, id, period, auto_pay).await {
            Ok(order_id) => order_ids.push(order_id),
            Err(e) => fails.push(failure(id, e)?),
        }
    }
    Ok(Json(OrderIdsResponse { order_ids, fail_resource_infos: fails }))
}

pub async fn cancel_resources_subscription(
    State(state): State<AppState>,
    p: CustomerCaller,
    ApiJson(req): ApiJson<UnsubscribeResourcesReq>,
) -> ApiResult<OrderIdsResponse> {
    let party = customer_party(&state, &p).await?;
    let ids = resource_ids(req.resource_ids)?;
    let renewals_only = match req.unsubscribe_type {
        Some(1) => false,
        Some(2) => true,
        _ => {
            return Err(DomainError::invalid("unsubscribe_type is required: 1 (the resource and its renewals) or 2 (renewals only).").into())
        }
    };
    if let Some(t) = req.unsubscribe_reason_type {
        if !(1..=5).contains(&t) {
            return Err(DomainError::invalid("unsubscribe_reason_type must be 1 to 5.").into());
        }
    }
    let now = state.db.now().await?;
    let (mut order_ids, mut fails) = (Vec::new(), Vec::new());
    for id in &ids {
        match state.db.unsubscribe_resource(&party.customer, id, renewals_only, &party.placed_by, now).await {
            Ok(done) => order_ids.push(done.refund_order_id),
            Err(e) => fails.push(failure(id, e.into())?),
        }
    }
    Ok(Json(OrderIdsResponse { order_ids, fail_resource_infos: fails }))
}

pub async fn auto_renewal_resources(
    State(state): State<AppState>,
    me: CustomerCaller,
    Path(resource_id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Empty> {
    let me = me.id().clone();
    // The SDK may send no body at all: then the defaults apply.
    let req: AutoRenewalResourcesReq = if body.iter().all(u8::is_ascii_whitespace) {
        AutoRenewalResourcesReq::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| DomainError::invalid(format!("The request body is not valid: {e}")))?
    };
    let times = match req.auto_renew_times {
        None | Some(0) => None,
        Some(n @ 1..=99) => Some(n),
        Some(n) => return Err(DomainError::invalid(format!("auto_renew_times must be 0 (unlimited) to 99, not {n}.")).into()),
    };
    let now = state.db.now().await?;
    let period_type = match req.period_type.as_deref() {
        Some("MONTH") => Period::MONTH,
        Some("YEAR") => Period::YEAR,
        None | Some("") => {
            let r = state.db.find_resource(&me, &resource_id, now).await?;
            r.and_then(|r| r.period_type).unwrap_or(Period::MONTH)
        }
        Some(other) => return Err(DomainError::invalid(format!("period_type must be MONTH or YEAR, not '{other}'.")).into()),
    };
    state.db.set_auto_renew(&me, &resource_id, Some((period_type, times)), now).await?;
    Ok(Json(Empty {}))
}

pub async fn cancel_auto_renewal_resources(
    State(state): State<AppState>,
    me: CustomerCaller,
    Path(resource_id): Path<String>,
) -> ApiResult<Empty> {
    let me = me.id().clone();
    let now = state.db.now().await?;
    state.db.set_auto_renew(&me, &resource_id, None, now).await?;
    Ok(Json(Empty {}))
}

pub async fn set_resources_renew_config(
    State(state): State<AppState>,
    me: CustomerCaller,
    ApiJson(req): ApiJson<RenewResourceConfigReq>,
) -> ApiResult<CodeResponse> {
    let me = me.id().clone();
    let value: i64 = req
        .config_value
        .as_deref()
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| DomainError::invalid("config_value is required and must be a number."))?;
    let (deduction, expire_day) = match req.config_name.as_deref() {
        Some("DEDUCTION_DATE") if (2..=7).contains(&value) => (Some(value), None),
        Some("DEDUCTION_DATE") => return Err(DomainError::invalid("DEDUCTION_DATE takes 2 to 7 days before expiry.").into()),
        // -1: the last day of every month.
        Some("EXPIRE_DATE") if (1..=28).contains(&value) || value == -1 => (None, Some(if value == -1 { 31 } else { value })),
        Some("EXPIRE_DATE") => {
            return Err(DomainError::invalid("EXPIRE_DATE takes a day 1 to 28, or -1 for the last day of the month.").into())
        }
        _ => return Err(DomainError::invalid("config_name must be DEDUCTION_DATE or EXPIRE_DATE.").into()),
    };
    let now = state.db.now().await?;
    state.db.set_customer_renew_settings(&me, deduction, expire_day, now).await?;
    Ok(Json(CodeResponse { error_code: "CBC.0000".into(), error_msg: "success".into() }))
}

pub async fn update_period_to_on_demand(
    State(state): State<AppState>,
    p: CustomerCaller,
    ApiJson(req): ApiJson<PeriodToOnDemandReq>,
) -> ApiResult<ErrorDetailsResponse> {
    let party = customer_party(&state, &p).await?;
    let set_up = match req.operation.as_deref() {
        Some("SET_UP") => true,
        Some("CANCEL") => false,
        _ => return Err(DomainError::invalid("operation must be SET_UP or CANCEL.").into()),
    };
    let ids = resource_ids(req.resource_ids)?;
    let now = state.db.now().await?;
    let mut details = Vec::new();
    for id in &ids {
        let done = if set_up {
            state.db.convert_to_on_demand(&party.customer, id, &party.placed_by, now).await.map(|_| ())
        } else {
            state.db.cancel_to_on_demand(&party.customer, id, now).await
        };
        if let Err(e) = done {
            let f = failure(id, e.into())?;
            details.push(ErrorDetail { error_code: f.error_code, error_msg: f.error_msg, id: f.resource_id });
        }
    }
    Ok(Json(ErrorDetailsResponse { error_details: details }))
}
