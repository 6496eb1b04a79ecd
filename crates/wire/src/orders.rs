//! Orders and payment: the SDK models (`CustomerOrderV2/V3`, `OrderLineItemEntityV2`,
//! `PayCustomerOrderV3Req`, `CouponInfoV2`, `DiscountInfoV3`, `OrderRefundInfoV2`) field for
//! field, and the product's order-creation extensions in the same style.

use crate::funds::JsonDecimal;
use serde::{Deserialize, Serialize};

/// Query of `list_customer_orders`.
#[derive(Debug, Deserialize, Default)]
pub struct ListCustomerOrdersQuery {
    pub order_id: Option<String>,
    pub customer_id: Option<String>,
    pub create_time_begin: Option<String>,
    pub create_time_end: Option<String>,
    pub service_type_code: Option<String>,
    pub status: Option<i64>,
    pub order_type: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub order_by: Option<String>,
    pub payment_time_begin: Option<String>,
    pub payment_time_end: Option<String>,
    pub indirect_partner_id: Option<String>,
    pub method: Option<String>,
}

/// `DiscountItemV2`.
#[derive(Debug, Serialize)]
pub struct DiscountItem {
    pub discount_type: String,
    pub discount_amount: JsonDecimal,
}

/// `AmountInfomationV2` (sic).
#[derive(Debug, Serialize)]
pub struct AmountInfo {
    pub discounts: Vec<DiscountItem>,
    pub flexipurchase_coupon_amount: JsonDecimal,
    pub coupon_amount: JsonDecimal,
    pub stored_card_amount: JsonDecimal,
    pub commission_amount: JsonDecimal,
    pub consumed_amount: JsonDecimal,
}

