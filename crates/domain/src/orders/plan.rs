//! What paying an order and unsubscribing a resource do, decided from values read beforehand:
//! which discount applies, what each coupon and the cash account pay, which resources are
//! created, extended or changed, and what goes back where on a refund. Storage applies a plan
//! in one transaction with conditional writes (each guard names the value the plan was
//! decided on), so a plan made from a stale read is refused, never half-applied.

use super::{
    add_months, allocate_to_lines, check_payable, check_resource_available, check_within_maximum, coupon_covers, prorata_refund,
    renewal_start, split_payment, CouponOffer, OrderStatus, OrderType, PaidParts, PaymentPlan, Period, ResourceStatus,
};
use crate::coupons::{effective_coupon_status, CouponStatus, Limits};
use crate::error::{DomainError, ErrorCode};
use crate::ids::{CouponId, DomainId, OrderId, ResourceId};
use crate::money::Money;
use crate::query::EpochMillis;

/// The order being paid, as read before paying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayableOrder {
    pub order_id: OrderId,
    pub customer_id: DomainId,
    pub order_type: OrderType,
    pub status: OrderStatus,
    pub payment_deadline: Option<EpochMillis>,
    pub official: Money,
    pub discount_id: Option<String>,
    pub discount: Money,
}

/// One line of the order being paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayableLine {
    pub line_id: String,
    pub resource_id: Option<ResourceId>,
    pub cloud_service_type: String,
    pub product_id: String,
    pub resource_spec: String,
    pub period: Option<Period>,
    pub official: Money,
    /// After the order's discount.
    pub amount: Money,
}

/// A resource a renewal or change line targets, as read before paying (`None` in the
/// service's lookup when it is unknown or another customer's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSnapshot {
    pub resource_id: ResourceId,
    pub expire_at: Option<EpochMillis>,
    pub status: ResourceStatus,
    /// Set to become on-demand at expiry (an order of type 10 is in progress).
    pub to_on_demand: bool,
}

/// A coupon offered for a payment, as read before paying (`None` fields: unknown coupon).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedCoupon {
    pub coupon_id: CouponId,
    pub customer: DomainId,
    pub status: CouponStatus,
    pub effective_at: EpochMillis,
    pub expire_at: EpochMillis,
    pub limits: Limits,
    pub balance: Money,
}

/// Whether a coupon can pay the order: the customer's own, usable now, and its service and
/// product limits cover every line. An unknown coupon (`None`) pays nothing.
pub fn coupon_offer(
    coupon_id: &CouponId,
    coupon: Option<&OfferedCoupon>,
    customer: &DomainId,
    lines: &[PayableLine],
    now: EpochMillis,
) -> CouponOffer {
    let scope: Vec<(&str, &str)> = lines.iter().map(|l| (l.cloud_service_type.as_str(), l.product_id.as_str())).collect();
    match coupon {
        Some(c) => CouponOffer {
            coupon_id: c.coupon_id.clone(),
            balance: c.balance,
            applicable: &c.customer == customer
                && effective_coupon_status(c.status, c.expire_at, now) == CouponStatus::Usable
                && c.effective_at <= now
                && coupon_covers(&c.limits, &scope),
        },
        None => CouponOffer { coupon_id: coupon_id.clone(), balance: Money::ZERO, applicable: false },
    }
}

/// What a paid line does to resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provision {
    /// A new purchase: a resource is created, yearly/monthly for `term` or on-demand (`None`).
    Create { period_type: Option<i64>, term: Option<(EpochMillis, EpochMillis)> },
    /// A renewal: the expiry moves from `from` (the value the plan was made on) to `to`.
    Extend { resource_id: ResourceId, from: EpochMillis, to: EpochMillis },
    /// A change of spec for the rest of the term, which ends at `term_end`.
    ChangeSpec { resource_id: ResourceId, resource_spec: String, term_end: EpochMillis },
}

/// How one line is paid and provisioned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSettlement {
    pub line_id: String,
    pub paid: PaidParts,
    pub provision: Provision,
    /// The term paid for (none for on-demand).
    pub term: Option<(EpochMillis, EpochMillis)>,
}

