//! Partner pages: overview, customers (masked, revealable, created here), funds with a
//! confirmation step, coupons, tier-2 resellers, and the reveal audit.

use super::{page_of, pager, show_time, shown, view, PageResult, Shown};
use crate::chart;
use crate::i18n::tr;
use crate::session::{Ctx, SignedIn};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use pc_api::error::ApiError;
use pc_api::principal::{FullScopePartner, FullScopeTier1, PartnerCaller};
use pc_api::services::funds::{claim, move_customer_funds, move_reseller_funds, partner_balance, Direction};
use pc_api::services::{coupons as coupon_services, customers as customer_services};
use pc_api::AppState;
use pc_domain::console::SensitiveField;
use pc_domain::coupons::{effective_coupon_status, effective_quota_status, CouponStatus, Limits, QuotaStatus};
use pc_domain::customer::NewCustomerInput;
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::query::{parse_fuzzy, parse_instant_or_cst_date, Page};
use pc_domain::tenancy::{AssociationType, PartnerKind};
use pc_domain::{DomainError, DomainId};
use pc_storage::{AdjustRecordFilter, CouponFilter, CustomerFilter, CustomerItem, QuotaFilter, ResellerFilter};

/// The signed-in partner, or a 403 page for anyone else.
fn partner(ctx: &Ctx) -> Result<(&SignedIn, PartnerCaller), Response> {
    let user = ctx.signed_in()?;
    match user.capability::<PartnerCaller>() {
        Ok(p) => Ok((user, p)),
        Err(e) => Err(denied(ctx, e.into())),
    }
}

fn denied(ctx: &Ctx, e: ApiError) -> Response {
    let (status, error) = shown(ctx.lang, e);
    super::message(ctx, status, "error.title", Some(error))
}

fn masked(c: &CustomerItem, revealed: &[(SensitiveField, String)]) -> Value {
    let show = |f: SensitiveField, v: Option<&str>| -> Value {
        match (revealed.iter().find(|(r, _)| *r == f), v) {
            (Some((_, clear)), _) => context! { value => clear, revealed => true, field => f.as_str() },
            (None, Some(v)) => context! { value => f.mask(v), revealed => false, field => f.as_str() },
            (None, None) => context! { value => "-", revealed => true, field => f.as_str() },
        }
    };
    context! {
        id => c.customer_id.as_str(),
        account_name => c.domain_name,
        name => show(SensitiveField::Name, Some(&c.display_name)),
        mobile => show(SensitiveField::Mobile, c.mobile.as_deref()),
        email => show(SensitiveField::Email, c.email.as_deref()),
        association => match c.association_type { AssociationType::Resale => "resale", AssociationType::Consultative => "consultative" },
        associated_on => show_time(c.associated_on),
    }
}

// ---- overview -------------------------------------------------------------------------

pub async fn overview(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let (user, p) = partner(&ctx)?;
    let db = &state.db;
    let fail = |e: ApiError| denied(&ctx, e);
    let balance = partner_balance(db, &p, None).await.map_err(fail)?;
    let now = db.now().await.map_err(|e| fail(e.into()))?;
    let quotas = db
        .list_quotas(&p.own_scope(), &QuotaFilter { owner: Some(p.partner_id().clone()), ..Default::default() }, Page::first(100), now)
        .await
        .map_err(|e| fail(e.into()))?
        .0;
    let quota_balance =
        Money::sum(quotas.iter().filter(|q| effective_quota_status(q.status, q.expire_at, now) == QuotaStatus::Normal).map(|q| q.balance));
    let customers = db.count_customers(p.partner_id()).await.map_err(|e| fail(e.into()))?;
    let (start, days) = chart::month_start(now);
    let allocated = chart::daily(&db.allocations_since(p.partner_id(), start).await.map_err(|e| fail(e.into()))?, start, days);
    let spent = chart::daily(&db.customer_spend_since(p.partner_id(), start).await.map_err(|e| fail(e.into()))?, start, days);
    let consumption: i64 = spent.iter().sum();
    let svg = chart::bars_svg(&allocated, &spent, &tr(ctx.lang, "overview.allocated"), &tr(ctx.lang, "overview.consumption"));
    Ok(view(
        &ctx,
        StatusCode::OK,
        "partner_overview.html",
        context! {
            balance => balance.amount.to_string(),
            quota_balance => quota_balance.to_string(),
            customers,
            consumption => Money::from_fen(consumption).to_string(),
            allocated_total => Money::from_fen(allocated.iter().sum()).to_string(),
            chart => Value::from_safe_string(svg),
            partner_kind => super::kind_key(user.principal.kind),
        },
    ))
}

