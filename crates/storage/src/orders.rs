//! Orders, payment, resources and refunds. Every state change is one transaction; order
//! status changes are compare-and-set on the status (so a payment and a cancellation, or two
//! payments, can never both succeed), and resource changes first lock the resource row (so
//! two orders for one resource are decided one after the other on every backend).

use crate::coupons::{coupon_from_row, record_coupon_change, spend_coupon_in, COUPON_COLUMNS};
use crate::db::Db;
use crate::error::{Result, StorageError};
use crate::funds::{BindActor, ClaimedIn, IdempotencyClaim};
use crate::ledger::{platform, post, Posting};
use crate::scope::{partner_of, restrict};
use crate::sql::Sql;
use pc_domain::coupons::{coupon_record, CouponStatus};
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::orders::plan::{
    check_order_target, check_takes_order, AfterRefund, LineSettlement, OfferedCoupon, OrderPaymentPlan, PaidTerm, PayableLine,
    PayableOrder, Provision, RefundPlan, ResourceSnapshot,
};
use pc_domain::orders::{
    self as rules, payment_deadline, resource_status, source_type, OnDemandLimits, OrderStatus, OrderType, PaidParts, Period,
    ResourceStatus, GRACE_MS, RETENTION_MS,
};
use pc_domain::pricing::TermSpan;
use pc_domain::query::{EpochMillis, Page};
use pc_domain::tenancy::{Actor, TenantScope};
use pc_domain::{CouponId, OrderId, ResourceId};
use pc_domain::{DomainError, DomainId, ErrorCode};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// `charge_mode` of resources.
pub const CHARGE_PERIOD: i64 = 1;
pub const CHARGE_ON_DEMAND: i64 = 3;

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrderLine {
    /// The resource renewed or changed; `None` for a new purchase.
    pub resource_id: Option<String>,
    pub cloud_service_type: String,
    pub resource_type: String,
    pub resource_spec: String,
    pub region: String,
    pub product_id: String,
    /// The size of a sized product (a disk) and its measure; `None` for others.
    pub size: Option<ResourceSize>,
    /// A change of spec: the instant up to which it is priced (the resource's paid time).
    pub priced_until: Option<EpochMillis>,
    /// `None`: on-demand.
    pub period: Option<Period>,
    pub subscription_num: i64,
    pub official: Money,
    /// After the customer's discount.
    pub amount: Money,
}

/// The size of a sized product: `resource_size` in measure `size_measure_id` (17 = GB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceSize {
    pub resource_size: i64,
    pub size_measure_id: i64,
}

fn size_from_row(r: &AnyRow) -> Result<Option<ResourceSize>> {
    let size: Option<i64> = r.try_get("resource_size")?;
    let measure: Option<i64> = r.try_get("size_measure_id")?;
    Ok(size.zip(measure).map(|(resource_size, size_measure_id)| ResourceSize { resource_size, size_measure_id }))
}

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub customer: DomainId,
    /// The customer's partner, if any (partner order views list by it).
    pub partner: Option<DomainId>,
    pub placed_by: String,
    pub source_type: i64,
    pub order_type: OrderType,
    pub service_type_code: String,
    pub lines: Vec<NewOrderLine>,
    /// The discount offered with the order (its id); the lines' `amount` already applies it.
    pub discount_id: Option<String>,
    pub idempotency: Option<IdempotencyClaim>,
    /// Who really placed it: the caller (a member, or a tier-1 for its tier-2's customer);
    /// `None` for orders the product places itself (automatic renewals).
    pub by: Option<Actor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub order_id: OrderId,
    pub customer_id: DomainId,
    pub partner_id: Option<DomainId>,
    pub placed_by: String,
    pub source_type: i64,
    pub order_type: OrderType,
    pub status: OrderStatus,
    pub service_type_code: String,
    pub official: Money,
    pub discount_id: Option<String>,
    /// The partner that granted `discount_id`: the discount is its margin, it bears it.
    pub discount_granted_by: Option<DomainId>,
    pub discount: Money,
    pub paid_cash: Money,
    pub paid_coupon: Money,
    pub used_discount: Money,
    pub created_at: EpochMillis,
    pub payment_deadline: Option<EpochMillis>,
    pub paid_at: Option<EpochMillis>,
    /// Who really placed it (`placed_by` is that account's login name); `None` for the
    /// product's own orders.
    pub by: Option<Actor>,
}

