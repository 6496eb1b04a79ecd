//! Orders, payment, resources and the time-driven lifecycle, on SQLite and on PostgreSQL:
//! the end-to-end story with the journal and coupon audits after every step, the documented
//! refusals, and the races (two payments, payment against cancellation).

mod scopes;

use pc_domain::coupons::Limits;
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::orders::check_payable;
use pc_domain::orders::plan::{plan_order_payment, plan_unsubscribe, RefundPlan};
use pc_domain::orders::{
    add_months, source_type, OrderStatus, OrderType, PaymentPlan, Period, ResourceStatus, GRACE_MS, PAYMENT_WINDOW_MS, PLATFORM_REVENUE_ID,
    RETENTION_MS,
};
use pc_domain::query::Page;
use pc_domain::tenancy::{AccountKind, AssociationType, PartnerKind};
use pc_domain::{DomainId, DomainName, ErrorCode};
use pc_storage::{
    Db, NewAccount, NewCoupon, NewOrder, NewOrderLine, NewQuota, OrderFilter, Payment, Posted, PostingJob, RefundJob, ResourceFilter,
    StorageError, TransferCommand, Unsubscribed,
};
use std::sync::Arc;

const DAY: i64 = 86_400_000;

pc_storage::on_both_backends!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    story_buy_with_coupon_renew_unsubscribe,
    short_balance_pays_nothing,
    audit_finds_a_change_of_spec_not_paid_for_the_whole_term,
    documented_resource_refusals,
    two_payments_of_one_order_never_both_succeed,
    payment_racing_cancel_never_both_succeed,
    scheduler_cancels_renews_and_expires,
    clock_and_leases,
    orders_are_scoped,
    payments_share_the_group_commit_with_transfers,
);

use pc_storage::testing::run_with_db as run;

async fn account(db: &Db, name: &str, kind: AccountKind) -> DomainId {
    db.create_account(&NewAccount {
        domain_name: DomainName::parse(name).unwrap(),
        kind,
        parent_id: None,
        display_name: String::new(),
        email: None,
        mobile: None,
    })
    .await
    .unwrap()
    .domain_id
}

struct World {
    op: DomainId,
    partner: DomainId,
    customer: DomainId,
}

/// An operator, a solution provider with 1000.00 yuan and a resale customer it funded with
/// `customer_fen`.
async fn world(db: &Db, customer_fen: i64) -> World {
    let op = account(db, "operator", AccountKind::Operator).await;
    let partner = account(db, "provider", AccountKind::Partner(PartnerKind::SolutionProvider)).await;
    let customer = account(db, "customer", AccountKind::Customer).await;
    db.associate_customer(&customer, &partner, AssociationType::Resale).await.unwrap();
    let mv = |kind, from: Option<&DomainId>, to: &DomainId, fen| TransferCommand {
        kind,
        actor: if from.is_some() { partner.clone() } else { op.clone() },
        counterparty: to.clone(),
        from_owner: from.cloned(),
        to_owner: to.clone(),
        amount: Money::from_fen(fen),
        idempotency: None,
        by: None,
    };
    db.transfer(&mv(TransferKind::TopUp, None, &partner, 100_000)).await.unwrap();
    if customer_fen > 0 {
        db.transfer(&mv(TransferKind::Allocate, Some(&partner), &customer, customer_fen)).await.unwrap();
    }
    World { op, partner, customer }
}

async fn coupon(db: &Db, w: &World, fen: i64) -> String {
    let now = db.now().await.unwrap();
    let quota = db
        .create_quota(&NewQuota {
            owner: w.partner.clone(),
            granted_by: w.op.clone(),
            quota_type: 0,
            value: Money::from_fen(100_000),
            effective_at: now - DAY,
            expire_at: now + 400 * DAY,
            limits: Limits::default(),
        })
        .await
        .unwrap();
    db.issue_coupon(&NewCoupon {
        issuer: w.partner.clone(),
        quota_id: quota,
        customer: w.customer.clone(),
        face_value: Money::from_fen(fen),
        effective_at: now - DAY,
        expire_at: now + 400 * DAY,
        limits: Limits::default(),
        memo: None,
        by: None,
    })
    .await
    .unwrap()
}

fn line(resource_id: Option<&str>, months: Option<(i64, i64)>, fen: i64) -> NewOrderLine {
    NewOrderLine {
        resource_id: resource_id.map(str::to_owned),
        cloud_service_type: "hws.service.type.ec2".into(),
        resource_type: "hws.resource.type.vm".into(),
        resource_spec: "s6.small.1.linux".into(),
        region: "cn-north-4".into(),
        product_id: "ecs-s6-small".into(),
        size: None,
        priced_until: None,
        period: months.map(|(t, n)| Period { period_type: t, period_num: n }),
        subscription_num: 1,
        official: Money::from_fen(fen),
        amount: Money::from_fen(fen * 9 / 10),
    }
}

