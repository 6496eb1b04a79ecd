//! Orders and payment of the Open API, and the order-creation extensions.

use super::funds::idempotency_key;
use super::Names;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::principal::{CustomerCaller, CustomerOrPartner, OperatorCaller, PartnerCaller};
use crate::services::acting_scope;
use crate::services::funds::claim;
use crate::services::orders::{self as svc, OrderParty, ProductChoice};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use pc_domain::catalog::Language;
use pc_domain::money::{Money, CURRENCY, MEASURE_YUAN};
use pc_domain::orders::{check_order_customer, OrderStatus, OrderType, PaymentRequest, Period};
use pc_domain::pricing::{PeriodProduct, SpecChoice};
use pc_domain::query::{format_utc, parse_utc, Page};
use pc_domain::tenancy::TenantScope;
use pc_domain::OrderId;
use pc_domain::{DomainError, DomainId, ErrorCode};
use pc_storage::{Order, OrderFilter, OrderLine};
use pc_wire::funds::json_decimal;
use pc_wire::orders::*;

fn dec(m: Money) -> pc_wire::funds::JsonDecimal {
    json_decimal(m.to_string())
}

fn instant(field: &str, v: Option<&str>) -> Result<Option<i64>, DomainError> {
    match v {
        None | Some("") => Ok(None),
        Some(s) => parse_utc(field, s).map(Some),
    }
}

fn required<'a>(field: &str, v: Option<&'a str>) -> Result<&'a str, DomainError> {
    v.filter(|s| !s.is_empty()).ok_or_else(|| DomainError::invalid(format!("{field} is required.")))
}

fn amount_info(coupon: Money, discount: Money) -> AmountInfo {
    AmountInfo {
        discounts: if discount > Money::ZERO {
            vec![DiscountItem { discount_type: "607".into(), discount_amount: dec(discount) }]
        } else {
            Vec::new()
        },
        flexipurchase_coupon_amount: dec(Money::ZERO),
        coupon_amount: dec(coupon),
        stored_card_amount: dec(Money::ZERO),
        commission_amount: dec(Money::ZERO),
        consumed_amount: dec(Money::ZERO),
    }
}

fn order_view(o: &Order, names: &Names) -> CustomerOrder {
    // Before payment the order shows its offered discount; after, what was used.
    let paid = o.status == OrderStatus::Completed && o.order_type != OrderType::Unsubscribe;
    let discount = if paid { o.used_discount } else { o.discount };
    CustomerOrder {
        order_id: o.order_id.to_string(),
        customer_id: o.customer_id.to_string(),
        service_type_code: o.service_type_code.clone(),
        service_type_name: names.service(&o.service_type_code),
        source_type: o.source_type,
        status: o.status.code(),
        order_type: o.order_type.code(),
        amount_after_discount: dec(o.official.saturating_sub(discount)),
        official_amount: dec(o.official),
        measure_id: MEASURE_YUAN,
        create_time: format_utc(o.created_at),
        payment_time: o.paid_at.map(format_utc),
        currency: CURRENCY.into(),
        amount_info: amount_info(o.paid_coupon, discount),
        user_name: o.placed_by.clone(),
        pending_payment_end_time: (o.status == OrderStatus::PendingPayment).then(|| o.payment_deadline.map(format_utc)).flatten(),
        acted_by: super::acted_by(o.by.as_ref()),
        // Who bears the discount (docs/DOMAIN.md#R-PRICE-12): the partner that granted it.
        partner_discount: match (&o.discount_id, &o.discount_granted_by) {
            (Some(id), Some(partner)) if discount > Money::ZERO => Some(PartnerDiscount {
                discount_id: id.clone(),
                granted_by: partner.to_string(),
                borne_by: "partner".into(),
                official_amount: dec(o.official),
                discount_amount: dec(discount),
            }),
            _ => None,
        },
    }
}

fn line_view(order_id: &str, l: &OrderLine, names: &Names) -> OrderLineItem {
    OrderLineItem {
        order_line_item_id: l.line_id.clone(),
        order_id: order_id.to_owned(),
        service_type_code: l.cloud_service_type.clone(),
        service_type_name: names.service(&l.cloud_service_type),
        product_id: l.product_id.clone(),
        product_spec_desc: l.resource_spec.clone(),
        period_type: l.period.map(|p| p.period_type),
        period_num: l.period.map(|p| p.period_num),
        effective_time: l.term_start.map(format_utc),
        expire_time: l.term_end.map(format_utc),
        subscription_num: l.subscription_num,
        amount_after_discount: dec(l.amount),
        official_amount: dec(l.official),
        amount_info: amount_info(Money::ZERO, l.official.saturating_sub(l.amount)),
        currency: CURRENCY.into(),
        category_code: l.resource_type.clone(),
        commercial_resource: l.resource_type.clone(),
    }
}

