//! Orders and payment: the SDK models (`CustomerOrderV2/V3`, `OrderLineItemEntityV2`,
//! `PayCustomerOrderV3Req`, `CouponInfoV2`, `DiscountInfoV3`, `OrderRefundInfoV2`) field for
//! field, and the product's order-creation extensions in the same style.

use crate::funds::JsonDecimal;
use crate::schema::{Limit, Offset, Yuan};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Query of `list_customer_orders`.
#[derive(Debug, Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCustomerOrdersQuery {
    pub order_id: Option<String>,
    pub customer_id: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time_end: Option<String>,
    pub service_type_code: Option<String>,
    /// 1 pending review, 3 processing, 4 cancelled, 5 completed, 6 pending payment, 9 pending confirmation.
    pub status: Option<i64>,
    /// 1 new, 2 renewal, 3 change, 4 unsubscription, 10 to on-demand, 11, 13, 14, 15.
    pub order_type: Option<String>,
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    /// createTime or -createTime (default).
    pub order_by: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub payment_time_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub payment_time_end: Option<String>,
    pub indirect_partner_id: Option<String>,
    /// oneself (default) or sub_customer.
    pub method: Option<String>,
}

/// `DiscountItemV2`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscountItem {
    pub discount_type: String,
    #[schema(value_type = Yuan)]
    pub discount_amount: JsonDecimal,
}

/// `AmountInfomationV2` (sic).
#[derive(Debug, Serialize, ToSchema)]
pub struct AmountInfo {
    pub discounts: Vec<DiscountItem>,
    #[schema(value_type = Yuan)]
    pub flexipurchase_coupon_amount: JsonDecimal,
    #[schema(value_type = Yuan)]
    pub coupon_amount: JsonDecimal,
    #[schema(value_type = Yuan)]
    pub stored_card_amount: JsonDecimal,
    #[schema(value_type = Yuan)]
    pub commission_amount: JsonDecimal,
    #[schema(value_type = Yuan)]
    pub consumed_amount: JsonDecimal,
}

/// `CustomerOrderV2` / `CustomerOrderV3`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerOrder {
    pub order_id: String,
    pub customer_id: String,
    pub service_type_code: String,
    pub service_type_name: String,
    /// 1 customer, 2 partner on its behalf, 8 the system.
    pub source_type: i64,
    /// 1 pending review, 3 processing, 4 cancelled, 5 completed, 6 pending payment.
    pub status: i64,
    /// 1 new, 2 renewal, 3 change, 4 unsubscription, 10 to on-demand.
    pub order_type: i64,
    #[schema(value_type = Yuan)]
    pub amount_after_discount: JsonDecimal,
    #[schema(value_type = Yuan)]
    pub official_amount: JsonDecimal,
    pub measure_id: i64,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub payment_time: Option<String>,
    pub currency: String,
    pub amount_info: AmountInfo,
    pub user_name: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub pending_payment_end_time: Option<String>,
    /// Product extension: the partner discount of the order and who bears it (the granting
    /// partner, from its margin); absent when the order has no partner discount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_discount: Option<PartnerDiscount>,
    #[serde(flatten)]
    pub acted_by: crate::ActedBy,
}

/// Product extension: a partner's discount on an order, borne by that partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerDiscount {
    pub discount_id: String,
    /// The partner that granted the discount.
    pub granted_by: String,
    /// Always `partner`: the discount is the granting partner's margin.
    pub borne_by: String,
    #[schema(value_type = Yuan)]
    pub official_amount: JsonDecimal,
    /// Offered while pending payment; used once paid.
    #[schema(value_type = Yuan)]
    pub discount_amount: JsonDecimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListCustomerOrdersResponse {
    pub total_count: i64,
    pub order_infos: Vec<CustomerOrder>,
}

#[derive(Debug, Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShowCustomerOrderDetailsQuery {
    #[param(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    #[param(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `OrderLineItemEntityV2`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderLineItem {
    pub order_line_item_id: String,
    pub order_id: String,
    pub service_type_code: String,
    pub service_type_name: String,
    pub product_id: String,
    pub product_spec_desc: String,
    pub period_type: Option<i64>,
    pub period_num: Option<i64>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub effective_time: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time: Option<String>,
    pub subscription_num: i64,
    #[schema(value_type = Yuan)]
    pub amount_after_discount: JsonDecimal,
    #[schema(value_type = Yuan)]
    pub official_amount: JsonDecimal,
    pub amount_info: AmountInfo,
    pub currency: String,
    pub category_code: String,
    pub commercial_resource: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShowCustomerOrderDetailsResponse {
    pub total_count: i64,
    pub order_info: CustomerOrder,
    pub order_line_items: Vec<OrderLineItem>,
}

/// `CouponSimpleInfoOrderPayV3` / `DiscountSimpleInfoV3`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SimpleInfo {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<i64>,
}

/// `PayCustomerOrderV3Req`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PayCustomerOrderReq {
    #[schema(value_type = String)]
    pub order_id: Option<String>,
    /// YES or NO.
    pub use_coupon: Option<String>,
    /// YES or NO.
    pub use_discount: Option<String>,
    pub coupon_infos: Option<Vec<SimpleInfo>>,
    pub discount_infos: Option<Vec<SimpleInfo>>,
}

/// `CancelCustomerOrderReq`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelCustomerOrderReq {
    #[schema(value_type = String)]
    pub order_id: Option<String>,
}

/// The empty body of pay/cancel/auto-renew answers.
#[derive(Debug, Serialize, Default, ToSchema)]
pub struct Empty {}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderIdQuery {
    #[param(required = true)]
    pub order_id: Option<String>,
}