/// Everything paying an order does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPaymentPlan {
    pub order_id: OrderId,
    pub customer: DomainId,
    /// The order's type, which every line's provision follows.
    pub order_type: OrderType,
    /// Debited from the customer's cash account (to the platform's revenue).
    pub cash: Money,
    /// Spent from each coupon, in the order given.
    pub coupons: Vec<(CouponId, Money)>,
    /// The part of the official price the order's discount took off.
    pub used_discount: Money,
    pub lines: Vec<LineSettlement>,
}

impl OrderPaymentPlan {
    pub fn coupon_total(&self) -> Money {
        Money::sum(self.coupons.iter().map(|c| c.1))
    }
}

/// Plans the payment of `order` at `now`: the discount applies only if the payment names the
/// order's own discount (CBC.99003149 otherwise), the chosen coupons pay first up to their
/// balance (CBC.99003112 for one that cannot pay; `coupons` holds those that were found),
/// cash pays the rest, every fen lands on one line, and each line provisions its resource.
/// `resources` holds the resources of renewal and change lines; a missing or closed one is
/// CBC.99003016.
pub fn plan_order_payment(
    order: &PayableOrder,
    lines: &[PayableLine],
    resources: &[ResourceSnapshot],
    choice: &PaymentPlan,
    coupons: &[OfferedCoupon],
    now: EpochMillis,
) -> Result<OrderPaymentPlan, DomainError> {
    let offers: Vec<CouponOffer> = choice
        .coupon_ids
        .iter()
        .map(|id| coupon_offer(id, coupons.iter().find(|c| &c.coupon_id == id), &order.customer_id, lines, now))
        .collect();
    plan_with_offers(order, lines, resources, choice, &offers, now)
}

fn plan_with_offers(
    order: &PayableOrder,
    lines: &[PayableLine],
    resources: &[ResourceSnapshot],
    choice: &PaymentPlan,
    offers: &[CouponOffer],
    now: EpochMillis,
) -> Result<OrderPaymentPlan, DomainError> {
    check_payable(order.status, order.payment_deadline, now)?;
    let line_due: Vec<Money> = match &choice.discount_id {
        Some(d) if order.discount_id.as_deref() == Some(d.as_str()) && order.discount > Money::ZERO => {
            lines.iter().map(|l| l.amount).collect()
        }
        Some(_) => return Err(DomainError::of(ErrorCode::DiscountNotApplicable)),
        None => lines.iter().map(|l| l.official).collect(),
    };
    let due = Money::sum(line_due.iter().copied());
    let used_discount = order.official.saturating_sub(due);
    let (spent, cash) = split_payment(due, offers)?;
    let paid = PaidParts { cash, coupons: spent.clone() };
    let parts = allocate_to_lines(&line_due, &paid);
    let mut settled = Vec::with_capacity(lines.len());
    for (line, part) in lines.iter().zip(parts) {
        let (provision, term) = provision_line(order.order_type, line, resources, now)?;
        settled.push(LineSettlement { line_id: line.line_id.clone(), paid: part, provision, term });
    }
    Ok(OrderPaymentPlan {
        order_id: order.order_id.clone(),
        customer: order.customer_id.clone(),
        order_type: order.order_type,
        cash,
        coupons: spent,
        used_discount,
        lines: settled,
    })
}

/// A new purchase creates a resource; a renewal continues the paid time from the current
/// expiry (within the subscription maximum); a change of spec holds until the current expiry.
fn provision_line(
    order_type: OrderType,
    line: &PayableLine,
    resources: &[ResourceSnapshot],
    now: EpochMillis,
) -> Result<(Provision, Option<(EpochMillis, EpochMillis)>), DomainError> {
    let target = || -> Result<&ResourceSnapshot, DomainError> {
        let id = line.resource_id.as_deref().ok_or_else(|| DomainError::invalid("The order line names no resource."))?;
        let r = resources.iter().find(|r| r.resource_id == id).ok_or_else(|| DomainError::of(ErrorCode::ResourceNotFound))?;
        check_resource_available(r.status)?;
        Ok(r)
    };
    match order_type {
        OrderType::NewPurchase => {
            let term = line.period.map(|p| (now, add_months(now, p.months())));
            Ok((Provision::Create { period_type: line.period.map(|p| p.period_type), term }, term))
        }
        OrderType::Renewal => {
            let r = target()?;
            let (Some(expire_at), Some(period)) = (r.expire_at, line.period) else {
                return Err(DomainError::invalid("Only yearly/monthly resources can be renewed."));
            };
            let start = renewal_start(expire_at);
            let end = add_months(start, period.months());
            check_within_maximum(now, end)?;
            Ok((Provision::Extend { resource_id: r.resource_id.clone(), from: expire_at, to: end }, Some((start, end))))
        }
        OrderType::Change => {
            let r = target()?;
            let end = r.expire_at.ok_or_else(|| DomainError::invalid("Only yearly/monthly resources change spec by order."))?;
            let provision =
                Provision::ChangeSpec { resource_id: r.resource_id.clone(), resource_spec: line.resource_spec.clone(), term_end: end };
            Ok((provision, Some((now, end.max(now)))))
        }
        OrderType::Unsubscribe | OrderType::PeriodToOnDemand => Err(DomainError::invalid("This order type is not paid.")),
    }
}