impl Order {
    /// What the order costs after its discount.
    pub fn amount_after_discount(&self) -> Money {
        self.official.saturating_sub(self.discount)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub line_id: String,
    pub line_no: i64,
    pub resource_id: Option<ResourceId>,
    pub cloud_service_type: String,
    pub resource_type: String,
    pub resource_spec: String,
    pub region: String,
    pub product_id: String,
    pub size: Option<ResourceSize>,
    pub period: Option<Period>,
    pub subscription_num: i64,
    pub official: Money,
    pub amount: Money,
    pub term_start: Option<EpochMillis>,
    pub term_end: Option<EpochMillis>,
    pub paid_cash: Money,
}

#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub customer: Option<DomainId>,
    pub order_id: Option<String>,
    pub status: Option<OrderStatus>,
    pub order_type: Option<OrderType>,
    pub service_type_code: Option<String>,
    pub created: (Option<EpochMillis>, Option<EpochMillis>),
    pub paid: (Option<EpochMillis>, Option<EpochMillis>),
    pub oldest_first: bool,
    pub matches_nothing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub resource_id: ResourceId,
    pub customer_id: DomainId,
    pub order_id: OrderId,
    pub cloud_service_type: String,
    pub resource_type: String,
    pub resource_spec: String,
    pub region: String,
    pub product_id: String,
    /// The size it runs at (disks); `None` for products without a size.
    pub size: Option<ResourceSize>,
    pub charge_mode: i64,
    pub period_type: Option<i64>,
    pub effective_at: EpochMillis,
    pub expire_at: Option<EpochMillis>,
    pub to_on_demand: bool,
    pub closed_at: Option<EpochMillis>,
    /// Derived from the time the resource was read.
    pub status: ResourceStatus,
    pub auto_renew: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ResourceFilter {
    pub resource_ids: Vec<String>,
    pub order_id: Option<String>,
    pub statuses: Vec<ResourceStatus>,
    pub expire: (Option<EpochMillis>, Option<EpochMillis>),
    pub service_type_code: Option<String>,
    /// Yearly/monthly only (the period resource list).
    pub period_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCreated {
    pub order_id: OrderId,
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub order_id: OrderId,
    pub cash: Money,
    pub coupons: Vec<(CouponId, Money)>,
    pub resource_ids: Vec<String>,
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundItem {
    /// `<refund order id>-<n>`: the n-th part of the refund, in a stable order.
    pub item_id: String,
    pub resource_id: ResourceId,
    /// The paid line refunded, of the order `base_order_id`.
    pub line_id: String,
    pub base_order_id: String,
    pub cloud_service_type: String,
    pub resource_type: String,
    pub region: String,
    pub coupon_id: Option<CouponId>,
    /// The amount refunded (positive).
    pub amount: Money,
}

/// What planning a payment needs, read before paying: the customer's order, its lines, the
/// resources its lines target and the offered coupons that are the customer's.
#[derive(Debug, Clone)]
pub struct PaymentInputs {
    pub order: PayableOrder,
    pub lines: Vec<PayableLine>,
    pub resources: Vec<ResourceSnapshot>,
    pub coupons: Vec<OfferedCoupon>,
}

/// What planning an unsubscription needs, read before it: the resource, the statuses of its
/// open orders, its paid terms not refunded yet and the customer's partner.
#[derive(Debug, Clone)]
pub struct UnsubscribeInputs {
    pub resource: Resource,
    pub open_orders: Vec<OrderStatus>,
    pub terms: Vec<PaidTerm>,
    pub partner: Option<DomainId>,
}

/// An unsubscription to apply: the refund plan and the refund order it is recorded as.
#[derive(Debug, Clone)]
pub struct RefundJob {
    pub customer: DomainId,
    /// The resource as the plan read it.
    pub resource: Resource,
    pub plan: RefundPlan,
    pub placed_by: String,
    pub partner: Option<DomainId>,
    pub at: EpochMillis,
    /// Who really unsubscribed (`None`: the product itself).
    pub by: Option<Actor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribed {
    pub refund_order_id: OrderId,
    pub refund: PaidParts,
}

/// A renewal the scheduler owes: the resource, its customer and the configured period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRenewal {
    pub resource: Resource,
    pub period: Period,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpirySweep {
    pub converted_to_on_demand: usize,
    pub deleted: usize,
}

const ORDER_COLUMNS: &str = "o.order_id, o.customer_id, o.partner_id, o.placed_by, o.source_type, o.order_type, o.status, \
    o.service_type_code, o.official_fen, o.discount_id, o.discount_fen, o.paid_cash_fen, o.paid_coupon_fen, o.used_discount_fen, \
    o.created_at, o.payment_deadline, o.paid_at, o.by_account_id, o.by_member_id, \
    (SELECT d.partner_id FROM customer_discounts d WHERE d.discount_id = o.discount_id) AS discount_partner_id";

fn corrupt(what: &str, v: i64) -> StorageError {
    StorageError::Corrupt(format!("{what} {v}"))
}

fn order_from_row(r: &AnyRow) -> Result<Order> {
    let t: i64 = r.try_get("order_type")?;
    let s: i64 = r.try_get("status")?;
    Ok(Order {
        order_id: OrderId::from_trusted(r.try_get("order_id")?),
        customer_id: DomainId::from_trusted(r.try_get("customer_id")?),
        partner_id: r.try_get::<Option<String>, _>("partner_id")?.map(DomainId::from_trusted),
        placed_by: r.try_get("placed_by")?,
        source_type: r.try_get("source_type")?,
        order_type: OrderType::from_code(t).ok_or_else(|| corrupt("order_type", t))?,
        status: OrderStatus::from_code(s).ok_or_else(|| corrupt("order status", s))?,
        service_type_code: r.try_get("service_type_code")?,
        official: Money::from_fen(r.try_get("official_fen")?),
        discount_id: r.try_get("discount_id")?,
        discount_granted_by: r.try_get::<Option<String>, _>("discount_partner_id")?.map(DomainId::from_trusted),
        discount: Money::from_fen(r.try_get("discount_fen")?),
        paid_cash: Money::from_fen(r.try_get("paid_cash_fen")?),
        paid_coupon: Money::from_fen(r.try_get("paid_coupon_fen")?),
        used_discount: Money::from_fen(r.try_get("used_discount_fen")?),
        created_at: r.try_get("created_at")?,
        payment_deadline: r.try_get("payment_deadline")?,
        paid_at: r.try_get("paid_at")?,
        by: crate::funds::actor_from_row(r)?,
    })
}

const LINE_COLUMNS: &str = "line_id, line_no, resource_id, cloud_service_type, resource_type, resource_spec, region, product_id, \
    period_type, period_num, subscription_num, official_fen, amount_fen, term_start, term_end, paid_cash_fen, \
    resource_size, size_measure_id";

fn line_from_row(r: &AnyRow) -> Result<OrderLine> {
    let pt: Option<i64> = r.try_get("period_type")?;
    let pn: Option<i64> = r.try_get("period_num")?;
    Ok(OrderLine {
        line_id: r.try_get("line_id")?,
        line_no: r.try_get("line_no")?,
        resource_id: r.try_get::<Option<String>, _>("resource_id")?.map(ResourceId::from_trusted),
        cloud_service_type: r.try_get("cloud_service_type")?,
        resource_type: r.try_get("resource_type")?,
        resource_spec: r.try_get("resource_spec")?,
        region: r.try_get("region")?,
        product_id: r.try_get("product_id")?,
        size: size_from_row(r)?,
        period: pt.zip(pn).map(|(period_type, period_num)| Period { period_type, period_num }),
        subscription_num: r.try_get("subscription_num")?,
        official: Money::from_fen(r.try_get("official_fen")?),
        amount: Money::from_fen(r.try_get("amount_fen")?),
        term_start: r.try_get("term_start")?,
        term_end: r.try_get("term_end")?,
        paid_cash: Money::from_fen(r.try_get("paid_cash_fen")?),
    })
}

const RESOURCE_COLUMNS: &str = "r.resource_id, r.customer_id, r.order_id, r.cloud_service_type, r.resource_type, r.resource_spec, \
    r.region, r.product_id, r.resource_size, r.size_measure_id, r.charge_mode, r.period_type, r.effective_at, r.expire_at, r.to_on_demand, r.closed_at, \
    COALESCE((SELECT rc.auto_renew FROM renew_configs rc WHERE rc.resource_id = r.resource_id), 0) AS auto_renew";

fn resource_from_row(r: &AnyRow, now: EpochMillis) -> Result<Resource> {
    let expire_at: Option<EpochMillis> = r.try_get("expire_at")?;
    let closed_at: Option<EpochMillis> = r.try_get("closed_at")?;
    Ok(Resource {
        resource_id: ResourceId::from_trusted(r.try_get("resource_id")?),
        customer_id: DomainId::from_trusted(r.try_get("customer_id")?),
        order_id: OrderId::from_trusted(r.try_get("order_id")?),
        cloud_service_type: r.try_get("cloud_service_type")?,
        resource_type: r.try_get("resource_type")?,
        resource_spec: r.try_get("resource_spec")?,
        region: r.try_get("region")?,
        product_id: r.try_get("product_id")?,
        size: size_from_row(r)?,
        charge_mode: r.try_get("charge_mode")?,
        period_type: r.try_get("period_type")?,
        effective_at: r.try_get("effective_at")?,
        expire_at,
        to_on_demand: r.try_get::<i64, _>("to_on_demand")? == 1,
        closed_at,
        status: resource_status(expire_at, closed_at.is_some(), now),
        auto_renew: r.try_get::<i64, _>("auto_renew")? == 1,
    })
}

/// SQL for a resource's status at `now` (placeholder), from the domain's lifecycle periods;
/// `resource_status` is the same rule for one row.
fn resource_status_sql(now: &str) -> String {
    format!(
        "(CASE WHEN r.closed_at IS NOT NULL THEN {closed} WHEN r.expire_at IS NULL OR {now} < r.expire_at THEN {in_use} \
         WHEN {now} < r.expire_at + {grace} THEN {expired} WHEN {now} < r.expire_at + {frozen_end} THEN {frozen} ELSE {closed} END)",
        closed = ResourceStatus::Closed.code(),
        in_use = ResourceStatus::InUse.code(),
        expired = ResourceStatus::Expired.code(),
        frozen = ResourceStatus::Frozen.code(),
        grace = GRACE_MS,
        frozen_end = GRACE_MS + RETENTION_MS,
    )
}

/// The on-demand gate of a new purchase, inside its transaction (docs/DOMAIN.md#R-ORD-18):
/// the customer's cash account row is locked first, so two purchases of one customer are
/// counted in turn, then its available balance (cash plus usable coupons), the on-demand
/// instances it holds or has pending, and its limits are checked by the domain rule.
async fn check_on_demand_gate(conn: &mut AnyConnection, customer: &DomainId, ordered: i64, now: EpochMillis) -> Result<()> {
    sqlx::query("UPDATE fund_accounts SET balance_fen = balance_fen WHERE owner_id = $1")
        .bind(customer.as_str())
        .execute(&mut *conn)
        .await?;
    let cash: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(balance_fen), 0) AS BIGINT) FROM fund_accounts WHERE owner_id = $1")
        .bind(customer.as_str())
        .fetch_one(&mut *conn)
        .await?;
    let coupons: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(balance_fen), 0) AS BIGINT) FROM coupons \
         WHERE customer_id = $1 AND status = $2 AND effective_at <= $3 AND expire_at > $3",
    )
    .bind(customer.as_str())
    .bind(CouponStatus::Usable.code())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    // Held: open on-demand resources, each counting the instances its line bought (a resource
    // converted from yearly/monthly counts its own); pending: on-demand lines awaiting payment.
    let held: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(COALESCE((SELECT MAX(l.subscription_num) FROM order_lines l \
         WHERE l.order_id = r.order_id AND l.resource_id = r.resource_id), 1)), 0) AS BIGINT) \
         FROM resources r WHERE r.customer_id = $1 AND r.charge_mode = $2 AND r.closed_at IS NULL",
    )
    .bind(customer.as_str())
    .bind(CHARGE_ON_DEMAND)
    .fetch_one(&mut *conn)
    .await?;
    let pending: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(l.subscription_num), 0) AS BIGINT) FROM order_lines l JOIN orders o ON o.order_id = l.order_id \
         WHERE o.customer_id = $1 AND o.status = $2 AND o.order_type = $3 AND l.period_type IS NULL",
    )
    .bind(customer.as_str())
    .bind(OrderStatus::PendingPayment.code())
    .bind(OrderType::NewPurchase.code())
    .fetch_one(&mut *conn)
    .await?;
    let limits = on_demand_limits_in(conn, customer).await?;
    Ok(rules::check_on_demand_purchase(Money::from_fen(cash.saturating_add(coupons)), ordered, held.saturating_add(pending), limits)?)
}