// ---- customers ------------------------------------------------------------------------

fn customer_filter(ctx: &Ctx) -> Result<CustomerFilter, DomainError> {
    let q = &ctx.query;
    Ok(CustomerFilter {
        account_name: parse_fuzzy("account_name", q.get("account_name"))?,
        customer: parse_fuzzy("customer", q.get("customer"))?,
        association_type: q.get("association_type").map(AssociationType::parse_filter).transpose()?,
        associated_from: parse_instant_or_cst_date("from", q.get("from"), false)?,
        associated_to: parse_instant_or_cst_date("to", q.get("to"), true)?,
        ..Default::default()
    })
}

async fn customers_view(state: &AppState, ctx: &Ctx, status: StatusCode, error: Option<Shown>, created: Option<String>) -> PageResult {
    let (_, p) = partner(ctx)?;
    let page = page_of(ctx.query.get("page"));
    let listed = match customer_filter(ctx) {
        Ok(f) => customer_services::list_sub_customers(&state.db, &p, &f, page, None).await,
        Err(e) => Err(e.into()),
    };
    let (items, total, error, status) = match listed {
        Ok((items, total)) => (items, total, error, status),
        Err(e) => {
            let (s, shown) = shown(ctx.lang, e);
            (Vec::new(), 0, Some(shown), s)
        }
    };
    let resellers = if p.ctx().kind == PartnerKind::Distributor { reseller_options(state, &p).await } else { Vec::new() };
    let q = &ctx.query;
    Ok(view(
        ctx,
        status,
        "customers.html",
        context! {
            customers => items.iter().map(|c| masked(c, &[])).collect::<Vec<_>>(),
            pager => pager(page, total),
            filter => context! {
                account_name => q.get("account_name"), customer => q.get("customer"),
                association_type => q.get("association_type"), from => q.get("from"), to => q.get("to"),
            },
            query => ctx.here.split_once('?').map(|(_, q)| q.split('&').filter(|kv| !kv.starts_with("page=")).collect::<Vec<_>>().join("&")).unwrap_or_default(),
            is_distributor => p.ctx().kind == PartnerKind::Distributor,
            resellers,
            error,
            created,
        },
    ))
}

pub async fn customers(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    customers_view(&state, &ctx, StatusCode::OK, None, None).await
}

pub async fn create_customer(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let f = &ctx.form;
    let input = NewCustomerInput {
        domain_name: f.get("domain_name"),
        xaccount_type: None,
        xaccount_id: None,
        mobile_phone: f.get("mobile"),
        password: f.get("password"),
        cooperation_type: f.get("cooperation_type"),
        is_close_market_ms: None,
    };
    let created = match user.capability::<FullScopePartner>() {
        Ok(caller) => customer_services::create_sub_customer(&state.db, &caller, input, f.get("indirect_partner_id")).await,
        Err(e) => Err(e.into()),
    };
    match created {
        Ok((_, name)) => customers_view(&state, &ctx, StatusCode::OK, None, Some(name.to_string())).await,
        Err(e) => {
            let (status, error) = shown(ctx.lang, e);
            customers_view(&state, &ctx, status, Some(error), None).await
        }
    }
}

async fn detail_view(state: &AppState, ctx: &Ctx, id: &str, revealed: &[(SensitiveField, String)]) -> PageResult {
    let (_, p) = partner(ctx)?;
    let c = customer_services::visible_customer(&state.db, &p, id).await.map_err(|e| denied(ctx, e))?;
    let balance = state.db.cash_balance(&c.customer_id).await.map_err(|e| denied(ctx, e.into()))?;
    let filter = CouponFilter { customer: Some(c.customer_id.clone()), ..Default::default() };
    let now = state.db.now().await.map_err(|e| denied(ctx, e.into()))?;
    let coupons = state.db.list_coupons(&p.own_scope(), &filter, Page::first(20), now).await.map_err(|e| denied(ctx, e.into()))?.0;
    Ok(view(
        ctx,
        StatusCode::OK,
        "customer_detail.html",
        context! {
            c => masked(&c, revealed),
            balance => balance.amount.to_string(),
            coupons => coupons.iter().map(|c| coupon_row(c, now)).collect::<Vec<_>>(),
            resale => c.association_type == AssociationType::Resale,
        },
    ))
}

