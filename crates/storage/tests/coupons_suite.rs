//! Coupon quotas and coupons, on SQLite and on PostgreSQL: rules, races, and the quota
//! conservation invariant (`Db::coupon_audit` must report 0 after every operation).

mod scopes;

use pc_domain::coupons::{coupon_record, CouponStatus, Limits, QuotaStatus};
use pc_domain::money::Money;
use pc_domain::query::{now_millis, Page};
use pc_domain::tenancy::{AccountKind, PartnerKind};
use pc_domain::{DomainId, DomainName, ErrorCode};
use pc_storage::testing::{TestBackend, TestDb};
use pc_storage::{CouponFilter, CouponRecordFilter, Db, NewAccount, NewCoupon, NewQuota, StorageError};
use proptest::prelude::*;
use std::sync::Arc;

const DAY: i64 = 86_400_000;

pc_storage::on_both_backends!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    issue_and_reclaim_keep_the_quota_whole,
    never_beyond_balance_nor_from_unusable_quotas,
    expiry_is_by_time_and_the_sweep_records_it,
    sub_quotas_move_between_tiers,
    unbinding_returns_usable_coupons,
    concurrent_issues_never_exceed_the_quota,
    reclaim_racing_spend_never_double_counts,
    sub_quota_reclaim_racing_issues_keeps_the_quota_whole,
);

use pc_storage::testing::run_with_db as run;

struct World {
    op: DomainId,
    t1: DomainId,
    t2: DomainId,
    customers: Vec<DomainId>,
}

async fn account(db: &Db, name: &str, kind: AccountKind, parent: Option<&DomainId>) -> DomainId {
    db.create_account(&NewAccount {
        domain_name: DomainName::parse(name).unwrap(),
        kind,
        parent_id: parent.cloned(),
        display_name: String::new(),
        email: None,
        mobile: None,
    })
    .await
    .unwrap()
    .domain_id
}

async fn world(db: &Db) -> World {
    let op = account(db, "operator", AccountKind::Operator, None).await;
    let t1 = account(db, "tier-one", AccountKind::Partner(PartnerKind::Distributor), None).await;
    let t2 = account(db, "tier-two", AccountKind::Partner(PartnerKind::Reseller), Some(&t1)).await;
    let mut customers = Vec::new();
    for i in 0..3 {
        customers.push(account(db, &format!("customer-{i}"), AccountKind::Customer, None).await);
    }
    World { op, t1, t2, customers }
}

async fn quota(db: &Db, w: &World, owner: &DomainId, fen: i64) -> String {
    let now = now_millis();
    db.create_quota(&NewQuota {
        owner: owner.clone(),
        granted_by: w.op.clone(),
        quota_type: 0,
        value: Money::from_fen(fen),
        effective_at: now - DAY,
        expire_at: now + DAY,
        limits: Limits::default(),
    })
    .await
    .unwrap()
}

fn coupon(issuer: &DomainId, quota_id: &str, customer: &DomainId, fen: i64) -> NewCoupon {
    let now = now_millis();
    NewCoupon {
        issuer: issuer.clone(),
        quota_id: quota_id.into(),
        customer: customer.clone(),
        face_value: Money::from_fen(fen),
        effective_at: now - DAY,
        expire_at: now + DAY,
        limits: Limits::default(),
        memo: None,
        by: None,
    }
}

fn refused(r: Result<impl std::fmt::Debug, StorageError>, code: ErrorCode) {
    match r {
        Err(StorageError::Rule(e)) => assert_eq!(e.code, code, "{}", e.message),
        other => panic!("expected {code:?}, got {other:?}"),
    }
}

async fn balance(db: &Db, quota_id: &str) -> i64 {
    db.find_quota(&scopes::everyone(), &pc_domain::QuotaId::from_trusted(quota_id.to_string())).await.unwrap().unwrap().balance.fen()
}

