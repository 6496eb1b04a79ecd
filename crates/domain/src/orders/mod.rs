//! Orders, payment and resources (docs/DOMAIN.md#S-ORD, #S-RES): statuses and types with the Open API's
//! integer codes, periods, the subscription maximum, the payment window, the lifecycle of an
//! expired resource, payment plans and pro-rata refunds. Instants are epoch milliseconds.

use crate::coupons::Limits;
use crate::error::{DomainError, ErrorCode};
use crate::funds::CustomerStanding;
use crate::ids::{CouponId, DomainId};
use crate::money::Money;
use crate::query::EpochMillis;
use crate::tenancy::{AssociationType, CustomerScope, PartnerContext};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone};

pub mod plan;

/// The platform's revenue account owner (created by migration 0006): order payments move
/// money to its cash account, refunds back from it.
pub const PLATFORM_REVENUE_ID: &str = "00000000000000000000000000000000";

const DAY_MS: i64 = 24 * 3600 * 1000;

/// A pending-payment order is cancelled automatically this long after its creation.
pub const PAYMENT_WINDOW_MS: i64 = 7 * DAY_MS;
/// After expiry a resource keeps running this long (grace period, status "expired").
pub const GRACE_MS: i64 = 15 * DAY_MS;
/// After the grace period a resource is frozen this long (retention), then deleted.
pub const RETENTION_MS: i64 = 15 * DAY_MS;
/// A yearly/monthly resource may be paid for at most this far ahead (5 years).
pub const MAX_SUBSCRIPTION_MONTHS: u32 = 60;
/// Coupons one payment may use.
pub const MAX_COUPONS_PER_PAYMENT: usize = 3;
/// Resources one renewal or unsubscription request may name.
pub const MAX_RESOURCES_PER_REQUEST: usize = 10;

/// Order status (`status` of CustomerOrderV3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    PendingReview,
    Processing,
    Cancelled,
    Completed,
    PendingPayment,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 5] =
        [OrderStatus::PendingReview, OrderStatus::Processing, OrderStatus::Cancelled, OrderStatus::Completed, OrderStatus::PendingPayment];

    pub fn code(self) -> i64 {
        match self {
            OrderStatus::PendingReview => 1,
            OrderStatus::Processing => 3,
            OrderStatus::Cancelled => 4,
            OrderStatus::Completed => 5,
            OrderStatus::PendingPayment => 6,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The `status` filter: the documented codes; 9 (pending confirmation) is valid and
    /// matches nothing, since this product never asks for confirmation.
    pub fn parse_filter(code: i64) -> Result<Option<Self>, DomainError> {
        match code {
            9 => Ok(None),
            c => {
                Self::from_code(c).map(Some).ok_or_else(|| DomainError::invalid(format!("status {c} is unknown: use 1, 3, 4, 5, 6 or 9.")))
            }
        }
    }
}

/// Order type (`order_type` of CustomerOrderV3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderType {
    NewPurchase,
    Renewal,
    Change,
    Unsubscribe,
    PeriodToOnDemand,
}

impl OrderType {
    pub const ALL: [OrderType; 5] =
        [OrderType::NewPurchase, OrderType::Renewal, OrderType::Change, OrderType::Unsubscribe, OrderType::PeriodToOnDemand];

    pub fn code(self) -> i64 {
        match self {
            OrderType::NewPurchase => 1,
            OrderType::Renewal => 2,
            OrderType::Change => 3,
            OrderType::Unsubscribe => 4,
            OrderType::PeriodToOnDemand => 10,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The `order_type` filter (a string on the wire). Documented types this product never
    /// creates (11, 13, 14, 15) are valid and match nothing.
    pub fn parse_filter(s: &str) -> Result<Option<Self>, DomainError> {
        let bad = || DomainError::invalid(format!("order_type '{s}' is unknown: use 1, 2, 3, 4, 10, 11, 13, 14 or 15."));
        let code: i64 = s.trim().parse().map_err(|_| bad())?;
        match code {
            11 | 13 | 14 | 15 => Ok(None),
            c => Self::from_code(c).map(Some).ok_or_else(bad),
        }
    }
}

/// Who placed an order (`source_type`).
pub mod source_type {
    pub const CUSTOMER: i64 = 1;
    pub const PARTNER: i64 = 2;
    pub const SYSTEM: i64 = 8;
}

/// A resource's status as the Open API shows it (`status_list` of query_resources_req).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceStatus {
    /// 2: in use (paid up, or on-demand).
    InUse,
    /// 3: closed — unsubscribed or deleted after retention; no longer usable.
    Closed,
    /// 4: frozen (retention period after the grace period).
    Frozen,
    /// 5: expired, still running in its grace period.
    Expired,
}

impl ResourceStatus {
    pub fn code(self) -> i64 {
        match self {
            ResourceStatus::InUse => 2,
            ResourceStatus::Closed => 3,
            ResourceStatus::Frozen => 4,
            ResourceStatus::Expired => 5,
        }
    }

