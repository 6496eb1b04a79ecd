//! Coupon quota and coupon operations of the Open API, and the operator's quota actions.

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::principal::{CustomerCaller, FullScopeTier1, OperatorCaller, PartnerCaller, Tier1Caller};
use crate::services::acting_scope;
use crate::services::coupons::{self as svc, CouponIssue, ItemResult};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use pc_domain::coupons::{coupon_record, effective_coupon_status, effective_quota_status, parse_quota_type, Limits};
use pc_domain::funds::parse_revenue_expense;
use pc_domain::money::{Money, CURRENCY, MEASURE_YUAN};
use pc_domain::query::{format_utc, parse_instant_or_cst_date, parse_utc, Page};
use pc_domain::{DomainError, DomainId};
use pc_storage::{Coupon, CouponFilter, CouponRecordFilter, Quota, QuotaFilter, QuotaRecordFilter};
use pc_wire::coupons::*;
use pc_wire::funds::{json_decimal, JsonDecimal};
use serde_json::{json, Value};

use super::money_field as money;

fn dec(m: Money) -> JsonDecimal {
    json_decimal(m.to_string())
}

/// Optional UTC instant; absent, null or empty do not filter.
fn instant(field: &str, v: Option<&str>) -> Result<Option<i64>, DomainError> {
    match v {
        None | Some("") => Ok(None),
        Some(s) => parse_utc(field, s).map(Some),
    }
}

fn opt_id(v: Option<&str>) -> Result<Option<DomainId>, DomainError> {
    v.filter(|s| !s.is_empty()).map(DomainId::parse).transpose()
}

fn nonempty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

fn error_details<T>(items: &[ItemResult<T>]) -> Vec<ErrorDetail> {
    items
        .iter()
        .filter_map(|(id, r)| {
            r.as_ref().err().map(|e| ErrorDetail { error_code: e.code.code().to_owned(), error_msg: e.message.clone(), id: id.clone() })
        })
        .collect()
}

fn limit_infos(l: &Limits) -> Vec<QuotaLimitInfo> {
    let mut out = Vec::new();
    if !l.cloud_service_types.is_empty() {
        out.push(QuotaLimitInfo {
            limit_key: "cloud_service_types".into(),
            limit_values: l.cloud_service_types.iter().map(|v| LimitValue { value: v.clone() }).collect(),
        });
    }
    if !l.product_ids.is_empty() {
        out.push(QuotaLimitInfo {
            limit_key: "product_ids".into(),
            limit_values: l.product_ids.iter().map(|v| LimitValue { value: v.clone() }).collect(),
        });
    }
    out
}

fn use_limits(l: &Limits) -> Vec<CouponUseLimit> {
    let mut out = Vec::new();
    if !l.cloud_service_types.is_empty() {
        out.push(CouponUseLimit { limit_key: "cloud_service_types".into(), value1: l.cloud_service_types.join(",") });
    }
    if !l.product_ids.is_empty() {
        out.push(CouponUseLimit { limit_key: "product_ids".into(), value1: l.product_ids.join(",") });
    }
    out
}

fn quota_view(q: Quota, now: i64, with_reseller: bool) -> CouponQuota {
    CouponQuota {
        quota_status: effective_quota_status(q.status, q.expire_at, now).code(),
        quota_id: q.quota_id.into(),
        quota_type: q.quota_type,
        create_time: format_utc(q.created_at),
        last_update_time: format_utc(q.updated_at),
        quota_value: dec(q.value),
        balance: dec(q.balance),
        measure_id: MEASURE_YUAN,
        currency: CURRENCY.to_owned(),
        effective_time: format_utc(q.effective_at),
        expire_time: format_utc(q.expire_at),
        limit_infos: limit_infos(&q.limits),
        indirect_partner_id: with_reseller.then(|| q.owner.to_string()),
        indirect_partner_account_name: with_reseller.then(|| q.owner_names.0.clone()),
        indirect_partner_name: with_reseller.then(|| q.owner_names.1.clone()),
        parent_quota_id: if with_reseller { q.parent_quota_id.map(String::from) } else { None },
    }
}

