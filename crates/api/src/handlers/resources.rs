//! Yearly/monthly resources of the Open API: listing, renewal, unsubscription, auto-renewal,
//! renewal settings and conversion to on-demand. Batch operations answer per resource.

use super::Names;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::principal::{CustomerCaller, CustomerOrPartner};
use crate::services::resources::{self as svc, AutoRenewal};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use pc_domain::catalog::Language;
use pc_domain::orders::{Period, ResourceStatus, MAX_RESOURCES_PER_REQUEST};
use pc_domain::query::{format_utc, parse_utc, Page};
use pc_domain::{DomainError, ErrorCode};
use pc_storage::{Resource, ResourceFilter};
use pc_wire::orders::Empty;
use pc_wire::resources::*;

fn instant(field: &str, v: Option<&str>) -> Result<Option<i64>, DomainError> {
    match v {
        None | Some("") => Ok(None),
        Some(s) => parse_utc(field, s).map(Some),
    }
}

fn resource_view(r: &Resource, names: &Names) -> OrderInstance {
    OrderInstance {
        id: r.resource_id.to_string(),
        resource_id: r.resource_id.to_string(),
        resource_name: r.resource_spec.clone(),
        region_code: r.region.clone(),
        service_type_code: r.cloud_service_type.clone(),
        resource_type_code: r.resource_type.clone(),
        resource_type_name: names.resource(&r.resource_type),
        service_type_name: names.service(&r.cloud_service_type),
        resource_spec_code: r.resource_spec.clone(),
        product_id: r.product_id.clone(),
        is_main_resource: 1,
        status: r.status.code(),
        effective_time: format_utc(r.effective_at),
        expire_time: r.expire_at.map(format_utc),
        expire_policy: i64::from(r.to_on_demand),
        product_spec_desc: r.resource_spec.clone(),
        spec_size: r.size.map(|s| s.resource_size),
        spec_size_measure_id: r.size.map(|s| s.size_measure_id),
        update_time: format_utc(r.effective_at),
    }
}

/// The customer's own view; a partner names its resale customer in `customer_id`.
#[utoipa::path(
    post, path = "/v2/orders/suscriptions/resources/query", operation_id = "list_pay_per_use_customer_resources", tag = "resources",
    summary = "Yearly/monthly resources of the calling customer (a partner names its customer in customer_id).",
    request_body = QueryResourcesReq,
    responses((status = 200, description = "Success.", body = ListResourcesResponse), crate::openapi::ApiErrors)
)]
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
    let (resources, total) = svc::list_resources(&state.db, &scope, &customer, &f, page).await?;
    // The operation takes no language: names show in the default one.
    let names = Names::load(&state.db, Language::default()).await?;
    Ok(Json(ListResourcesResponse { data: resources.iter().map(|r| resource_view(r, &names)).collect(), total_count: total }))
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
        // A replayed request is refused as a whole, not resource by resource.
        ApiError::Rule(r) if r.code != ErrorCode::SignatureReplayed => {
            Ok(FailResourceInfo { error_code: r.code.code().into(), error_msg: r.message, resource_id: resource_id.into() })
        }
        other => Err(other),
    }
}

#[utoipa::path(
    post, path = "/v2/orders/subscriptions/resources/renew", operation_id = "renewal_resources", tag = "resources",
    summary = "Renew resources for 1-11 months or 1-3 years; failures per resource.",
    request_body = RenewalResourcesReq,
    responses((status = 200, description = "Success.", body = OrderIdsResponse), crate::openapi::ApiErrors)
)]
pub async fn renewal_resources(
    State(state): State<AppState>,
    p: CustomerCaller,
    ApiJson(req): ApiJson<RenewalResourcesReq>,
) -> ApiResult<OrderIdsResponse> {
    let party = svc::customer_party(&state.db, &p).await?;
    let ids = resource_ids(req.resource_ids)?;
    let period = Period::parse(req.period_type, req.period_num)?;
    let auto_pay = match req.is_auto_pay {
        None | Some(0) => false,
        Some(1) => true,
        Some(other) => return Err(DomainError::invalid(format!("is_auto_pay must be 0 or 1, not {other}.")).into()),
    };
    let (mut order_ids, mut fails) = (Vec::new(), Vec::new());
    for id in &ids {
        match svc::renew(&state.db, &state.ledger, &party, id, period, auto_pay).await {
            Ok(order_id) => order_ids.push(order_id),
            Err(e) => fails.push(failure(id, e)?),
        }
    }
    Ok(Json(OrderIdsResponse { order_ids, fail_resource_infos: fails }))
}