/// The rows of orders the caller may see: its own (customer), or its customers' (partner, a
/// tier-1 through `indirect_partner_id`, a member only its managed customers').
async fn order_scope(state: &AppState, caller: &CustomerOrPartner, indirect: Option<&str>) -> Result<TenantScope, ApiError> {
    match caller {
        CustomerOrPartner::Customer(me) => Ok(me.scope().clone()),
        CustomerOrPartner::Partner(p) => acting_scope(&state.db, p.ctx(), indirect).await,
    }
}

/// An order in `scope`; others answer CBC.99003108 as if absent.
async fn visible_order(state: &AppState, scope: &TenantScope, order_id: &str) -> Result<Order, ApiError> {
    state.db.find_order(scope, &OrderId::parse(order_id)?).await?.ok_or(ApiError::code(ErrorCode::OrderNotFound))
}

#[utoipa::path(
    get, path = "/v2/orders/customer-orders", operation_id = "list_customer_orders", tag = "orders",
    summary = "Orders of the calling customer, or of a partner's customers (tier-1: a tier-2's via indirect_partner_id).",
    params(ListCustomerOrdersQuery),
    responses((status = 200, description = "Success.", body = ListCustomerOrdersResponse), crate::openapi::ApiErrors)
)]
pub async fn list_customer_orders(
    State(state): State<AppState>,
    p: CustomerOrPartner,
    ApiQuery(q): ApiQuery<ListCustomerOrdersQuery>,
) -> ApiResult<ListCustomerOrdersResponse> {
    let page = Page::parse(q.offset, q.limit)?;
    let mut f = OrderFilter::default();
    match q.method.as_deref() {
        None | Some("") | Some("oneself") => {}
        // Orders paid for enterprise sub-accounts: this product has none.
        Some("sub_customer") => f.matches_nothing = true,
        Some(other) => return Err(DomainError::invalid(format!("method '{other}' is unknown: use oneself or sub_customer.")).into()),
    }
    let scope = order_scope(&state, &p, q.indirect_partner_id.as_deref()).await?;
    if let CustomerOrPartner::Partner(_) = p {
        if let Some(c) = q.customer_id.as_deref().filter(|s| !s.is_empty()) {
            match DomainId::parse(c) {
                Ok(id) => f.customer = Some(id),
                Err(_) => f.matches_nothing = true,
            }
        }
    }
    f.order_id = q.order_id.filter(|s| !s.is_empty());
    if let Some(code) = q.status {
        match OrderStatus::parse_filter(code)? {
            Some(s) => f.status = Some(s),
            None => f.matches_nothing = true,
        }
    }
    if let Some(t) = q.order_type.as_deref().filter(|s| !s.is_empty()) {
        match OrderType::parse_filter(t)? {
            Some(t) => f.order_type = Some(t),
            None => f.matches_nothing = true,
        }
    }
    f.service_type_code = q.service_type_code.filter(|s| !s.is_empty());
    f.created = (instant("create_time_begin", q.create_time_begin.as_deref())?, instant("create_time_end", q.create_time_end.as_deref())?);
    f.paid = (instant("payment_time_begin", q.payment_time_begin.as_deref())?, instant("payment_time_end", q.payment_time_end.as_deref())?);
    f.oldest_first = match q.order_by.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("-createtime") => false,
        Some("createtime") => true,
        Some(other) => return Err(DomainError::invalid(format!("order_by '{other}' is unknown: use createTime or -createTime.")).into()),
    };
    let (orders, total) = state.db.list_orders(&scope, &f, page).await?;
    // The operation takes no language: names show in the default one.
    let names = Names::load(&state.db, Language::default()).await?;
    Ok(Json(ListCustomerOrdersResponse { total_count: total, order_infos: orders.iter().map(|o| order_view(o, &names)).collect() }))
}