fn order(w: &World, order_type: OrderType, lines: Vec<NewOrderLine>) -> NewOrder {
    NewOrder {
        customer: w.customer.clone(),
        partner: Some(w.partner.clone()),
        placed_by: "customer".into(),
        source_type: source_type::CUSTOMER,
        order_type,
        service_type_code: "hws.service.type.ec2".into(),
        lines,
        discount_id: Some("partner-discount".into()),
        idempotency: None,
        by: None,
    }
}

fn refused(r: Result<impl std::fmt::Debug, StorageError>, code: ErrorCode) {
    match r {
        Err(StorageError::Rule(e)) => assert_eq!(e.code, code, "{}", e.message),
        other => panic!("expected {code:?}, got {other:?}"),
    }
}

async fn cash(db: &Db, owner: &DomainId) -> i64 {
    db.cash_balance(owner).await.unwrap().amount.fen()
}

async fn coupon_balance(db: &Db, id: &str) -> i64 {
    db.find_coupon(&scopes::everyone(), &pc_domain::CouponId::from_trusted(id.to_string())).await.unwrap().unwrap().balance.fen()
}

/// The journal, the coupon quotas and the orders agree.
async fn audits_hold(db: &Db) {
    let ledger = db.ledger_audit().await.unwrap();
    assert!(ledger.holds(), "{ledger:?}");
    assert_eq!(db.coupon_audit().await.unwrap(), 0);
    let orders = db.order_audit().await.unwrap();
    assert!(orders.holds(), "{orders:?}");
}

fn coupons(ids: &[&str]) -> PaymentPlan {
    PaymentPlan { coupon_ids: ids.iter().map(|s| pc_domain::CouponId::from_trusted(s.to_string())).collect(), discount_id: None }
}