/// `LimitInfoV2`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LimitInfo {
    pub limit_key: String,
    pub value1: String,
    pub limit_type: String,
}

/// `CouponInfoV2`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderCoupon {
    pub coupon_id: String,
    pub status: i64,
    pub coupon_type: i64,
    pub measure_id: i64,
    #[schema(value_type = Yuan)]
    pub face_value: JsonDecimal,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub effective_time: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub expire_time: String,
    pub use_limits: Vec<LimitInfo>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub create_time: String,
    pub coupon_version: i64,
    #[schema(value_type = Yuan)]
    pub balance: JsonDecimal,
    pub used_by_order_id: Option<String>,
}

/// `CouponMaxUseQuantity`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouponMaxUseQuantity {
    pub coupon_type: i64,
    pub coupon_group: i64,
    pub use_quantity_value: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListOrderCouponsResponse {
    pub count: i64,
    pub user_coupons: Vec<OrderCoupon>,
    pub coupon_max_use_quantity: Vec<CouponMaxUseQuantity>,
}

/// `OrderV3` inside a discount: which order it applies to.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscountOrder {
    pub order_id: String,
    #[schema(value_type = Yuan)]
    pub order_amount: JsonDecimal,
}

/// `DiscountInfoV3`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDiscount {
    pub discount_id: String,
    /// The rate, e.g. 0.9.
    pub discount_value: String,
    /// 3: granted by the partner.
    pub discount_type: i64,
    pub orders: Vec<DiscountOrder>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListOrderDiscountsResponse {
    pub discounts: Vec<OrderDiscount>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RefundOrderQuery {
    #[param(required = true)]
    pub order_id: Option<String>,
    pub customer_id: Option<String>,
    pub indirect_partner_id: Option<String>,
}

/// `OrderRefundInfoV2`: one part of a refund (to cash or back to one coupon).
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundInfo {
    /// The id of this record, unique within the refund order.
    pub id: String,
    /// Negative: the amount refunded (positive would be an amount consumed or a fee).
    #[schema(value_type = Yuan)]
    pub amount: JsonDecimal,
    /// 1: yuan.
    pub measure_id: String,
    pub customer_id: String,
    pub resource_type_code: String,
    pub service_type_code: String,
    /// The resource type's name from the price book.
    pub resource_type_name: String,
    /// The cloud service type's name from the price book.
    pub service_type_name: String,
    pub region_code: String,
    /// The original order whose payment this amount refunds.
    pub base_order_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShowRefundOrderDetailsResponse {
    pub total_count: i64,
    pub refund_infos: Vec<RefundInfo>,
}

/// One yearly/monthly or on-demand product of a new order (the price-inquiry fields of
/// `PeriodProductInfo`; on-demand when `period_type` is absent).
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderProduct {
    pub id: Option<String>,
    #[schema(value_type = String)]
    pub cloud_service_type: Option<String>,
    #[schema(value_type = String)]
    pub resource_type: Option<String>,
    #[schema(value_type = String)]
    pub resource_spec: Option<String>,
    #[schema(value_type = String)]
    pub region: Option<String>,
    pub available_zone: Option<String>,
    pub resource_size: Option<i64>,
    pub size_measure_id: Option<i64>,
    /// 2 month, 3 year; absent: on-demand.
    pub period_type: Option<i64>,
    /// 1-11 months or 1-3 years.
    pub period_num: Option<i64>,
    pub subscription_num: Option<i64>,
}

/// Product extension: a customer orders for itself (`customer_id` absent), or its partner
/// orders on its behalf (`customer_id` given).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateOrderReq {
    /// Required when a partner orders.
    pub customer_id: Option<String>,
    #[schema(value_type = Vec<OrderProduct>)]
    pub product_infos: Option<Vec<OrderProduct>>,
    pub indirect_partner_id: Option<String>,
}

/// Product extension: change the spec of a yearly/monthly resource (scaling up only).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeSpecReq {
    pub customer_id: Option<String>,
    #[schema(value_type = String)]
    pub resource_id: Option<String>,
    #[schema(value_type = String)]
    pub resource_spec: Option<String>,
    pub resource_size: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreateOrderResponse {
    pub order_id: String,
    #[schema(value_type = Yuan)]
    pub official_amount: JsonDecimal,
    #[schema(value_type = Yuan)]
    pub amount_after_discount: JsonDecimal,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub pending_payment_end_time: String,
}

/// Product extension: the customer authorizes (or revokes) its partner ordering for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderAuthorizationResponse {
    pub partner_id: String,
    pub authorized: bool,
}

/// Product extension: the operator's limits on on-demand purchases.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OnDemandLimitsReq {
    /// The customer the limits are for; absent or empty: every customer without limits of its own.
    pub customer_id: Option<String>,
    /// Instances per order, 1–1,000,000.
    #[schema(value_type = i64)]
    pub per_order: Option<i64>,
    /// Instances a customer may hold or have pending, `per_order`–1,000,000.
    #[schema(value_type = i64)]
    pub per_customer: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OnDemandLimitsResponse {
    /// Absent: the limits of every customer without limits of its own.
    pub customer_id: Option<String>,
    pub per_order: i64,
    pub per_customer: i64,
}

/// Product extension: advance a sandbox database's clock.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AdvanceClockReq {
    /// How far to move the clock forward.
    pub seconds: Option<i64>,
    pub sandbox: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockResponse {
    pub sandbox: bool,
    pub offset_seconds: i64,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub now: String,
}