#[utoipa::path(
    post, path = "/v2/orders/subscriptions/resources/unsubscribe", operation_id = "cancel_resources_subscription", tag = "resources",
    summary = "Unsubscribe resources: a refund order returns the unused paid time pro rata to cash and coupons.",
    request_body = UnsubscribeResourcesReq,
    responses((status = 200, description = "Success.", body = OrderIdsResponse), crate::openapi::ApiErrors)
)]
pub async fn cancel_resources_subscription(
    State(state): State<AppState>,
    p: CustomerCaller,
    ApiJson(req): ApiJson<UnsubscribeResourcesReq>,
) -> ApiResult<OrderIdsResponse> {
    let party = svc::customer_party(&state.db, &p).await?;
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
    let (mut order_ids, mut fails) = (Vec::new(), Vec::new());
    for id in &ids {
        match svc::unsubscribe(&state.db, &state.ledger, &party, id, renewals_only).await {
            Ok(done) => order_ids.push(done.refund_order_id),
            Err(e) => fails.push(failure(id, e)?),
        }
    }
    Ok(Json(OrderIdsResponse { order_ids: order_ids.into_iter().map(String::from).collect(), fail_resource_infos: fails }))
}

#[utoipa::path(
    post, path = "/v2/orders/subscriptions/resources/autorenew/{resource_id}", operation_id = "auto_renewal_resources", tag = "resources",
    summary = "Turn auto-renewal on (the body may be omitted).",
    request_body = AutoRenewalResourcesReq,
    params(("resource_id" = String, Path)),
    responses((status = 200, description = "Success.", body = Empty), crate::openapi::ApiErrors)
)]
pub async fn auto_renewal_resources(
    State(state): State<AppState>,
    me: CustomerCaller,
    Path(resource_id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Empty> {
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
    let period_type = match req.period_type.as_deref() {
        Some("MONTH") => Some(Period::MONTH),
        Some("YEAR") => Some(Period::YEAR),
        // The resource's own period.
        None | Some("") => None,
        Some(other) => return Err(DomainError::invalid(format!("period_type must be MONTH or YEAR, not '{other}'.")).into()),
    };
    svc::set_auto_renew(&state.db, &me, &resource_id, Some(AutoRenewal { period_type, times })).await?;
    Ok(Json(Empty {}))
}

#[utoipa::path(
    delete, path = "/v2/orders/subscriptions/resources/autorenew/{resource_id}", operation_id = "cancel_auto_renewal_resources", tag = "resources",
    summary = "Turn auto-renewal off.",
    params(("resource_id" = String, Path)),
    responses((status = 200, description = "Success.", body = Empty), crate::openapi::ApiErrors)
)]
pub async fn cancel_auto_renewal_resources(
    State(state): State<AppState>,
    me: CustomerCaller,
    Path(resource_id): Path<String>,
) -> ApiResult<Empty> {
    svc::set_auto_renew(&state.db, &me, &resource_id, None).await?;
    Ok(Json(Empty {}))
}

#[utoipa::path(
    post, path = "/v2/orders/subscriptions/resources/renew/config", operation_id = "set_resources_renew_config", tag = "resources",
    summary = "Renewal settings: DEDUCTION_DATE (2-7 days before expiry) or EXPIRE_DATE (1-28, -1 last day).",
    request_body = RenewResourceConfigReq,
    responses((status = 200, description = "Success.", body = CodeResponse), crate::openapi::ApiErrors)
)]
pub async fn set_resources_renew_config(
    State(state): State<AppState>,
    me: CustomerCaller,
    ApiJson(req): ApiJson<RenewResourceConfigReq>,
) -> ApiResult<CodeResponse> {
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
    svc::set_renew_settings(&state.db, &me, deduction, expire_day).await?;
    Ok(Json(CodeResponse { error_code: "CBC.0000".into(), error_msg: "success".into() }))
}

#[utoipa::path(
    post, path = "/v2/orders/subscriptions/resources/to-on-demand", operation_id = "update_period_to_on_demand", tag = "resources",
    summary = "Set up (or cancel) becoming on-demand at expiry; failures per resource.",
    request_body = PeriodToOnDemandReq,
    responses((status = 200, description = "Success.", body = ErrorDetailsResponse), crate::openapi::ApiErrors)
)]
pub async fn update_period_to_on_demand(
    State(state): State<AppState>,
    p: CustomerCaller,
    ApiJson(req): ApiJson<PeriodToOnDemandReq>,
) -> ApiResult<ErrorDetailsResponse> {
    let party = svc::customer_party(&state.db, &p).await?;
    let set_up = match req.operation.as_deref() {
        Some("SET_UP") => true,
        Some("CANCEL") => false,
        _ => return Err(DomainError::invalid("operation must be SET_UP or CANCEL.").into()),
    };
    let ids = resource_ids(req.resource_ids)?;
    let mut details = Vec::new();
    for id in &ids {
        if let Err(e) = svc::to_on_demand(&state.db, &party, id, set_up).await {
            let f = failure(id, e)?;
            details.push(ErrorDetail { error_code: f.error_code, error_msg: f.error_msg, id: f.resource_id });
        }
    }
    Ok(Json(ErrorDetailsResponse { error_details: details }))
}
