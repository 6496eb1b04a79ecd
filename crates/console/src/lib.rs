//! The web console: server-rendered pages for partners, customers and operators, over the
//! same application services as the Open API. Chinese by default, English by switch.

// A page answers a rendered response on its error path too (the error page, a redirect to
// sign-in), so `Result<_, Response>` is the shape of every page; boxing would only allocate.
#![allow(clippy::result_large_err)]

mod chart;
pub mod i18n;
mod pages;
mod render;
pub mod session;

use axum::http::header;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use pages::{auth, customer, exports, keys, operator, orders, partner, prices};
use pc_api::AppState;

const STYLESHEET: &str = include_str!("../static/console.css");

async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], STYLESHEET)
}

/// Every console route under `/console`, plus `/` sending people to it. Merged with the Open
/// API router by `pcenter serve`.
pub fn router(state: AppState) -> Router {
    render::load_compiled_resources();
    let console = Router::new()
        .route("/console", get(auth::home))
        .route("/console/login", get(auth::login_page).post(auth::login))
        .route("/console/logout", post(auth::logout))
        .route("/console/lang/{tag}", get(auth::switch_lang))
        .route("/console/partner", get(partner::overview))
        .route("/console/partner/customers", get(partner::customers).post(partner::create_customer))
        .route("/console/partner/customers/{id}", get(partner::customer_detail))
        .route("/console/partner/customers/{id}/reveal", post(partner::reveal))
        .route("/console/partner/funds", get(partner::funds))
        .route("/console/partner/funds/confirm", post(partner::funds_confirm))
        .route("/console/partner/funds/move", post(partner::funds_move))
        .route("/console/partner/coupons", get(partner::coupons))
        .route("/console/partner/coupons/issue", post(partner::issue_coupons))
        .route("/console/partner/coupons/recall", post(partner::recall_coupons))
        .route("/console/partner/resellers", get(partner::resellers))
        .route("/console/partner/resellers/quotas/issue", post(partner::issue_sub_quota))
        .route("/console/partner/resellers/quotas/reclaim", post(partner::reclaim_sub_quota))
        .route("/console/partner/audit", get(partner::audit))
        .route("/console/partner/prices", get(prices::calculator))
        .route("/console/customer", get(customer::home))
        .route("/console/customer/authorize-orders", post(customer::authorize_orders))
        .route("/console/customer/orders", get(orders::customer_orders))
        .route("/console/customer/orders/{id}/pay", post(orders::pay))
        .route("/console/customer/orders/{id}/cancel", post(orders::cancel))
        .route("/console/customer/resources/{id}/renew", post(orders::renew))
        .route("/console/customer/resources/{id}/unsubscribe", post(orders::unsubscribe))
        .route("/console/customer/resources/{id}/auto-renew", post(orders::auto_renew))
        .route("/console/partner/orders", get(orders::partner_orders).post(orders::order_on_behalf))
        .route("/console/operator", get(operator::home))
        .route("/console/operator/top-up", post(operator::top_up))
        .route("/console/operator/quotas", post(operator::grant_quota))
        .route("/console/operator/price-book", get(prices::price_book))
        .route("/console/keys", get(keys::list).post(keys::create))
        .route("/console/keys/disable", post(keys::disable))
        .route("/console/exports", get(exports::list).post(exports::create))
        .route("/console/exports/{id}", get(exports::download))
        .route("/console/{*rest}", get(auth::not_signed_in))
        .route_layer(from_fn_with_state(state.clone(), session::console_layer));
    Router::new()
        .route("/", get(|| async { Redirect::to("/console") }))
        .route("/console/static/console.css", get(stylesheet))
        .merge(console)
        .with_state(state)
        .layer(pc_api::app::catch_panics())
}