/// A paid term of a resource that was not refunded yet, with where its money came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidTerm {
    pub line_id: String,
    pub term_start: EpochMillis,
    pub term_end: EpochMillis,
    pub paid: PaidParts,
}

/// One part of a refund: back to cash (`coupon_id` none) or to a coupon, for one paid line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPart {
    pub line_id: String,
    pub coupon_id: Option<CouponId>,
    pub amount: Money,
}

/// What happens to the resource after the refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterRefund {
    /// Unsubscribed: closed now, auto-renewal off.
    Close,
    /// Renewals refunded: the expiry goes back to the start of the first refunded term.
    ExpireAt(EpochMillis),
}

/// Everything unsubscribing a resource does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPlan {
    pub resource_id: ResourceId,
    /// The expiry the plan was made on (the apply refuses if it moved).
    pub expire_at: EpochMillis,
    /// The lines refunded (each only once).
    pub line_ids: Vec<String>,
    pub parts: Vec<RefundPart>,
    /// The refund in all: cash back to the customer's account, coupon parts to their coupons.
    pub total: PaidParts,
    pub after: AfterRefund,
}

/// Plans unsubscribing a yearly/monthly resource at `now`: the unused part of every paid term
/// comes back pro rata to where it came from. `renewals_only` refunds only terms not started
/// yet and keeps the resource (refused when there are none).
/// `open_orders` are the statuses of the open orders on the resource (none may be open).
pub fn plan_unsubscribe(
    resource: &ResourceSnapshot,
    open_orders: &[OrderStatus],
    terms: &[PaidTerm],
    renewals_only: bool,
    now: EpochMillis,
) -> Result<RefundPlan, DomainError> {
    check_resource_available(resource.status)?;
    let Some(expire_at) = resource.expire_at else {
        return Err(DomainError::invalid("Only yearly/monthly resources can be unsubscribed."));
    };
    check_takes_order(open_orders, resource.to_on_demand)?;
    let mut refunded: Vec<&PaidTerm> = terms.iter().filter(|t| if renewals_only { t.term_start > now } else { t.term_end > now }).collect();
    refunded.sort_by_key(|t| t.term_start);
    if renewals_only && refunded.is_empty() {
        return Err(DomainError::invalid("The resource has no renewed period that has not started yet."));
    }
    let mut total = PaidParts::default();
    let mut parts = Vec::new();
    for term in &refunded {
        let refund = prorata_refund(&term.paid, term.term_start, term.term_end, now);
        if refund.cash > Money::ZERO {
            parts.push(RefundPart { line_id: term.line_id.clone(), coupon_id: None, amount: refund.cash });
        }
        for (coupon_id, amount) in &refund.coupons {
            parts.push(RefundPart { line_id: term.line_id.clone(), coupon_id: Some(coupon_id.clone()), amount: *amount });
            match total.coupons.iter_mut().find(|c| &c.0 == coupon_id) {
                Some(c) => c.1 = c.1.saturating_add(*amount),
                None => total.coupons.push((coupon_id.clone(), *amount)),
            }
        }
        total.cash = total.cash.saturating_add(refund.cash);
    }
    let after =
        if renewals_only { AfterRefund::ExpireAt(refunded.iter().map(|t| t.term_start).min().unwrap_or(now)) } else { AfterRefund::Close };
    Ok(RefundPlan {
        resource_id: resource.resource_id.clone(),
        expire_at,
        line_ids: refunded.iter().map(|t| t.line_id.clone()).collect(),
        parts,
        total,
        after,
    })
}

