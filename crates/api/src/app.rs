//! The router: unsigned probes, then the signed Open API behind one authentication layer,
//! request ids and tracing around everything.

use crate::auth::require_signature;
use crate::handlers::{coupons, customers, echo, funds, health, orders, partners, products, ratings, resources};
use crate::openapi;
use crate::state::AppState;
use axum::http::{HeaderName, Request};
use axum::middleware::from_fn_with_state;
use axum::routing::post;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route, each registered with the operation of its handler's `#[utoipa::path]`: `router`
/// serves them and `openapi::build` describes them, so neither has a route of its own.
pub struct Routes {
    /// Unsigned probes.
    pub probes: OpenApiRouter<AppState>,
    /// The Open API, served behind `require_signature`.
    pub signed: OpenApiRouter<AppState>,
}

pub fn routes() -> Routes {
    let probes = OpenApiRouter::with_openapi(openapi::base())
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .routes(routes!(openapi::document));
    let signed = OpenApiRouter::new()
        .routes(routes!(echo::echo))
        .routes(routes!(customers::create_sub_customer))
        .routes(routes!(customers::list_sub_customers))
        .routes(routes!(customers::check_user_identity))
        .routes(routes!(partners::list_indirect_partners))
        .routes(routes!(funds::update_customer_account_amount))
        .routes(routes!(funds::reclaim_to_partner_account))
        .routes(routes!(funds::update_indirect_partner_account))
        .routes(routes!(funds::reclaim_indirect_partner_account))
        .routes(routes!(funds::list_partner_balances))
        .routes(routes!(funds::list_partner_account_change_records))
        .routes(routes!(funds::list_partner_adjust_records))
        .routes(routes!(funds::show_customer_account_balances))
        .routes(routes!(funds::list_customer_account_change_records))
        .routes(routes!(funds::operator_top_up))
        .routes(routes!(coupons::list_quota_coupons))
        .routes(routes!(coupons::update_coupon_quotas))
        .routes(routes!(coupons::reclaim_coupon_quotas))
        .routes(routes!(coupons::list_issued_coupon_quotas))
        .routes(routes!(coupons::list_coupon_quotas_records))
        .routes(routes!(coupons::create_partner_coupons, coupons::list_issued_partner_coupons))
        .routes(routes!(coupons::reclaim_partner_coupons))
        .routes(routes!(coupons::list_partner_coupons_record))
        .routes(routes!(coupons::list_customer_coupon_change_records))
        .routes(routes!(coupons::list_sub_customer_coupons))
        .routes(routes!(coupons::operator_grant_quota))
        .routes(routes!(coupons::operator_set_quota_status))
        .routes(routes!(orders::list_customer_orders, orders::create_customer_order))
        // The partner's path of the same handler, under its own operationId.
        .routes(routes!(create_sub_customer_order).map(|_| post(orders::create_customer_order)))
        .routes(routes!(orders::show_customer_order_details))
        .routes(routes!(orders::pay_orders))
        .routes(routes!(orders::cancel_customer_order))
        .routes(routes!(orders::list_order_coupons_by_order_id))
        .routes(routes!(orders::list_order_discounts))
        .routes(routes!(orders::show_refund_order_details))
        .routes(routes!(orders::grant_order_authorization, orders::revoke_order_authorization))
        .routes(routes!(orders::change_resource_spec))
        .routes(routes!(orders::operator_advance_clock))
        .routes(routes!(orders::operator_set_on_demand_limits))
        .routes(routes!(products::operator_set_discount_floor))
        .routes(routes!(resources::list_pay_per_use_customer_resources))
        .routes(routes!(resources::renewal_resources))
        .routes(routes!(resources::cancel_resources_subscription))
        .routes(routes!(resources::auto_renewal_resources, resources::cancel_auto_renewal_resources))
        .routes(routes!(resources::set_resources_renew_config))
        .routes(routes!(resources::update_period_to_on_demand))
        .routes(routes!(products::list_service_types))
        .routes(routes!(products::list_resource_types))
        .routes(routes!(products::list_service_resources))
        .routes(routes!(products::list_resource_specs))
        .routes(routes!(products::list_usage_types))
        .routes(routes!(products::list_measure_units))
        .routes(routes!(products::list_conversions))
        .routes(routes!(ratings::list_rate_on_period_detail))
        .routes(routes!(ratings::list_renew_rate_on_period))
        .routes(routes!(ratings::list_on_demand_resource_ratings))
        .routes(routes!(ratings::change_spec_rate))
        .routes(routes!(products::grant_customer_discount, products::list_customer_discounts))
        .routes(routes!(products::revoke_customer_discount))
        .routes(routes!(products::operator_load_price_book));
    Routes { probes: openapi::unsigned(probes), signed: openapi::signed(signed) }
}

pub fn router(state: AppState) -> Router {
    let Routes { probes, signed } = routes();
    let signed = signed.route_layer(from_fn_with_state(state.clone(), require_signature));
    let (routes, _document) = probes.merge(signed).split_for_parts();
    routes
        .fallback(not_found)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path(), caller = tracing::field::Empty)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(catch_panics())
                .layer(axum::middleware::from_fn(crate::edge::api_edge)),
        )
}

/// Turns a panic anywhere in a handler into `500 CBC.0999` with the API's error body and one
/// log line (inside the request span), so no input can drop the connection. The console's
/// router and the server wrap themselves in the same layer.
pub fn catch_panics() -> tower_http::catch_panic::CatchPanicLayer<fn(Box<dyn std::any::Any + Send>) -> axum::response::Response> {
    tower_http::catch_panic::CatchPanicLayer::custom(panic_response as fn(Box<dyn std::any::Any + Send>) -> axum::response::Response)
}

fn panic_response(payload: Box<dyn std::any::Any + Send>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let detail = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    tracing::error!(panic = %detail, "a handler panicked; answered CBC.0999");
    let code = pc_domain::ErrorCode::Internal;
    let body = pc_wire::ErrorBody { error_code: code.code().to_owned(), error_msg: code.default_message().to_owned() };
    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}

/// The operation of `POST /v2/partners/sub-customers/orders`, which `routes` serves with
/// `orders::create_customer_order`: a partner orders for its resale customer.
#[utoipa::path(
    post, path = "/v2/partners/sub-customers/orders", operation_id = "create_sub_customer_order", tag = "orders",
    summary = "A partner orders for its resale customer with the customer's authorization; never marketplace products (product extension).",
    request_body = pc_wire::orders::CreateOrderReq,
    params(openapi::IdempotencyKey),
    responses((status = 200, description = "Success.", body = pc_wire::orders::CreateOrderResponse), openapi::ApiErrors)
)]
async fn create_sub_customer_order() {}

async fn not_found() -> (axum::http::StatusCode, axum::Json<pc_wire::ErrorBody>) {
    let body = pc_wire::ErrorBody {
        error_code: pc_domain::ErrorCode::InvalidParameter.code().to_owned(),
        error_msg: "No such operation.".to_owned(),
    };
    (axum::http::StatusCode::NOT_FOUND, axum::Json(body))
}