    pub fn parse(code: i64) -> Result<Self, DomainError> {
        [ResourceStatus::InUse, ResourceStatus::Closed, ResourceStatus::Frozen, ResourceStatus::Expired]
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| DomainError::invalid(format!("status {code} is unknown: use 2, 3, 4 or 5.")))
    }
}

/// Where a yearly/monthly resource stands at `now`, from its expiry alone. `closed` is the
/// stored fact that it was unsubscribed or deleted.
pub fn resource_status(expire_at: Option<EpochMillis>, closed: bool, now: EpochMillis) -> ResourceStatus {
    match expire_at {
        _ if closed => ResourceStatus::Closed,
        None => ResourceStatus::InUse,
        Some(e) if now < e => ResourceStatus::InUse,
        Some(e) if now < e + GRACE_MS => ResourceStatus::Expired,
        Some(e) if now < e + GRACE_MS + RETENTION_MS => ResourceStatus::Frozen,
        Some(_) => ResourceStatus::Closed,
    }
}

/// When an expired resource is deleted for good.
pub fn deletion_at(expire_at: EpochMillis) -> EpochMillis {
    expire_at + GRACE_MS + RETENTION_MS
}

/// A resource that may still be renewed, unsubscribed or changed: not closed or deleted
/// (CBC.99003016 otherwise).
pub fn check_resource_available(status: ResourceStatus) -> Result<(), DomainError> {
    match status {
        ResourceStatus::Closed => Err(DomainError::of(ErrorCode::ResourceNotFound)),
        _ => Ok(()),
    }
}

/// A yearly/monthly period: 1–11 months (`period_type` 2) or 1–3 years (3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub period_type: i64,
    pub period_num: i64,
}

impl Period {
    pub const MONTH: i64 = 2;
    pub const YEAR: i64 = 3;

    pub fn parse(period_type: Option<i64>, period_num: Option<i64>) -> Result<Self, DomainError> {
        let (Some(t), Some(n)) = (period_type, period_num) else {
            return Err(DomainError::invalid("period_type and period_num are required."));
        };
        match t {
            Self::MONTH if (1..=11).contains(&n) => Ok(Period { period_type: t, period_num: n }),
            Self::YEAR if (1..=3).contains(&n) => Ok(Period { period_type: t, period_num: n }),
            Self::MONTH => Err(DomainError::invalid(format!("period_num must be 1-11 for months, not {n}."))),
            Self::YEAR => Err(DomainError::invalid(format!("period_num must be 1-3 for years, not {n}."))),
            _ => Err(DomainError::invalid(format!("period_type must be 2 (month) or 3 (year), not {t}."))),
        }
    }

    pub fn months(self) -> u32 {
        let n = u32::try_from(self.period_num).unwrap_or(0);
        if self.period_type == Self::YEAR {
            n * 12
        } else {
            n
        }
    }
}

fn cst() -> FixedOffset {
    crate::clock::EAST_EIGHT
}

/// `t` plus `months` calendar months in UTC+8 (the provider's billing calendar); a day past the
/// end of the target month becomes its last day (Jan 31 + 1 month = Feb 28/29).
pub fn add_months(t: EpochMillis, months: u32) -> EpochMillis {
    let local = DateTime::from_timestamp_millis(t).unwrap_or_default().with_timezone(&cst());
    let total = local.year() * 12 + local.month0() as i32 + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12) as u32);
    let mut day = local.day();
    let date = loop {
        if let Some(d) = NaiveDate::from_ymd_opt(year, month0 + 1, day) {
            break d;
        }
        day -= 1;
    };
    let naive = date.and_time(local.time());
    cst().from_local_datetime(&naive).single().map(|d| d.timestamp_millis()).unwrap_or(t)
}

/// A renewal continues the paid time without a gap: it starts at the current expiry, also
/// for a resource in its grace or retention period (the time it ran expired is paid for).
pub fn renewal_start(expire_at: EpochMillis) -> EpochMillis {
    expire_at
}