async fn story_buy_with_coupon_renew_unsubscribe(db: Db) {
    let w = world(&db, 50_000).await;
    let platform = DomainId::from_trusted(PLATFORM_REVENUE_ID.to_owned());
    let c = coupon(&db, &w, 2_000).await;
    let t0 = db.now().await.unwrap();

    // Buy one month (120.00) with a 20.00 coupon: 100.00 cash.
    let created = db.create_order(&order(&w, OrderType::NewPurchase, vec![line(None, Some((2, 1)), 12_000)]), t0).await.unwrap();
    let o = db.find_order(&scopes::everyone(), &created.order_id).await.unwrap().unwrap();
    assert_eq!((o.status, o.official.fen(), o.discount.fen()), (OrderStatus::PendingPayment, 12_000, 1_200));
    let paid = pay(&db, &w.customer, &created.order_id, &coupons(&[&c]), None, t0).await.unwrap();
    assert_eq!(
        (paid.cash.fen(), paid.coupons.clone()),
        (10_000, vec![(pc_domain::CouponId::from_trusted(c.clone()), Money::from_fen(2_000))])
    );
    assert_eq!(cash(&db, &w.customer).await, 40_000);
    assert_eq!(cash(&db, &platform).await, 10_000);
    assert_eq!(coupon_balance(&db, &c).await, 0);
    assert_eq!(db.order_coupon_uses(&created.order_id).await.unwrap(), vec![(c.clone(), Money::from_fen(2_000))]);
    let resource_id = paid.resource_ids[0].clone();
    let r = db.find_resource(&w.customer, &pc_domain::ResourceId::from_trusted(resource_id.to_string()), t0).await.unwrap().unwrap();
    assert_eq!((r.status, r.expire_at), (ResourceStatus::InUse, Some(add_months(t0, 1))));
    assert_eq!(db.find_order(&scopes::everyone(), &created.order_id).await.unwrap().unwrap().status, OrderStatus::Completed);
    audits_hold(&db).await;

    // Paying again is refused; so is cancelling a completed order.
    refused(pay(&db, &w.customer, &created.order_id, &PaymentPlan::default(), None, t0).await, ErrorCode::OrderStatusForbids);
    refused(db.cancel_order(&w.customer, &created.order_id, t0).await, ErrorCode::OrderStatusForbids);

    // Renew one month with the discount (90% of 120.00 = 108.00), paid from cash.
    let renewal = db.create_order(&order(&w, OrderType::Renewal, vec![line(Some(&resource_id), Some((2, 1)), 12_000)]), t0).await.unwrap();
    let plan = PaymentPlan { coupon_ids: vec![], discount_id: Some("partner-discount".into()) };
    refused(
        pay(&db, &w.customer, &renewal.order_id, &PaymentPlan { coupon_ids: vec![], discount_id: Some("other".into()) }, None, t0).await,
        ErrorCode::DiscountNotApplicable,
    );
    let paid = pay(&db, &w.customer, &renewal.order_id, &plan, Some("pay-1"), t0).await.unwrap();
    assert_eq!(paid.cash.fen(), 10_800);
    // A retry with the same key answers the same payment without paying again.
    let again = pay(&db, &w.customer, &renewal.order_id, &plan, Some("pay-1"), t0).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.cash.fen(), 10_800);
    assert_eq!(cash(&db, &w.customer).await, 29_200);
    let r = db.find_resource(&w.customer, &pc_domain::ResourceId::from_trusted(resource_id.to_string()), t0).await.unwrap().unwrap();
    assert_eq!(r.expire_at, Some(add_months(add_months(t0, 1), 1)));
    audits_hold(&db).await;

    // Half-way through the first month, unsubscribe: the first term refunds half of what it
    // cost, split as it was paid (50.00 cash, 10.00 back to the coupon); the renewal term
    // has not started, so it refunds whole (108.00 cash).
    let first_term_end = add_months(t0, 1);
    let half = t0 + (first_term_end - t0) / 2;
    let done = unsubscribe(&db, &w.customer, &resource_id, false, "customer", half).await.unwrap();
    assert_eq!(done.refund.cash.fen(), 5_000 + 10_800);
    assert_eq!(done.refund.coupons, vec![(pc_domain::CouponId::from_trusted(c.clone()), Money::from_fen(1_000))]);
    assert_eq!(cash(&db, &w.customer).await, 29_200 + 15_800);
    assert_eq!(coupon_balance(&db, &c).await, 1_000);
    let refund = db.find_order(&scopes::everyone(), &done.refund_order_id).await.unwrap().unwrap();
    assert_eq!((refund.order_type, refund.status, refund.official.fen()), (OrderType::Unsubscribe, OrderStatus::Completed, 16_800));
    assert_eq!(db.refund_items(&done.refund_order_id).await.unwrap().len(), 3);
    let r = db.find_resource(&w.customer, &pc_domain::ResourceId::from_trusted(resource_id.to_string()), half).await.unwrap().unwrap();
    assert_eq!(r.status, ResourceStatus::Closed);
    refused(unsubscribe(&db, &w.customer, &resource_id, false, "customer", half).await, ErrorCode::ResourceNotFound);
    let journal = db.account_entries(&scopes::customer(&w.customer), &Default::default(), Page::first(100)).await.unwrap().0;
    assert_eq!(journal[0].balance_after.fen(), cash(&db, &w.customer).await, "the newest entry carries the balance");
    assert_eq!(journal[0].kind, TransferKind::Refund);
    audits_hold(&db).await;
}

async fn short_balance_pays_nothing(db: Db) {
    let w = world(&db, 5_000).await;
    let c = coupon(&db, &w, 1_000).await;
    let now = db.now().await.unwrap();
    let o = db.create_order(&order(&w, OrderType::NewPurchase, vec![line(None, Some((2, 1)), 12_000)]), now).await.unwrap();
    refused(pay(&db, &w.customer, &o.order_id, &coupons(&[&c]), None, now).await, ErrorCode::InsufficientBalance);
    assert_eq!(cash(&db, &w.customer).await, 5_000);
    assert_eq!(coupon_balance(&db, &c).await, 1_000, "the coupon is not spent either");
    assert_eq!(db.find_order(&scopes::everyone(), &o.order_id).await.unwrap().unwrap().status, OrderStatus::PendingPayment);
    let (resources, _) =
        db.list_resources(&scopes::everyone(), &w.customer, &ResourceFilter::default(), now, Page::first(10)).await.unwrap();
    assert!(resources.is_empty());
    // Someone else's coupon, or an unknown one, cannot pay.
    refused(pay(&db, &w.customer, &o.order_id, &coupons(&["nope"]), None, now).await, ErrorCode::CouponNotApplicable);
    // Another customer cannot see or pay the order.
    let other = account(&db, "other-customer", AccountKind::Customer).await;
    refused(pay(&db, &other, &o.order_id, &PaymentPlan::default(), None, now).await, ErrorCode::OrderNotFound);
    refused(db.cancel_order(&other, &o.order_id, now).await, ErrorCode::OrderNotFound);
    // Past the payment window the order cannot be paid.
    refused(
        pay(&db, &w.customer, &o.order_id, &PaymentPlan::default(), None, now + PAYMENT_WINDOW_MS).await,
        ErrorCode::OrderStatusForbids,
    );
    db.cancel_order(&w.customer, &o.order_id, now).await.unwrap();
    assert_eq!(db.find_order(&scopes::everyone(), &o.order_id).await.unwrap().unwrap().status, OrderStatus::Cancelled);
    audits_hold(&db).await;
}