/// `CustomerOrderV2` / `CustomerOrderV3`.
#[derive(Debug, Serialize)]
pub struct CustomerOrder {
    pub order_id: String,
    pub customer_id: String,
    pub service_type_code: String,
    pub service_type_name: String,
    pub source_type: i64,
    pub status: i64,
    pub order_type: i64,
    pub amount_after_discount: JsonDecimal,
    pub official_amount: JsonDecimal,
    pub measure_id: i64,
    pub create_time: String,
    pub payment_time: Option<String>,
    pub currency: String,
    pub amount_info: AmountInfo,
    pub user_name: String,
    pub pending_payment_end_time: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ListCustomerOrdersResponse {
    pub total_count: i64,
    pub order_infos: Vec<CustomerOrder>,
}

#[derive(Debug, Deserialize, Default)]
pub struct ShowCustomerOrderDetailsQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `OrderLineItemEntityV2`.
#[derive(Debug, Serialize)]
pub struct OrderLineItem {
    pub order_line_item_id: String,
    pub order_id: String,
    pub service_type_code: String,
    pub service_type_name: String,
    pub product_id: String,
    pub product_spec_desc: String,
    pub period_type: Option<i64>,
    pub period_num: Option<i64>,
    pub effective_time: Option<String>,
    pub expire_time: Option<String>,
    pub subscription_num: i64,
    pub amount_after_discount: JsonDecimal,
    pub official_amount: JsonDecimal,
    pub amount_info: AmountInfo,
    pub currency: String,
    pub category_code: String,
    pub commercial_resource: String,
}

#[derive(Debug, Serialize)]
pub struct ShowCustomerOrderDetailsResponse {
    pub total_count: i64,
    pub order_info: CustomerOrder,
    pub order_line_items: Vec<OrderLineItem>,
}

/// `CouponSimpleInfoOrderPayV3` / `DiscountSimpleInfoV3`.
#[derive(Debug, Deserialize)]
pub struct SimpleInfo {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<i64>,
}

/// `PayCustomerOrderV3Req`.
#[derive(Debug, Deserialize)]
pub struct PayCustomerOrderReq {
    pub order_id: Option<String>,
    pub use_coupon: Option<String>,
    pub use_discount: Option<String>,
    pub coupon_infos: Option<Vec<SimpleInfo>>,
    pub discount_infos: Option<Vec<SimpleInfo>>,
}

/// `CancelCustomerOrderReq`.
#[derive(Debug, Deserialize)]
pub struct CancelCustomerOrderReq {
    pub order_id: Option<String>,
}

/// The empty body of pay/cancel/auto-renew answers.
#[derive(Debug, Serialize, Default)]
pub struct Empty {}

#[derive(Debug, Deserialize)]
pub struct OrderIdQuery {
    pub order_id: Option<String>,
}

/// `LimitInfoV2`.
#[derive(Debug, Serialize)]
pub struct LimitInfo {
    pub limit_key: String,
    pub value1: String,
    pub limit_type: String,
}

/// `CouponInfoV2`.
#[derive(Debug, Serialize)]
pub struct OrderCoupon {
    pub coupon_id: String,
    pub status: i64,
    pub coupon_type: i64,
    pub measure_id: i64,
    pub face_value: JsonDecimal,
    pub effective_time: String,
    pub expire_time: String,
    pub use_limits: Vec<LimitInfo>,
    pub create_time: String,
    pub coupon_version: i64,
    pub balance: JsonDecimal,
    pub used_by_order_id: Option<String>,
}

/// `CouponMaxUseQuantity`.
#[derive(Debug, Serialize)]
pub struct CouponMaxUseQuantity {
    pub coupon_type: i64,
    pub coupon_group: i64,
    pub use_quantity_value: i64,
}

#[derive(Debug, Serialize)]
pub struct ListOrderCouponsResponse {
    pub count: i64,
    pub user_coupons: Vec<OrderCoupon>,
    pub coupon_max_use_quantity: Vec<CouponMaxUseQuantity>,
}

/// `OrderV3` inside a discount: which order it applies to.
#[derive(Debug, Serialize)]
pub struct DiscountOrder {
    pub order_id: String,
    pub order_amount: JsonDecimal,
}

/// `DiscountInfoV3`.
#[derive(Debug, Serialize)]
pub struct OrderDiscount {
    pub discount_id: String,
    pub discount_value: String,
    pub discount_type: i64,
    pub orders: Vec<DiscountOrder>,
}

#[derive(Debug, Serialize)]
pub struct ListOrderDiscountsResponse {
    pub discounts: Vec<OrderDiscount>,
}

#[derive(Debug, Deserialize)]
pub struct RefundOrderQuery {
    pub order_id: Option<String>,
    pub customer_id: Option<String>,
    pub indirect_partner_id: Option<String>,
}

/// `OrderRefundInfoV2`.
#[derive(Debug, Serialize)]
pub struct RefundInfo {
    pub id: String,
    pub amount: JsonDecimal,
    pub measure_id: String,
    pub customer_id: String,
    pub resource_type_code: String,
    pub service_type_code: String,
    pub region_code: String,
    pub base_order_id: String,
}

#[derive(Debug, Serialize)]
pub struct ShowRefundOrderDetailsResponse {
    pub total_count: i64,
    pub refund_infos: Vec<RefundInfo>,
}

/// One yearly/monthly or on-demand product of a new order (the price-inquiry fields of
/// `PeriodProductInfo`; on-demand when `period_type` is absent).
#[derive(Debug, Deserialize)]
pub struct OrderProduct {
    pub id: Option<String>,
    pub cloud_service_type: Option<String>,
    pub resource_type: Option<String>,
    pub resource_spec: Option<String>,
    pub region: Option<String>,
    pub available_zone: Option<String>,
    pub resource_size: Option<i64>,
    pub size_measure_id: Option<i64>,
    pub period_type: Option<i64>,
    pub period_num: Option<i64>,
    pub subscription_num: Option<i64>,
}

/// Product extension: a customer orders for itself (`customer_id` absent), or its partner
/// orders on its behalf (`customer_id` given).
#[derive(Debug, Deserialize)]
pub struct CreateOrderReq {
    pub customer_id: Option<String>,
    pub product_infos: Option<Vec<OrderProduct>>,
    pub indirect_partner_id: Option<String>,
}

/// Product extension: change the spec of a yearly/monthly resource (scaling up only).
#[derive(Debug, Deserialize)]
pub struct ChangeSpecReq {
    pub customer_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_spec: Option<String>,
    pub resource_size: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct CreateOrderResponse {
    pub order_id: String,
    pub official_amount: JsonDecimal,
    pub amount_after_discount: JsonDecimal,
    pub pending_payment_end_time: String,
}

/// Product extension: the customer authorizes (or revokes) its partner ordering for it.
#[derive(Debug, Serialize)]
pub struct OrderAuthorizationResponse {
    pub partner_id: String,
    pub authorized: bool,
}

/// Product extension: advance a sandbox database's clock.
#[derive(Debug, Deserialize)]
pub struct AdvanceClockReq {
    pub seconds: Option<i64>,
    pub sandbox: Option<bool>,
}

#[derive(Debug, Serialize)]
pub struct ClockResponse {
    pub sandbox: bool,
    pub offset_seconds: i64,
    pub now: String,
}
