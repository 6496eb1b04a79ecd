//! Operator pages: partners with their balances, top-ups and coupon quota grants.

use super::{page_of, pager, shown, view, PageResult, Shown};
use crate::session::Ctx;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use minijinja::context;
use pc_api::principal::OperatorCaller;
use pc_api::services::{coupons as coupon_services, funds as fund_services};
use pc_api::AppState;
use pc_domain::coupons::{effective_quota_status, Limits};
use pc_domain::money::Money;
use pc_domain::query::Page;
use pc_storage::QuotaFilter;

async fn operator_view(state: &AppState, ctx: &Ctx, status: StatusCode, error: Option<Shown>) -> PageResult {
    let user = ctx.signed_in()?;
    let operator: OperatorCaller = match user.capability() {
        Ok(o) => o,
        Err(e) => {
            let (status, error) = shown(ctx.lang, e.into());
            return Err(super::message(ctx, status, "error.title", Some(error)));
        }
    };
    let page = page_of(ctx.query.get("page"));
    let internal = |e: pc_storage::StorageError| {
        let (status, error) = shown(ctx.lang, e.into());
        super::message(ctx, status, "error.title", Some(error))
    };
    let (partners, total) = state.db.list_partners(page).await.map_err(internal)?;
    let now = state.db.now().await.map_err(internal)?;
    let quotas = state.db.list_quotas(operator.scope(), &QuotaFilter::default(), Page::first(50), now).await.map_err(internal)?.0;
    Ok(view(
        ctx,
        status,
        "operator.html",
        context! {
            partners => partners.iter().map(|p| context! {
                id => p.domain_id.as_str(), account_name => p.domain_name, name => p.display_name,
                kind => super::kind_key(p.kind), parent => p.parent_id.as_ref().map(|x| x.to_string()),
                balance => Money::from_fen(p.balance_fen).to_string(),
            }).collect::<Vec<_>>(),
            quotas => quotas.iter().map(|q| context! {
                id => q.quota_id, owner => q.owner_names.0, value => q.value.to_string(), balance => q.balance.to_string(),
                status => effective_quota_status(q.status, q.expire_at, now).code(), sub => q.parent_quota_id.is_some(),
            }).collect::<Vec<_>>(),
            pager => pager(page, total),
            done => ctx.query.get("done"),
            idempotency_key => uuid::Uuid::new_v4().simple().to_string(),
            error,
        },
    ))
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    operator_view(&state, &ctx, StatusCode::OK, None).await
}

pub async fn top_up(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let f = &ctx.form;
    let result = match Money::parse_movement("amount", f.get("amount").unwrap_or_default()) {
        Ok(amount) => {
            let key = f.get("idempotency_key").map(str::to_owned);
            let partner = f.get("partner_id").unwrap_or_default();
            let idem = fund_services::claim(&user.principal, key, "console.top_up", &[partner, &amount.to_string()]);
            match user.capability::<OperatorCaller>() {
                Ok(operator) => fund_services::top_up(&state.db, &state.ledger, &operator, Some(partner), amount, idem).await.map(|_| ()),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/console/operator?done=top_up").into_response()),
        Err(e) => {
            let (status, error) = shown(ctx.lang, e);
            operator_view(&state, &ctx, status, Some(error)).await
        }
    }
}

pub async fn grant_quota(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let f = &ctx.form;
    let days: i64 = f.get("days").and_then(|d| d.parse().ok()).filter(|d| (1..=3650).contains(d)).unwrap_or(365);
    let now = match state.db.now().await {
        Ok(n) => n,
        Err(e) => {
            let (status, error) = shown(ctx.lang, e.into());
            return Err(super::message(&ctx, status, "error.title", Some(error)));
        }
    };
    let result = match Money::parse_movement("value", f.get("value").unwrap_or_default()) {
        Ok(value) => match user.capability::<OperatorCaller>() {
            Ok(operator) => coupon_services::grant_quota(
                &state.db,
                &operator,
                f.get("partner_id"),
                0,
                value,
                Some(now),
                Some(now + days * 86_400_000),
                Limits::default(),
            )
            .await
            .map(|_| ()),
            Err(e) => Err(e.into()),
        },
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/console/operator?done=quota").into_response()),
        Err(e) => {
            let (status, error) = shown(ctx.lang, e);
            operator_view(&state, &ctx, status, Some(error)).await
        }
    }
}