async fn bought(db: &Db, w: &World, months: i64, now: i64) -> String {
    let o = db.create_order(&order(w, OrderType::NewPurchase, vec![line(None, Some((2, months)), 1_000)]), now).await.unwrap();
    pay(db, &w.customer, &o.order_id, &PaymentPlan::default(), None, now).await.unwrap().resource_ids[0].clone()
}

async fn documented_resource_refusals(db: Db) {
    let w = world(&db, 50_000).await;
    let now = db.now().await.unwrap();
    let r = bought(&db, &w, 1, now).await;
    // Unknown resource: CBC.99003016.
    refused(
        db.create_order(&order(&w, OrderType::Renewal, vec![line(Some("nope"), Some((2, 1)), 1_000)]), now).await,
        ErrorCode::ResourceNotFound,
    );
    // Beyond 5 years: CBC.99003154 (1 month bought + 3 years + 3 years).
    let three_years = db.create_order(&order(&w, OrderType::Renewal, vec![line(Some(&r), Some((3, 3)), 1_000)]), now).await.unwrap();
    // In a pending-payment order: CBC.99003100.
    refused(
        db.create_order(&order(&w, OrderType::Renewal, vec![line(Some(&r), Some((2, 1)), 1_000)]), now).await,
        ErrorCode::ResourceInPendingOrder,
    );
    refused(unsubscribe(&db, &w.customer, &r, false, "customer", now).await, ErrorCode::ResourceInPendingOrder);
    pay(&db, &w.customer, &three_years.order_id, &PaymentPlan::default(), None, now).await.unwrap();
    refused(
        db.create_order(&order(&w, OrderType::Renewal, vec![line(Some(&r), Some((3, 3)), 1_000)]), now).await,
        ErrorCode::RenewalBeyondMaximum,
    );
    // An order in progress (becoming on-demand at expiry): CBC.99003144.
    db.convert_to_on_demand(&w.customer, &r, "customer", None, now).await.unwrap();
    refused(
        db.create_order(&order(&w, OrderType::Renewal, vec![line(Some(&r), Some((2, 1)), 1_000)]), now).await,
        ErrorCode::ResourceOrderInProgress,
    );
    refused(unsubscribe(&db, &w.customer, &r, false, "customer", now).await, ErrorCode::ResourceOrderInProgress);
    // Another customer's resource is unknown to this one.
    let other = account(&db, "other-customer", AccountKind::Customer).await;
    refused(db.set_auto_renew(&other, &r, Some((2, None)), now).await, ErrorCode::ResourceNotFound);
    // Expired and deleted after grace and retention: CBC.99003016.
    let r2 = bought(&db, &w, 1, now).await;
    let gone = add_months(now, 1) + GRACE_MS + RETENTION_MS;
    refused(
        db.create_order(&order(&w, OrderType::Renewal, vec![line(Some(&r2), Some((2, 1)), 1_000)]), gone).await,
        ErrorCode::ResourceNotFound,
    );
    // Frozen but not deleted yet: still renewable, and the renewal continues from expiry.
    let frozen = add_months(now, 1) + GRACE_MS + DAY;
    assert_eq!(
        db.find_resource(&w.customer, &pc_domain::ResourceId::from_trusted(r2.to_string()), frozen).await.unwrap().unwrap().status,
        ResourceStatus::Frozen
    );
    let o = db.create_order(&order(&w, OrderType::Renewal, vec![line(Some(&r2), Some((2, 1)), 1_000)]), frozen).await.unwrap();
    pay(&db, &w.customer, &o.order_id, &PaymentPlan::default(), None, frozen).await.unwrap();
    assert_eq!(
        db.find_resource(&w.customer, &pc_domain::ResourceId::from_trusted(r2.to_string()), frozen).await.unwrap().unwrap().expire_at,
        Some(add_months(add_months(now, 1), 1))
    );
    audits_hold(&db).await;
}

async fn two_payments_of_one_order_never_both_succeed(db: Db) {
    let w = world(&db, 50_000).await;
    let now = db.now().await.unwrap();
    for _ in 0..5 {
        let o = db.create_order(&order(&w, OrderType::NewPurchase, vec![line(None, Some((2, 1)), 1_000)]), now).await.unwrap();
        let db = Arc::new(db.clone());
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let (db, customer, id) = (db.clone(), w.customer.clone(), o.order_id.clone());
                tokio::spawn(async move { pay(&db, &customer, &id, &PaymentPlan::default(), None, now).await })
            })
            .collect();
        let mut wins = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => wins += 1,
                Err(StorageError::Rule(e)) => assert_eq!(e.code, ErrorCode::OrderStatusForbids),
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(wins, 1);
    }
    assert_eq!(cash(&db, &w.customer).await, 50_000 - 5 * 1_000);
    audits_hold(&db).await;
}