#[utoipa::path(
    get, path = "/v2/orders/customer-orders/details/{order_id}", operation_id = "show_customer_order_details", tag = "orders",
    summary = "One order with its line items.",
    params(("order_id" = String, Path), ShowCustomerOrderDetailsQuery, crate::openapi::XLanguage),
    responses((status = 200, description = "Success.", body = ShowCustomerOrderDetailsResponse), crate::openapi::ApiErrors)
)]
pub async fn show_customer_order_details(
    State(state): State<AppState>,
    p: CustomerOrPartner,
    headers: HeaderMap,
    Path(order_id): Path<String>,
    ApiQuery(q): ApiQuery<ShowCustomerOrderDetailsQuery>,
) -> ApiResult<ShowCustomerOrderDetailsResponse> {
    let page = Page::parse(q.offset, q.limit)?;
    let lang = super::language(&headers)?;
    let scope = order_scope(&state, &p, q.indirect_partner_id.as_deref()).await?;
    let order = visible_order(&state, &scope, &order_id).await?;
    let lines = state.db.order_lines(&order.order_id).await?;
    let names = Names::load(&state.db, lang).await?;
    let items = page.window(&lines).map(|l| line_view(&order.order_id, l, &names)).collect();
    Ok(Json(ShowCustomerOrderDetailsResponse {
        total_count: lines.len() as i64,
        order_info: order_view(&order, &names),
        order_line_items: items,
    }))
}

#[utoipa::path(
    post, path = "/v3/orders/customer-orders/pay", operation_id = "pay_orders", tag = "orders",
    summary = "Pay a pending order from the customer's cash, with up to 3 coupons or the order's discount (never both).",
    request_body = PayCustomerOrderReq,
    params(crate::openapi::IdempotencyKey),
    responses((status = 200, description = "Success.", body = Empty), crate::openapi::ApiErrors)
)]
pub async fn pay_orders(
    State(state): State<AppState>,
    p: CustomerCaller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<PayCustomerOrderReq>,
) -> ApiResult<Empty> {
    let order_id = required("order_id", req.order_id.as_deref())?;
    let ids = |v: &Option<Vec<SimpleInfo>>| -> Result<Vec<String>, DomainError> {
        v.iter()
            .flatten()
            .map(|i| i.id.clone().filter(|s| !s.is_empty()).ok_or_else(|| DomainError::invalid("Every coupon or discount needs an id.")))
            .collect()
    };
    let request = PaymentRequest {
        use_coupon: req.use_coupon.clone(),
        use_discount: req.use_discount.clone(),
        coupon_ids: ids(&req.coupon_infos)?,
        discount_ids: ids(&req.discount_infos)?,
    };
    let key = idempotency_key(&headers)?;
    svc::pay_order(&state.db, &state.ledger, &p, order_id, &request, key.as_deref()).await?;
    Ok(Json(Empty {}))
}

#[utoipa::path(
    put, path = "/v2/orders/customer-orders/cancel", operation_id = "cancel_customer_order", tag = "orders",
    summary = "Cancel a pending-payment order (the customer's own key only).",
    request_body = CancelCustomerOrderReq,
    responses((status = 200, description = "Success.", body = Empty), crate::openapi::ApiErrors)
)]
pub async fn cancel_customer_order(
    State(state): State<AppState>,
    // Only with the customer's own key, never the partner's (docs/DOMAIN.md#R-ORD-13).
    p: CustomerCaller,
    ApiJson(req): ApiJson<CancelCustomerOrderReq>,
) -> ApiResult<Empty> {
    let order_id = required("order_id", req.order_id.as_deref())?;
    svc::cancel_order(&state.db, &p, order_id).await?;
    Ok(Json(Empty {}))
}

