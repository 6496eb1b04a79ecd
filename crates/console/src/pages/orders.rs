//! Orders and resources: a customer pays (cash, coupons or the order's discount) or cancels
//! its orders and renews, unsubscribes or auto-renews its resources; a partner lists its
//! customers' orders and orders on a customer's behalf. All through `services::orders`.

use super::{page_of, pager, show_time, shown, view, PageResult, Shown};
use crate::session::Ctx;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use minijinja::{context, Value};
use pc_api::error::ApiError;
use pc_api::principal::{CustomerCaller, PartnerCaller};
use pc_api::services::orders as svc;
use pc_api::services::resources as resource_services;
use pc_api::AppState;
use pc_domain::orders::{PaymentRequest, Period};
use pc_domain::pricing::PeriodProduct;
use pc_domain::tenancy::AccountKind;
use pc_storage::{Order, OrderFilter, ResourceFilter};

fn order_row(o: &Order) -> Value {
    context! {
        id => o.order_id, customer => o.customer_id.as_str(), status => o.status.code(), order_type => o.order_type.code(),
        official => o.official.to_string(), amount => o.amount_after_discount().to_string(),
        discount => o.discount_id.is_some(), paid_cash => o.paid_cash.to_string(), paid_coupon => o.paid_coupon.to_string(),
        created => show_time(o.created_at), pending => o.status == pc_domain::orders::OrderStatus::PendingPayment,
        placed_by => o.placed_by, by_member => o.by.as_ref().and_then(|b| b.member.as_ref()).map(|m| m.to_string()),
    }
}

async fn customer_orders_view(state: &AppState, ctx: &Ctx, status: StatusCode, error: Option<Shown>) -> PageResult {
    let user = ctx.signed_in()?;
    let fail = |e: ApiError| {
        let (status, error) = shown(ctx.lang, e);
        super::message(ctx, status, "error.title", Some(error))
    };
    let caller: CustomerCaller = user.capability().map_err(|e| fail(e.into()))?;
    let me = caller.id().clone();
    let page = page_of(ctx.query.get("page"));
    let (orders, total) = state.db.list_orders(caller.scope(), &OrderFilter::default(), page).await.map_err(|e| fail(e.into()))?;
    let mut rows = Vec::with_capacity(orders.len());
    for o in &orders {
        let coupons = if o.status == pc_domain::orders::OrderStatus::PendingPayment {
            svc::coupons_for_order(&state.db, caller.scope(), &me, &o.order_id).await.map_err(fail)?
        } else {
            Vec::new()
        };
        rows.push(context! {
            coupons => coupons.iter().map(|c| context! { id => c.coupon_id, balance => c.balance.to_string() }).collect::<Vec<_>>(),
            ..order_row(o)
        });
    }
    let first_page = pc_domain::query::Page::first(50);
    let (resources, _) =
        resource_services::list_resources(&state.db, caller.scope(), &me, &ResourceFilter::default(), first_page).await.map_err(fail)?;
    Ok(view(
        ctx,
        status,
        "customer_orders.html",
        context! {
            orders => rows,
            pager => pager(page, total),
            resources => resources.iter().map(|r| context! {
                id => r.resource_id, spec => r.resource_spec, region => r.region, status => r.status.code(),
                period => r.expire_at.is_some(), expires => r.expire_at.map(show_time), auto_renew => r.auto_renew,
            }).collect::<Vec<_>>(),
            done => ctx.query.get("done"),
            error,
        },
    ))
}

pub async fn customer_orders(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    customer_orders_view(&state, &ctx, StatusCode::OK, None).await
}

async fn after(state: &AppState, ctx: &Ctx, result: Result<(), ApiError>, done: &str) -> PageResult {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/console/customer/orders?done={done}")).into_response()),
        Err(e) => {
            let (status, error) = shown(ctx.lang, e);
            customer_orders_view(state, ctx, status, Some(error)).await
        }
    }
}