async fn payment_racing_cancel_never_both_succeed(db: Db) {
    let w = world(&db, 50_000).await;
    let now = db.now().await.unwrap();
    let mut paid = 0;
    for _ in 0..6 {
        let o = db.create_order(&order(&w, OrderType::NewPurchase, vec![line(None, Some((2, 1)), 1_000)]), now).await.unwrap();
        let (d1, d2) = (db.clone(), db.clone());
        let (c1, c2, id1, id2) = (w.customer.clone(), w.customer.clone(), o.order_id.clone(), o.order_id.clone());
        let pay = tokio::spawn(async move { pay(&d1, &c1, &id1, &PaymentPlan::default(), None, now).await.is_ok() });
        let cancel = tokio::spawn(async move { d2.cancel_order(&c2, &id2, now).await.is_ok() });
        let (p, c) = (pay.await.unwrap(), cancel.await.unwrap());
        assert!(p ^ c, "exactly one of pay ({p}) and cancel ({c}) wins");
        let status = db.find_order(&scopes::everyone(), &o.order_id).await.unwrap().unwrap().status;
        assert_eq!(status, if p { OrderStatus::Completed } else { OrderStatus::Cancelled });
        paid += i64::from(p);
    }
    assert_eq!(cash(&db, &w.customer).await, 50_000 - paid * 1_000);
    audits_hold(&db).await;
}

async fn scheduler_cancels_renews_and_expires(db: Db) {
    let w = world(&db, 50_000).await;
    let now = db.now().await.unwrap();
    let unpaid = db.create_order(&order(&w, OrderType::NewPurchase, vec![line(None, Some((2, 1)), 1_000)]), now).await.unwrap();
    assert_eq!(db.cancel_overdue_orders(now + PAYMENT_WINDOW_MS - 1).await.unwrap(), 0);
    assert_eq!(db.cancel_overdue_orders(now + PAYMENT_WINDOW_MS).await.unwrap(), 1);
    assert_eq!(db.find_order(&scopes::everyone(), &unpaid.order_id).await.unwrap().unwrap().status, OrderStatus::Cancelled);

    let r = bought(&db, &w, 1, now).await;
    let expire = add_months(now, 1);
    assert!(db.due_auto_renewals(expire - DAY).await.unwrap().is_empty(), "auto-renew is off");
    db.set_auto_renew(&w.customer, &r, Some((Period::MONTH, Some(1))), now).await.unwrap();
    assert!(db.due_auto_renewals(expire - 8 * DAY).await.unwrap().is_empty(), "not due yet");
    let due = db.due_auto_renewals(expire - 7 * DAY).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].resource.resource_id, r);
    // A pending renewal order stops it being due again.
    let renewal =
        db.create_order(&order(&w, OrderType::Renewal, vec![line(Some(&r), Some((2, 1)), 1_000)]), expire - 7 * DAY).await.unwrap();
    assert!(db.due_auto_renewals(expire - 7 * DAY).await.unwrap().is_empty());
    pay(&db, &w.customer, &renewal.order_id, &PaymentPlan::default(), None, expire - 7 * DAY).await.unwrap();
    db.count_auto_renewal(&r, expire - 7 * DAY).await.unwrap();
    let res = db.find_resource(&w.customer, &pc_domain::ResourceId::from_trusted(r.to_string()), expire).await.unwrap().unwrap();
    assert!(!res.auto_renew, "one renewal asked for, one done");

    // Expiry: grace, frozen, then deleted by the sweep.
    let end = res.expire_at.unwrap();
    let in_grace = ResourceFilter { statuses: vec![ResourceStatus::Expired], ..Default::default() };
    let page = Page::first(10);
    assert_eq!(db.list_resources(&scopes::everyone(), &w.customer, &in_grace, end + DAY, page).await.unwrap().1, 1);
    assert_eq!(db.list_resources(&scopes::everyone(), &w.customer, &in_grace, end - DAY, page).await.unwrap().1, 0);
    let frozen = ResourceFilter { statuses: vec![ResourceStatus::Frozen], ..Default::default() };
    assert_eq!(db.list_resources(&scopes::everyone(), &w.customer, &frozen, end + GRACE_MS, page).await.unwrap().1, 1);
    assert_eq!(db.sweep_expired_resources(end + GRACE_MS).await.unwrap().deleted, 0);
    assert_eq!(db.sweep_expired_resources(end + GRACE_MS + RETENTION_MS).await.unwrap().deleted, 1);
    let closed = db.find_resource(&w.customer, &pc_domain::ResourceId::from_trusted(r.to_string()), end).await.unwrap().unwrap();
    assert_eq!(closed.status, ResourceStatus::Closed, "deleted for good, whatever the clock says");

    // To on-demand at expiry.
    let r2 = bought(&db, &w, 1, now).await;
    let conversion = db.convert_to_on_demand(&w.customer, &r2, "customer", None, now).await.unwrap();
    assert_eq!(
        db.find_order(&scopes::everyone(), &pc_domain::OrderId::from_trusted(conversion.to_string())).await.unwrap().unwrap().status,
        OrderStatus::Processing
    );
    assert_eq!(db.sweep_expired_resources(expire).await.unwrap().converted_to_on_demand, 1);
    let r2 =
        db.find_resource(&w.customer, &pc_domain::ResourceId::from_trusted(r2.to_string()), expire + 100 * DAY).await.unwrap().unwrap();
    assert_eq!((r2.expire_at, r2.status), (None, ResourceStatus::InUse));
    assert_eq!(
        db.find_order(&scopes::everyone(), &pc_domain::OrderId::from_trusted(conversion.to_string())).await.unwrap().unwrap().status,
        OrderStatus::Completed
    );
    audits_hold(&db).await;
}