#[utoipa::path(
    get, path = "/v2/orders/customer-orders/order-coupons", operation_id = "list_order_coupons_by_order_id", tag = "orders",
    summary = "The customer's coupons that can pay an order.",
    params(OrderIdQuery),
    responses((status = 200, description = "Success.", body = ListOrderCouponsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_order_coupons_by_order_id(
    State(state): State<AppState>,
    me: CustomerCaller,
    ApiQuery(q): ApiQuery<OrderIdQuery>,
) -> ApiResult<ListOrderCouponsResponse> {
    let order = visible_order(&state, me.scope(), required("order_id", q.order_id.as_deref())?).await?;
    let coupons = svc::coupons_for_order(&state.db, me.scope(), me.id(), &order.order_id).await?;
    Ok(Json(ListOrderCouponsResponse {
        count: coupons.len() as i64,
        coupon_max_use_quantity: vec![CouponMaxUseQuantity {
            coupon_type: 1,
            coupon_group: 1,
            use_quantity_value: pc_domain::orders::MAX_COUPONS_PER_PAYMENT as i64,
        }],
        user_coupons: coupons
            .into_iter()
            .map(|c| OrderCoupon {
                status: c.status.code(),
                coupon_type: c.coupon_type,
                measure_id: MEASURE_YUAN,
                face_value: dec(c.face_value),
                effective_time: format_utc(c.effective_at),
                expire_time: format_utc(c.expire_at),
                use_limits: c
                    .limits
                    .cloud_service_types
                    .iter()
                    .map(|t| LimitInfo { limit_key: "cloud_service_types".into(), value1: t.clone(), limit_type: "1".into() })
                    .chain(c.limits.product_ids.iter().map(|t| LimitInfo {
                        limit_key: "product_ids".into(),
                        value1: t.clone(),
                        limit_type: "1".into(),
                    }))
                    .collect(),
                create_time: format_utc(c.created_at),
                coupon_version: 2,
                balance: dec(c.balance),
                used_by_order_id: None,
                coupon_id: c.coupon_id.into(),
            })
            .collect(),
    }))
}

#[utoipa::path(
    get, path = "/v2/orders/customer-orders/order-discounts", operation_id = "list_order_discounts", tag = "orders",
    summary = "The discount a pending order can use.",
    params(OrderIdQuery),
    responses((status = 200, description = "Success.", body = ListOrderDiscountsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_order_discounts(
    State(state): State<AppState>,
    me: CustomerCaller,
    ApiQuery(q): ApiQuery<OrderIdQuery>,
) -> ApiResult<ListOrderDiscountsResponse> {
    let order = visible_order(&state, me.scope(), required("order_id", q.order_id.as_deref())?).await?;
    let mut discounts = Vec::new();
    if let (Some(id), true) = (order.discount_id.clone(), order.discount > Money::ZERO && order.status == OrderStatus::PendingPayment) {
        let rate = state.db.customer_discounts(me.id()).await?.into_iter().find(|d| d.discount_id == id).map(|d| d.rate.to_string());
        discounts.push(OrderDiscount {
            discount_value: rate.unwrap_or_default(),
            discount_type: 3,
            orders: vec![DiscountOrder { order_id: order.order_id.to_string(), order_amount: dec(order.amount_after_discount()) }],
            discount_id: id,
        });
    }
    Ok(Json(ListOrderDiscountsResponse { discounts }))
}

#[utoipa::path(
    get, path = "/v2/orders/customer-orders/refund-orders", operation_id = "show_refund_order_details", tag = "orders",
    summary = "The items of a refund (unsubscription) order.",
    params(RefundOrderQuery),
    responses((status = 200, description = "Success.", body = ShowRefundOrderDetailsResponse), crate::openapi::ApiErrors)
)]
pub async fn show_refund_order_details(
    State(state): State<AppState>,
    p: CustomerOrPartner,
    ApiQuery(q): ApiQuery<RefundOrderQuery>,
) -> ApiResult<ShowRefundOrderDetailsResponse> {
    let order_id = required("order_id", q.order_id.as_deref())?;
    if matches!(p, CustomerOrPartner::Partner(_)) {
        // A partner names the customer whose refund it reads, as the operation documents.
        required("customer_id", q.customer_id.as_deref())?;
    }
    let scope = order_scope(&state, &p, q.indirect_partner_id.as_deref()).await?;
    let order = visible_order(&state, &scope, order_id).await?;
    if let Some(c) = q.customer_id.as_deref().filter(|s| !s.is_empty()) {
        if c != order.customer_id.as_str() {
            return Err(ApiError::code(ErrorCode::OrderNotFound));
        }
    }
    if order.order_type != OrderType::Unsubscribe {
        return Ok(Json(ShowRefundOrderDetailsResponse { total_count: 0, refund_infos: Vec::new() }));
    }
    let items = state.db.refund_items(&order.order_id).await?;
    // The operation takes no language: names show in the default one.
    let names = Names::load(&state.db, Language::default()).await?;
    let infos: Vec<RefundInfo> = items
        .iter()
        .map(|i| RefundInfo {
            id: i.item_id.clone(),
            // A refund is a negative amount (docs/DOMAIN.md#R-RES-10); `Money` itself is never
            // negative, so the sign is written on the wire only.
            amount: json_decimal(format!("-{}", i.amount)),
            measure_id: MEASURE_YUAN.to_string(),
            customer_id: order.customer_id.to_string(),
            resource_type_code: i.resource_type.clone(),
            service_type_code: i.cloud_service_type.clone(),
            resource_type_name: names.resource(&i.resource_type),
            service_type_name: names.service(&i.cloud_service_type),
            region_code: i.region.clone(),
            base_order_id: i.base_order_id.clone(),
        })
        .collect();
    Ok(Json(ShowRefundOrderDetailsResponse { total_count: infos.len() as i64, refund_infos: infos }))
}

fn product_choice(i: usize, p: &OrderProduct) -> Result<ProductChoice, DomainError> {
    let text = |field: &str, v: &Option<String>| -> Result<String, DomainError> {
        v.clone().filter(|s| !s.is_empty()).ok_or_else(|| DomainError::invalid(format!("product_infos[{i}].{field} is required.")))
    };
    let period = match (p.period_type, p.period_num) {
        (None, None) => None,
        (t, n) => Some(Period::parse(t, n)?),
    };
    Ok(ProductChoice {
        product: PeriodProduct {
            id: p.id.clone().unwrap_or_else(|| (i + 1).to_string()),
            cloud_service_type: text("cloud_service_type", &p.cloud_service_type)?,
            resource_type: text("resource_type", &p.resource_type)?,
            resource_spec: text("resource_spec", &p.resource_spec)?,
            region: text("region", &p.region)?,
            available_zone: p.available_zone.clone(),
            resource_size: p.resource_size,
            size_measure_id: p.size_measure_id,
            period_type: period.map_or(0, |p| p.period_type),
            period_num: period.map_or(0, |p| p.period_num),
            subscription_num: p.subscription_num.unwrap_or(1),
        },
        period,
    })
}

/// Product extension: a customer orders for itself; a partner for its resale customer with
/// the customer's authorization (`POST /v2/partners/sub-customers/orders`).
#[utoipa::path(
    post, path = "/v2/orders/customer-orders", operation_id = "create_customer_order", tag = "orders",
    summary = "A customer orders products for itself, priced from the price book in effect (product extension).",
    request_body = CreateOrderReq,
    params(crate::openapi::IdempotencyKey),
    responses((status = 200, description = "Success.", body = CreateOrderResponse), crate::openapi::ApiErrors)
)]
pub async fn create_customer_order(
    State(state): State<AppState>,
    p: CustomerOrPartner,
    headers: HeaderMap,
    ApiJson(req): ApiJson<CreateOrderReq>,
) -> ApiResult<CreateOrderResponse> {
    if matches!(p, CustomerOrPartner::Partner(_)) && req.customer_id.as_deref().is_none_or(str::is_empty) {
        return Err(DomainError::invalid("customer_id is required when a partner orders for a customer.").into());
    }
    let products = req.product_infos.as_deref().unwrap_or_default();
    let choices = products.iter().enumerate().map(|(i, p)| product_choice(i, p)).collect::<Result<Vec<_>, _>>()?;
    let types: Vec<&str> = choices.iter().map(|c| c.product.cloud_service_type.as_str()).collect();
    let party = svc::order_party(&state.db, &p, req.customer_id.as_deref(), req.indirect_partner_id.as_deref(), &types).await?;
    let claim =
        claim(p.principal(), idempotency_key(&headers)?, "create_order", &[&svc::order_request_canonical(&party.customer, &choices)]);
    let created = svc::create_purchase(&state.db, &party, &choices, claim).await?;
    let scope = order_scope(&state, &p, req.indirect_partner_id.as_deref()).await?;
    created_view(&state, &scope, &created.order_id).await
}

