//! The router: unsigned probes, then the signed Open API behind one authentication layer,
//! request ids and tracing around everything.

use crate::auth::require_signature;
use crate::handlers::{coupons, customers, echo, funds, health, orders, partners, products, ratings, resources};
use crate::state::AppState;
use axum::http::{HeaderName, Request};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let open_api = Router::new()
        .route("/v2/echo", post(echo::echo))
        .route("/v2/partners/sub-customers", post(customers::create_sub_customer))
        .route("/v2/partners/sub-customers/query", post(customers::list_sub_customers))
        .route("/v2/partners/sub-customers/users/check-identity", post(customers::check_user_identity))
        .route("/v2/partners/indirect-partners/query", post(partners::list_indirect_partners))
        .route("/v2/accounts/partner-accounts/adjust-amount", post(funds::update_customer_account_amount))
        .route("/v2/accounts/partner-accounts/reclaim", post(funds::reclaim_to_partner_account))
        .route("/v2/accounts/partner-accounts/indirect-partner-adjust", post(funds::update_indirect_partner_account))
        .route("/v2/accounts/partner-accounts/indirect-partner-reclaim", post(funds::reclaim_indirect_partner_account))
        .route("/v2/accounts/partner-accounts/balances", get(funds::list_partner_balances))
        .route("/v2/accounts/partner-accounts/account-change-records", get(funds::list_partner_account_change_records))
        .route("/v3/accounts/partner-accounts/adjust-records", get(funds::list_partner_adjust_records))
        .route("/v2/accounts/customer-accounts/balances", get(funds::show_customer_account_balances))
        .route("/v2/accounts/customer-accounts/account-change-records", get(funds::list_customer_account_change_records))
        .route("/v2/operator/partner-accounts/top-up", post(funds::operator_top_up))
        .route("/v2/partners/coupon-quotas/query", post(coupons::list_quota_coupons))
        .route("/v2/partners/coupon-quotas/indirect-partner-adjust", post(coupons::update_coupon_quotas))
        .route("/v2/partners/coupon-quotas/indirect-partner-reclaim", post(coupons::reclaim_coupon_quotas))
        .route("/v2/partners/issued-coupon-quotas", get(coupons::list_issued_coupon_quotas))
        .route("/v2/partners/coupon-quotas/records", get(coupons::list_coupon_quotas_records))
        .route("/v2/promotions/benefits/partner-coupons", post(coupons::create_partner_coupons).get(coupons::list_issued_partner_coupons))
        .route("/v2/promotions/benefits/partner-coupons/reclaim", post(coupons::reclaim_partner_coupons))
        .route("/v2/promotions/benefits/partner-coupons/records/query", get(coupons::list_partner_coupons_record))
        .route("/v2/promotions/benefits/account-change-records", get(coupons::list_customer_coupon_change_records))
        .route("/v2/promotions/benefits/coupons", get(coupons::list_sub_customer_coupons))
        .route("/v2/operator/coupon-quotas", post(coupons::operator_grant_quota))
        .route("/v2/operator/coupon-quotas/status", post(coupons::operator_set_quota_status))
        .route("/v2/orders/customer-orders", get(orders::list_customer_orders).post(orders::create_customer_order))
        .route("/v2/partners/sub-customers/orders", post(orders::create_customer_order))
        .route("/v2/orders/customer-orders/details/{order_id}", get(orders::show_customer_order_details))
        .route("/v3/orders/customer-orders/pay", post(orders::pay_orders))
        .route("/v2/orders/customer-orders/cancel", put(orders::cancel_customer_order))
        .route("/v2/orders/customer-orders/order-coupons", get(orders::list_order_coupons_by_order_id))
        .route("/v2/orders/customer-orders/order-discounts", get(orders::list_order_discounts))
        .route("/v2/orders/customer-orders/refund-orders", get(orders::show_refund_order_details))
        .route(
            "/v2/orders/customer-orders/authorization",
            post(orders::grant_order_authorization).delete(orders::revoke_order_authorization),
        )
        .route("/v2/orders/subscriptions/resources/change", post(orders::change_resource_spec))
        .route("/v2/operator/clock", post(orders::operator_advance_clock))
        .route("/v2/orders/suscriptions/resources/query", post(resources::list_pay_per_use_customer_resources))
        .route("/v2/orders/subscriptions/resources/renew", post(resources::renewal_resources))
        .route("/v2/orders/subscriptions/resources/unsubscribe", post(resources::cancel_resources_subscription))
        .route(
            "/v2/orders/subscriptions/resources/autorenew/{resource_id}",
            post(resources::auto_renewal_resources).delete(resources::cancel_auto_renewal_resources),
        )
        .route("/v2/orders/subscriptions/resources/renew/config", post(resources::set_resources_renew_config))
        .route("/v2/orders/subscriptions/resources/to-on-demand", post(resources::update_period_to_on_demand))
        .route("/v2/products/service-types", get(products::list_service_types))
        .route("/v2/products/resource-types", get(products::list_resource_types))
        .route("/v2/products/service-resources", get(products::list_service_resources))
        .route("/v2/products/resource-specs-query", post(products::list_resource_specs))
        .route("/v2/products/usage-types", get(products::list_usage_types))
        .route("/v2/bases/measurements", get(products::list_measure_units))
        .route("/v2/bases/conversions", get(products::list_conversions))
        .route("/v2/bills/ratings/period-resources/subscribe-rate", post(ratings::list_rate_on_period_detail))
        .route("/v2/bills/ratings/period-resources/renew-rate", post(ratings::list_renew_rate_on_period))
        .route("/v2/bills/ratings/on-demand-resources", post(ratings::list_on_demand_resource_ratings))
        .route("/v2/bills/ratings/change-spec-rate", post(ratings::change_spec_rate))
        .route("/v2/partners/customer-discounts", post(products::grant_customer_discount).get(products::list_customer_discounts))
        .route("/v2/partners/customer-discounts/revoke", post(products::revoke_customer_discount))
        .route("/v2/operator/price-books", post(products::operator_load_price_book))
        .route_layer(from_fn_with_state(state.clone(), require_signature));

    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/openapi.json", get(crate::openapi::document))
        .merge(open_api)
        .fallback(not_found)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path(), caller = tracing::field::Empty)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
        )
}

async fn not_found() -> (axum::http::StatusCode, axum::Json<pc_wire::ErrorBody>) {
    let body = pc_wire::ErrorBody {
        error_code: pc_domain::ErrorCode::InvalidParameter.code().to_owned(),
        error_msg: "No such operation.".to_owned(),
    };
    (axum::http::StatusCode::NOT_FOUND, axum::Json(body))
}