#[utoipa::path(
    post, path = "/v2/partners/coupon-quotas/query", operation_id = "list_quota_coupons", tag = "coupons",
    summary = "The partner's coupon quotas (or, for a tier-1, a reseller's).",
    request_body = QueryCouponQuotasReqExt,
    responses((status = 200, description = "Success.", body = ListQuotaCouponsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_quota_coupons(
    State(state): State<AppState>,
    p: PartnerCaller,
    ApiJson(req): ApiJson<QueryCouponQuotasReqExt>,
) -> ApiResult<ListQuotaCouponsResponse> {
    let page = Page::parse(req.offset, req.limit)?;
    let scope = acting_scope(&state.db, p.ctx(), req.indirect_partner_id.as_deref()).await?;
    let filter = QuotaFilter {
        owner: scope.partner_owner().cloned(),
        quota_ids: req.quota_ids.unwrap_or_default(),
        statuses: req.quota_status_list.unwrap_or_default(),
        quota_type: Some(parse_quota_type(req.quota_type)?),
        created: (
            instant("create_time_begin", req.create_time_begin.as_deref())?,
            instant("create_time_end", req.create_time_end.as_deref())?,
        ),
        effective: (
            instant("effective_time_begin", req.effective_time_begin.as_deref())?,
            instant("effective_time_end", req.effective_time_end.as_deref())?,
        ),
        expire: (
            instant("expire_time_begin", req.expire_time_begin.as_deref())?,
            instant("expire_time_end", req.expire_time_end.as_deref())?,
        ),
        ..Default::default()
    };
    let now = state.db.now().await?;
    let (quotas, total_count) = state.db.list_quotas(&scope, &filter, page, now).await?;
    Ok(Json(ListQuotaCouponsResponse { total_count, quotas: quotas.into_iter().map(|q| quota_view(q, now, false)).collect() }))
}

#[utoipa::path(
    post, path = "/v2/partners/coupon-quotas/indirect-partner-adjust", operation_id = "update_coupon_quotas", tag = "coupons",
    summary = "Issue sub-quotas of a tier-1's quota to its tier-2 resellers (per-item results).",
    request_body = AdjustCouponQuotasReq,
    responses((status = 200, description = "Success.", body = UpdateCouponQuotasResponse), crate::openapi::ApiErrors)
)]
pub async fn update_coupon_quotas(
    State(state): State<AppState>,
    p: FullScopeTier1,
    ApiJson(req): ApiJson<AdjustCouponQuotasReq>,
) -> ApiResult<UpdateCouponQuotasResponse> {
    let amount = money("quota_amount", req.quota_amount.as_ref())?;
    let items =
        svc::issue_sub_quotas(&state.db, &p, req.quota_id.as_deref(), &req.indirect_partner_ids.unwrap_or_default(), amount).await?;
    Ok(Json(UpdateCouponQuotasResponse {
        error_details: error_details(&items),
        simple_quota_infos: items.into_iter().filter_map(|(id, r)| r.ok().map(|quota_id| QuotaSimpleInfo { id, quota_id })).collect(),
    }))
}

#[utoipa::path(
    post, path = "/v2/partners/coupon-quotas/indirect-partner-reclaim", operation_id = "reclaim_coupon_quotas", tag = "coupons",
    summary = "Take back sub-quotas issued to tier-2 resellers (per-item results).",
    request_body = ReclaimCouponQuotasReq,
    responses((status = 200, description = "Success.", body = ReclaimCouponQuotasResponse), crate::openapi::ApiErrors)
)]
pub async fn reclaim_coupon_quotas(
    State(state): State<AppState>,
    p: FullScopeTier1,
    ApiJson(req): ApiJson<ReclaimCouponQuotasReq>,
) -> ApiResult<ReclaimCouponQuotasResponse> {
    let items = svc::reclaim_sub_quotas(&state.db, &p, &req.quota_ids.unwrap_or_default(), req.remark.as_deref()).await?;
    Ok(Json(ReclaimCouponQuotasResponse {
        error_details: error_details(&items),
        simple_quota_infos: items
            .into_iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(quota_id, _)| QuotaReclaim { quota_id, quota_balance: dec(Money::ZERO) })
            .collect(),
    }))
}