/// The on-demand limits of a customer: its own row, else the row for everyone ('*'), else the
/// product's defaults.
async fn on_demand_limits_in(conn: &mut AnyConnection, customer: &DomainId) -> Result<OnDemandLimits> {
    let row = sqlx::query(
        "SELECT per_order, per_customer FROM on_demand_limits WHERE customer_id IN ($1, '*') \
         ORDER BY CASE WHEN customer_id = '*' THEN 1 ELSE 0 END LIMIT 1",
    )
    .bind(customer.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        None => Ok(OnDemandLimits::DEFAULT),
        Some(r) => Ok(OnDemandLimits { per_order: r.try_get("per_order")?, per_customer: r.try_get("per_customer")? }),
    }
}

/// Locks a customer's resource for the rest of the transaction and reads it. Unknown, not the
/// customer's, closed or deleted → CBC.99003016.
async fn lock_resource(conn: &mut AnyConnection, customer: &DomainId, resource_id: &str, now: EpochMillis) -> Result<Resource> {
    let touched = sqlx::query("UPDATE resources SET updated_at = updated_at WHERE resource_id = $1 AND customer_id = $2")
        .bind(resource_id)
        .bind(customer.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if touched == 0 {
        return Err(DomainError::of(ErrorCode::ResourceNotFound).into());
    }
    let row = sqlx::query(&format!("SELECT {RESOURCE_COLUMNS} FROM resources r WHERE r.resource_id = $1"))
        .bind(resource_id)
        .fetch_one(&mut *conn)
        .await?;
    let resource = resource_from_row(&row, now)?;
    rules::check_resource_available(resource.status)?;
    Ok(resource)
}

/// The statuses of the open orders (pending payment, processing, pending review) on a resource.
async fn open_orders_on(conn: &mut AnyConnection, resource_id: &str) -> Result<Vec<OrderStatus>> {
    let open: Vec<i64> = sqlx::query_scalar(
        "SELECT o.status FROM orders o JOIN order_lines l ON l.order_id = o.order_id WHERE l.resource_id = $1 AND o.status IN ($2, $3, $4)",
    )
    .bind(resource_id)
    .bind(OrderStatus::PendingPayment.code())
    .bind(OrderStatus::Processing.code())
    .bind(OrderStatus::PendingReview.code())
    .fetch_all(&mut *conn)
    .await?;
    open.into_iter().map(|s| OrderStatus::from_code(s).ok_or_else(|| corrupt("order status", s))).collect()
}

/// A resource in a pending-payment order (CBC.99003100) or with an order in progress
/// (CBC.99003144) takes no other order.
async fn check_no_open_order(conn: &mut AnyConnection, resource: &Resource) -> Result<()> {
    let open = open_orders_on(conn, &resource.resource_id).await?;
    Ok(check_takes_order(&open, resource.to_on_demand)?)
}

impl Resource {
    /// What plans need of a resource.
    pub fn snapshot(&self) -> ResourceSnapshot {
        ResourceSnapshot {
            resource_id: self.resource_id.clone(),
            expire_at: self.expire_at,
            status: self.status,
            to_on_demand: self.to_on_demand,
        }
    }
}

async fn find_order_key(conn: &mut AnyConnection, claim: &IdempotencyClaim) -> Result<Option<String>> {
    claim.earlier_row(conn, ClaimedIn::Orders).await
}

async fn order_lines_in(conn: &mut AnyConnection, order_id: &str) -> Result<Vec<OrderLine>> {
    let rows = sqlx::query(&format!("SELECT {LINE_COLUMNS} FROM order_lines WHERE order_id = $1 ORDER BY line_no"))
        .bind(order_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(line_from_row).collect()
}

async fn find_order_in(conn: &mut AnyConnection, order_id: &str) -> Result<Option<Order>> {
    let row =
        sqlx::query(&format!("SELECT {ORDER_COLUMNS} FROM orders o WHERE o.order_id = $1")).bind(order_id).fetch_optional(conn).await?;
    row.as_ref().map(order_from_row).transpose()
}

/// Why a compare-and-set on a customer's order found nothing to change.
async fn order_refusal(conn: &mut AnyConnection, customer: &DomainId, order_id: &str, now: EpochMillis, paying: bool) -> StorageError {
    match find_order_in(conn, order_id).await {
        Ok(Some(o)) if &o.customer_id == customer => {
            let refused = if paying { rules::check_payable(o.status, o.payment_deadline, now) } else { rules::check_cancellable(o.status) };
            refused.err().unwrap_or_else(|| DomainError::new(ErrorCode::OrderStatusForbids, "The order is changing; try again.")).into()
        }
        Ok(_) => DomainError::of(ErrorCode::OrderNotFound).into(),
        Err(e) => e,
    }
}

/// Returns a refund part to the coupon it came from; a used-up, expired or reclaimed coupon
/// becomes usable again (an expired one is then swept back to its quota as usual).
async fn refund_to_coupon(
    conn: &mut AnyConnection,
    customer: &DomainId,
    coupon_id: &str,
    amount: Money,
    refund_order_id: &str,
    now: EpochMillis,
    by: Option<&Actor>,
) -> Result<()> {
    let row = sqlx::query(
        "UPDATE coupons SET balance_fen = balance_fen + $1, status = $2, updated_at = $3 \
         WHERE coupon_id = $4 AND customer_id = $5 AND balance_fen + reclaimed_fen + $1 <= face_value_fen \
         RETURNING balance_fen, issuer_id, quota_id",
    )
    .bind(amount.fen())
    .bind(CouponStatus::Usable.code())
    .bind(now)
    .bind(coupon_id)
    .bind(customer.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Err(StorageError::Corrupt(format!("coupon {coupon_id} cannot take back {amount}")));
    };
    record_coupon_change(conn, &row, coupon_record::REFUND, customer, coupon_id, amount, refund_order_id, now, by).await
}

impl Db {
    /// Creates an order pending payment. Lines that name a resource are checked against it
    /// (exists and not deleted, no other open order, renewal within the maximum). An
    /// idempotency key answers the first order for the same request.
    pub async fn create_order(&self, new: &NewOrder, now: EpochMillis) -> Result<OrderCreated> {
        match (self.try_create_order(new, now).await, new.idempotency.as_ref()) {
            // A concurrent request with the same key committed first: answer its order.
            (Err(StorageError::Rule(e)), Some(claim)) if e.code == ErrorCode::IdempotencyKeyReused => {
                let mut conn = self.pool.acquire().await?;
                match find_order_key(&mut conn, claim).await? {
                    Some(order_id) => Ok(OrderCreated { order_id: OrderId::from_trusted(order_id), replayed: true }),
                    None => Err(StorageError::Rule(e)),
                }
            }
            (other, _) => other,
        }
    }

    /// The paid terms of a customer's resource not refunded and not a change of spec (the
    /// purchase and the renewals), oldest first: what a change of spec is priced over.
    pub async fn paid_term_spans(&self, resource_id: &str) -> Result<Vec<TermSpan>> {
        let rows = sqlx::query(
            "SELECT l.term_start, l.term_end, l.period_type FROM order_lines l JOIN orders o ON o.order_id = l.order_id \
             WHERE l.resource_id = $1 AND o.status = $2 AND l.refunded = 0 AND l.period_type IS NOT NULL \
             AND l.term_start IS NOT NULL AND l.term_end IS NOT NULL ORDER BY l.term_start",
        )
        .bind(resource_id)
        .bind(OrderStatus::Completed.code())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(TermSpan { start: r.try_get("term_start")?, end: r.try_get("term_end")?, period_type: r.try_get("period_type")? }))
            .collect()
    }

    /// The on-demand limits that apply to a customer (docs/DOMAIN.md#R-ORD-18).
    pub async fn on_demand_limits(&self, customer: &DomainId) -> Result<OnDemandLimits> {
        let mut conn = self.pool.acquire().await?;
        on_demand_limits_in(&mut conn, customer).await
    }

    /// The operator sets the on-demand limits of one customer, or (`None`) of every customer
    /// without limits of its own.
    pub async fn set_on_demand_limits(
        &self,
        customer: Option<&DomainId>,
        limits: OnDemandLimits,
        set_by: &DomainId,
        now: EpochMillis,
    ) -> Result<()> {
        self.write_one(
            sqlx::query(
                "INSERT INTO on_demand_limits (customer_id, per_order, per_customer, set_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (customer_id) DO UPDATE SET per_order = excluded.per_order, per_customer = excluded.per_customer, \
                 set_by = excluded.set_by, updated_at = excluded.updated_at",
            )
            .bind(customer.map_or("*", |c| c.as_str()))
            .bind(limits.per_order)
            .bind(limits.per_customer)
            .bind(set_by.as_str())
            .bind(now),
        )
        .await?;
        Ok(())
    }

    async fn try_create_order(&self, new: &NewOrder, now: EpochMillis) -> Result<OrderCreated> {
        if new.lines.is_empty() {
            return Err(DomainError::invalid("An order needs at least one line.").into());
        }
        let mut tx = self.begin_write().await?;
        if let Some(claim) = &new.idempotency {
            if let Some(order_id) = find_order_key(&mut tx, claim).await? {
                return Ok(OrderCreated { order_id: OrderId::from_trusted(order_id), replayed: true });
            }
        }
        for line in &new.lines {
            if let Some(resource_id) = &line.resource_id {
                let resource = lock_resource(&mut tx, &new.customer, resource_id, now).await?;
                check_no_open_order(&mut tx, &resource).await?;
                check_order_target(new.order_type, line.period, resource.expire_at, now)?;
            }
        }
        let on_demand = new.lines.iter().filter(|l| l.period.is_none()).fold(0i64, |n, l| n.saturating_add(l.subscription_num));
        if new.order_type == OrderType::NewPurchase && new.lines.iter().any(|l| l.period.is_none()) {
            check_on_demand_gate(&mut tx, &new.customer, on_demand, now).await?;
        }
        let order_id = new_id();
        let official = Money::sum(new.lines.iter().map(|l| l.official));
        let amount = Money::sum(new.lines.iter().map(|l| l.amount));
        let claim = new.idempotency.as_ref();
        sqlx::query(
            "INSERT INTO orders (order_id, customer_id, partner_id, placed_by, source_type, order_type, status, service_type_code, \
             official_fen, discount_id, discount_fen, created_at, payment_deadline, idem_scope, idem_key, request_hash, by_account_id, by_member_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(&order_id)
        .bind(new.customer.as_str())
        .bind(new.partner.as_ref().map(|p| p.as_str()))
        .bind(&new.placed_by)
        .bind(new.source_type)
        .bind(new.order_type.code())
        .bind(OrderStatus::PendingPayment.code())
        .bind(&new.service_type_code)
        .bind(official.fen())
        .bind(new.discount_id.as_deref())
        .bind(official.saturating_sub(amount).fen())
        .bind(now)
        .bind(payment_deadline(now))
        .bind(claim.map(|c| c.scope.as_str()))
        .bind(claim.map(|c| c.key.as_str()))
        .bind(claim.map(|c| c.request_hash.as_str()))
        .bind_actor(new.by.as_ref())
        .execute(&mut *tx)
        .await
        .map_err(crate::accounts::unique_violation_as(ErrorCode::IdempotencyKeyReused))?;
        for (i, line) in new.lines.iter().enumerate() {
            insert_line(&mut tx, &order_id, i as i64 + 1, line).await?;
        }
        tx.commit().await?;
        Ok(OrderCreated { order_id: OrderId::from_trusted(order_id), replayed: false })
    }

    /// What planning the payment of a customer's order needs; `None` when the order is not
    /// the customer's. Coupons offered that are not the customer's are left out (they cannot
    /// pay).
    pub async fn payment_inputs(
        &self,
        customer: &DomainId,
        order_id: &str,
        coupon_ids: &[CouponId],
        now: EpochMillis,
    ) -> Result<Option<PaymentInputs>> {
        let mut conn = self.pool.acquire().await?;
        let Some(order) = find_order_in(&mut conn, order_id).await?.filter(|o| &o.customer_id == customer) else {
            return Ok(None);
        };
        let lines = order_lines_in(&mut conn, order_id).await?;
        let mut resources = Vec::new();
        for resource_id in lines.iter().filter_map(|l| l.resource_id.as_deref()) {
            let row = sqlx::query(&format!("SELECT {RESOURCE_COLUMNS} FROM resources r WHERE r.resource_id = $1 AND r.customer_id = $2"))
                .bind(resource_id)
                .bind(customer.as_str())
                .fetch_optional(&mut *conn)
                .await?;
            if let Some(r) = row {
                resources.push(resource_from_row(&r, now)?.snapshot());
            }
        }
        let mut coupons = Vec::with_capacity(coupon_ids.len());
        for coupon_id in coupon_ids {
            let row = sqlx::query(&format!("SELECT {COUPON_COLUMNS} FROM coupons c WHERE c.coupon_id = $1 AND c.customer_id = $2"))
                .bind(coupon_id.as_str())
                .bind(customer.as_str())
                .fetch_optional(&mut *conn)
                .await?;
            if let Some(c) = row.as_ref().map(coupon_from_row).transpose()? {
                coupons.push(OfferedCoupon {
                    coupon_id: c.coupon_id,
                    customer: c.customer,
                    status: c.status,
                    effective_at: c.effective_at,
                    expire_at: c.expire_at,
                    limits: c.limits,
                    balance: c.balance,
                });
            }
        }
        let order = PayableOrder {
            order_id: order.order_id,
            customer_id: order.customer_id,
            order_type: order.order_type,
            status: order.status,
            payment_deadline: order.payment_deadline,
            official: order.official,
            discount_id: order.discount_id,
            discount: order.discount,
        };
        let lines = lines
            .into_iter()
            .map(|l| PayableLine {
                line_id: l.line_id,
                resource_id: l.resource_id,
                cloud_service_type: l.cloud_service_type,
                product_id: l.product_id,
                resource_spec: l.resource_spec,
                period: l.period,
                official: l.official,
                amount: l.amount,
            })
            .collect();
        Ok(Some(PaymentInputs { order, lines, resources, coupons }))
    }

    /// The answer to paying an order that cannot be paid now: the first payment again when
    /// it completed under the same key, else why not (CBC.99003018 not found, CBC.99003104 its
    /// status).
    pub async fn payment_refusal(&self, customer: &DomainId, order_id: &str, pay_key: Option<&str>, now: EpochMillis) -> Result<Payment> {
        let mut conn = self.pool.acquire().await?;
        if let Some(key) = pay_key {
            if let Some(done) = replayed_payment(&mut conn, customer, order_id, key).await? {
                return Ok(done);
            }
        }
        Err(order_refusal(&mut conn, customer, order_id, now, true).await)
    }

    /// Cancels a pending-payment order of this customer (compare-and-set on the status).
    pub async fn cancel_order(&self, customer: &DomainId, order_id: &OrderId, now: EpochMillis) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE orders SET status = $1, closed_at = $2 WHERE order_id = $3 AND customer_id = $4 AND status = $5")
            .bind(OrderStatus::Cancelled.code())
            .bind(now)
            .bind(order_id.as_str())
            .bind(customer.as_str())
            .bind(OrderStatus::PendingPayment.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(order_refusal(&mut tx, customer, order_id, now, false).await);
        }
        tx.commit().await?;
        Ok(())
    }

    /// An order in `scope`: placed with its partner for a customer it may see, or the
    /// customer's own.
    pub async fn find_order(&self, scope: &TenantScope, order_id: &OrderId) -> Result<Option<Order>> {
        let mut sql = Sql::new("");
        let p = sql.text_param(order_id);
        let scoped = restrict(&mut sql, scope, "o.partner_id", "o.customer_id");
        sql.replace_text(format!("SELECT {ORDER_COLUMNS} FROM orders o WHERE o.order_id = {p}{scoped}"));
        let row = sql.query().fetch_optional(&self.pool).await?;
        row.as_ref().map(order_from_row).transpose()
    }

    pub async fn order_lines(&self, order_id: &str) -> Result<Vec<OrderLine>> {
        let mut conn = self.pool.acquire().await?;
        order_lines_in(&mut conn, order_id).await
    }

    /// The coupons that paid an order: (coupon_id, amount), first used first.
    pub async fn order_coupon_uses(&self, order_id: &str) -> Result<Vec<(String, Money)>> {
        let rows = sqlx::query(
            "SELECT u.coupon_id, CAST(SUM(u.amount_fen) AS BIGINT) AS fen, MIN(l.line_no) AS first_line FROM order_coupon_uses u \
             JOIN order_lines l ON l.line_id = u.line_id WHERE u.order_id = $1 GROUP BY u.coupon_id ORDER BY first_line, u.coupon_id",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("coupon_id")?, Money::from_fen(r.try_get("fen")?)))).collect()
    }

    /// The parts of a refund order.
    pub async fn refund_items(&self, refund_order_id: &str) -> Result<Vec<RefundItem>> {
        let rows = sqlx::query(
            "SELECT i.resource_id, i.line_id, i.coupon_id, i.amount_fen, l.order_id, l.cloud_service_type, l.resource_type, l.region \
             FROM refund_items i JOIN order_lines l ON l.line_id = i.line_id \
             WHERE i.refund_order_id = $1 ORDER BY i.created_at, i.line_id, COALESCE(i.coupon_id, '')",
        )
        .bind(refund_order_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .enumerate()
            .map(|(n, r)| {
                Ok(RefundItem {
                    item_id: format!("{refund_order_id}-{}", n + 1),
                    resource_id: ResourceId::from_trusted(r.try_get("resource_id")?),
                    line_id: r.try_get("line_id")?,
                    base_order_id: r.try_get("order_id")?,
                    cloud_service_type: r.try_get("cloud_service_type")?,
                    resource_type: r.try_get("resource_type")?,
                    region: r.try_get("region")?,
                    coupon_id: r.try_get::<Option<String>, _>("coupon_id")?.map(CouponId::from_trusted),
                    amount: Money::from_fen(r.try_get("amount_fen")?),
                })
            })
            .collect()
    }

    /// Orders in `scope` matching `f`, newest first unless asked otherwise.
    pub async fn list_orders(&self, scope: &TenantScope, f: &OrderFilter, page: Page) -> Result<(Vec<Order>, i64)> {
        if f.matches_nothing {
            return Ok((Vec::new(), 0));
        }
        let mut sql = Sql::new("");
        let mut wh = String::from(" FROM orders o WHERE 1 = 1");
        wh += &restrict(&mut sql, scope, "o.partner_id", "o.customer_id");
        if let Some(c) = &f.customer {
            let p = sql.text_param(c.as_str());
            wh += &format!(" AND o.customer_id = {p}");
        }
        if let Some(id) = &f.order_id {
            let p = sql.text_param(&id.to_lowercase());
            wh += &format!(" AND lower(o.order_id) = {p}");
        }
        if let Some(s) = f.status {
            let p = sql.int_param(s.code());
            wh += &format!(" AND o.status = {p}");
        }
        if let Some(t) = f.order_type {
            let p = sql.int_param(t.code());
            wh += &format!(" AND o.order_type = {p}");
        }
        if let Some(code) = &f.service_type_code {
            let p = sql.text_param(&code.to_lowercase());
            wh += &format!(" AND lower(o.service_type_code) = {p}");
        }
        for (column, (from, to)) in [("o.created_at", f.created), ("o.paid_at", f.paid)] {
            if let Some(t) = from {
                let p = sql.int_param(t);
                wh += &format!(" AND {column} >= {p}");
            }
            if let Some(t) = to {
                let p = sql.int_param(t);
                wh += &format!(" AND {column} <= {p}");
            }
        }
        let order_by = if f.oldest_first { "o.created_at ASC, o.order_id" } else { "o.created_at DESC, o.order_id" };
        let (rows, total) = sql.fetch_page(&self.pool, ORDER_COLUMNS, &wh, order_by, page).await?;
        Ok((rows.iter().map(order_from_row).collect::<Result<Vec<_>>>()?, total))
    }

    pub async fn find_resource(&self, customer: &DomainId, resource_id: &ResourceId, now: EpochMillis) -> Result<Option<Resource>> {
        let row = sqlx::query(&format!("SELECT {RESOURCE_COLUMNS} FROM resources r WHERE r.resource_id = $1 AND r.customer_id = $2"))
            .bind(resource_id.as_str())
            .bind(customer.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| resource_from_row(r, now)).transpose()
    }

    /// A customer's resources in `scope` matching `f`, status as of `now`, newest first.
    pub async fn list_resources(
        &self,
        scope: &TenantScope,
        customer: &DomainId,
        f: &ResourceFilter,
        now: EpochMillis,
        page: Page,
    ) -> Result<(Vec<Resource>, i64)> {
        let mut sql = Sql::new("");
        let p = sql.text_param(customer.as_str());
        let mut wh = format!(" FROM resources r WHERE r.customer_id = {p}");
        wh += &restrict(&mut sql, scope, &partner_of("r.customer_id"), "r.customer_id");
        if f.period_only {
            let p = sql.int_param(CHARGE_PERIOD);
            wh += &format!(" AND r.charge_mode = {p}");
        }
        if !f.resource_ids.is_empty() {
            let ps: Vec<String> = f.resource_ids.iter().map(|id| sql.text_param(id)).collect();
            wh += &format!(" AND r.resource_id IN ({})", ps.join(", "));
        }
        if let Some(id) = &f.order_id {
            let p = sql.text_param(id);
            wh += &format!(
                " AND (r.order_id = {p} OR EXISTS (SELECT 1 FROM order_lines l WHERE l.resource_id = r.resource_id AND l.order_id = {p}))"
            );
        }
        if !f.statuses.is_empty() {
            let now_p = sql.int_param(now);
            let codes: Vec<String> = f.statuses.iter().map(|s| s.code().to_string()).collect();
            wh += &format!(" AND {} IN ({})", resource_status_sql(&now_p), codes.join(", "));
        }
        if let Some(t) = f.expire.0 {
            let p = sql.int_param(t);
            wh += &format!(" AND r.expire_at >= {p}");
        }
        if let Some(t) = f.expire.1 {
            let p = sql.int_param(t);
            wh += &format!(" AND r.expire_at <= {p}");
        }
        if let Some(code) = &f.service_type_code {
            let p = sql.text_param(code);
            wh += &format!(" AND r.cloud_service_type = {p}");
        }
        let (rows, total) = sql.fetch_page(&self.pool, RESOURCE_COLUMNS, &wh, "r.created_at DESC, r.resource_id", page).await?;
        Ok((rows.iter().map(|r| resource_from_row(r, now)).collect::<Result<Vec<_>>>()?, total))
    }

    /// What planning the unsubscription of a customer's resource needs; `None` when the
    /// resource is unknown or not the customer's.
    pub async fn unsubscribe_inputs(
        &self,
        customer: &DomainId,
        resource_id: &ResourceId,
        now: EpochMillis,
    ) -> Result<Option<UnsubscribeInputs>> {
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(&format!("SELECT {RESOURCE_COLUMNS} FROM resources r WHERE r.resource_id = $1 AND r.customer_id = $2"))
            .bind(resource_id.as_str())
            .bind(customer.as_str())
            .fetch_optional(&mut *conn)
            .await?;
        let Some(resource) = row.as_ref().map(|r| resource_from_row(r, now)).transpose()? else { return Ok(None) };
        let open_orders = open_orders_on(&mut conn, resource_id).await?;
        let lines_sql = format!(
            "SELECT l.{} FROM order_lines l JOIN orders o ON o.order_id = l.order_id \
             WHERE l.resource_id = $1 AND l.refunded = 0 AND l.term_end IS NOT NULL AND o.status = $2 ORDER BY l.term_start",
            LINE_COLUMNS.replace(", ", ", l.")
        );
        let lines: Vec<OrderLine> = sqlx::query(&lines_sql)
            .bind(resource_id.as_str())
            .bind(OrderStatus::Completed.code())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(line_from_row)
            .collect::<Result<_>>()?;
        let mut terms = Vec::with_capacity(lines.len());
        for line in lines {
            let coupons: Vec<(CouponId, Money)> =
                sqlx::query("SELECT coupon_id, amount_fen FROM order_coupon_uses WHERE line_id = $1 ORDER BY coupon_id")
                    .bind(&line.line_id)
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(|r| Ok((CouponId::from_trusted(r.try_get("coupon_id")?), Money::from_fen(r.try_get("amount_fen")?))))
                    .collect::<Result<_>>()?;
            terms.push(PaidTerm {
                line_id: line.line_id,
                term_start: line.term_start.unwrap_or(now),
                term_end: line.term_end.unwrap_or(now),
                paid: PaidParts { cash: line.paid_cash, coupons },
            });
        }
        let partner: Option<String> = sqlx::query_scalar("SELECT partner_id FROM associations WHERE customer_id = $1")
            .bind(customer.as_str())
            .fetch_optional(&mut *conn)
            .await?;
        Ok(Some(UnsubscribeInputs { resource, open_orders, terms, partner: partner.map(DomainId::from_trusted) }))
    }

    /// Turns auto-renewal of a yearly/monthly resource on (with its period and how many
    /// renewals; `None` unlimited) or off.
    pub async fn set_auto_renew(
        &self,
        customer: &DomainId,
        resource_id: &str,
        on: Option<(i64, Option<i64>)>,
        now: EpochMillis,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let resource = lock_resource(&mut tx, customer, resource_id, now).await?;
        if resource.expire_at.is_none() {
            return Err(DomainError::invalid("Only yearly/monthly resources renew automatically.").into());
        }
        let (auto, period_type, times) = match on {
            Some((pt, times)) => (1, pt, times),
            None => (0, resource.period_type.unwrap_or(Period::MONTH), None),
        };
        sqlx::query(
            "INSERT INTO renew_configs (resource_id, auto_renew, period_type, times_left, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (resource_id) DO UPDATE SET auto_renew = excluded.auto_renew, period_type = excluded.period_type, \
             times_left = excluded.times_left, updated_at = excluded.updated_at",
        )
        .bind(resource_id)
        .bind(auto)
        .bind(period_type)
        .bind(times)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A customer's renewal settings: (deduction days before expiry, unified expiry day).
    pub async fn customer_renew_settings(&self, customer: &DomainId) -> Result<(Option<i64>, Option<i64>)> {
        let row: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT deduction_days, expire_day FROM customer_renew_settings WHERE customer_id = $1")
                .bind(customer.as_str())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.unwrap_or((None, None)))
    }

    pub async fn set_customer_renew_settings(
        &self,
        customer: &DomainId,
        deduction_days: Option<i64>,
        expire_day: Option<i64>,
        now: EpochMillis,
    ) -> Result<()> {
        self.write_one(sqlx::query(
            "INSERT INTO customer_renew_settings (customer_id, deduction_days, expire_day, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (customer_id) DO UPDATE SET deduction_days = COALESCE(excluded.deduction_days, customer_renew_settings.deduction_days), \
             expire_day = COALESCE(excluded.expire_day, customer_renew_settings.expire_day), updated_at = excluded.updated_at",
        )
        .bind(customer.as_str())
        .bind(deduction_days)
        .bind(expire_day)
        .bind(now))
        .await?;
        Ok(())
    }

    /// Marks a yearly/monthly resource to become on-demand at its expiry: an order of type 10
    /// stays in progress until then (and blocks other orders on the resource, CBC.99003144).
    pub async fn convert_to_on_demand(
        &self,
        customer: &DomainId,
        resource_id: &str,
        placed_by: &str,
        by: Option<&Actor>,
        now: EpochMillis,
    ) -> Result<String> {
        let mut tx = self.begin_write().await?;
        let resource = lock_resource(&mut tx, customer, resource_id, now).await?;
        if resource.expire_at.is_none() {
            return Err(DomainError::invalid("The resource is already on-demand.").into());
        }
        check_no_open_order(&mut tx, &resource).await?;
        let partner: Option<String> = sqlx::query_scalar("SELECT partner_id FROM associations WHERE customer_id = $1")
            .bind(customer.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let order_id = new_id();
        sqlx::query(
            "INSERT INTO orders (order_id, customer_id, partner_id, placed_by, source_type, order_type, status, service_type_code, \
             official_fen, created_at, by_account_id, by_member_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11)",
        )
        .bind(&order_id)
        .bind(customer.as_str())
        .bind(partner.as_deref())
        .bind(placed_by)
        .bind(source_type::CUSTOMER)
        .bind(OrderType::PeriodToOnDemand.code())
        .bind(OrderStatus::Processing.code())
        .bind(&resource.cloud_service_type)
        .bind(now)
        .bind_actor(by)
        .execute(&mut *tx)
        .await?;
        let line = NewOrderLine {
            resource_id: Some(resource_id.to_owned()),
            cloud_service_type: resource.cloud_service_type.clone(),
            resource_type: resource.resource_type.clone(),
            resource_spec: resource.resource_spec.clone(),
            region: resource.region.clone(),
            product_id: resource.product_id.clone(),
            size: resource.size,
            priced_until: None,
            period: None,
            subscription_num: 1,
            official: Money::ZERO,
            amount: Money::ZERO,
        };
        insert_line(&mut tx, &order_id, 1, &line).await?;
        sqlx::query("UPDATE resources SET to_on_demand = 1, updated_at = $1 WHERE resource_id = $2")
            .bind(now)
            .bind(resource_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE renew_configs SET auto_renew = 0, updated_at = $1 WHERE resource_id = $2")
            .bind(now)
            .bind(resource_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(order_id)
    }

    /// Withdraws a pending conversion to on-demand: the type-10 order is cancelled.
    pub async fn cancel_to_on_demand(&self, customer: &DomainId, resource_id: &str, now: EpochMillis) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let resource = lock_resource(&mut tx, customer, resource_id, now).await?;
        if !resource.to_on_demand {
            return Err(DomainError::invalid("The resource is not set to become on-demand.").into());
        }
        sqlx::query(
            "UPDATE orders SET status = $1, closed_at = $2 WHERE order_type = $3 AND status = $4 \
             AND order_id IN (SELECT order_id FROM order_lines WHERE resource_id = $5)",
        )
        .bind(OrderStatus::Cancelled.code())
        .bind(now)
        .bind(OrderType::PeriodToOnDemand.code())
        .bind(OrderStatus::Processing.code())
        .bind(resource_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE resources SET to_on_demand = 0, updated_at = $1 WHERE resource_id = $2")
            .bind(now)
            .bind(resource_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records (or replaces) the customer's authorization for `partner` to order on its behalf.
    pub async fn grant_order_authorization(&self, customer: &DomainId, partner: &DomainId, now: EpochMillis) -> Result<()> {
        self.write_one(
            sqlx::query(
                "INSERT INTO order_authorizations (customer_id, partner_id, granted_at) VALUES ($1, $2, $3) \
             ON CONFLICT (customer_id) DO UPDATE SET partner_id = excluded.partner_id, granted_at = excluded.granted_at",
            )
            .bind(customer.as_str())
            .bind(partner.as_str())
            .bind(now),
        )
        .await?;
        Ok(())
    }

    pub async fn revoke_order_authorization(&self, customer: &DomainId) -> Result<()> {
        self.write_one(sqlx::query("DELETE FROM order_authorizations WHERE customer_id = $1").bind(customer.as_str())).await?;
        Ok(())
    }

    /// Has `customer` authorized `partner` to place its orders?
    pub async fn order_authorized(&self, customer: &DomainId, partner: &DomainId) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM order_authorizations WHERE customer_id = $1 AND partner_id = $2")
            .bind(customer.as_str())
            .bind(partner.as_str())
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Scheduler: cancels every pending-payment order past its payment window.
    pub async fn cancel_overdue_orders(&self, now: EpochMillis) -> Result<u64> {
        Ok(self
            .write_one(
                sqlx::query("UPDATE orders SET status = $1, closed_at = $2 WHERE status = $3 AND payment_deadline <= $2")
                    .bind(OrderStatus::Cancelled.code())
                    .bind(now)
                    .bind(OrderStatus::PendingPayment.code()),
            )
            .await?
            .rows_affected())
    }

    /// Scheduler: resources with auto-renewal on whose renewal is due (within the customer's
    /// deduction days before expiry, default 7), still renewable and without an open order.
    pub async fn due_auto_renewals(&self, now: EpochMillis) -> Result<Vec<DueRenewal>> {
        let day = 24 * 3600 * 1000i64;
        let rows = sqlx::query(&format!(
            "SELECT {RESOURCE_COLUMNS}, rc.period_type AS renew_period_type FROM resources r JOIN renew_configs rc ON rc.resource_id = r.resource_id \
             WHERE rc.auto_renew = 1 AND r.closed_at IS NULL AND r.to_on_demand = 0 AND r.expire_at IS NOT NULL \
             AND r.expire_at - COALESCE((SELECT s.deduction_days FROM customer_renew_settings s WHERE s.customer_id = r.customer_id), 7) * $1 <= $2 \
             AND r.expire_at + $3 > $2 \
             AND NOT EXISTS (SELECT 1 FROM order_lines l JOIN orders o ON o.order_id = l.order_id WHERE l.resource_id = r.resource_id AND o.status IN ($4, $5, $6)) \
             ORDER BY r.expire_at, r.resource_id"
        ))
        .bind(day)
        .bind(now)
        .bind(GRACE_MS + RETENTION_MS)
        .bind(OrderStatus::PendingPayment.code())
        .bind(OrderStatus::Processing.code())
        .bind(OrderStatus::PendingReview.code())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let pt: i64 = r.try_get("renew_period_type")?;
                Ok(DueRenewal { resource: resource_from_row(r, now)?, period: Period { period_type: pt, period_num: 1 } })
            })
            .collect()
    }

    /// Scheduler: one automatic renewal was placed; counts down a limited number of renewals
    /// (auto-renewal turns off after the last).
    pub async fn count_auto_renewal(&self, resource_id: &str, now: EpochMillis) -> Result<()> {
        self.write_one(
            sqlx::query(
                "UPDATE renew_configs SET times_left = times_left - 1, auto_renew = CASE WHEN times_left = 1 THEN 0 ELSE auto_renew END, \
             updated_at = $1 WHERE resource_id = $2 AND times_left IS NOT NULL AND times_left > 0",
            )
            .bind(now)
            .bind(resource_id),
        )
        .await?;
        Ok(())
    }

    /// Scheduler: resources marked to-on-demand become on-demand at expiry (their type-10
    /// order completes); resources past grace and retention are deleted (closed). Grace and
    /// frozen need no write: they are read from the expiry time.
    pub async fn sweep_expired_resources(&self, now: EpochMillis) -> Result<ExpirySweep> {
        let mut tx = self.begin_write().await?;
        let converting: Vec<String> =
            sqlx::query_scalar("SELECT resource_id FROM resources WHERE to_on_demand = 1 AND closed_at IS NULL AND expire_at <= $1")
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
        for id in &converting {
            sqlx::query(
                "UPDATE resources SET charge_mode = $1, expire_at = NULL, to_on_demand = 0, updated_at = $2 WHERE resource_id = $3",
            )
            .bind(CHARGE_ON_DEMAND)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE orders SET status = $1, closed_at = $2 WHERE order_type = $3 AND status = $4 \
                 AND order_id IN (SELECT order_id FROM order_lines WHERE resource_id = $5)",
            )
            .bind(OrderStatus::Completed.code())
            .bind(now)
            .bind(OrderType::PeriodToOnDemand.code())
            .bind(OrderStatus::Processing.code())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let deleted = sqlx::query(
            "UPDATE resources SET closed_at = expire_at + $1, updated_at = $2 WHERE closed_at IS NULL AND expire_at + $1 <= $2",
        )
        .bind(GRACE_MS + RETENTION_MS)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(ExpirySweep { converted_to_on_demand: converting.len(), deleted: deleted as usize })
    }

    /// Order-side invariants for audits: completed orders whose parts do not add up, coupon
    /// uses that differ from the spend records, refunds beyond what was paid. All zero when
    /// consistent.
    pub async fn order_audit(&self) -> Result<OrderAudit> {
        let misbooked: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM orders o WHERE o.status = $1 AND o.order_type IN (1, 2, 3) AND \
             (o.paid_cash_fen + o.paid_coupon_fen + o.used_discount_fen <> o.official_fen \
              OR o.paid_cash_fen <> COALESCE((SELECT CAST(SUM(t.amount_fen) AS BIGINT) FROM fund_transfers t WHERE t.order_id = o.order_id AND t.kind = 'DEDEUCT'), 0) \
              OR o.paid_coupon_fen <> COALESCE((SELECT CAST(SUM(u.amount_fen) AS BIGINT) FROM order_coupon_uses u WHERE u.order_id = o.order_id), 0))",
        )
        .bind(OrderStatus::Completed.code())
        .fetch_one(&self.pool)
        .await?;
        let refunds_beyond_paid: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM order_lines l WHERE \
             COALESCE((SELECT CAST(SUM(i.amount_fen) AS BIGINT) FROM refund_items i WHERE i.line_id = l.line_id AND i.coupon_id IS NULL), 0) > l.paid_cash_fen",
        )
        .fetch_one(&self.pool)
        .await?;
        let unpaid_resources: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM resources r JOIN orders o ON o.order_id = r.order_id WHERE o.status <> $1")
                .bind(OrderStatus::Completed.code())
                .fetch_one(&self.pool)
                .await?;
        Ok(OrderAudit { misbooked_orders: misbooked, refunds_beyond_paid, unpaid_resources })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderAudit {
    pub misbooked_orders: i64,
    pub refunds_beyond_paid: i64,
    pub unpaid_resources: i64,
}

impl OrderAudit {
    pub fn holds(&self) -> bool {
        self.misbooked_orders == 0 && self.refunds_beyond_paid == 0 && self.unpaid_resources == 0
    }
}

async fn insert_line(conn: &mut AnyConnection, order_id: &str, line_no: i64, line: &NewOrderLine) -> Result<()> {
    sqlx::query(
        "INSERT INTO order_lines (line_id, order_id, line_no, resource_id, cloud_service_type, resource_type, resource_spec, region, \
         product_id, period_type, period_num, subscription_num, official_fen, amount_fen, resource_size, size_measure_id, priced_until) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(new_id())
    .bind(order_id)
    .bind(line_no)
    .bind(line.resource_id.as_deref())
    .bind(&line.cloud_service_type)
    .bind(&line.resource_type)
    .bind(&line.resource_spec)
    .bind(&line.region)
    .bind(&line.product_id)
    .bind(line.period.map(|p| p.period_type))
    .bind(line.period.map(|p| p.period_num))
    .bind(line.subscription_num)
    .bind(line.official.fen())
    .bind(line.amount.fen())
    .bind(line.size.map(|s| s.resource_size))
    .bind(line.size.map(|s| s.size_measure_id))
    .bind(line.priced_until)
    .execute(conn)
    .await?;
    Ok(())
}

/// Pays an order by its plan inside the caller's transaction, then provisions. The status
/// moves pending payment → processing by compare-and-set first, so a concurrent payment or
/// cancellation of the same order finds nothing to change; every other write is conditional
/// on the values the plan was made from (coupon balances, the cash balance, resource expiry).
/// Short cash → CBC.99005003 and the caller rolls back: nothing is paid.
pub(crate) async fn apply_payment(
    conn: &mut AnyConnection,
    plan: &OrderPaymentPlan,
    pay_key: Option<&str>,
    at: EpochMillis,
    by: Option<&Actor>,
) -> Result<Payment> {
    let (customer, order_id) = (&plan.customer, plan.order_id.as_str());
    let claimed = sqlx::query(
        "UPDATE orders SET status = $1 WHERE order_id = $2 AND customer_id = $3 AND status = $4 AND payment_deadline > $5 AND order_type = $6",
    )
    .bind(OrderStatus::Processing.code())
    .bind(order_id)
    .bind(customer.as_str())
    .bind(OrderStatus::PendingPayment.code())
    .bind(at)
    .bind(plan.order_type.code())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed == 0 {
        if let Some(key) = pay_key {
            if let Some(done) = replayed_payment(conn, customer, order_id, key).await? {
                return Ok(done);
            }
        }
        return Err(order_refusal(conn, customer, order_id, at, true).await);
    }
    for (coupon_id, amount) in &plan.coupons {
        spend_coupon_in(conn, customer, coupon_id, *amount, order_id, at, by).await?;
    }
    if plan.cash > Money::ZERO {
        let platform = platform();
        let posting = Posting {
            kind: TransferKind::Deduct,
            actor: customer,
            counterparty: &platform,
            from_owner: Some(customer),
            to_owner: &platform,
            amount: plan.cash,
            order_id: Some(order_id),
            idempotency: None,
            by,
        };
        post(conn, &posting, at).await?;
    }
    let mut resource_ids = Vec::with_capacity(plan.lines.len());
    for line in &plan.lines {
        let resource_id = provision(conn, customer, order_id, line, at).await?;
        sqlx::query(
            "UPDATE order_lines SET resource_id = $1, term_start = $2, term_end = $3, paid_cash_fen = $4 WHERE line_id = $5 AND order_id = $6",
        )
        .bind(&resource_id)
        .bind(line.term.map(|t| t.0))
        .bind(line.term.map(|t| t.1))
        .bind(line.paid.cash.fen())
        .bind(&line.line_id)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
        for (coupon_id, amount) in &line.paid.coupons {
            sqlx::query("INSERT INTO order_coupon_uses (order_id, line_id, coupon_id, amount_fen) VALUES ($1, $2, $3, $4)")
                .bind(order_id)
                .bind(&line.line_id)
                .bind(coupon_id.as_str())
                .bind(amount.fen())
                .execute(&mut *conn)
                .await?;
        }
        resource_ids.push(resource_id);
    }
    sqlx::query(
        "UPDATE orders SET status = $1, paid_cash_fen = $2, paid_coupon_fen = $3, used_discount_fen = $4, paid_at = $5, closed_at = $5, \
         pay_key = $6 WHERE order_id = $7",
    )
    .bind(OrderStatus::Completed.code())
    .bind(plan.cash.fen())
    .bind(plan.coupon_total().fen())
    .bind(plan.used_discount.fen())
    .bind(at)
    .bind(pay_key)
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    Ok(Payment {
        order_id: OrderId::from_trusted(order_id.to_owned()),
        cash: plan.cash,
        coupons: plan.coupons.clone(),
        resource_ids,
        replayed: false,
    })
}

/// A retried payment whose first attempt completed the order under the same key.
async fn replayed_payment(conn: &mut AnyConnection, customer: &DomainId, order_id: &str, key: &str) -> Result<Option<Payment>> {
    let row = sqlx::query("SELECT paid_cash_fen FROM orders WHERE order_id = $1 AND customer_id = $2 AND status = $3 AND pay_key = $4")
        .bind(order_id)
        .bind(customer.as_str())
        .bind(OrderStatus::Completed.code())
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let coupons = sqlx::query(
        "SELECT coupon_id, CAST(SUM(amount_fen) AS BIGINT) AS fen FROM order_coupon_uses WHERE order_id = $1 GROUP BY coupon_id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((CouponId::from_trusted(r.try_get("coupon_id")?), Money::from_fen(r.try_get("fen")?))))
    .collect::<Result<Vec<_>>>()?;
    let resource_ids: Vec<Option<String>> = sqlx::query_scalar("SELECT resource_id FROM order_lines WHERE order_id = $1 ORDER BY line_no")
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(Some(Payment {
        order_id: OrderId::from_trusted(order_id.to_owned()),
        cash: Money::from_fen(row.try_get("paid_cash_fen")?),
        coupons,
        resource_ids: resource_ids.into_iter().flatten().collect(),
        replayed: true,
    }))
}

fn resource_changing() -> StorageError {
    DomainError::new(ErrorCode::ResourceOrderInProgress, "The resource is changing; try again.").into()
}

/// What a paid line does to its resource, as planned: creates it (from the line), extends its
/// expiry or changes its spec, each only if the resource is still as the plan read it.
/// Returns the resource.
async fn provision(
    conn: &mut AnyConnection,
    customer: &DomainId,
    order_id: &str,
    line: &LineSettlement,
    at: EpochMillis,
) -> Result<String> {
    match &line.provision {
        Provision::Create { period_type, term } => {
            let resource_id = new_id();
            let charge_mode = if term.is_some() { CHARGE_PERIOD } else { CHARGE_ON_DEMAND };
            sqlx::query(
                "INSERT INTO resources (resource_id, customer_id, order_id, cloud_service_type, resource_type, resource_spec, region, \
                 product_id, charge_mode, period_type, effective_at, expire_at, created_at, updated_at, resource_size, size_measure_id) \
                 SELECT $1, $2, $3, cloud_service_type, resource_type, resource_spec, region, product_id, $4, $5, $6, $7, $6, $6, \
                 resource_size, size_measure_id \
                 FROM order_lines WHERE line_id = $8 AND order_id = $3",
            )
            .bind(&resource_id)
            .bind(customer.as_str())
            .bind(order_id)
            .bind(charge_mode)
            .bind(*period_type)
            .bind(at)
            .bind(term.map(|t| t.1))
            .bind(&line.line_id)
            .execute(&mut *conn)
            .await?;
            Ok(resource_id)
        }
        Provision::Extend { resource_id, from, to } => {
            let done = sqlx::query(
                "UPDATE resources SET expire_at = $1, updated_at = $2 WHERE resource_id = $3 AND customer_id = $4 \
                 AND closed_at IS NULL AND expire_at = $5",
            )
            .bind(*to)
            .bind(at)
            .bind(resource_id.as_str())
            .bind(customer.as_str())
            .bind(*from)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if done == 0 {
                return Err(DomainError::of(ErrorCode::ResourceNotFound).into());
            }
            Ok(resource_id.to_string())
        }
        Provision::ChangeSpec { resource_id, resource_spec, term_end } => {
            // The size changes with the spec, to the size the line bought.
            let done = sqlx::query(
                "UPDATE resources SET resource_spec = $1, updated_at = $2, \
                 resource_size = (SELECT l.resource_size FROM order_lines l WHERE l.line_id = $6), \
                 size_measure_id = (SELECT l.size_measure_id FROM order_lines l WHERE l.line_id = $6) \
                 WHERE resource_id = $3 AND customer_id = $4 AND closed_at IS NULL AND expire_at = $5",
            )
            .bind(resource_spec)
            .bind(at)
            .bind(resource_id.as_str())
            .bind(customer.as_str())
            .bind(*term_end)
            .bind(&line.line_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if done == 0 {
                return Err(DomainError::of(ErrorCode::ResourceNotFound).into());
            }
            Ok(resource_id.to_string())
        }
    }
}

/// Unsubscribes a yearly/monthly resource by its refund plan inside the caller's
/// transaction: a completed refund order (type 4) records the parts, cash goes back to the
/// customer's account through the ledger, coupon parts to their coupons, and the resource is
/// closed or its expiry moved back. Refused if the resource, its open orders or its refunded
/// lines changed since the plan was read.
pub(crate) async fn apply_refund(conn: &mut AnyConnection, job: &RefundJob) -> Result<Unsubscribed> {
    let (customer, plan, at) = (&job.customer, &job.plan, job.at);
    let resource_id = plan.resource_id.as_str();
    let resource = lock_resource(conn, customer, resource_id, at).await?;
    if resource.expire_at != Some(plan.expire_at) {
        return Err(resource_changing());
    }
    check_no_open_order(conn, &resource).await?;
    for line_id in &plan.line_ids {
        let marked = sqlx::query("UPDATE order_lines SET refunded = 1 WHERE line_id = $1 AND resource_id = $2 AND refunded = 0")
            .bind(line_id)
            .bind(resource_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if marked == 0 {
            return Err(resource_changing());
        }
    }
    let refund_order_id = new_id();
    let total = &plan.total;
    let refund_total = total.total();
    sqlx::query(
        "INSERT INTO orders (order_id, customer_id, partner_id, placed_by, source_type, order_type, status, service_type_code, \
         official_fen, discount_fen, paid_cash_fen, paid_coupon_fen, created_at, paid_at, closed_at, by_account_id, by_member_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, $12, $12, $13, $14)",
    )
    .bind(&refund_order_id)
    .bind(customer.as_str())
    .bind(job.partner.as_ref().map(|p| p.as_str()))
    .bind(&job.placed_by)
    .bind(source_type::CUSTOMER)
    .bind(OrderType::Unsubscribe.code())
    .bind(OrderStatus::Completed.code())
    .bind(&resource.cloud_service_type)
    .bind(refund_total.fen())
    .bind(total.cash.fen())
    .bind(refund_total.saturating_sub(total.cash).fen())
    .bind(at)
    .bind_actor(job.by.as_ref())
    .execute(&mut *conn)
    .await?;
    let refund_line = NewOrderLine {
        resource_id: Some(resource_id.to_owned()),
        cloud_service_type: resource.cloud_service_type.clone(),
        resource_type: resource.resource_type.clone(),
        resource_spec: resource.resource_spec.clone(),
        region: resource.region.clone(),
        product_id: resource.product_id.clone(),
        size: resource.size,
        priced_until: None,
        period: None,
        subscription_num: 1,
        official: refund_total,
        amount: refund_total,
    };
    insert_line(conn, &refund_order_id, 1, &refund_line).await?;
    for part in &plan.parts {
        sqlx::query(
            "INSERT INTO refund_items (refund_order_id, line_id, resource_id, coupon_id, amount_fen, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&refund_order_id)
        .bind(&part.line_id)
        .bind(resource_id)
        .bind(part.coupon_id.as_deref())
        .bind(part.amount.fen())
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    if total.cash > Money::ZERO {
        let platform = platform();
        let posting = Posting {
            kind: TransferKind::Refund,
            actor: customer,
            counterparty: &platform,
            from_owner: Some(&platform),
            to_owner: customer,
            amount: total.cash,
            order_id: Some(&refund_order_id),
            idempotency: None,
            by: job.by.as_ref(),
        };
        post(conn, &posting, at).await?;
    }
    for (coupon_id, amount) in &total.coupons {
        refund_to_coupon(conn, customer, coupon_id, *amount, &refund_order_id, at, job.by.as_ref()).await?;
    }
    match plan.after {
        AfterRefund::ExpireAt(back_to) => {
            sqlx::query("UPDATE resources SET expire_at = $1, updated_at = $2 WHERE resource_id = $3")
                .bind(back_to)
                .bind(at)
                .bind(resource_id)
                .execute(&mut *conn)
                .await?;
        }
        AfterRefund::Close => {
            sqlx::query("UPDATE resources SET closed_at = $1, updated_at = $1 WHERE resource_id = $2")
                .bind(at)
                .bind(resource_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE renew_configs SET auto_renew = 0, updated_at = $1 WHERE resource_id = $2")
                .bind(at)
                .bind(resource_id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(Unsubscribed { refund_order_id: OrderId::from_trusted(refund_order_id), refund: total.clone() })
}