/// A resource in a pending-payment order (CBC.99003100) or with an order in progress, such as
/// a pending conversion to on-demand (CBC.99003144), takes no other order. `open_orders` are
/// the statuses of its pending-payment, processing and pending-review orders.
pub fn check_takes_order(open_orders: &[OrderStatus], to_on_demand: bool) -> Result<(), DomainError> {
    if open_orders.contains(&OrderStatus::PendingPayment) {
        return Err(DomainError::of(ErrorCode::ResourceInPendingOrder));
    }
    if !open_orders.is_empty() || to_on_demand {
        return Err(DomainError::of(ErrorCode::ResourceOrderInProgress));
    }
    Ok(())
}

/// An order line may target an existing resource: a renewal only a yearly/monthly one for a
/// yearly/monthly period, within the subscription maximum; a change of spec only a
/// yearly/monthly one.
pub fn check_order_target(
    order_type: OrderType,
    period: Option<Period>,
    expire_at: Option<EpochMillis>,
    now: EpochMillis,
) -> Result<(), DomainError> {
    match order_type {
        OrderType::Renewal => {
            let (Some(expire_at), Some(period)) = (expire_at, period) else {
                return Err(DomainError::invalid("Only yearly/monthly resources can be renewed, for a yearly/monthly period."));
            };
            check_within_maximum(now, add_months(renewal_start(expire_at), period.months()))
        }
        OrderType::Change if expire_at.is_none() => Err(DomainError::invalid("Only yearly/monthly resources change spec by order.")),
        _ => Ok(()),
    }
}