pub async fn customer_detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    detail_view(&state, &ctx, &id, &[]).await
}

/// Reveals one masked field: audited by the service, then shown on the customer's page.
pub async fn reveal(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let (user, p) = partner(&ctx)?;
    let field = SensitiveField::parse(ctx.form.get("field").unwrap_or_default()).map_err(|e| denied(&ctx, e.into()))?;
    let value = customer_services::reveal_customer_field(&state.db, &p, &user.login, &id, field).await.map_err(|e| denied(&ctx, e))?;
    detail_view(&state, &ctx, &id, &[(field, value.unwrap_or_else(|| "-".into()))]).await
}

// ---- funds ----------------------------------------------------------------------------

/// The customers a form may name: the first 100 the caller sees, with their cash balances.
pub(super) async fn customer_choices(state: &AppState, user: &SignedIn) -> Vec<Value> {
    customer_options(state, user).await
}

async fn customer_options(state: &AppState, user: &SignedIn) -> Vec<Value> {
    let listed = match user.capability::<PartnerCaller>() {
        Ok(p) => customer_services::list_sub_customers(&state.db, &p, &CustomerFilter::default(), Page::first(100), None).await,
        Err(e) => Err(e.into()),
    };
    let all = listed.map(|(items, _)| items).unwrap_or_default();
    let mut out = Vec::with_capacity(all.len());
    for c in all {
        let balance = state.db.cash_balance(&c.customer_id).await.map(|b| b.amount.to_string()).unwrap_or_default();
        out.push(context! {
            id => c.customer_id.as_str(),
            account_name => c.domain_name,
            resale => c.association_type == AssociationType::Resale,
            balance,
        });
    }
    out
}

async fn reseller_options(state: &AppState, p: &PartnerCaller) -> Vec<Value> {
    let listed = state.db.list_resellers(p.partner_id(), &ResellerFilter::default(), Page::first(100)).await;
    let mut out = Vec::new();
    for r in listed.map(|(items, _)| items).unwrap_or_default() {
        let balance = state.db.cash_balance(&r.reseller_id).await.map(|b| b.amount.to_string()).unwrap_or_default();
        out.push(context! { id => r.reseller_id.as_str(), account_name => r.domain_name, name => r.display_name, balance });
    }
    out
}

fn record_filter(ctx: &Ctx) -> Result<AdjustRecordFilter, DomainError> {
    let q = &ctx.query;
    Ok(AdjustRecordFilter {
        counterparty: q.get("customer").map(DomainId::parse).transpose()?,
        kind: match q.get("type") {
            Some("allocate") => Some(TransferKind::Allocate),
            Some("reclaim") => Some(TransferKind::Reclaim),
            _ => None,
        },
        from: parse_instant_or_cst_date("from", q.get("from"), false)?,
        to: parse_instant_or_cst_date("to", q.get("to"), true)?,
        ..Default::default()
    })
}

async fn funds_view(state: &AppState, ctx: &Ctx, status: StatusCode, error: Option<Shown>) -> PageResult {
    let (user, p) = partner(ctx)?;
    let balance = partner_balance(&state.db, &p, None).await.map_err(|e| denied(ctx, e))?;
    let page = page_of(ctx.query.get("page"));
    let records = match record_filter(ctx) {
        Ok(f) => state.db.adjust_records(&p.own_scope(), &f, page).await.map_err(ApiError::from),
        Err(e) => Err(e.into()),
    };
    let (records, total, error, status) = match records {
        Ok((r, t)) => (r, t, error, status),
        Err(e) => {
            let (s, shown) = shown(ctx.lang, e);
            (Vec::new(), 0, Some(shown), s)
        }
    };
    let q = &ctx.query;
    Ok(view(
        ctx,
        status,
        "funds.html",
        context! {
            balance => balance.amount.to_string(),
            customers => customer_options(state, user).await,
            records => records.iter().map(|r| context! {
                id => r.transfer_id, kind => if r.kind == TransferKind::Allocate { "allocate" } else { "reclaim" },
                counterparty => r.counterparty_name, amount => r.amount.to_string(), at => show_time(r.created_at),
                by => r.by_names.0, by_member => r.by_names.1,
            }).collect::<Vec<_>>(),
            pager => pager(page, total),
            filter => context! { customer => q.get("customer"), type => q.get("type"), from => q.get("from"), to => q.get("to") },
            done => q.get("done"),
            error,
        },
    ))
}