/// The order just placed, read back within the caller's scope.
async fn created_view(state: &AppState, scope: &TenantScope, order_id: &str) -> ApiResult<CreateOrderResponse> {
    let o = visible_order(state, scope, order_id).await?;
    Ok(Json(CreateOrderResponse {
        order_id: o.order_id.to_string(),
        official_amount: dec(o.official),
        amount_after_discount: dec(o.amount_after_discount()),
        pending_payment_end_time: o.payment_deadline.map(format_utc).unwrap_or_default(),
    }))
}

/// Product extension: a change-of-spec order (scaling up only) for a yearly/monthly resource.
#[utoipa::path(
    post, path = "/v2/orders/subscriptions/resources/change", operation_id = "change_resource_spec", tag = "resources",
    summary = "A change-of-spec order for a yearly/monthly resource, scaling up only (product extension).",
    request_body = ChangeSpecReq,
    responses((status = 200, description = "Success.", body = CreateOrderResponse), crate::openapi::ApiErrors)
)]
pub async fn change_resource_spec(
    State(state): State<AppState>,
    p: CustomerOrPartner,
    ApiJson(req): ApiJson<ChangeSpecReq>,
) -> ApiResult<CreateOrderResponse> {
    let resource_id = required("resource_id", req.resource_id.as_deref())?;
    let spec = required("resource_spec", req.resource_spec.as_deref())?;
    let party: OrderParty = svc::order_party(&state.db, &p, req.customer_id.as_deref(), None, &[]).await?;
    let created =
        svc::change_spec(&state.db, &party, resource_id, SpecChoice { resource_spec: spec.to_owned(), resource_size: req.resource_size })
            .await?;
    let scope = order_scope(&state, &p, None).await?;
    created_view(&state, &scope, &created.order_id).await
}