async fn clock_and_leases(db: Db) {
    refused(db.advance_clock(DAY).await, ErrorCode::BusinessCheckFailed);
    // A database created without --sandbox never becomes one.
    let err = db.migrate_creating(true).await.unwrap_err();
    assert!(err.to_string().contains("never become a sandbox"), "{err}");
    assert!(!db.clock_settings().await.unwrap().sandbox);
    refused(db.advance_clock(DAY).await, ErrorCode::BusinessCheckFailed);
    // One created as a sandbox can move its business clock ahead.
    let backend = match db.backend() {
        pc_storage::dialect::Backend::Sqlite => pc_storage::testing::TestBackend::Sqlite,
        pc_storage::dialect::Backend::Postgres => pc_storage::testing::TestBackend::Postgres,
    };
    let sandbox = pc_storage::testing::TestDb::new_sandbox(backend).await.unwrap();
    sandbox.db.migrate_creating(true).await.unwrap();
    sandbox.db.migrate_creating(false).await.unwrap();
    assert!(sandbox.db.clock_settings().await.unwrap().sandbox, "a sandbox stays one");
    let before = sandbox.db.now().await.unwrap();
    let after = sandbox.db.advance_clock(30 * DAY).await.unwrap();
    sandbox.cleanup().await;
    assert!(after - before >= 30 * DAY);
    refused(db.advance_clock(-1).await, ErrorCode::InvalidParameter);
    refused(db.advance_clock(i64::MAX).await, ErrorCode::InvalidParameter);

    assert!(db.try_lease("job", "node-a", 1_000, 500).await.unwrap());
    assert!(!db.try_lease("job", "node-b", 1_200, 500).await.unwrap(), "held by node-a");
    assert!(db.try_lease("job", "node-a", 1_200, 500).await.unwrap(), "the holder renews");
    assert!(db.try_lease("job", "node-b", 1_700, 500).await.unwrap(), "expired leases pass on");
    db.release_lease("job", "node-b").await.unwrap();
    assert!(db.try_lease("job", "node-a", 1_701, 500).await.unwrap());
    // Many nodes at once: exactly one wins.
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move { db.try_lease("race", &format!("node-{i}"), 10_000, 1_000).await.unwrap() })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        wins += i32::from(t.await.unwrap());
    }
    assert_eq!(wins, 1);
}