async fn issue_and_reclaim_keep_the_quota_whole(db: Db) {
    let w = world(&db).await;
    let q = quota(&db, &w, &w.t2, 10_000).await;
    let c = db.issue_coupon(&coupon(&w.t2, &q, &w.customers[0], 3_000)).await.unwrap();
    assert_eq!(balance(&db, &q).await, 7_000);
    db.spend_coupon(&w.customers[0], &c, Money::from_fen(1_000), "order-1").await.unwrap();
    assert_eq!(db.coupon_audit().await.unwrap(), 0);
    let back = db.reclaim_coupon(&w.t2, &c, coupon_record::MANUAL_RECLAIM, None).await.unwrap();
    assert_eq!(back.fen(), 2_000, "the whole remaining balance, not the face value");
    assert_eq!(balance(&db, &q).await, 9_000);
    let found = db.find_coupon(&scopes::everyone(), &pc_domain::CouponId::from_trusted(c.to_string())).await.unwrap().unwrap();
    assert_eq!((found.status, found.balance.fen()), (CouponStatus::Reclaimed, 0));
    refused(db.reclaim_coupon(&w.t2, &c, coupon_record::MANUAL_RECLAIM, None).await, ErrorCode::BusinessCheckFailed);
    refused(db.reclaim_coupon(&w.t1, &c, coupon_record::MANUAL_RECLAIM, None).await, ErrorCode::NotYourCustomer);
    refused(db.spend_coupon(&w.customers[0], &c, Money::from_fen(1), "order-2").await, ErrorCode::CouponNotApplicable);
    // A coupon spent to zero is used, and cannot be reclaimed.
    let d = db.issue_coupon(&coupon(&w.t2, &q, &w.customers[1], 500)).await.unwrap();
    db.spend_coupon(&w.customers[1], &d, Money::from_fen(500), "order-3").await.unwrap();
    assert_eq!(
        db.find_coupon(&scopes::everyone(), &pc_domain::CouponId::from_trusted(d.to_string())).await.unwrap().unwrap().status,
        CouponStatus::Used
    );
    refused(db.reclaim_coupon(&w.t2, &d, coupon_record::MANUAL_RECLAIM, None).await, ErrorCode::BusinessCheckFailed);
    assert_eq!(db.coupon_audit().await.unwrap(), 0);
    let page = Page::parse(None, Some(100)).unwrap();
    let (records, _) = db.coupon_records(&scopes::partner(&w.t2), &CouponRecordFilter::default(), page).await.unwrap();
    let kinds: Vec<i64> = records.iter().map(|r| r.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == coupon_record::ISSUE).count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == coupon_record::MANUAL_RECLAIM).count(), 1);
    assert!(!kinds.contains(&coupon_record::SPEND), "spending is the customer's, not a partner record");
}

async fn never_beyond_balance_nor_from_unusable_quotas(db: Db) {
    let w = world(&db).await;
    let q = quota(&db, &w, &w.t2, 1_000).await;
    refused(db.issue_coupon(&coupon(&w.t2, &q, &w.customers[0], 1_001)).await, ErrorCode::QuotaInsufficient);
    refused(db.issue_coupon(&coupon(&w.t1, &q, &w.customers[0], 1)).await, ErrorCode::QuotaInsufficient);
    db.set_quota_status(&pc_domain::QuotaId::from_trusted(q.to_string()), QuotaStatus::Frozen).await.unwrap();
    refused(db.issue_coupon(&coupon(&w.t2, &q, &w.customers[0], 1)).await, ErrorCode::QuotaInsufficient);
    db.set_quota_status(&pc_domain::QuotaId::from_trusted(q.to_string()), QuotaStatus::Normal).await.unwrap();
    db.issue_coupon(&coupon(&w.t2, &q, &w.customers[0], 1_000)).await.unwrap();
    assert_eq!(balance(&db, &q).await, 0);
    // An expired quota issues nothing.
    let now = now_millis();
    let old = db
        .create_quota(&NewQuota {
            owner: w.t2.clone(),
            granted_by: w.op.clone(),
            quota_type: 0,
            value: Money::from_fen(500),
            effective_at: now - 2 * DAY,
            expire_at: now - DAY,
            limits: Limits::default(),
        })
        .await
        .unwrap();
    refused(db.issue_coupon(&coupon(&w.t2, &old, &w.customers[0], 1)).await, ErrorCode::QuotaInsufficient);
    assert_eq!(balance(&db, &old).await, 500);
    assert_eq!(db.coupon_audit().await.unwrap(), 0);
}