/// Product extension: the customer authorizes its current partner to order on its behalf.
#[utoipa::path(
    post, path = "/v2/orders/customer-orders/authorization", operation_id = "grant_order_authorization", tag = "orders",
    summary = "The customer authorizes its partner to order on its behalf (product extension).",
    request_body(content = Empty, description = "An empty object; fields are ignored."),
    responses((status = 200, description = "Success.", body = OrderAuthorizationResponse), crate::openapi::ApiErrors)
)]
pub async fn grant_order_authorization(State(state): State<AppState>, p: CustomerCaller) -> ApiResult<OrderAuthorizationResponse> {
    let partner = svc::authorize_partner(&state.db, &p).await?;
    Ok(Json(OrderAuthorizationResponse { partner_id: partner.to_string(), authorized: true }))
}

/// Product extension: the customer withdraws that authorization.
#[utoipa::path(
    delete, path = "/v2/orders/customer-orders/authorization", operation_id = "revoke_order_authorization", tag = "orders",
    summary = "The customer withdraws its partner's authorization to order (product extension).",
    responses((status = 200, description = "Success.", body = OrderAuthorizationResponse), crate::openapi::ApiErrors)
)]
pub async fn revoke_order_authorization(State(state): State<AppState>, me: CustomerCaller) -> ApiResult<OrderAuthorizationResponse> {
    let me = me.id().clone();
    let partner = state.db.customer_standing_with(&me, false).await?.map(|s| s.partner_id.to_string()).unwrap_or_default();
    state.db.revoke_order_authorization(&me).await?;
    Ok(Json(OrderAuthorizationResponse { partner_id: partner, authorized: false }))
}

/// Product extension: the operator advances a sandbox database's clock.
#[utoipa::path(
    post, path = "/v2/operator/clock", operation_id = "operator_advance_clock", tag = "operator",
    summary = "Operator: advance the business clock of a database created as a sandbox (`pcenter --sandbox`); `sandbox` may only restate what the database is (product extension).",
    request_body = AdvanceClockReq,
    responses((status = 200, description = "Success.", body = ClockResponse), crate::openapi::ApiErrors)
)]
pub async fn operator_advance_clock(
    State(state): State<AppState>,
    _operator: OperatorCaller,
    ApiJson(req): ApiJson<AdvanceClockReq>,
) -> ApiResult<ClockResponse> {
    pc_domain::clock::check_sandbox_flag(req.sandbox, state.db.clock_settings().await?.sandbox)?;
    if let Some(seconds) = req.seconds {
        let ms = seconds.checked_mul(1000).ok_or_else(|| DomainError::invalid("seconds is too large."))?;
        state.db.advance_clock(ms).await?;
    }
    let settings = state.db.clock_settings().await?;
    Ok(Json(ClockResponse { sandbox: settings.sandbox, offset_seconds: settings.offset_ms / 1000, now: format_utc(state.db.now().await?) }))
}

