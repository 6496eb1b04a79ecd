//! Customer pages: balance, coupons and "my partner".

use super::{show_time, shown, view, PageResult};
use crate::session::Ctx;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use minijinja::context;
use pc_api::error::ApiError;
use pc_api::principal::CustomerCaller;
use pc_api::AppState;
use pc_domain::query::Page;
use pc_domain::tenancy::AssociationType;
use pc_storage::CouponFilter;

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let fail = |e: ApiError| {
        let (status, error) = shown(ctx.lang, e);
        super::message(&ctx, status, "error.title", Some(error))
    };
    let caller: CustomerCaller = user.capability().map_err(|e| fail(e.into()))?;
    let me = caller.id().clone();
    let db = &state.db;
    let balance = db.cash_balance(&me).await.map_err(|e| fail(e.into()))?;
    let now = db.now().await.map_err(|e| fail(e.into()))?;
    let coupons = db.list_coupons(caller.scope(), &CouponFilter::default(), Page::first(50), now).await.map_err(|e| fail(e.into()))?.0;
    let standing = db.customer_standing_with(&me, false).await.map_err(|e| fail(e.into()))?;
    let partner = match &standing {
        Some(s) => db.find_account(&s.partner_id).await.map_err(|e| fail(e.into()))?.map(|a| {
            context! {
                name => a.display_name, account_name => a.domain_name, email => a.email,
                association => if s.association == AssociationType::Resale { "resale" } else { "consultative" },
            }
        }),
        None => None,
    };
    Ok(view(
        &ctx,
        StatusCode::OK,
        "customer_home.html",
        context! {
            balance => balance.amount.to_string(),
            coupons => coupons.iter().map(|c| {
                let status = pc_domain::coupons::effective_coupon_status(c.status, c.expire_at, now).code();
                context! { id => c.coupon_id, face => c.face_value.to_string(), balance => c.balance.to_string(), status, expires => show_time(c.expire_at) }
            }).collect::<Vec<_>>(),
            partner,
            authorized => match &standing {
                Some(s) => db.order_authorized(&me, &s.partner_id).await.map_err(|e| fail(e.into()))?,
                None => false,
            },
            done => ctx.query.get("done"),
        },
    ))
}

/// The customer authorizes its partner to order on its behalf, then sees its account again.
pub async fn authorize_orders(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let authorized = match user.capability::<CustomerCaller>() {
        Ok(me) => pc_api::services::orders::authorize_partner(&state.db, &me).await,
        Err(e) => Err(e.into()),
    };
    match authorized {
        Ok(_) => Ok(axum::response::Redirect::to("/console/customer?done=authorized").into_response()),
        Err(e) => {
            let (status, error) = shown(ctx.lang, e);
            Err(super::message(&ctx, status, "error.title", Some(error)))
        }
    }
}