#[utoipa::path(
    get, path = "/v2/partners/issued-coupon-quotas", operation_id = "list_issued_coupon_quotas", tag = "coupons",
    summary = "Sub-quotas a tier-1 distributor issued to its resellers.",
    params(ListIssuedCouponQuotasQuery),
    responses((status = 200, description = "Success.", body = ListQuotaCouponsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_issued_coupon_quotas(
    State(state): State<AppState>,
    p: Tier1Caller,
    ApiQuery(q): ApiQuery<ListIssuedCouponQuotasQuery>,
) -> ApiResult<ListQuotaCouponsResponse> {
    let page = Page::parse(q.offset, q.limit)?;
    let reseller = opt_id(q.indirect_partner_id.as_deref())?;
    if let Some(r) = &reseller {
        if state.db.reseller_parent(r).await?.as_ref() != Some(p.partner_id()) {
            return Err(DomainError::of(pc_domain::ErrorCode::NotYourIndirectPartner).into());
        }
    }
    let filter = QuotaFilter {
        issued_by: Some(p.partner_id().clone()),
        owner: reseller,
        quota_ids: nonempty(q.quota_id).into_iter().collect(),
        parent_quota_id: nonempty(q.parent_quota_id),
        ..Default::default()
    };
    let now = state.db.now().await?;
    let (quotas, total_count) = state.db.list_quotas(&p.own_scope(), &filter, page, now).await?;
    Ok(Json(ListQuotaCouponsResponse { total_count, quotas: quotas.into_iter().map(|q| quota_view(q, now, true)).collect() }))
}

#[utoipa::path(
    get, path = "/v2/partners/coupon-quotas/records", operation_id = "list_coupon_quotas_records", tag = "coupons",
    summary = "Sub-quota issue and reclaim records of a tier-1 distributor.",
    params(ListCouponQuotasRecordsQuery),
    responses((status = 200, description = "Success.", body = ListCouponQuotasRecordsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_coupon_quotas_records(
    State(state): State<AppState>,
    p: Tier1Caller,
    ApiQuery(q): ApiQuery<ListCouponQuotasRecordsQuery>,
) -> ApiResult<ListCouponQuotasRecordsResponse> {
    let page = Page::parse(q.offset, q.limit)?;
    let kind = match q.operation_type.as_deref() {
        None | Some("") => None,
        Some("10") => Some(10),
        Some("11") => Some(11),
        Some(other) => return Err(DomainError::invalid(format!("operation_type must be 10 (issue) or 11 (reclaim), not {other}.")).into()),
    };
    let filter = QuotaRecordFilter {
        reseller: opt_id(q.indirect_partner_id.as_deref())?,
        quota_id: nonempty(q.quota_id),
        parent_quota_id: nonempty(q.parent_quota_id),
        kind,
        from: instant("operation_time_begin", q.operation_time_begin.as_deref())?,
        to: instant("operation_time_end", q.operation_time_end.as_deref())?,
    };
    let (records, total_count) = state.db.quota_records(&p.own_scope(), &filter, page).await?;
    Ok(Json(ListCouponQuotasRecordsResponse {
        total_count,
        records: records
            .into_iter()
            .map(|r| QuotaRecord {
                id: r.record_id,
                operator: r.actor_name,
                operation_type: r.kind.to_string(),
                quota_id: r.quota_id,
                parent_quota_id: r.parent_quota_id,
                amount: dec(r.amount),
                operation_time: format_utc(r.created_at),
                result: "0".into(),
                indirect_partner_account_name: r.reseller_names.0,
                indirect_partner_id: r.reseller.to_string(),
                indirect_partner_name: r.reseller_names.1,
                remark: r.remark,
                acted_by: super::acted_by(r.by.as_ref()),
            })
            .collect(),
    }))
}

#[utoipa::path(
    post, path = "/v2/promotions/benefits/partner-coupons", operation_id = "create_partner_coupons", tag = "coupons",
    summary = "Issue coupons from a quota to customers (per-item results).",
    request_body = CreatePartnerCouponsReq,
    responses((status = 200, description = "Success.", body = CreatePartnerCouponsResponse), crate::openapi::ApiErrors)
)]
pub async fn create_partner_coupons(
    State(state): State<AppState>,
    p: PartnerCaller,
    ApiJson(req): ApiJson<CreatePartnerCouponsReq>,
) -> ApiResult<CreatePartnerCouponsResponse> {
    let issue = CouponIssue {
        face_value: money("face_value", req.face_value.as_ref())?,
        quota_id: req.quota_id,
        customer_ids: req.customer_ids.unwrap_or_default(),
        valid_at: instant("valid_time", req.valid_time.as_deref())?,
        expire_at: instant("expire_time", req.expire_time.as_deref())?,
        limits: Limits::parse(req.cloud_service_types, req.product_ids)?,
        memo: req.memo,
        indirect_partner_id: req.indirect_partner_id,
    };
    let items = svc::issue_coupons(&state.db, &p, issue).await?;
    Ok(Json(CreatePartnerCouponsResponse {
        error_details: error_details(&items),
        coupon_infos: items.into_iter().filter_map(|(id, r)| r.ok().map(|coupon_id| CouponSimpleInfo { id, coupon_id })).collect(),
    }))
}

fn partner_coupon(c: Coupon, now: i64) -> PartnerCoupon {
    PartnerCoupon {
        status: effective_coupon_status(c.status, c.expire_at, now).code(),
        use_limits: use_limits(&c.limits),
        coupon_id: c.coupon_id.into(),
        customer_id: c.customer.to_string(),
        coupon_type: c.coupon_type,
        measure_id: MEASURE_YUAN,
        face_value: dec(c.face_value),
        effective_time: format_utc(c.effective_at),
        expire_time: format_utc(c.expire_at),
        media_type: 1,
        fetch_method: 3,
        create_time: format_utc(c.created_at),
        balance: dec(c.balance),
        is_frozen: "0".into(),
    }
}

#[utoipa::path(
    get, path = "/v2/promotions/benefits/partner-coupons", operation_id = "list_issued_partner_coupons", tag = "coupons",
    summary = "Coupons the partner issued (or, for a tier-1, a reseller issued).",
    params(ListIssuedPartnerCouponsQuery),
    responses((status = 200, description = "Success.", body = ListIssuedPartnerCouponsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_issued_partner_coupons(
    State(state): State<AppState>,
    p: PartnerCaller,
    ApiQuery(q): ApiQuery<ListIssuedPartnerCouponsQuery>,
) -> ApiResult<ListIssuedPartnerCouponsResponse> {
    let page = Page::parse(q.offset, q.limit)?;
    let scope = acting_scope(&state.db, p.ctx(), q.indirect_partner_id.as_deref()).await?;
    let filter = CouponFilter {
        issuer: None,
        customer: opt_id(q.customer_id.as_deref())?,
        coupon_id: nonempty(q.coupon_id),
        coupon_type: q.coupon_type,
        status: q.status,
        created: (instant("create_time_begin", q.create_time_begin.as_deref())?, instant("create_time_end", q.create_time_end.as_deref())?),
        effective: (
            instant("effective_time_begin", q.effective_time_begin.as_deref())?,
            instant("effective_time_end", q.effective_time_end.as_deref())?,
        ),
        expire: (instant("expire_time_begin", q.expire_time_begin.as_deref())?, instant("expire_time_end", q.expire_time_end.as_deref())?),
        // Coupons are not yet spent by orders, so no coupon belongs to an order.
        matches_nothing: q.order_id.as_deref().is_some_and(|s| !s.is_empty()),
    };
    let now = state.db.now().await?;
    let (coupons, total_count) = state.db.list_coupons(&scope, &filter, page, now).await?;
    Ok(Json(ListIssuedPartnerCouponsResponse { total_count, user_coupons: coupons.into_iter().map(|c| partner_coupon(c, now)).collect() }))
}

#[utoipa::path(
    post, path = "/v2/promotions/benefits/partner-coupons/reclaim", operation_id = "reclaim_partner_coupons", tag = "coupons",
    summary = "Take back a usable coupon's remaining balance to its quota.",
    request_body = ReclaimPartnerCouponsReq,
    responses((status = 200, description = "Success.", body = pc_wire::orders::Empty), crate::openapi::ApiErrors)
)]
pub async fn reclaim_partner_coupons(
    State(state): State<AppState>,
    p: PartnerCaller,
    ApiJson(req): ApiJson<ReclaimPartnerCouponsReq>,
) -> Result<Json<Value>, ApiError> {
    let id = req.coupon_id.filter(|s| !s.is_empty()).ok_or_else(|| DomainError::invalid("coupon_id is required."))?;
    let mut items = svc::reclaim_coupons(&state.db, &p, &[id], req.indirect_partner_id.as_deref()).await?;
    match items.pop().map(|(_, r)| r) {
        Some(Ok(_)) => Ok(Json(json!({}))),
        Some(Err(e)) => Err(e.into()),
        None => Err(ApiError::Internal(anyhow::anyhow!("reclaim produced no result"))),
    }
}

fn record_kinds(types: Option<Vec<String>>) -> Result<Vec<i64>, DomainError> {
    types
        .unwrap_or_default()
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<i64>() {
            Ok(k @ 1..=9) => Ok(k),
            _ => Err(DomainError::invalid(format!("operation_types entries are 1 to 9, not {s}."))),
        })
        .collect()
}

#[utoipa::path(
    get, path = "/v2/promotions/benefits/partner-coupons/records/query", operation_id = "list_partner_coupons_record", tag = "coupons",
    summary = "Issue, reclaim and expiry records of the partner's coupons.",
    params(ListPartnerCouponsRecordQuery),
    responses((status = 200, description = "Success.", body = ListPartnerCouponsRecordResponse), crate::openapi::ApiErrors)
)]
pub async fn list_partner_coupons_record(
    State(state): State<AppState>,
    p: PartnerCaller,
    ApiQuery(q): ApiQuery<ListPartnerCouponsRecordQuery>,
) -> ApiResult<ListPartnerCouponsRecordResponse> {
    let page = Page::parse(q.offset, q.limit)?;
    let scope = acting_scope(&state.db, p.ctx(), q.indirect_partner_id.as_deref()).await?;
    let filter = CouponRecordFilter {
        customer: opt_id(q.customer_id.as_deref())?,
        kinds: record_kinds(q.operation_types)?,
        quota_id: nonempty(q.quota_id),
        quota_type: q.quota_type,
        coupon_ids: q.coupon_ids.unwrap_or_default().into_iter().filter(|s| !s.is_empty()).collect(),
        from: instant("operation_time_begin", q.operation_time_begin.as_deref())?,
        to: instant("operation_time_end", q.operation_time_end.as_deref())?,
        // Every recorded operation succeeded; failures are answered, not recorded.
        matches_nothing: q.result.as_deref() == Some("-1"),
        ..Default::default()
    };
    let (records, total_count) = state.db.coupon_records(&scope, &filter, page).await?;
    Ok(Json(ListPartnerCouponsRecordResponse {
        total_count,
        records: records
            .into_iter()
            .map(|r| CouponRecord {
                id: r.record_id,
                operation_type: r.kind.to_string(),
                quota_id: r.quota_id,
                quota_type: r.quota_type,
                coupon_id: r.coupon_id,
                customer_id: r.customer.to_string(),
                operation_amount: dec(r.amount),
                operation_time: format_utc(r.created_at),
                result: "0".into(),
                remark: r.remark,
                acted_by: super::acted_by(r.by.as_ref()),
            })
            .collect(),
    }))
}