async fn expiry_is_by_time_and_the_sweep_records_it(db: Db) {
    let w = world(&db).await;
    let q = quota(&db, &w, &w.t2, 1_000).await;
    let c = db.issue_coupon(&coupon(&w.t2, &q, &w.customers[0], 400)).await.unwrap();
    let later = now_millis() + 2 * DAY;
    let page = Page::parse(None, Some(10)).unwrap();
    let expired = CouponFilter { status: Some(CouponStatus::Expired.code()), ..Default::default() };
    assert_eq!(db.list_coupons(&scopes::partner(&w.t2), &expired, page, now_millis()).await.unwrap().1, 0);
    assert_eq!(
        db.list_coupons(&scopes::partner(&w.t2), &expired, page, later).await.unwrap().1,
        1,
        "read as expired once past expire_time"
    );
    assert_eq!(db.sweep_expired_coupons(now_millis()).await.unwrap(), 0);
    assert_eq!(db.sweep_expired_coupons(later).await.unwrap(), 1);
    assert_eq!(db.sweep_expired_coupons(later).await.unwrap(), 0, "recorded once");
    let found = db.find_coupon(&scopes::everyone(), &pc_domain::CouponId::from_trusted(c.to_string())).await.unwrap().unwrap();
    assert_eq!((found.status, found.balance.fen()), (CouponStatus::Expired, 0));
    assert_eq!(balance(&db, &q).await, 1_000, "the expired balance went back to the quota");
    let (records, n) = db
        .coupon_records(
            &scopes::partner(&w.t2),
            &CouponRecordFilter { kinds: vec![coupon_record::EXPIRY_RECLAIM], ..Default::default() },
            page,
        )
        .await
        .unwrap();
    assert_eq!((n, records[0].amount.fen()), (1, 400));
    assert_eq!(db.coupon_audit().await.unwrap(), 0);
}

async fn sub_quotas_move_between_tiers(db: Db) {
    let w = world(&db).await;
    let parent = quota(&db, &w, &w.t1, 10_000).await;
    let sub = db.issue_sub_quota(&w.t1, &parent, &w.t2, Money::from_fen(4_000), None).await.unwrap();
    assert_eq!(balance(&db, &parent).await, 6_000);
    refused(db.issue_sub_quota(&w.t1, &parent, &w.t2, Money::from_fen(6_001), None).await, ErrorCode::QuotaInsufficient);
    db.issue_coupon(&coupon(&w.t2, &sub, &w.customers[0], 1_500)).await.unwrap();
    assert_eq!(db.coupon_audit().await.unwrap(), 0);
    refused(db.reclaim_sub_quota(&w.t2, &sub, None, None).await, ErrorCode::QuotaUnavailable);
    db.reclaim_sub_quota(&w.t1, &sub, Some("season end"), None).await.unwrap();
    assert_eq!(balance(&db, &parent).await, 8_500, "the sub-quota's remaining 25.00 came back");
    assert_eq!(balance(&db, &sub).await, 0);
    refused(db.reclaim_sub_quota(&w.t1, &sub, None, None).await, ErrorCode::QuotaUnavailable);
    refused(db.issue_coupon(&coupon(&w.t2, &sub, &w.customers[1], 1)).await, ErrorCode::QuotaInsufficient);
    assert_eq!(db.coupon_audit().await.unwrap(), 0);
    let page = Page::parse(None, Some(10)).unwrap();
    let (records, n) = db.quota_records(&scopes::partner(&w.t1), &Default::default(), page).await.unwrap();
    assert_eq!(n, 2);
    assert_eq!(records[0].amount.fen(), 2_500);
}