pub async fn funds(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    funds_view(&state, &ctx, StatusCode::OK, None).await
}

/// What a money form asks for, read from the submitted fields.
struct Movement {
    to_reseller: bool,
    target: String,
    direction: Direction,
    amount: Money,
}

fn movement(ctx: &Ctx) -> Result<Movement, DomainError> {
    let f = &ctx.form;
    let direction = match f.get("direction") {
        Some("reclaim") => Direction::Reclaim,
        _ => Direction::Allocate,
    };
    let target = f.get("target_id").ok_or_else(|| DomainError::invalid("target_id is required."))?.to_owned();
    let amount = Money::parse_movement("amount", f.get("amount").unwrap_or_default())?;
    Ok(Movement { to_reseller: f.get("target") == Some("reseller"), target, direction, amount })
}

async fn back_with_error(state: &AppState, ctx: &Ctx, to_reseller: bool, e: ApiError) -> PageResult {
    let (status, error) = shown(ctx.lang, e);
    if to_reseller {
        resellers_view(state, ctx, status, Some(error)).await
    } else {
        funds_view(state, ctx, status, Some(error)).await
    }
}

/// First step of allocate / reclaim: the amount is checked and the person confirms.
pub async fn funds_confirm(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let (_, caller) = partner(&ctx)?;
    let to_reseller = ctx.form.get("target") == Some("reseller");
    let m = match movement(&ctx) {
        Ok(m) => m,
        Err(e) => return back_with_error(&state, &ctx, to_reseller, e.into()).await,
    };
    // A foreign or unknown id is refused before anything about it (its login name) is shown.
    let target = match pc_api::services::funds::check_movement_target(&state.db, &caller, m.to_reseller, &m.target).await {
        Ok(id) => id,
        Err(e) => return back_with_error(&state, &ctx, m.to_reseller, e).await,
    };
    let target_name = state.db.find_account(&target).await.ok().flatten().map(|a| a.domain_name).unwrap_or_else(|| m.target.clone());
    Ok(view(
        &ctx,
        StatusCode::OK,
        "confirm.html",
        context! {
            target => if m.to_reseller { "reseller" } else { "customer" },
            target_id => m.target,
            target_name,
            direction => if m.direction == Direction::Allocate { "allocate" } else { "reclaim" },
            amount => m.amount.to_string(),
            // One key per confirmation: a double submit moves the money once.
            idempotency_key => uuid::Uuid::new_v4().simple().to_string(),
        },
    ))
}