/// `trade_detail_type` of a customer's coupon change.
fn coupon_trade_detail(kind: i64) -> &'static str {
    match kind {
        coupon_record::ISSUE => "SOURCE_OPERATION_COUPON_ISSUE",
        coupon_record::MANUAL_RECLAIM => "SOURCE_OPERATION_COUPON_RECLAIM",
        coupon_record::UNBIND_RECLAIM => "SOURCE_OPERATION_BEUNBIND",
        coupon_record::EXPIRY_RECLAIM => "SOURCE_OPERATION_COUPON_EXPIRED",
        _ => "SOURCE_OPERAIION_DEDEUCT",
    }
}

#[utoipa::path(
    get, path = "/v2/promotions/benefits/account-change-records", operation_id = "list_customer_coupon_change_records", tag = "coupons",
    summary = "Coupon balance changes of the calling customer.",
    params(ListCustomerCouponChangeRecordsQuery),
    responses((status = 200, description = "Success.", body = ListCustomerCouponChangeRecordsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_customer_coupon_change_records(
    State(state): State<AppState>,
    me: CustomerCaller,
    ApiQuery(q): ApiQuery<ListCustomerCouponChangeRecordsQuery>,
) -> ApiResult<ListCustomerCouponChangeRecordsResponse> {
    let page = Page::parse(q.offset, q.limit)?;
    let income = parse_revenue_expense(q.revenue_expense_type.as_deref())?;
    let filter = CouponRecordFilter {
        income,
        coupon_ids: nonempty(q.coupon_id).into_iter().collect(),
        from: parse_instant_or_cst_date("trade_time_begin", q.trade_time_begin.as_deref(), false)?,
        to: parse_instant_or_cst_date("trade_time_end", q.trade_time_end.as_deref(), true)?,
        matches_nothing: q.trade_id.as_deref().is_some_and(|s| !s.is_empty()) || q.trade_type.as_deref().is_some_and(|s| !s.is_empty()),
        ..Default::default()
    };
    let (records, total_count) = state.db.coupon_records(me.scope(), &filter, page).await?;
    Ok(Json(ListCustomerCouponChangeRecordsResponse {
        total_count,
        currency: CURRENCY.to_owned(),
        records: records
            .into_iter()
            .map(|r| CustomerCouponChangeRecord {
                trade_detail_type: coupon_trade_detail(r.kind).to_owned(),
                revenue_expense_type: if r.kind == coupon_record::ISSUE { "REVENUE" } else { "EXPENSE" }.to_owned(),
                trade_id: r.trade_id.unwrap_or_else(|| r.record_id.clone()),
                coupon_id: r.coupon_id,
                trade_time: format_utc(r.created_at),
                change_amount: r.amount.to_string(),
                balance_after_change: r.balance_after.to_string(),
                account_name: r.issuer_name,
            })
            .collect(),
    }))
}

#[utoipa::path(
    get, path = "/v2/promotions/benefits/coupons", operation_id = "list_sub_customer_coupons", tag = "coupons",
    summary = "Coupons of the calling customer.",
    params(ListSubCustomerCouponsQuery),
    responses((status = 200, description = "Success.", body = ListSubCustomerCouponsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_sub_customer_coupons(
    State(state): State<AppState>,
    me: CustomerCaller,
    ApiQuery(q): ApiQuery<ListSubCustomerCouponsQuery>,
) -> ApiResult<ListSubCustomerCouponsResponse> {
    let page = Page::parse(q.offset, q.limit)?;
    let filter = CouponFilter {
        issuer: opt_id(q.source_id.as_deref()).unwrap_or(None),
        coupon_id: nonempty(q.coupon_id),
        coupon_type: q.coupon_type,
        status: q.status,
        created: (instant("active_start_time", q.active_start_time.as_deref())?, instant("active_end_time", q.active_end_time.as_deref())?),
        matches_nothing: q.order_id.as_deref().is_some_and(|s| !s.is_empty())
            || q.promotion_plan_id.as_deref().is_some_and(|s| !s.is_empty())
            || q.source_id.as_deref().is_some_and(|s| !s.is_empty() && DomainId::parse(s).is_err()),
        ..Default::default()
    };
    let now = state.db.now().await?;
    let (coupons, count) = state.db.list_coupons(me.scope(), &filter, page, now).await?;
    Ok(Json(ListSubCustomerCouponsResponse {
        count,
        user_coupons: coupons
            .into_iter()
            .map(|c| UserCoupon {
                status: effective_coupon_status(c.status, c.expire_at, now).code(),
                use_limits: use_limits(&c.limits),
                source_id: c.issuer.to_string(),
                coupon_id: c.coupon_id.into(),
                customer_id: c.customer.to_string(),
                coupon_type: c.coupon_type,
                measure_id: MEASURE_YUAN,
                face_value: dec(c.face_value),
                valid_time: format_utc(c.effective_at),
                expire_time: format_utc(c.expire_at),
                media_type: 1,
                fetch_method: 3,
                create_time: format_utc(c.created_at),
                coupon_version: 2,
                balance: dec(c.balance),
                is_frozen: "0".into(),
                currency: CURRENCY.to_owned(),
            })
            .collect(),
    }))
}

#[utoipa::path(
    post, path = "/v2/operator/coupon-quotas", operation_id = "operator_grant_coupon_quota", tag = "operator",
    summary = "Operator: grant a coupon quota to a partner (product extension).",
    request_body = GrantQuotaReq,
    responses((status = 200, description = "Success.", body = GrantQuotaResponse), crate::openapi::ApiErrors)
)]
pub async fn operator_grant_quota(
    State(state): State<AppState>,
    p: OperatorCaller,
    ApiJson(req): ApiJson<GrantQuotaReq>,
) -> ApiResult<GrantQuotaResponse> {
    let value = money("quota_value", req.quota_value.as_ref())?;
    let quota_id = svc::grant_quota(
        &state.db,
        &p,
        req.partner_id.as_deref(),
        parse_quota_type(req.quota_type)?,
        value,
        instant("effective_time", req.effective_time.as_deref())?,
        instant("expire_time", req.expire_time.as_deref())?,
        Limits::parse(req.cloud_service_types, req.product_ids)?,
    )
    .await?;
    Ok(Json(GrantQuotaResponse { quota_id }))
}

#[utoipa::path(
    post, path = "/v2/operator/coupon-quotas/status", operation_id = "operator_set_coupon_quota_status", tag = "operator",
    summary = "Operator: set a coupon quota's status to 0 normal, 3 invalid or 5 frozen (product extension).",
    request_body = SetQuotaStatusReq,
    responses((status = 200, description = "Success.", body = pc_wire::orders::Empty), crate::openapi::ApiErrors)
)]
pub async fn operator_set_quota_status(
    State(state): State<AppState>,
    p: OperatorCaller,
    ApiJson(req): ApiJson<SetQuotaStatusReq>,
) -> Result<Json<Value>, ApiError> {
    svc::set_quota_status(&state.db, &p, req.quota_id.as_deref(), req.quota_status).await?;
    Ok(Json(json!({})))
}