/// Bought duration plus renewal may not reach beyond `MAX_SUBSCRIPTION_MONTHS` from now
/// (CBC.99003154).
pub fn check_within_maximum(now: EpochMillis, new_expire_at: EpochMillis) -> Result<(), DomainError> {
    if new_expire_at > add_months(now, MAX_SUBSCRIPTION_MONTHS) {
        return Err(DomainError::of(ErrorCode::RenewalBeyondMaximum));
    }
    Ok(())
}

/// The end of an order's payment window.
pub fn payment_deadline(created_at: EpochMillis) -> EpochMillis {
    created_at + PAYMENT_WINDOW_MS
}

/// Only a pending-payment order within its payment window can be paid.
pub fn check_payable(status: OrderStatus, deadline: Option<EpochMillis>, now: EpochMillis) -> Result<(), DomainError> {
    if status != OrderStatus::PendingPayment {
        return Err(DomainError::new(ErrorCode::OrderStatusForbids, "Only an order pending payment can be paid."));
    }
    if deadline.is_some_and(|d| now >= d) {
        return Err(DomainError::new(ErrorCode::OrderStatusForbids, "The order's payment window has closed."));
    }
    Ok(())
}

/// Only a pending-payment order can be cancelled.
pub fn check_cancellable(status: OrderStatus) -> Result<(), DomainError> {
    if status != OrderStatus::PendingPayment {
        return Err(DomainError::new(ErrorCode::OrderStatusForbids, "Only an order pending payment can be cancelled."));
    }
    Ok(())
}

/// A partner orders for a customer (代客下单) only with the customer's recorded
/// authorization, and never marketplace products (docs/DOMAIN.md#R-ORD-2).
pub fn check_on_behalf(authorized: bool, marketplace: bool) -> Result<(), DomainError> {
    if marketplace {
        return Err(DomainError::of(ErrorCode::MarketplaceNotOnBehalf));
    }
    if !authorized {
        return Err(DomainError::of(ErrorCode::NoOrderAuthorization));
    }
    Ok(())
}

/// A partner orders only for its own resale customers (a scoped member: only those it
/// manages); anything else is CBC.99000035.
pub fn check_order_customer(ctx: &PartnerContext, owner: &DomainId, standing: Option<&CustomerStanding>) -> Result<(), DomainError> {
    let ok = standing.is_some_and(|s| {
        &s.partner_id == owner
            && s.association == AssociationType::Resale
            && match &ctx.scope {
                CustomerScope::ManagedBy(member) => s.managers.contains(member),
                CustomerScope::AllOfPartner => true,
            }
    });
    if ok {
        Ok(())
    } else {
        Err(DomainError::new(ErrorCode::NotYourCustomer, "Orders can be placed only for your own resale customers."))
    }
}

/// Marketplace (KooGallery) products are sold by merchants, never ordered on a customer's
/// behalf.
pub fn is_marketplace(cloud_service_type: &str) -> bool {
    cloud_service_type.eq_ignore_ascii_case("hws.service.type.marketplace")
}

/// Limits on how many on-demand instances a customer may order (docs/DOMAIN.md#R-ORD-18):
/// per order and in total (held resources plus orders pending payment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnDemandLimits {
    pub per_order: i64,
    pub per_customer: i64,
}

impl OnDemandLimits {
    /// Until the operator sets limits: 100 instances per order, 1,000 per customer.
    pub const DEFAULT: OnDemandLimits = OnDemandLimits { per_order: 100, per_customer: 1_000 };
    /// The largest limit the operator may set.
    pub const MAX: i64 = 1_000_000;

    /// Limits as the operator sets them: each 1 to 1,000,000, per order at most per customer.
    pub fn parse(per_order: Option<i64>, per_customer: Option<i64>) -> Result<Self, DomainError> {
        let bound = |field: &str, v: Option<i64>| match v {
            None => Err(DomainError::invalid(format!("{field} is required."))),
            Some(n) if !(1..=Self::MAX).contains(&n) => {
                Err(DomainError::invalid(format!("{field} must be from 1 to {}, not {n}.", Self::MAX)))
            }
            Some(n) => Ok(n),
        };
        let limits = OnDemandLimits { per_order: bound("per_order", per_order)?, per_customer: bound("per_customer", per_customer)? };
        if limits.per_order > limits.per_customer {
            return Err(DomainError::invalid("per_order may not exceed per_customer."));
        }
        Ok(limits)
    }
}