/// Second step: the movement itself, through the same service as the Open API.
pub async fn funds_move(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let (user, p) = partner(&ctx)?;
    let to_reseller = ctx.form.get("target") == Some("reseller");
    let m = match movement(&ctx) {
        Ok(m) => m,
        Err(e) => return back_with_error(&state, &ctx, to_reseller, e.into()).await,
    };
    let op = if m.to_reseller { "console.reseller_funds" } else { "console.customer_funds" };
    let dir = if m.direction == Direction::Allocate { "allocate" } else { "reclaim" };
    let amount = m.amount.to_string();
    let idem = claim(&user.principal, ctx.form.get("idempotency_key").map(str::to_owned), op, &[dir, &m.target, &amount]);
    let result = if m.to_reseller {
        move_reseller_funds(&state.db, &state.ledger, &p, m.direction, Some(&m.target), m.amount, idem).await
    } else {
        move_customer_funds(&state.db, &state.ledger, &p, m.direction, Some(&m.target), m.amount, None, idem).await
    };
    match result {
        Ok(_) if m.to_reseller => Ok(Redirect::to(&format!("/console/partner/resellers?done={dir}")).into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/console/partner/funds?done={dir}")).into_response()),
        Err(e) => back_with_error(&state, &ctx, m.to_reseller, e).await,
    }
}

// ---- coupons --------------------------------------------------------------------------

fn coupon_row(c: &pc_storage::Coupon, now: i64) -> Value {
    let status = effective_coupon_status(c.status, c.expire_at, now);
    context! {
        id => c.coupon_id, customer => c.customer.as_str(), face => c.face_value.to_string(), balance => c.balance.to_string(),
        status => status.code(), usable => status == CouponStatus::Usable,
        valid => show_time(c.effective_at), expires => show_time(c.expire_at),
    }
}

fn quota_row(q: &pc_storage::Quota, now: i64) -> Value {
    let status = effective_quota_status(q.status, q.expire_at, now);
    context! {
        id => q.quota_id, owner => q.owner_names.0, value => q.value.to_string(), balance => q.balance.to_string(),
        status => status.code(), sub => q.parent_quota_id.is_some(), expires => show_time(q.expire_at),
    }
}

async fn coupons_view(state: &AppState, ctx: &Ctx, status: StatusCode, error: Option<Shown>) -> PageResult {
    let (user, p) = partner(ctx)?;
    let now = state.db.now().await.map_err(|e| denied(ctx, e.into()))?;
    let quotas = state
        .db
        .list_quotas(&p.own_scope(), &QuotaFilter { owner: Some(p.partner_id().clone()), ..Default::default() }, Page::first(100), now)
        .await
        .map_err(|e| denied(ctx, e.into()))?
        .0;
    let q = &ctx.query;
    let page = page_of(q.get("page"));
    let filter = CouponFilter {
        customer: q.get("customer").and_then(|c| DomainId::parse(c).ok()),
        status: q.get("status").and_then(|s| s.parse().ok()),
        ..Default::default()
    };
    let (coupons, total) = state.db.list_coupons(&p.own_scope(), &filter, page, now).await.map_err(|e| denied(ctx, e.into()))?;
    let customers = customer_options(state, user).await;
    let names: std::collections::HashMap<String, String> =
        customers.iter().filter_map(|c| Some((c.get_attr("id").ok()?.to_string(), c.get_attr("account_name").ok()?.to_string()))).collect();
    let rows: Vec<Value> = coupons
        .iter()
        .map(|c| context! { customer_name => names.get(c.customer.as_str()).cloned().unwrap_or_else(|| c.customer.to_string()), ..coupon_row(c, now) })
        .collect();
    Ok(view(
        ctx,
        status,
        "coupons.html",
        context! {
            quotas => quotas.iter().map(|x| quota_row(x, now)).collect::<Vec<_>>(),
            coupons => rows,
            customers,
            pager => pager(page, total),
            filter => context! { customer => q.get("customer"), status => q.get("status") },
            error,
        },
    ))
}

pub async fn coupons(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    coupons_view(&state, &ctx, StatusCode::OK, None).await
}

/// Per-item results of a batch, shown on one page.
fn results<T>(ctx: &Ctx, title_key: &str, back: &str, items: Vec<(String, Result<T, DomainError>)>, ok: impl Fn(&T) -> String) -> Response {
    let rows: Vec<Value> = items
        .iter()
        .map(|(id, r)| match r {
            Ok(v) => context! { id, ok => true, detail => ok(v) },
            Err(e) => {
                let (code, message) = crate::i18n::error_text(ctx.lang, e);
                context! { id, ok => false, code, detail => message }
            }
        })
        .collect();
    let succeeded = rows.iter().filter(|r| r.get_attr("ok").map(|v| v.is_true()).unwrap_or(false)).count();
    view(ctx, StatusCode::OK, "results.html", context! { title => tr(ctx.lang, title_key), rows, succeeded, back })
}

pub async fn issue_coupons(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let f = &ctx.form;
    let face = match Money::parse_movement("face_value", f.get("face_value").unwrap_or_default()) {
        Ok(m) => m,
        Err(e) => {
            let (status, error) = shown(ctx.lang, e.into());
            return coupons_view(&state, &ctx, status, Some(error)).await;
        }
    };
    let req = coupon_services::CouponIssue {
        quota_id: f.get("quota_id").map(str::to_owned),
        customer_ids: f.all("customer_ids"),
        face_value: face,
        valid_at: None,
        expire_at: None,
        limits: Limits::default(),
        memo: f.get("memo").map(str::to_owned),
        indirect_partner_id: None,
    };
    let issued = match user.capability::<PartnerCaller>() {
        Ok(p) => coupon_services::issue_coupons(&state.db, &p, req).await,
        Err(e) => Err(e.into()),
    };
    match issued {
        Ok(items) => Ok(results(&ctx, "coupons.issue_results", "/console/partner/coupons", items, |id| id.clone())),
        Err(e) => {
            let (status, error) = shown(ctx.lang, e);
            coupons_view(&state, &ctx, status, Some(error)).await
        }
    }
}

pub async fn recall_coupons(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let ids = ctx.form.all("coupon_ids");
    if ids.is_empty() {
        let (status, error) = shown(ctx.lang, DomainError::invalid("Choose at least one coupon.").into());
        return coupons_view(&state, &ctx, status, Some(error)).await;
    }
    let reclaimed = match user.capability::<PartnerCaller>() {
        Ok(p) => coupon_services::reclaim_coupons(&state.db, &p, &ids, None).await,
        Err(e) => Err(e.into()),
    };
    match reclaimed {
        Ok(items) => Ok(results(&ctx, "coupons.recall_results", "/console/partner/coupons", items, |m| m.to_string())),
        Err(e) => {
            let (status, error) = shown(ctx.lang, e);
            coupons_view(&state, &ctx, status, Some(error)).await
        }
    }
}

// ---- tier-2 resellers -----------------------------------------------------------------

async fn resellers_view(state: &AppState, ctx: &Ctx, status: StatusCode, error: Option<Shown>) -> PageResult {
    let (_, p) = partner(ctx)?;
    if p.ctx().kind != PartnerKind::Distributor {
        return Err(denied(ctx, DomainError::denied().into()));
    }
    let now = state.db.now().await.map_err(|e| denied(ctx, e.into()))?;
    let own = state
        .db
        .list_quotas(&p.own_scope(), &QuotaFilter { owner: Some(p.partner_id().clone()), ..Default::default() }, Page::first(100), now)
        .await
        .map_err(|e| denied(ctx, e.into()))?
        .0;
    let issued = state
        .db
        .list_quotas(&p.own_scope(), &QuotaFilter { issued_by: Some(p.partner_id().clone()), ..Default::default() }, Page::first(100), now)
        .await
        .map_err(|e| denied(ctx, e.into()))?
        .0;
    Ok(view(
        ctx,
        status,
        "resellers.html",
        context! {
            resellers => reseller_options(state, &p).await,
            quotas => own.iter().filter(|q| q.parent_quota_id.is_none()).map(|q| quota_row(q, now)).collect::<Vec<_>>(),
            sub_quotas => issued.iter().map(|q| quota_row(q, now)).collect::<Vec<_>>(),
            done => ctx.query.get("done"),
            error,
        },
    ))
}

pub async fn resellers(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    resellers_view(&state, &ctx, StatusCode::OK, None).await
}

pub async fn issue_sub_quota(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let f = &ctx.form;
    let amount = match Money::parse_movement("amount", f.get("amount").unwrap_or_default()) {
        Ok(m) => m,
        Err(e) => return back_with_error(&state, &ctx, true, e.into()).await,
    };
    let issued = match user.capability::<FullScopeTier1>() {
        Ok(t1) => coupon_services::issue_sub_quotas(&state.db, &t1, f.get("quota_id"), &f.all("reseller_ids"), amount).await,
        Err(e) => Err(e.into()),
    };
    match issued {
        Ok(items) => Ok(results(&ctx, "resellers.quota_results", "/console/partner/resellers", items, |id| id.clone())),
        Err(e) => back_with_error(&state, &ctx, true, e).await,
    }
}

pub async fn reclaim_sub_quota(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let reclaimed = match user.capability::<FullScopeTier1>() {
        Ok(t1) => coupon_services::reclaim_sub_quotas(&state.db, &t1, &ctx.form.all("quota_ids"), None).await,
        Err(e) => Err(e.into()),
    };
    match reclaimed {
        Ok(items) => Ok(results(&ctx, "resellers.reclaim_results", "/console/partner/resellers", items, |_| String::new())),
        Err(e) => back_with_error(&state, &ctx, true, e).await,
    }
}

// ---- audit ----------------------------------------------------------------------------

pub async fn audit(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let (_, p) = partner(&ctx)?;
    let page = page_of(ctx.query.get("page"));
    let (rows, total) = state.db.list_reveals(p.partner_id(), page).await.map_err(|e| denied(&ctx, e.into()))?;
    Ok(view(
        &ctx,
        StatusCode::OK,
        "audit.html",
        context! {
            rows => rows.iter().map(|r| context! {
                who => r.actor_login, customer => r.customer_name, field => r.field, at => show_time(r.revealed_at),
            }).collect::<Vec<_>>(),
            pager => pager(page, total),
        },
    ))
}