async fn unbinding_returns_usable_coupons(db: Db) {
    let w = world(&db).await;
    let q = quota(&db, &w, &w.t2, 10_000).await;
    let a = db.issue_coupon(&coupon(&w.t2, &q, &w.customers[0], 1_000)).await.unwrap();
    let b = db.issue_coupon(&coupon(&w.t2, &q, &w.customers[0], 2_000)).await.unwrap();
    db.spend_coupon(&w.customers[0], &b, Money::from_fen(2_000), "o").await.unwrap();
    db.issue_coupon(&coupon(&w.t2, &q, &w.customers[1], 500)).await.unwrap();
    let returned = db.return_coupons_on_unbind(&w.t2, &w.customers[0]).await.unwrap();
    assert_eq!(
        returned,
        vec![(pc_domain::CouponId::from_trusted(a.clone()), Money::from_fen(1_000))],
        "only the usable coupon, only this customer's"
    );
    assert_eq!(balance(&db, &q).await, 10_000 - 2_000 - 500);
    let page = Page::parse(None, Some(10)).unwrap();
    let (records, _) = db
        .coupon_records(
            &scopes::partner(&w.t2),
            &CouponRecordFilter { kinds: vec![coupon_record::UNBIND_RECLAIM], ..Default::default() },
            page,
        )
        .await
        .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].coupon_id, a);
    assert_eq!(db.coupon_audit().await.unwrap(), 0);
}

async fn concurrent_issues_never_exceed_the_quota(db: Db) {
    let w = Arc::new(world(&db).await);
    let q = Arc::new(quota(&db, &w, &w.t2, 10_000).await);
    let mut handles = Vec::new();
    for i in 0..40 {
        let (db, w, q) = (db.clone(), w.clone(), q.clone());
        handles.push(tokio::spawn(async move { db.issue_coupon(&coupon(&w.t2, &q, &w.customers[i % 3], 700)).await }));
    }
    let mut ok = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StorageError::Rule(e)) => assert_eq!(e.code, ErrorCode::QuotaInsufficient),
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok, 14, "10000 / 700 = 14 coupons fit, no more");
    assert_eq!(balance(&db, &q).await, 10_000 - 14 * 700);
    assert_eq!(db.coupon_audit().await.unwrap(), 0);
}