/// An on-demand purchase (docs/DOMAIN.md#R-ORD-18): the customer's available balance (cash
/// plus usable coupons) must be positive (CBC.99003180), the instances ordered at most the
/// per-order limit and, with those it already holds or has pending, at most the per-customer
/// limit (CBC.99003181). `ordered` counts instances (`subscription_num` summed).
pub fn check_on_demand_purchase(available: Money, ordered: i64, held: i64, limits: OnDemandLimits) -> Result<(), DomainError> {
    if available <= Money::ZERO {
        return Err(DomainError::of(ErrorCode::OnDemandNeedsBalance));
    }
    if ordered > limits.per_order {
        return Err(DomainError::new(
            ErrorCode::OnDemandLimitExceeded,
            format!("An order may hold at most {} on-demand instances, not {ordered}.", limits.per_order),
        ));
    }
    if held.saturating_add(ordered) > limits.per_customer {
        return Err(DomainError::new(
            ErrorCode::OnDemandLimitExceeded,
            format!(
                "A customer may hold at most {} on-demand instances: {held} held or pending, {ordered} more ordered.",
                limits.per_customer
            ),
        ));
    }
    Ok(())
}

/// What the customer asked to pay with (pay_orders v3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentRequest {
    pub use_coupon: Option<String>,
    pub use_discount: Option<String>,
    pub coupon_ids: Vec<String>,
    pub discount_ids: Vec<String>,
}

/// The checked choice: at most 3 distinct coupons, or one discount, never both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentPlan {
    pub coupon_ids: Vec<CouponId>,
    pub discount_id: Option<String>,
}

fn yes_no(field: &str, v: Option<&str>) -> Result<bool, DomainError> {
    match v {
        None | Some("NO") => Ok(false),
        Some("YES") => Ok(true),
        Some(o) => Err(DomainError::invalid(format!("{field} must be YES or NO, not '{o}'."))),
    }
}

pub fn plan_payment(req: &PaymentRequest) -> Result<PaymentPlan, DomainError> {
    let use_coupon = yes_no("use_coupon", req.use_coupon.as_deref())?;
    let use_discount = yes_no("use_discount", req.use_discount.as_deref())?;
    if use_coupon && use_discount {
        return Err(DomainError::invalid("A payment uses coupons or a discount, never both."));
    }
    if !use_coupon && !req.coupon_ids.is_empty() {
        return Err(DomainError::invalid("coupon_infos must be empty unless use_coupon is YES."));
    }
    if !use_discount && !req.discount_ids.is_empty() {
        return Err(DomainError::invalid("discount_infos must be empty unless use_discount is YES."));
    }
    if use_coupon {
        if req.coupon_ids.is_empty() {
            return Err(DomainError::invalid("coupon_infos is required when use_coupon is YES."));
        }
        if req.coupon_ids.len() > MAX_COUPONS_PER_PAYMENT {
            return Err(DomainError::invalid(format!("At most {MAX_COUPONS_PER_PAYMENT} coupons per payment.")));
        }
        let mut ids = req.coupon_ids.clone();
        ids.sort();
        ids.dedup();
        if ids.len() != req.coupon_ids.len() || req.coupon_ids.iter().any(|c| c.is_empty()) {
            return Err(DomainError::invalid("coupon_infos names a coupon twice or an empty id."));
        }
    }
    let discount_id = if use_discount {
        match req.discount_ids.as_slice() {
            [one] if !one.is_empty() => Some(one.clone()),
            [] => return Err(DomainError::invalid("discount_infos is required when use_discount is YES.")),
            _ => return Err(DomainError::invalid("discount_infos takes exactly one discount.")),
        }
    } else {
        None
    };
    let coupon_ids = if use_coupon { req.coupon_ids.iter().map(|c| CouponId::parse(c)).collect::<Result<_, _>>()? } else { Vec::new() };
    Ok(PaymentPlan { coupon_ids, discount_id })
}

/// A coupon offered for a payment, as storage read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponOffer {
    pub coupon_id: CouponId,
    pub balance: Money,
    /// Usable now, the customer's own, and its service/product limits cover the order.
    pub applicable: bool,
}

/// A coupon limited to services or products pays an order only if every line is one of them.
pub fn coupon_covers(limits: &Limits, lines: &[(&str, &str)]) -> bool {
    let types_ok = limits.cloud_service_types.is_empty() || lines.iter().all(|(t, _)| limits.cloud_service_types.iter().any(|x| x == t));
    let products_ok = limits.product_ids.is_empty() || lines.iter().all(|(_, p)| limits.product_ids.iter().any(|x| x == p));
    types_ok && products_ok
}