pub async fn pay(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let user = ctx.signed_in()?;
    let f = &ctx.form;
    let mode = f.get("mode").unwrap_or("cash");
    let request = PaymentRequest {
        use_coupon: Some(if mode == "coupon" { "YES" } else { "NO" }.to_owned()),
        use_discount: Some(if mode == "discount" { "YES" } else { "NO" }.to_owned()),
        coupon_ids: if mode == "coupon" { f.all("coupon_ids") } else { Vec::new() },
        discount_ids: match (mode, f.get("discount_id")) {
            ("discount", Some(d)) => vec![d.to_owned()],
            _ => Vec::new(),
        },
    };
    let result = match user.capability::<CustomerCaller>() {
        Ok(me) => svc::pay_order(&state.db, &state.ledger, &me, &id, &request, f.get("pay_key")).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    after(&state, &ctx, result, "paid").await
}

pub async fn cancel(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let user = ctx.signed_in()?;
    let result = match user.capability::<CustomerCaller>() {
        Ok(me) => svc::cancel_order(&state.db, &me, &id).await,
        Err(e) => Err(e.into()),
    };
    after(&state, &ctx, result, "cancelled").await
}

pub async fn renew(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let user = ctx.signed_in()?;
    let result = async {
        let party = resource_services::customer_party(&state.db, &user.capability()?).await?;
        let one_month = Period { period_type: Period::MONTH, period_num: 1 };
        resource_services::renew(&state.db, &state.ledger, &party, &id, one_month, false).await.map(|_| ())
    }
    .await;
    after(&state, &ctx, result, "renewal_created").await
}

pub async fn unsubscribe(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let user = ctx.signed_in()?;
    let result = async {
        let party = resource_services::customer_party(&state.db, &user.capability()?).await?;
        resource_services::unsubscribe(&state.db, &state.ledger, &party, &id, false).await.map(|_| ())
    }
    .await;
    after(&state, &ctx, result, "unsubscribed").await
}

pub async fn auto_renew(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let user = ctx.signed_in()?;
    let on = ctx.form.get("on") == Some("1");
    // Turned on here, a resource renews for its own period (a yearly one yearly), as through the API.
    let asked = on.then_some(resource_services::AutoRenewal::default());
    let result = async {
        let me: CustomerCaller = user.capability()?;
        resource_services::set_auto_renew(&state.db, &me, &id, asked).await
    }
    .await;
    after(&state, &ctx, result, if on { "auto_renew_on" } else { "auto_renew_off" }).await
}

// ---- partner --------------------------------------------------------------------------

async fn partner_orders_view(state: &AppState, ctx: &Ctx, status: StatusCode, error: Option<Shown>) -> PageResult {
    let user = ctx.signed_in()?;
    let fail = |e: ApiError| {
        let (status, error) = shown(ctx.lang, e);
        super::message(ctx, status, "error.title", Some(error))
    };
    let p: PartnerCaller = user.capability().map_err(|e| fail(e.into()))?;
    let page = page_of(ctx.query.get("page"));
    let (orders, total) = state.db.list_orders(&p.own_scope(), &OrderFilter::default(), page).await.map_err(|e| fail(e.into()))?;
    let book = state.db.price_book_at(state.db.now().await.map_err(|e| fail(e.into()))?).await.ok();
    Ok(view(
        ctx,
        status,
        "partner_orders.html",
        context! {
            orders => orders.iter().map(order_row).collect::<Vec<_>>(),
            pager => pager(page, total),
            customers => super::partner::customer_choices(state, user).await,
            specs => book.as_ref().map(|b| b.specs().filter(|s| s.monthly.is_some() && s.size.is_none()).map(|s| context! { code => s.code, name => s.name }).collect::<Vec<_>>()).unwrap_or_default(),
            regions => book.as_ref().map(|b| b.file.regions.iter().map(|r| context! { code => r.region, name => r.name }).collect::<Vec<_>>()).unwrap_or_default(),
            done => ctx.query.get("done"),
            error,
        },
    ))
}

pub async fn partner_orders(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    partner_orders_view(&state, &ctx, StatusCode::OK, None).await
}

/// Orders a yearly/monthly product for a resale customer that authorized it.
pub async fn order_on_behalf(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let f = &ctx.form;
    let result = async {
        let now = state.db.now().await?;
        let book = state.db.price_book_at(now).await?;
        let code = f.get("spec").unwrap_or_default();
        let spec =
            book.spec(code).ok_or_else(|| pc_domain::DomainError::invalid(format!("resource_spec '{code}' is not in the price book.")))?;
        let months: i64 = f.get("months").and_then(|m| m.parse().ok()).unwrap_or(1);
        let product = PeriodProduct {
            id: "1".into(),
            cloud_service_type: spec.service_type.clone(),
            resource_type: spec.resource_type.clone(),
            resource_spec: spec.code.clone(),
            region: f.get("region").unwrap_or_default().to_owned(),
            available_zone: None,
            resource_size: None,
            size_measure_id: None,
            period_type: Period::MONTH,
            period_num: months,
            subscription_num: 1,
        };
        let party = svc::order_party(&state.db, &user.capability()?, f.get("customer_id"), None, &[spec.service_type.as_str()]).await?;
        let choice = svc::ProductChoice { product, period: Some(Period { period_type: Period::MONTH, period_num: months }) };
        svc::create_purchase(&state.db, &party, &[choice], None).await?;
        Ok::<(), ApiError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/console/partner/orders?done=ordered").into_response()),
        Err(e) => {
            let (status, error) = shown(ctx.lang, e);
            partner_orders_view(&state, &ctx, status, Some(error)).await
        }
    }
}

#[allow(dead_code)]
fn is_customer(k: AccountKind) -> bool {
    k == AccountKind::Customer
}