async fn orders_are_scoped(db: Db) {
    let w = world(&db, 50_000).await;
    let now = db.now().await.unwrap();
    let o = db.create_order(&order(&w, OrderType::NewPurchase, vec![line(None, Some((2, 1)), 1_000)]), now).await.unwrap();
    let page = Page::first(10);
    let mine = scopes::customer(&w.customer);
    let all = OrderFilter::default();
    assert_eq!(db.list_orders(&mine, &all, page).await.unwrap().1, 1);
    assert_eq!(db.list_orders(&scopes::partner(&w.partner), &all, page).await.unwrap().0[0].order_id, o.order_id);
    let managed = scopes::managed_by(&w.partner, "nobody");
    assert_eq!(db.list_orders(&managed, &all, page).await.unwrap().1, 0, "a customer manager sees only assigned customers");
    assert!(db.find_order(&managed, &o.order_id).await.unwrap().is_none(), "nor finds their orders");
    let other = scopes::customer(&account(&db, "other-customer", AccountKind::Customer).await);
    assert_eq!(db.list_orders(&other, &all, page).await.unwrap().1, 0);
    assert!(db.find_order(&other, &o.order_id).await.unwrap().is_none());
    let completed = OrderFilter { status: Some(OrderStatus::Completed), ..Default::default() };
    assert_eq!(db.list_orders(&mine, &completed, page).await.unwrap().1, 0);
    let by_id = OrderFilter { order_id: Some(o.order_id.to_uppercase()), ..Default::default() };
    assert_eq!(db.list_orders(&mine, &by_id, page).await.unwrap().1, 1, "order ids match regardless of case");

    // Authorization to order on the customer's behalf.
    assert!(!db.order_authorized(&w.customer, &w.partner).await.unwrap());
    db.grant_order_authorization(&w.customer, &w.partner, now).await.unwrap();
    assert!(db.order_authorized(&w.customer, &w.partner).await.unwrap());
    db.revoke_order_authorization(&w.customer).await.unwrap();
    assert!(!db.order_authorized(&w.customer, &w.partner).await.unwrap());

    // An idempotency key answers the first order.
    let claim = pc_storage::IdempotencyClaim { scope: w.customer.to_string(), key: "k1".into(), request_hash: "h".into() };
    let keyed = NewOrder { idempotency: Some(claim.clone()), ..order(&w, OrderType::NewPurchase, vec![line(None, Some((2, 1)), 1_000)]) };
    let first = db.create_order(&keyed, now).await.unwrap();
    let again = db.create_order(&keyed, now).await.unwrap();
    assert_eq!((again.order_id.as_str(), again.replayed), (first.order_id.as_str(), true));
    let other_request =
        NewOrder { idempotency: Some(pc_storage::IdempotencyClaim { request_hash: "h2".into(), ..claim.clone() }), ..keyed.clone() };
    refused(db.create_order(&other_request, now).await, ErrorCode::IdempotencyKeyReused);
    // Retries racing on several nodes: one order, every retry answers it.
    let raced = NewOrder { idempotency: Some(pc_storage::IdempotencyClaim { key: "k2".into(), ..claim }), ..keyed };
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (db, o) = (db.clone(), raced.clone());
            tokio::spawn(async move { db.create_order(&o, now).await.unwrap().order_id })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
}

/// The plan paying `order_id` from cash alone at `now`.
async fn cash_plan(db: &Db, customer: &DomainId, order_id: &str, now: i64) -> pc_domain::orders::plan::OrderPaymentPlan {
    let i = db.payment_inputs(customer, order_id, &[], now).await.unwrap().unwrap();
    plan_order_payment(&i.order, &i.lines, &i.resources, &PaymentPlan::default(), &i.coupons, now).unwrap()
}

async fn payments_share_the_group_commit_with_transfers(db: Db) {
    let w = world(&db, 5_000).await;
    let now = db.now().await.unwrap();
    let cheap = db.create_order(&order(&w, OrderType::NewPurchase, vec![line(None, Some((2, 1)), 1_000)]), now).await.unwrap();
    let dear = db.create_order(&order(&w, OrderType::NewPurchase, vec![line(None, Some((2, 1)), 100_000)]), now).await.unwrap();
    let top_up = TransferCommand {
        kind: TransferKind::Allocate,
        actor: w.partner.clone(),
        counterparty: w.customer.clone(),
        from_owner: Some(w.partner.clone()),
        to_owner: w.customer.clone(),
        amount: Money::from_fen(100),
        idempotency: None,
        by: None,
    };
    let cheap_plan = cash_plan(&db, &w.customer, &cheap.order_id, now).await;
    let jobs = [
        PostingJob::Payment { plan: cheap_plan.clone(), pay_key: None, at: now, by: None },
        PostingJob::Payment { plan: cash_plan(&db, &w.customer, &dear.order_id, now).await, pay_key: None, at: now, by: None },
        PostingJob::Transfer(top_up),
    ];
    let mut results = db.post_batch(&jobs).await.unwrap().into_iter();
    assert!(matches!(results.next(), Some(Ok(Posted::Payment(p))) if p.cash.fen() == 1_000));
    refused(results.next().unwrap(), ErrorCode::InsufficientBalance);
    assert!(matches!(results.next(), Some(Ok(Posted::Transfer(_)))));
    assert_eq!(cash(&db, &w.customer).await, 5_000 - 1_000 + 100);
    assert_eq!(
        db.find_order(&scopes::everyone(), &dear.order_id).await.unwrap().unwrap().status,
        OrderStatus::PendingPayment,
        "the refused payment rolled back alone"
    );
    audits_hold(&db).await;

    // Through the group commit: the same plan again finds the order paid.
    let ledger = pc_storage::GroupCommit::start(db.clone());
    let again = ledger.post(PostingJob::Payment { plan: cheap_plan, pay_key: None, at: now, by: None });
    refused(again.await, ErrorCode::OrderStatusForbids);
    let job = PostingJob::Payment { plan: cash_plan(&db, &w.customer, &dear.order_id, now).await, pay_key: None, at: now, by: None };
    refused(ledger.post(job).await, ErrorCode::InsufficientBalance);
    audits_hold(&db).await;
}

