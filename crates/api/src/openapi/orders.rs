//! OpenAPI entries of orders, payment and resources (chained into the document by
//! `operations()` and `schemas()` of the parent module).

use super::*;

fn nullable(mut schema: Value) -> Value {
    schema["nullable"] = Value::Bool(true);
    schema
}

pub(super) fn operations() -> Vec<Operation> {
    use Access::*;
    let op = |method, path, id, summary, tag, access, input, output| Operation { method, path, id, summary, tag, access, input, output };
    vec![
        op(
            "get",
            "/v2/orders/customer-orders",
            "list_customer_orders",
            "Orders of the calling customer, or of a partner's customers (tier-1: a tier-2's via indirect_partner_id).",
            "orders",
            Signed,
            Input::Query(vec![
                q("order_id", string()),
                q("customer_id", string()),
                q("create_time_begin", utc()),
                q("create_time_end", utc()),
                q("service_type_code", string()),
                q(
                    "status",
                    described(
                        integer(),
                        "1 pending review, 3 processing, 4 cancelled, 5 completed, 6 pending payment, 9 pending confirmation.",
                    ),
                ),
                q("order_type", described(string(), "1 new, 2 renewal, 3 change, 4 unsubscription, 10 to on-demand, 11, 13, 14, 15.")),
                q("limit", limit()),
                q("offset", offset()),
                q("order_by", described(string(), "createTime or -createTime (default).")),
                q("payment_time_begin", utc()),
                q("payment_time_end", utc()),
                q("indirect_partner_id", string()),
                q("method", described(string(), "oneself (default) or sub_customer.")),
            ]),
            "ListCustomerOrdersResponse",
        ),
        op(
            "post",
            "/v2/orders/customer-orders",
            "create_customer_order",
            "A customer orders products for itself, priced from the price book in effect (product extension).",
            "orders",
            SignedIdempotent,
            Input::Body("CreateOrderReq"),
            "CreateOrderResponse",
        ),
        op(
            "post",
            "/v2/partners/sub-customers/orders",
            "create_sub_customer_order",
            "A partner orders for its resale customer with the customer's authorization; never marketplace products (product extension).",
            "orders",
            SignedIdempotent,
            Input::Body("CreateOrderReq"),
            "CreateOrderResponse",
        ),
        op(
            "get",
            "/v2/orders/customer-orders/details/{order_id}",
            "show_customer_order_details",
            "One order with its line items.",
            "orders",
            Signed,
            Input::Query(vec![q("limit", limit()), q("offset", offset()), q("indirect_partner_id", string())]),
            "ShowCustomerOrderDetailsResponse",
        ),
        op(
            "post",
            "/v3/orders/customer-orders/pay",
            "pay_orders",
            "Pay a pending order from the customer's cash, with up to 3 coupons or the order's discount (never both).",
            "orders",
            SignedIdempotent,
            Input::Body("PayCustomerOrderReq"),
            "EmptyResponse",
        ),
        op(
            "put",
            "/v2/orders/customer-orders/cancel",
            "cancel_customer_order",
            "Cancel a pending-payment order (the customer's own key only).",
            "orders",
            Signed,
            Input::Body("CancelCustomerOrderReq"),
            "EmptyResponse",
        ),
        op(
            "get",
            "/v2/orders/customer-orders/order-coupons",
            "list_order_coupons_by_order_id",
            "The customer's coupons that can pay an order.",
            "orders",
            Signed,
            Input::Query(vec![q_required("order_id", string())]),
            "ListOrderCouponsResponse",
        ),
        op(
            "get",
            "/v2/orders/customer-orders/order-discounts",
            "list_order_discounts",
            "The discount a pending order can use.",
            "orders",
            Signed,
            Input::Query(vec![q_required("order_id", string())]),
            "ListOrderDiscountsResponse",
        ),
        op(
            "get",
            "/v2/orders/customer-orders/refund-orders",
            "show_refund_order_details",
            "The items of a refund (unsubscription) order.",
            "orders",
            Signed,
            Input::Query(vec![q_required("order_id", string()), q("customer_id", string()), q("indirect_partner_id", string())]),
            "ShowRefundOrderDetailsResponse",
        ),
        op(
            "post",
            "/v2/orders/customer-orders/authorization",
            "grant_order_authorization",
            "The customer authorizes its partner to order on its behalf (product extension).",
            "orders",
            Signed,
            Input::Body("EmptyRequest"),
            "OrderAuthorizationResponse",
        ),
        op(
            "delete",
            "/v2/orders/customer-orders/authorization",
            "revoke_order_authorization",
            "The customer withdraws its partner's authorization to order (product extension).",
            "orders",
            Signed,
            Input::None,
            "OrderAuthorizationResponse",
        ),
        op(
            "post",
            "/v2/orders/subscriptions/resources/change",
            "change_resource_spec",
            "A change-of-spec order for a yearly/monthly resource, scaling up only (product extension).",
            "resources",
            Signed,
            Input::Body("ChangeSpecReq"),
            "CreateOrderResponse",
        ),
        op(
            "post",
            "/v2/operator/clock",
            "operator_advance_clock",
            "Operator: mark the database a sandbox and advance its clock (refused outside a sandbox; product extension).",
            "operator",
            Signed,
            Input::Body("AdvanceClockReq"),
            "ClockResponse",
        ),
        op(
            "post",
            "/v2/orders/suscriptions/resources/query",
            "list_pay_per_use_customer_resources",
            "Yearly/monthly resources of the calling customer (a partner names its customer in customer_id).",
            "resources",
            Signed,
            Input::Body("QueryResourcesReq"),
            "ListResourcesResponse",
        ),
        op(
            "post",
            "/v2/orders/subscriptions/resources/renew",
            "renewal_resources",
            "Renew resources for 1-11 months or 1-3 years; failures per resource.",
            "resources",
            Signed,
            Input::Body("RenewalResourcesReq"),
            "OrderIdsResponse",
        ),
        op(
            "post",
            "/v2/orders/subscriptions/resources/unsubscribe",
            "cancel_resources_subscription",
            "Unsubscribe resources: a refund order returns the unused paid time pro rata to cash and coupons.",
            "resources",
            Signed,
            Input::Body("UnsubscribeResourcesReq"),
            "OrderIdsResponse",
        ),
        op(
            "post",
            "/v2/orders/subscriptions/resources/autorenew/{resource_id}",
            "auto_renewal_resources",
            "Turn auto-renewal on (the body may be omitted).",
            "resources",
            Signed,
            Input::Body("AutoRenewalResourcesReq"),
            "EmptyResponse",
        ),
        op(
            "delete",
            "/v2/orders/subscriptions/resources/autorenew/{resource_id}",
            "cancel_auto_renewal_resources",
            "Turn auto-renewal off.",
            "resources",
            Signed,
            Input::None,
            "EmptyResponse",
        ),
        op(
            "post",
            "/v2/orders/subscriptions/resources/renew/config",
            "set_resources_renew_config",
            "Renewal settings: DEDUCTION_DATE (2-7 days before expiry) or EXPIRE_DATE (1-28, -1 last day).",
            "resources",
            Signed,
            Input::Body("RenewResourceConfigReq"),
            "CodeResponse",
        ),
        op(
            "post",
            "/v2/orders/subscriptions/resources/to-on-demand",
            "update_period_to_on_demand",
            "Set up (or cancel) becoming on-demand at expiry; failures per resource.",
            "resources",
            Signed,
            Input::Body("PeriodToOnDemandReq"),
            "ErrorDetailsResponse",
        ),
    ]
}