/// The period a resource renews automatically for: the one asked for, else the resource's
/// own period type (a yearly resource renews yearly), else monthly.
pub fn auto_renew_period_type(asked: Option<i64>, resource_period_type: Option<i64>) -> i64 {
    asked.or(resource_period_type).unwrap_or(Period::MONTH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: EpochMillis = 1_700_000_000_000;

    fn order(official: i64, discount: i64, order_type: OrderType) -> PayableOrder {
        PayableOrder {
            order_id: "o1".into(),
            customer_id: DomainId::from_trusted("c".repeat(32)),
            order_type,
            status: OrderStatus::PendingPayment,
            payment_deadline: Some(NOW + 1),
            official: Money::from_fen(official),
            discount_id: (discount > 0).then(|| "d1".into()),
            discount: Money::from_fen(discount),
        }
    }

    fn line(id: &str, official: i64, amount: i64, resource: Option<&str>) -> PayableLine {
        PayableLine {
            line_id: id.into(),
            resource_id: resource.map(Into::into),
            cloud_service_type: "hws.service.type.ec2".into(),
            product_id: "p".into(),
            resource_spec: "s2".into(),
            period: Some(Period { period_type: Period::MONTH, period_num: 1 }),
            official: Money::from_fen(official),
            amount: Money::from_fen(amount),
        }
    }

    fn offer(id: &str, fen: i64) -> CouponOffer {
        CouponOffer { coupon_id: id.into(), balance: Money::from_fen(fen), applicable: true }
    }

    #[test]
    fn the_discount_applies_only_when_named() {
        let o = order(1000, 100, OrderType::NewPurchase);
        let lines = [line("l1", 600, 540, None), line("l2", 400, 360, None)];
        let with = PaymentPlan { coupon_ids: vec![], discount_id: Some("d1".into()) };
        let p = plan_order_payment(&o, &lines, &[], &with, &[], NOW).unwrap();
        assert_eq!((p.cash.fen(), p.used_discount.fen()), (900, 100));
        let p = plan_order_payment(&o, &lines, &[], &PaymentPlan::default(), &[], NOW).unwrap();
        assert_eq!((p.cash.fen(), p.used_discount.fen()), (1000, 0));
        let other = PaymentPlan { coupon_ids: vec![], discount_id: Some("d2".into()) };
        assert_eq!(plan_order_payment(&o, &lines, &[], &other, &[], NOW).unwrap_err().code, ErrorCode::DiscountNotApplicable);
    }

    #[test]
    fn renewals_extend_from_the_current_expiry() {
        let o = order(1000, 0, OrderType::Renewal);
        let expire = NOW + 10;
        let r = ResourceSnapshot { resource_id: "r1".into(), expire_at: Some(expire), status: ResourceStatus::InUse, to_on_demand: false };
        let p = plan_order_payment(&o, &[line("l1", 1000, 1000, Some("r1"))], std::slice::from_ref(&r), &PaymentPlan::default(), &[], NOW)
            .unwrap();
        assert_eq!(p.lines[0].provision, Provision::Extend { resource_id: "r1".into(), from: expire, to: add_months(expire, 1) });
        let closed = ResourceSnapshot { status: ResourceStatus::Closed, ..r };
        let err = plan_order_payment(&o, &[line("l1", 1000, 1000, Some("r1"))], &[closed], &PaymentPlan::default(), &[], NOW);
        assert_eq!(err.unwrap_err().code, ErrorCode::ResourceNotFound);
    }

    #[test]
    fn an_unpayable_order_plans_nothing() {
        let o = PayableOrder { status: OrderStatus::Completed, ..order(1000, 0, OrderType::NewPurchase) };
        let err = plan_order_payment(&o, &[line("l1", 1000, 1000, None)], &[], &PaymentPlan::default(), &[], NOW).unwrap_err();
        assert_eq!(err.code, ErrorCode::OrderStatusForbids);
    }

    #[test]
    fn coupons_must_be_the_customers_and_cover_the_lines() {
        let o = order(1000, 0, OrderType::NewPurchase);
        let lines = [line("l1", 1000, 1000, None)];
        let c = OfferedCoupon {
            coupon_id: "k".into(),
            customer: o.customer_id.clone(),
            status: CouponStatus::Usable,
            effective_at: NOW - 1,
            expire_at: NOW + 1000,
            limits: Limits::default(),
            balance: Money::from_fen(5),
        };
        assert!(coupon_offer(&"k".into(), Some(&c), &o.customer_id, &lines, NOW).applicable);
        assert!(!coupon_offer(&"k".into(), Some(&c), &DomainId::from_trusted("d".repeat(32)), &lines, NOW).applicable);
        assert!(!coupon_offer(&"k".into(), Some(&OfferedCoupon { expire_at: NOW, ..c.clone() }), &o.customer_id, &lines, NOW).applicable);
        let limited = Limits { cloud_service_types: vec!["hws.service.type.ebs".into()], product_ids: vec![] };
        assert!(!coupon_offer(&"k".into(), Some(&OfferedCoupon { limits: limited, ..c }), &o.customer_id, &lines, NOW).applicable);
        assert!(!coupon_offer(&"k".into(), None, &o.customer_id, &lines, NOW).applicable);
    }

    #[test]
    fn unsubscribing_refunds_unused_terms_and_closes() {
        let r = ResourceSnapshot { resource_id: "r1".into(), expire_at: Some(300), status: ResourceStatus::InUse, to_on_demand: false };
        let paid = |cash, coupon| PaidParts { cash: Money::from_fen(cash), coupons: vec![("k".into(), Money::from_fen(coupon))] };
        let terms = [
            PaidTerm { line_id: "a".into(), term_start: 0, term_end: 100, paid: paid(60, 40) },
            PaidTerm { line_id: "b".into(), term_start: 100, term_end: 300, paid: paid(200, 0) },
        ];
        let p = plan_unsubscribe(&r, &[], &terms, false, 50).unwrap();
        assert_eq!(p.total.cash.fen(), 230);
        assert_eq!(p.total.coupons, vec![("k".into(), Money::from_fen(20))]);
        assert_eq!(p.after, AfterRefund::Close);
        let p = plan_unsubscribe(&r, &[], &terms, true, 50).unwrap();
        assert_eq!((p.line_ids.clone(), p.total.total().fen(), p.after), (vec!["b".to_string()], 200, AfterRefund::ExpireAt(100)));
        assert!(plan_unsubscribe(&r, &[], &terms, true, 150).is_err(), "no renewal left to refund");
        let on_demand = ResourceSnapshot { expire_at: None, ..r.clone() };
        assert!(plan_unsubscribe(&on_demand, &[], &terms, false, 50).is_err());
        let pending = plan_unsubscribe(&r, &[OrderStatus::PendingPayment], &terms, true, 150).unwrap_err();
        assert_eq!(pending.code, ErrorCode::ResourceInPendingOrder, "an open order is refused before anything else");
        let converting = ResourceSnapshot { to_on_demand: true, ..r.clone() };
        assert_eq!(plan_unsubscribe(&converting, &[], &terms, false, 50).unwrap_err().code, ErrorCode::ResourceOrderInProgress);
    }

    #[test]
    fn yearly_resources_auto_renew_yearly() {
        assert_eq!(auto_renew_period_type(None, Some(Period::YEAR)), Period::YEAR);
        assert_eq!(auto_renew_period_type(Some(Period::MONTH), Some(Period::YEAR)), Period::MONTH);
        assert_eq!(auto_renew_period_type(None, None), Period::MONTH);
    }

    proptest! {
        #[test]
        fn a_payment_plan_adds_up(
            lines in proptest::collection::vec((1i64..100_000, 0i64..100), 1..5),
            balances in proptest::collection::vec(1i64..150_000, 0..3),
            use_discount in any::<bool>(),
        ) {
            let payable: Vec<PayableLine> = lines.iter().enumerate()
                .map(|(i, (official, pct))| line(&format!("l{i}"), *official, official - official * pct / 100, None)).collect();
            let official: i64 = lines.iter().map(|l| l.0).sum();
            let discounted: i64 = payable.iter().map(|l| l.amount.fen()).sum();
            let o = order(official, official - discounted, OrderType::NewPurchase);
            let choice = PaymentPlan {
                coupon_ids: vec![],
                discount_id: (use_discount && o.discount > Money::ZERO).then(|| "d1".into()),
            };
            let offers: Vec<CouponOffer> = balances.iter().enumerate().map(|(i, b)| offer(&format!("k{i}"), *b)).collect();
            let p = plan_with_offers(&o, &payable, &[], &choice, &offers, NOW).unwrap();
            prop_assert_eq!(p.cash.fen() + p.coupon_total().fen() + p.used_discount.fen(), official);
            prop_assert!(p.cash >= Money::ZERO);
            for (id, spent) in &p.coupons {
                let i: usize = id[1..].parse().unwrap();
                prop_assert!(spent.fen() <= balances[i] && spent.fen() > 0);
            }
            let per_line: i64 = p.lines.iter().map(|l| l.paid.total().fen()).sum();
            prop_assert_eq!(per_line, p.cash.fen() + p.coupon_total().fen());
        }

        #[test]
        fn a_refund_never_exceeds_what_was_paid(
            terms in proptest::collection::vec((0i64..1_000, 1i64..1_000, 0i64..100_000, 0i64..100_000), 1..4),
            now in 0i64..3_000,
            renewals_only in any::<bool>(),
        ) {
            let terms: Vec<PaidTerm> = terms.iter().enumerate().map(|(i, (start, len, cash, coupon))| PaidTerm {
                line_id: format!("l{i}"),
                term_start: *start,
                term_end: start + len,
                paid: PaidParts { cash: Money::from_fen(*cash), coupons: vec![(CouponId::from_trusted(format!("k{i}")), Money::from_fen(*coupon))] },
            }).collect();
            let r = ResourceSnapshot { resource_id: "r".into(), expire_at: Some(2_000), status: ResourceStatus::InUse, to_on_demand: false };
            let Ok(p) = plan_unsubscribe(&r, &[], &terms, renewals_only, now) else { return Ok(()) };
            let mut cash_back = 0;
            for t in terms.iter().filter(|t| p.line_ids.contains(&t.line_id)) {
                let back: Vec<&RefundPart> = p.parts.iter().filter(|x| x.line_id == t.line_id).collect();
                let cash: i64 = back.iter().filter(|x| x.coupon_id.is_none()).map(|x| x.amount.fen()).sum();
                let coupon: i64 = back.iter().filter(|x| x.coupon_id.is_some()).map(|x| x.amount.fen()).sum();
                prop_assert!(cash <= t.paid.cash.fen());
                prop_assert!(coupon <= t.paid.coupons[0].1.fen());
                // In the recorded proportion, to the fen.
                let total = t.paid.total().fen();
                if total > 0 {
                    let exact = (cash + coupon) as i128 * t.paid.cash.fen() as i128;
                    prop_assert!((cash as i128 * total as i128 - exact).abs() <= total as i128);
                }
                cash_back += cash;
            }
            prop_assert_eq!(cash_back, p.total.cash.fen());
        }
    }
}