/// Pays as the order service does: reads what the payment depends on, plans it in the domain,
/// and has storage apply the plan.
async fn pay(
    db: &Db,
    customer: &DomainId,
    order_id: &str,
    choice: &PaymentPlan,
    key: Option<&str>,
    now: i64,
) -> Result<Payment, StorageError> {
    let inputs = db.payment_inputs(customer, order_id, &choice.coupon_ids, now).await?;
    let Some(i) = inputs.filter(|i| check_payable(i.order.status, i.order.payment_deadline, now).is_ok()) else {
        return db.payment_refusal(customer, order_id, key, now).await;
    };
    let plan = plan_order_payment(&i.order, &i.lines, &i.resources, choice, &i.coupons, now)?;
    match db.post_job(&PostingJob::Payment { plan, pay_key: key.map(str::to_owned), at: now, by: None }).await? {
        Posted::Payment(p) => Ok(p),
        other => panic!("{other:?}"),
    }
}

/// Unsubscribes as the resource service does.
async fn unsubscribe(
    db: &Db,
    customer: &DomainId,
    resource_id: &str,
    renewals_only: bool,
    placed_by: &str,
    now: i64,
) -> Result<Unsubscribed, StorageError> {
    let inputs = db.unsubscribe_inputs(customer, &pc_domain::ResourceId::from_trusted(resource_id.to_string()), now).await?;
    let i = inputs.ok_or_else(|| pc_domain::DomainError::of(ErrorCode::ResourceNotFound))?;
    let plan: RefundPlan = plan_unsubscribe(&i.resource.snapshot(), &i.open_orders, &i.terms, renewals_only, now)?;
    let job = RefundJob {
        customer: customer.clone(),
        resource: i.resource,
        plan,
        placed_by: placed_by.into(),
        partner: i.partner,
        at: now,
        by: None,
    };
    match db.post_job(&PostingJob::Refund(Box::new(job))).await? {
        Posted::Refund(done) => Ok(done),
        other => panic!("{other:?}"),
    }
}

/// A change of spec priced for one month of a three-year term leaves the bigger spec running
/// unpaid: the ledger audit finds it; priced to the paid-until, the audit holds.
async fn audit_finds_a_change_of_spec_not_paid_for_the_whole_term(db: Db) {
    let w = world(&db, 50_000).await;
    let t0 = db.now().await.unwrap();
    let bought = db.create_order(&order(&w, OrderType::NewPurchase, vec![line(None, Some((3, 3)), 10_000)]), t0).await.unwrap();
    let paid = pay(&db, &w.customer, &bought.order_id, &PaymentPlan::default(), None, t0).await.unwrap();
    let rid = paid.resource_ids[0].clone();
    let expire_at =
        db.find_resource(&w.customer, &pc_domain::ResourceId::from_trusted(rid.to_string()), t0).await.unwrap().unwrap().expire_at.unwrap();
    audits_hold(&db).await;
    let change = |priced_until: i64| NewOrderLine {
        resource_spec: "c6.2xlarge.4.linux".into(),
        priced_until: Some(priced_until),
        period: None,
        ..line(Some(&rid), None, 1_000)
    };
    let underpriced = db.create_order(&order(&w, OrderType::Change, vec![change(add_months(t0, 1))]), t0).await.unwrap();
    pay(&db, &w.customer, &underpriced.order_id, &PaymentPlan::default(), None, t0).await.unwrap();
    assert_eq!(
        db.find_resource(&w.customer, &pc_domain::ResourceId::from_trusted(rid.to_string()), t0).await.unwrap().unwrap().resource_spec,
        "c6.2xlarge.4.linux"
    );
    let audit = db.ledger_audit().await.unwrap();
    assert_eq!(audit.uncovered_resources, 1, "{audit:?}");
    assert!(!audit.holds());
    // A change priced to the paid-until covers the term.
    let fair = db.create_order(&order(&w, OrderType::Change, vec![change(expire_at)]), t0).await.unwrap();
    pay(&db, &w.customer, &fair.order_id, &PaymentPlan::default(), None, t0).await.unwrap();
    audits_hold(&db).await;
}