async fn reclaim_racing_spend_never_double_counts(db: Db) {
    let w = Arc::new(world(&db).await);
    let q = quota(&db, &w, &w.t2, 100_000).await;
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(db.issue_coupon(&coupon(&w.t2, &q, &w.customers[i % 3], 1_000)).await.unwrap());
    }
    let mut handles = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let customer = w.customers[i % 3].clone();
        let (db1, db2, w2, id1, id2) = (db.clone(), db.clone(), w.clone(), id.clone(), id.clone());
        handles.push(tokio::spawn(async move { db1.spend_coupon(&customer, &id1, Money::from_fen(300), "race").await.map(|_| ()) }));
        handles.push(tokio::spawn(async move { db2.reclaim_coupon(&w2.t2, &id2, coupon_record::MANUAL_RECLAIM, None).await.map(|_| ()) }));
    }
    for h in handles {
        match h.await.unwrap() {
            Ok(()) => {}
            // A spend after the reclaim finds no usable coupon; a reclaim racing a spend asks to retry.
            Err(StorageError::Rule(e)) => {
                assert!(matches!(e.code, ErrorCode::CouponNotApplicable | ErrorCode::BusinessCheckFailed), "{}", e.message)
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    // Each coupon: spent + reclaimed is exactly its face value (the reclaim always wins the end).
    let page = Page::parse(None, Some(100)).unwrap();
    let (coupons, _) = db.list_coupons(&scopes::partner(&w.t2), &CouponFilter::default(), page, now_millis()).await.unwrap();
    for c in &coupons {
        assert_eq!(c.status, CouponStatus::Reclaimed);
        assert_eq!(c.balance.fen(), 0);
    }
    assert_eq!(db.coupon_audit().await.unwrap(), 0);
}

async fn sub_quota_reclaim_racing_issues_keeps_the_quota_whole(db: Db) {
    let w = Arc::new(world(&db).await);
    let parent = quota(&db, &w, &w.t1, 100_000).await;
    for round in 0..5 {
        let sub = Arc::new(db.issue_sub_quota(&w.t1, &parent, &w.t2, Money::from_fen(10_000), None).await.unwrap());
        let mut handles = Vec::new();
        for i in 0..8 {
            let (db, w, sub) = (db.clone(), w.clone(), sub.clone());
            handles.push(tokio::spawn(async move { db.issue_coupon(&coupon(&w.t2, &sub, &w.customers[i % 3], 900)).await.map(|_| ()) }));
        }
        let (db2, w2, sub2) = (db.clone(), w.clone(), sub.clone());
        handles.push(tokio::spawn(async move { db2.reclaim_sub_quota(&w2.t1, &sub2, None, None).await }));
        for h in handles {
            match h.await.unwrap() {
                Ok(()) => {}
                Err(StorageError::Rule(e)) => {
                    assert!(matches!(e.code, ErrorCode::QuotaInsufficient | ErrorCode::QuotaUnavailable), "{e:?}")
                }
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(db.coupon_audit().await.unwrap(), 0, "round {round}");
    }
}

// ---- Property: random operation sequences keep every quota whole -----------------------

#[derive(Debug, Clone)]
enum Step {
    SubQuota(i64),
    Issue { from_sub: bool, customer: usize, fen: i64 },
    Spend { pick: usize, fen: i64 },
    Reclaim { pick: usize },
    ReclaimSub,
    Sweep,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1i64..5_000).prop_map(Step::SubQuota),
        (any::<bool>(), 0usize..3, 1i64..3_000).prop_map(|(from_sub, customer, fen)| Step::Issue { from_sub, customer, fen }),
        (0usize..50, 1i64..2_000).prop_map(|(pick, fen)| Step::Spend { pick, fen }),
        (0usize..50).prop_map(|pick| Step::Reclaim { pick }),
        Just(Step::ReclaimSub),
        Just(Step::Sweep),
    ]
}

fn check(backend: TestBackend, steps: Vec<Step>) -> Result<(), TestCaseError> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async move {
        let t = TestDb::new(backend).await.unwrap();
        let db = &t.db;
        let w = world(db).await;
        let parent = quota(db, &w, &w.t1, 20_000).await;
        let mut subs: Vec<String> = Vec::new();
        let mut coupons: Vec<(String, DomainId, DomainId)> = Vec::new();
        for s in &steps {
            // Rule refusals are part of the game; anything else is a failure.
            let outcome: Result<(), StorageError> = match s {
                Step::SubQuota(fen) => db.issue_sub_quota(&w.t1, &parent, &w.t2, Money::from_fen(*fen), None).await.map(|id| subs.push(id)),
                Step::Issue { from_sub, customer, fen } => {
                    let (issuer, q) = match (from_sub, subs.last()) {
                        (true, Some(sub)) => (w.t2.clone(), sub.clone()),
                        _ => (w.t1.clone(), parent.clone()),
                    };
                    let cust = w.customers[*customer].clone();
                    db.issue_coupon(&coupon(&issuer, &q, &cust, *fen)).await.map(|id| coupons.push((id, issuer, cust)))
                }
                Step::Spend { pick, fen } if !coupons.is_empty() => {
                    let (id, _, cust) = &coupons[pick % coupons.len()];
                    db.spend_coupon(cust, id, Money::from_fen(*fen), "p").await.map(|_| ())
                }
                Step::Reclaim { pick } if !coupons.is_empty() => {
                    let (id, issuer, _) = &coupons[pick % coupons.len()];
                    db.reclaim_coupon(issuer, id, coupon_record::MANUAL_RECLAIM, None).await.map(|_| ())
                }
                Step::ReclaimSub => match subs.last() {
                    Some(sub) => db.reclaim_sub_quota(&w.t1, sub, None, None).await,
                    None => Ok(()),
                },
                Step::Sweep => db.sweep_expired_coupons(now_millis() + 2 * DAY).await.map(|_| ()),
                _ => Ok(()),
            };
            if let Err(e) = outcome {
                prop_assert!(matches!(e, StorageError::Rule(_)), "unexpected {:?}", e);
            }
            prop_assert_eq!(db.coupon_audit().await.unwrap(), 0, "quota conservation broken after {:?}", s);
        }
        t.cleanup().await;
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20, ..ProptestConfig::default() })]

    #[test]
    fn quota_invariant_holds_on_sqlite(steps in prop::collection::vec(step(), 1..25)) {
        check(TestBackend::Sqlite, steps)?;
    }

    #[test]
    fn quota_invariant_holds_on_postgres(steps in prop::collection::vec(step(), 1..25)) {
        check(TestBackend::Postgres, steps)?;
    }
}