/// How `amount` is paid: coupons first, in the order given, each up to its balance; the rest
/// from cash. Returns (coupon_id, spent) for coupons that pay something, and the cash part.
pub fn split_payment(amount: Money, coupons: &[CouponOffer]) -> Result<(Vec<(CouponId, Money)>, Money), DomainError> {
    let mut left = amount.fen();
    let mut spent = Vec::new();
    for c in coupons {
        if !c.applicable || c.balance == Money::ZERO {
            return Err(DomainError::new(ErrorCode::CouponNotApplicable, format!("Coupon {} cannot pay this order.", c.coupon_id)));
        }
        let take = left.min(c.balance.fen());
        if take > 0 {
            spent.push((c.coupon_id.clone(), Money::from_fen(take)));
            left -= take;
        }
    }
    Ok((spent, Money::from_fen(left)))
}

/// How a paid line was paid: cash and coupon parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaidParts {
    pub cash: Money,
    pub coupons: Vec<(CouponId, Money)>,
}

impl PaidParts {
    pub fn total(&self) -> Money {
        self.cash.saturating_add(Money::sum(self.coupons.iter().map(|(_, m)| *m)))
    }
}

/// Splits an order's payment (coupons, cash) over its lines, line by line in order, coupons
/// first: every fen of the payment lands on exactly one line.
pub fn allocate_to_lines(line_amounts: &[Money], paid: &PaidParts) -> Vec<PaidParts> {
    let mut sources: Vec<(Option<CouponId>, i64)> = paid.coupons.iter().map(|(id, m)| (Some(id.clone()), m.fen())).collect();
    sources.push((None, paid.cash.fen()));
    let mut out = Vec::with_capacity(line_amounts.len());
    let mut src = 0;
    for amount in line_amounts {
        let mut need = amount.fen();
        let mut parts = PaidParts::default();
        while need > 0 && src < sources.len() {
            let take = need.min(sources[src].1);
            if take > 0 {
                match &sources[src].0 {
                    Some(id) => parts.coupons.push((id.clone(), Money::from_fen(take))),
                    None => parts.cash = parts.cash.saturating_add(Money::from_fen(take)),
                }
                sources[src].1 -= take;
                need -= take;
            }
            if sources[src].1 == 0 {
                src += 1;
            }
        }
        out.push(parts);
    }
    out
}