pub(super) fn schemas() -> Vec<(&'static str, Value)> {
    let amount_info = object(
        &["discounts", "coupon_amount"],
        vec![
            (
                "discounts",
                array(object(&["discount_type", "discount_amount"], vec![("discount_type", string()), ("discount_amount", amount_out())])),
            ),
            ("flexipurchase_coupon_amount", amount_out()),
            ("coupon_amount", amount_out()),
            ("stored_card_amount", amount_out()),
            ("commission_amount", amount_out()),
            ("consumed_amount", amount_out()),
        ],
    );
    let order = object(
        &["order_id", "customer_id", "status", "order_type", "official_amount", "amount_after_discount", "create_time"],
        vec![
            ("order_id", string()),
            ("customer_id", string()),
            ("service_type_code", string()),
            ("service_type_name", string()),
            ("source_type", described(integer(), "1 customer, 2 partner on its behalf, 8 the system.")),
            ("status", described(integer(), "1 pending review, 3 processing, 4 cancelled, 5 completed, 6 pending payment.")),
            ("order_type", described(integer(), "1 new, 2 renewal, 3 change, 4 unsubscription, 10 to on-demand.")),
            ("amount_after_discount", amount_out()),
            ("official_amount", amount_out()),
            ("measure_id", integer()),
            ("create_time", utc()),
            ("payment_time", nullable(utc())),
            ("currency", string()),
            ("amount_info", amount_info.clone()),
            ("user_name", string()),
            ("pending_payment_end_time", nullable(utc())),
        ],
    );
    let line_item = object(
        &["order_line_item_id", "order_id", "official_amount", "amount_after_discount"],
        vec![
            ("order_line_item_id", string()),
            ("order_id", string()),
            ("service_type_code", string()),
            ("service_type_name", string()),
            ("product_id", string()),
            ("product_spec_desc", string()),
            ("period_type", nullable(integer())),
            ("period_num", nullable(integer())),
            ("effective_time", nullable(utc())),
            ("expire_time", nullable(utc())),
            ("subscription_num", integer()),
            ("amount_after_discount", amount_out()),
            ("official_amount", amount_out()),
            ("amount_info", amount_info),
            ("currency", string()),
            ("category_code", string()),
            ("commercial_resource", string()),
        ],
    );
    let simple = request(&[], vec![("id", string()), ("type", integer())]);
    let product = request(
        &["cloud_service_type", "resource_type", "resource_spec", "region"],
        vec![
            ("id", string()),
            ("cloud_service_type", string()),
            ("resource_type", string()),
            ("resource_spec", string()),
            ("region", string()),
            ("available_zone", string()),
            ("resource_size", integer()),
            ("size_measure_id", integer()),
            ("period_type", described(integer(), "2 month, 3 year; absent: on-demand.")),
            ("period_num", described(integer(), "1-11 months or 1-3 years.")),
            ("subscription_num", integer()),
        ],
    );
    let fail = object(
        &["error_code", "error_msg", "resource_id"],
        vec![("error_code", string()), ("error_msg", string()), ("resource_id", string())],
    );
    let instance = object(
        &["id", "resource_id", "status"],
        vec![
            ("id", string()),
            ("resource_id", string()),
            ("resource_name", string()),
            ("region_code", string()),
            ("service_type_code", string()),
            ("resource_type_code", string()),
            ("resource_spec_code", string()),
            ("product_id", string()),
            ("is_main_resource", integer()),
            ("status", described(integer(), "2 in use, 3 closed, 4 frozen, 5 expired (grace).")),
            ("effective_time", utc()),
            ("expire_time", nullable(utc())),
            ("expire_policy", described(integer(), "0 grace at expiry, 1 becomes on-demand.")),
            ("product_spec_desc", string()),
            ("update_time", utc()),
        ],
    );
    vec![
        ("EmptyRequest", json!({"type": "object", "properties": {}, "description": "An empty object; fields are ignored."})),
        (
            "AutoRenewalResourcesReq",
            request(
                &[],
                vec![
                    ("auto_renew_times", described(integer(), "0 (unlimited, default) to 99 renewals.")),
                    ("period_type", described(string(), "MONTH or YEAR; default the resource's period.")),
                ],
            ),
        ),
        (
            "ListCustomerOrdersResponse",
            object(&["total_count", "order_infos"], vec![("total_count", integer()), ("order_infos", array(order.clone()))]),
        ),
        (
            "ShowCustomerOrderDetailsResponse",
            object(
                &["total_count", "order_info", "order_line_items"],
                vec![("total_count", integer()), ("order_info", order), ("order_line_items", array(line_item))],
            ),
        ),
        (
            "PayCustomerOrderReq",
            request(
                &["order_id"],
                vec![
                    ("order_id", string()),
                    ("use_coupon", described(string(), "YES or NO.")),
                    ("use_discount", described(string(), "YES or NO.")),
                    ("coupon_infos", array(simple.clone())),
                    ("discount_infos", array(simple)),
                ],
            ),
        ),
        ("CancelCustomerOrderReq", request(&["order_id"], vec![("order_id", string())])),
        (
            "ListOrderCouponsResponse",
            object(
                &["count", "user_coupons"],
                vec![
                    ("count", integer()),
                    (
                        "user_coupons",
                        array(object(
                            &["coupon_id", "balance"],
                            vec![
                                ("coupon_id", string()),
                                ("status", integer()),
                                ("coupon_type", integer()),
                                ("measure_id", integer()),
                                ("face_value", amount_out()),
                                ("effective_time", utc()),
                                ("expire_time", utc()),
                                (
                                    "use_limits",
                                    array(object(&[], vec![("limit_key", string()), ("value1", string()), ("limit_type", string())])),
                                ),
                                ("create_time", utc()),
                                ("coupon_version", integer()),
                                ("balance", amount_out()),
                                ("used_by_order_id", nullable(string())),
                            ],
                        )),
                    ),
                    (
                        "coupon_max_use_quantity",
                        array(object(
                            &[],
                            vec![("coupon_type", integer()), ("coupon_group", integer()), ("use_quantity_value", integer())],
                        )),
                    ),
                ],
            ),
        ),
        (
            "ListOrderDiscountsResponse",
            object(
                &["discounts"],
                vec![(
                    "discounts",
                    array(object(
                        &["discount_id"],
                        vec![
                            ("discount_id", string()),
                            ("discount_value", described(string(), "The rate, e.g. 0.9.")),
                            ("discount_type", described(integer(), "3: granted by the partner.")),
                            ("orders", array(object(&[], vec![("order_id", string()), ("order_amount", amount_out())]))),
                        ],
                    )),
                )],
            ),
        ),
        (
            "ShowRefundOrderDetailsResponse",
            object(
                &["total_count", "refund_infos"],
                vec![
                    ("total_count", integer()),
                    (
                        "refund_infos",
                        array(object(
                            &["id", "amount"],
                            vec![
                                ("id", string()),
                                ("amount", amount_out()),
                                ("measure_id", string()),
                                ("customer_id", string()),
                                ("resource_type_code", string()),
                                ("service_type_code", string()),
                                ("region_code", string()),
                                ("base_order_id", string()),
                            ],
                        )),
                    ),
                ],
            ),
        ),
        (
            "CreateOrderReq",
            request(
                &["product_infos"],
                vec![
                    ("customer_id", described(string(), "Required when a partner orders.")),
                    ("product_infos", array(product)),
                    ("indirect_partner_id", string()),
                ],
            ),
        ),
        (
            "CreateOrderResponse",
            object(
                &["order_id", "official_amount", "amount_after_discount", "pending_payment_end_time"],
                vec![
                    ("order_id", string()),
                    ("official_amount", amount_out()),
                    ("amount_after_discount", amount_out()),
                    ("pending_payment_end_time", utc()),
                ],
            ),
        ),
        (
            "ChangeSpecReq",
            request(
                &["resource_id", "resource_spec"],
                vec![("customer_id", string()), ("resource_id", string()), ("resource_spec", string()), ("resource_size", integer())],
            ),
        ),
        ("OrderAuthorizationResponse", object(&["partner_id", "authorized"], vec![("partner_id", string()), ("authorized", boolean())])),
        (
            "AdvanceClockReq",
            request(&[], vec![("seconds", described(integer(), "How far to move the clock forward.")), ("sandbox", boolean())]),
        ),
        (
            "ClockResponse",
            object(&["sandbox", "offset_seconds", "now"], vec![("sandbox", boolean()), ("offset_seconds", integer()), ("now", utc())]),
        ),
        (
            "QueryResourcesReq",
            request(
                &[],
                vec![
                    ("resource_ids", array(string())),
                    ("order_id", string()),
                    ("only_main_resource", integer()),
                    ("status_list", array(integer())),
                    ("offset", offset()),
                    ("limit", limit()),
                    ("expire_time_begin", utc()),
                    ("expire_time_end", utc()),
                    ("service_type_code", string()),
                    ("customer_id", string()),
                ],
            ),
        ),
        ("ListResourcesResponse", object(&["data", "total_count"], vec![("data", array(instance)), ("total_count", integer())])),
        (
            "RenewalResourcesReq",
            request(
                &["resource_ids", "period_type", "period_num"],
                vec![("resource_ids", array(string())), ("period_type", integer()), ("period_num", integer()), ("is_auto_pay", integer())],
            ),
        ),
        (
            "OrderIdsResponse",
            object(&["order_ids", "fail_resource_infos"], vec![("order_ids", array(string())), ("fail_resource_infos", array(fail))]),
        ),
        (
            "UnsubscribeResourcesReq",
            request(
                &["resource_ids", "unsubscribe_type"],
                vec![
                    ("resource_ids", array(string())),
                    ("unsubscribe_type", described(integer(), "1 the resource and its renewals, 2 renewals only.")),
                    ("unsubscribe_reason_type", integer()),
                    ("unsubscribe_reason", string()),
                ],
            ),
        ),
        ("RenewResourceConfigReq", request(&["config_name", "config_value"], vec![("config_name", string()), ("config_value", string())])),
        ("CodeResponse", object(&["error_code", "error_msg"], vec![("error_code", string()), ("error_msg", string())])),
        (
            "PeriodToOnDemandReq",
            request(
                &["operation", "resource_ids"],
                vec![("operation", described(string(), "SET_UP or CANCEL.")), ("resource_ids", array(string()))],
            ),
        ),
        ("ErrorDetailsResponse", object(&["error_details"], vec![("error_details", array(schema_ref("ErrorDetail")))])),
    ]
}