/// Product extension: the operator sets the limits on on-demand purchases, of one customer or
/// of every customer without its own (docs/DOMAIN.md#R-ORD-18).
#[utoipa::path(
    post, path = "/v2/operator/on-demand-limits", operation_id = "operator_set_on_demand_limits", tag = "operator",
    summary = "Operator: set the on-demand instances allowed per order and per customer, for one customer or (no customer_id) every customer without its own limits (product extension).",
    request_body = OnDemandLimitsReq,
    responses((status = 200, description = "Success.", body = OnDemandLimitsResponse), crate::openapi::ApiErrors)
)]
pub async fn operator_set_on_demand_limits(
    State(state): State<AppState>,
    operator: OperatorCaller,
    ApiJson(req): ApiJson<OnDemandLimitsReq>,
) -> ApiResult<OnDemandLimitsResponse> {
    let customer = req.customer_id.as_deref().filter(|s| !s.is_empty());
    let limits = svc::set_on_demand_limits(&state.db, &operator, customer, req.per_order, req.per_customer).await?;
    Ok(Json(OnDemandLimitsResponse {
        customer_id: customer.map(str::to_owned),
        per_order: limits.per_order,
        per_customer: limits.per_customer,
    }))
}

/// The customer a partner names for a resource view (its own resale customer).
pub(crate) async fn partner_customer(state: &AppState, p: &PartnerCaller, raw: Option<&str>) -> Result<DomainId, ApiError> {
    let raw = required("customer_id", raw)?;
    let customer = DomainId::parse(raw).map_err(|_| DomainError::of(ErrorCode::NotYourCustomer))?;
    let standing = state.db.customer_standing(&customer).await?;
    check_order_customer(p.ctx(), p.partner_id(), standing.as_ref())?;
    Ok(customer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pc_domain::DomainId;
    use pc_wire::orders::CreateOrderReq;
    use sha2::{Digest, Sha256};

    const CUSTOMER: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

    /// The canonical form of an order request body, as the idempotency check hashes it.
    fn canonical(body: &str) -> String {
        let req: CreateOrderReq = serde_json::from_str(body).unwrap();
        let products = req.product_infos.unwrap_or_default();
        let choices: Vec<ProductChoice> = products.iter().enumerate().map(|(i, p)| product_choice(i, p).unwrap()).collect();
        svc::order_request_canonical(&DomainId::from_trusted(CUSTOMER.to_owned()), &choices)
    }

    fn hash(body: &str) -> String {
        hex::encode(Sha256::digest(canonical(body).as_bytes()))
    }

    const BODY: &str = r#"{"product_infos": [{"id": "1", "cloud_service_type": "hws.service.type.ec2", "resource_type": "hws.resource.type.vm",
        "resource_spec": "s6.small.1.linux", "region": "cn-north-4", "period_type": 2, "period_num": 1, "subscription_num": 1}]}"#;

    // docs/DOMAIN.md#R-ORD-12
    #[test]
    fn order_request_hash_ignores_field_order_and_is_pinned() {
        let reordered = r#"{"product_infos": [{"subscription_num": 1, "period_num": 1, "period_type": 2, "region": "cn-north-4",
            "resource_spec": "s6.small.1.linux", "resource_type": "hws.resource.type.vm", "cloud_service_type": "hws.service.type.ec2", "id": "1"}]}"#;
        assert_eq!(canonical(BODY), canonical(reordered));
        assert_eq!(
            canonical(BODY),
            format!(
                r#"{{"customer_id":"{CUSTOMER}","product_infos":[{{"available_zone":null,"cloud_service_type":"hws.service.type.ec2","id":"1","period_num":1,"period_type":2,"region":"cn-north-4","resource_size":null,"resource_spec":"s6.small.1.linux","resource_type":"hws.resource.type.vm","size_measure_id":null,"subscription_num":1}}]}}"#
            )
        );
        assert_eq!(hash(BODY), PINNED);
    }

    #[test]
    fn order_request_hash_changes_with_any_field() {
        for changed in [
            BODY.replace(r#""period_num": 1"#, r#""period_num": 2"#),
            BODY.replace("cn-north-4", "cn-south-1"),
            BODY.replace(r#""subscription_num": 1"#, r#""subscription_num": 1, "resource_size": 40"#),
            BODY.replace(r#""id": "1""#, r#""id": "2""#),
        ] {
            assert_ne!(hash(&changed), hash(BODY), "{changed}");
        }
    }

    /// sha256 of the canonical form above, as Python computes it: `json.dumps(v, sort_keys=True, separators=(",", ":"))`.
    const PINNED: &str = "8519cbb63c55ab6bc4f5f3391c7b068dafc750e1a6007edd6e3af9e92657d057";
}