/// The refund of the unused part of a paid term `[start, end)` at `now`: paid × unused /
/// total, floored to the fen, returned to where the money came from in proportion (each part
/// floored; the fen left over by flooring goes to cash, then coupons, never beyond what each
/// paid).
pub fn prorata_refund(paid: &PaidParts, start: EpochMillis, end: EpochMillis, now: EpochMillis) -> PaidParts {
    let total_ms = (end - start).max(1) as i128;
    let unused_ms = (end - now.max(start)).clamp(0, end - start) as i128;
    let paid_total = paid.total().fen() as i128;
    if paid_total == 0 || unused_ms == 0 {
        return PaidParts::default();
    }
    let refund = paid_total * unused_ms / total_ms;
    let share = |part: i64| (refund * part as i128 / paid_total) as i64;
    let mut cash = share(paid.cash.fen());
    let mut coupons: Vec<(CouponId, i64, i64)> = paid.coupons.iter().map(|(id, m)| (id.clone(), share(m.fen()), m.fen())).collect();
    let mut left = refund as i64 - cash - coupons.iter().map(|c| c.1).sum::<i64>();
    let room = (paid.cash.fen() - cash).min(left);
    cash += room;
    left -= room;
    for c in coupons.iter_mut() {
        let room = (c.2 - c.1).min(left);
        c.1 += room;
        left -= room;
    }
    PaidParts {
        cash: Money::from_fen(cash),
        coupons: coupons.into_iter().filter(|c| c.1 > 0).map(|(id, fen, _)| (id, Money::from_fen(fen))).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse_utc;
    use crate::tenancy::PartnerKind;
    use proptest::prelude::*;

    fn t(s: &str) -> EpochMillis {
        parse_utc("t", s).unwrap()
    }

    #[test]
    fn codes_match_the_open_api() {
        assert_eq!(OrderStatus::PendingPayment.code(), 6);
        assert_eq!(OrderStatus::Cancelled.code(), 4);
        assert_eq!(OrderStatus::Completed.code(), 5);
        assert_eq!(OrderStatus::parse_filter(9).unwrap(), None);
        assert!(OrderStatus::parse_filter(2).is_err());
        assert_eq!(OrderType::parse_filter("4").unwrap(), Some(OrderType::Unsubscribe));
        assert_eq!(OrderType::parse_filter("13").unwrap(), None);
        assert!(OrderType::parse_filter("x").is_err());
        assert_eq!(ResourceStatus::parse(4).unwrap(), ResourceStatus::Frozen);
        assert!(ResourceStatus::parse(1).is_err());
    }

    #[test]
    fn periods() {
        assert_eq!(Period::parse(Some(2), Some(11)).unwrap().months(), 11);
        assert_eq!(Period::parse(Some(3), Some(3)).unwrap().months(), 36);
        for (pt, n) in [(2, 12), (2, 0), (3, 4), (1, 1), (4, 1)] {
            assert_eq!(Period::parse(Some(pt), Some(n)).unwrap_err().code, ErrorCode::InvalidParameter, "{pt} {n}");
        }
        assert!(Period::parse(None, Some(1)).is_err());
    }

    #[test]
    fn months_are_calendar_months_in_utc8() {
        // 2024-01-31 10:00 in UTC+8 is 02:00Z; one month later is the last day of February.
        assert_eq!(add_months(t("2024-01-31T02:00:00Z"), 1), t("2024-02-29T02:00:00Z"));
        // 2024-02-29T20:00Z is already March 1 in UTC+8.
        assert_eq!(add_months(t("2024-02-29T20:00:00Z"), 1), t("2024-03-31T20:00:00Z"));
        assert_eq!(add_months(t("2024-05-06T08:05:01Z"), 12), t("2025-05-06T08:05:01Z"));
    }

    #[test]
    fn renewal_maximum_is_sixty_months() {
        let now = t("2024-01-01T00:00:00Z");
        assert!(check_within_maximum(now, add_months(now, 60)).is_ok());
        assert_eq!(check_within_maximum(now, add_months(now, 61)).unwrap_err().code, ErrorCode::RenewalBeyondMaximum);
    }

    #[test]
    fn lifecycle_after_expiry() {
        let e = t("2024-01-01T00:00:00Z");
        assert_eq!(resource_status(Some(e), false, e - 1), ResourceStatus::InUse);
        assert_eq!(resource_status(Some(e), false, e), ResourceStatus::Expired);
        assert_eq!(resource_status(Some(e), false, e + GRACE_MS), ResourceStatus::Frozen);
        assert_eq!(resource_status(Some(e), false, deletion_at(e)), ResourceStatus::Closed);
        assert_eq!(resource_status(None, false, e), ResourceStatus::InUse);
        assert_eq!(resource_status(Some(e), true, e - 1), ResourceStatus::Closed);
        assert_eq!(check_resource_available(ResourceStatus::Closed).unwrap_err().code, ErrorCode::ResourceNotFound);
        assert!(check_resource_available(ResourceStatus::Frozen).is_ok());
    }

    #[test]
    fn payable_and_cancellable() {
        let now = 1000;
        assert!(check_payable(OrderStatus::PendingPayment, Some(now + 1), now).is_ok());
        assert_eq!(check_payable(OrderStatus::PendingPayment, Some(now), now).unwrap_err().code, ErrorCode::OrderStatusForbids);
        assert_eq!(check_payable(OrderStatus::Completed, None, now).unwrap_err().code, ErrorCode::OrderStatusForbids);
        assert!(check_cancellable(OrderStatus::PendingPayment).is_ok());
        for s in [OrderStatus::Completed, OrderStatus::Cancelled, OrderStatus::Processing] {
            assert_eq!(check_cancellable(s).unwrap_err().code, ErrorCode::OrderStatusForbids);
        }
        assert_eq!(payment_deadline(0), PAYMENT_WINDOW_MS);
    }

    #[test]
    fn on_behalf_needs_authorization_and_no_marketplace() {
        assert!(check_on_behalf(true, false).is_ok());
        assert_eq!(check_on_behalf(false, false).unwrap_err().code, ErrorCode::NoOrderAuthorization);
        assert_eq!(check_on_behalf(true, true).unwrap_err().code, ErrorCode::MarketplaceNotOnBehalf);
    }

    #[test]
    fn partners_order_for_their_own_resale_customers() {
        let me = DomainId::generate();
        let ctx = PartnerContext { partner_id: me.clone(), kind: PartnerKind::SolutionProvider, scope: CustomerScope::AllOfPartner };
        let standing = |partner: &DomainId, association| CustomerStanding { partner_id: partner.clone(), association, managers: vec![] };
        assert!(check_order_customer(&ctx, &me, Some(&standing(&me, AssociationType::Resale))).is_ok());
        let err = |s: Option<&CustomerStanding>, c: &PartnerContext| check_order_customer(c, &me, s).unwrap_err().code;
        assert_eq!(err(Some(&standing(&me, AssociationType::Consultative)), &ctx), ErrorCode::NotYourCustomer);
        assert_eq!(err(Some(&standing(&DomainId::generate(), AssociationType::Resale)), &ctx), ErrorCode::NotYourCustomer);
        assert_eq!(err(None, &ctx), ErrorCode::NotYourCustomer);
        let scoped = PartnerContext { scope: CustomerScope::ManagedBy("m1".into()), ..ctx.clone() };
        assert_eq!(err(Some(&standing(&me, AssociationType::Resale)), &scoped), ErrorCode::NotYourCustomer);
        assert!(is_marketplace("hws.service.type.marketplace"));
        assert!(!is_marketplace("hws.service.type.ec2"));
    }

    #[test]
    fn payment_plans() {
        let req = |c: &[&str], uc: &str, d: &[&str], ud: &str| PaymentRequest {
            use_coupon: Some(uc.into()),
            use_discount: Some(ud.into()),
            coupon_ids: c.iter().map(|s| s.to_string()).collect(),
            discount_ids: d.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(plan_payment(&req(&["a", "b", "c"], "YES", &[], "NO")).unwrap().coupon_ids.len(), 3);
        assert!(plan_payment(&req(&["a", "b", "c", "d"], "YES", &[], "NO")).is_err());
        assert!(plan_payment(&req(&["a"], "YES", &["d"], "YES")).is_err(), "coupon and discount never together");
        assert!(plan_payment(&req(&["a", "a"], "YES", &[], "NO")).is_err());
        assert!(plan_payment(&req(&[], "YES", &[], "NO")).is_err());
        assert!(plan_payment(&req(&["a"], "NO", &[], "NO")).is_err());
        assert_eq!(plan_payment(&req(&[], "NO", &["d"], "YES")).unwrap().discount_id.as_deref(), Some("d"));
        assert!(plan_payment(&req(&[], "maybe", &[], "NO")).is_err());
        assert_eq!(plan_payment(&PaymentRequest::default()).unwrap(), PaymentPlan::default());
    }

    #[test]
    fn coupons_pay_first_and_must_apply() {
        let c = |id: &str, fen: i64, ok: bool| CouponOffer { coupon_id: id.into(), balance: Money::from_fen(fen), applicable: ok };
        let (spent, cash) = split_payment(Money::from_fen(500), &[c("a", 200, true), c("b", 1000, true)]).unwrap();
        assert_eq!(spent, vec![("a".into(), Money::from_fen(200)), ("b".into(), Money::from_fen(300))]);
        assert_eq!(cash, Money::ZERO);
        let (_, cash) = split_payment(Money::from_fen(500), &[c("a", 200, true)]).unwrap();
        assert_eq!(cash.fen(), 300);
        assert_eq!(split_payment(Money::from_fen(500), &[c("a", 200, false)]).unwrap_err().code, ErrorCode::CouponNotApplicable);
    }

    #[test]
    fn coupon_limits_cover_every_line() {
        let l = Limits { cloud_service_types: vec!["hws.service.type.ebs".into()], product_ids: vec![] };
        assert!(coupon_covers(&Limits::default(), &[("a", "p")]));
        assert!(coupon_covers(&l, &[("hws.service.type.ebs", "p")]));
        assert!(!coupon_covers(&l, &[("hws.service.type.ebs", "p"), ("hws.service.type.ec2", "q")]));
    }

    #[test]
    fn half_used_term_refunds_half() {
        let paid = PaidParts { cash: Money::from_fen(600), coupons: vec![("c".into(), Money::from_fen(400))] };
        let r = prorata_refund(&paid, 0, 100, 50);
        assert_eq!(r.cash.fen(), 300);
        assert_eq!(r.coupons, vec![("c".into(), Money::from_fen(200))]);
        assert_eq!(prorata_refund(&paid, 0, 100, 100), PaidParts::default());
        assert_eq!(prorata_refund(&paid, 100, 200, 50).total().fen(), 1000, "a term not started yet is refunded whole");
        // 1/3 of 1.00 floors to 0.33.
        assert_eq!(prorata_refund(&PaidParts { cash: Money::from_fen(100), coupons: vec![] }, 0, 3, 2).cash.fen(), 33);
    }

    #[test]
    fn on_demand_needs_balance_and_stays_within_limits() {
        let d = OnDemandLimits::DEFAULT;
        let yuan = Money::from_fen(100);
        assert_eq!(check_on_demand_purchase(Money::ZERO, 1, 0, d).unwrap_err().code, ErrorCode::OnDemandNeedsBalance);
        assert!(check_on_demand_purchase(Money::from_fen(1), 1, 0, d).is_ok());
        assert!(check_on_demand_purchase(yuan, 100, 0, d).is_ok());
        assert_eq!(check_on_demand_purchase(yuan, 101, 0, d).unwrap_err().code, ErrorCode::OnDemandLimitExceeded);
        assert_eq!(check_on_demand_purchase(yuan, 100_000, 0, d).unwrap_err().code, ErrorCode::OnDemandLimitExceeded);
        assert!(check_on_demand_purchase(yuan, 100, 900, d).is_ok());
        assert_eq!(check_on_demand_purchase(yuan, 1, 1_000, d).unwrap_err().code, ErrorCode::OnDemandLimitExceeded);
        assert_eq!(OnDemandLimits::parse(Some(5), Some(10)).unwrap(), OnDemandLimits { per_order: 5, per_customer: 10 });
        for (o, c) in [(None, Some(1)), (Some(0), Some(1)), (Some(2), Some(1)), (Some(1), Some(1_000_001))] {
            assert!(OnDemandLimits::parse(o, c).is_err(), "{o:?} {c:?}");
        }
    }

    proptest! {
        #[test]
        fn on_demand_never_goes_past_a_limit(
            fen in -10i64..10_000, ordered in 1i64..2_000, held in 0i64..2_000, per_order in 1i64..500, extra in 0i64..1_000,
        ) {
            let limits = OnDemandLimits { per_order, per_customer: per_order + extra };
            let ok = check_on_demand_purchase(Money::from_fen(fen), ordered, held, limits).is_ok();
            prop_assert_eq!(ok, fen > 0 && ordered <= limits.per_order && held + ordered <= limits.per_customer);
        }

        #[test]
        fn refunds_never_exceed_what_each_source_paid(
            cash in 0i64..1_000_000, c1 in 0i64..1_000_000, c2 in 0i64..1_000_000,
            len in 1i64..10_000_000, at in -1_000i64..11_000_000,
        ) {
            let paid = PaidParts { cash: Money::from_fen(cash), coupons: vec![("a".into(), Money::from_fen(c1)), ("b".into(), Money::from_fen(c2))] };
            let r = prorata_refund(&paid, 0, len, at);
            let expected = if paid.total().fen() == 0 { 0 } else { (paid.total().fen() as i128 * (len - at.max(0)).clamp(0, len) as i128 / len as i128) as i64 };
            prop_assert_eq!(r.total().fen(), expected);
            prop_assert!(r.cash.fen() <= cash);
            for (id, m) in &r.coupons {
                let cap = if id == "a" { c1 } else { c2 };
                prop_assert!(m.fen() <= cap);
            }
        }

        #[test]
        fn allocation_conserves_every_fen(lines in proptest::collection::vec(0i64..100_000, 1..5), c in 0i64..200_000) {
            let total: i64 = lines.iter().sum();
            let coupon = c.min(total);
            let paid = PaidParts { cash: Money::from_fen(total - coupon), coupons: vec![("a".into(), Money::from_fen(coupon))] };
            let amounts: Vec<Money> = lines.iter().map(|f| Money::from_fen(*f)).collect();
            let parts = allocate_to_lines(&amounts, &paid);
            for (p, a) in parts.iter().zip(&amounts) {
                prop_assert_eq!(p.total().fen(), a.fen());
            }
            prop_assert_eq!(parts.iter().map(|p| p.cash.fen()).sum::<i64>(), total - coupon);
        }

        #[test]
        fn adding_months_moves_forward(t0 in 0i64..4_000_000_000_000, m in 1u32..61) {
            let later = add_months(t0, m);
            prop_assert!(later > t0);
            prop_assert!(later - t0 <= (m as i64) * 31 * DAY_MS);
            prop_assert!(later - t0 >= (m as i64) * 28 * DAY_MS);
        }
    }
}
