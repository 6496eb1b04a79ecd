//! Price-book versions and customer discounts, on SQLite and on PostgreSQL.

use pc_domain::catalog::{PriceBook, PriceBookFile, SHIPPED_PRICE_BOOK};
use pc_domain::query::now_millis;
use pc_domain::tenancy::{AccountKind, AssociationType, PartnerKind};
use pc_domain::{DomainId, DomainName, ErrorCode};
use pc_storage::{Db, NewAccount, PriceBookLoad, StorageError};
use rust_decimal::Decimal;

const DAY: i64 = 86_400_000;

pc_storage::on_both_backends!(
    a_newer_version_never_reprices_the_past,
    versions_in_effect_are_never_rewritten,
    no_book_no_prices,
    discounts_are_scoped_to_the_partner
);

use pc_storage::testing::run_with_db as run;

/// The shipped book as `version`, effective at `at`, with the small VM's monthly price.
fn book(version: &str, at: i64, monthly: &str) -> PriceBook {
    let mut f: PriceBookFile = serde_json::from_str(SHIPPED_PRICE_BOOK).unwrap();
    f.version = version.into();
    f.effective_from = chrono::DateTime::from_timestamp_millis(at).unwrap().to_rfc3339();
    let vm = f.specs.iter_mut().find(|s| s.code == "s6.small.1.linux").unwrap();
    vm.prices.monthly = Some(monthly.into());
    PriceBook::from_file(f).unwrap()
}

fn monthly(b: &PriceBook) -> Decimal {
    b.spec("s6.small.1.linux").unwrap().monthly.unwrap()
}

fn refused(r: Result<impl std::fmt::Debug, StorageError>, code: ErrorCode) {
    match r {
        Err(StorageError::Rule(e)) => assert_eq!(e.code, code, "{}", e.message),
        other => panic!("expected {code:?}, got {other:?}"),
    }
}

async fn a_newer_version_never_reprices_the_past(db: Db) {
    let now = now_millis();
    let v1 = db.load_price_book(&book("v1", now - 30 * DAY, "30.00"), "operator").await.unwrap();
    assert!(matches!(v1, PriceBookLoad::Loaded(_)));
    let before = db.price_book_at(now - 20 * DAY).await.unwrap();
    db.load_price_book(&book("v2", now - 10 * DAY, "40.00"), "operator").await.unwrap();
    db.load_price_book(&book("v3", now + 10 * DAY, "50.00"), "operator").await.unwrap();
    assert_eq!(monthly(&db.price_book_at(now - 20 * DAY).await.unwrap()), monthly(&before));
    assert_eq!(monthly(&db.price_book_at(now - 20 * DAY).await.unwrap()), Decimal::new(3000, 2));
    assert_eq!(monthly(&db.price_book_at(now).await.unwrap()), Decimal::new(4000, 2));
    assert_eq!(monthly(&db.price_book_at(now + 11 * DAY).await.unwrap()), Decimal::new(5000, 2));
    let versions: Vec<String> = db.price_book_versions().await.unwrap().into_iter().map(|v| v.version).collect();
    assert_eq!(versions, ["v3", "v2", "v1"]);
}

async fn versions_in_effect_are_never_rewritten(db: Db) {
    let now = now_millis();
    let v1 = book("v1", now - DAY, "30.00");
    db.load_price_book(&v1, "operator").await.unwrap();
    assert!(matches!(db.load_price_book(&v1, "operator").await.unwrap(), PriceBookLoad::Unchanged(_)));
    refused(db.load_price_book(&book("v1", now - DAY, "31.00"), "operator").await, ErrorCode::InvalidParameter);
    // Backdating a version before one already in effect would reprice the past.
    refused(db.load_price_book(&book("v0", now - 2 * DAY, "29.00"), "operator").await, ErrorCode::InvalidParameter);
    refused(db.load_price_book(&book("other", now - DAY, "29.00"), "operator").await, ErrorCode::InvalidParameter);
    // A version not yet in effect may still be corrected.
    db.load_price_book(&book("v2", now + DAY, "40.00"), "operator").await.unwrap();
    let r = db.load_price_book(&book("v2", now + 2 * DAY, "41.00"), "operator").await.unwrap();
    assert!(matches!(r, PriceBookLoad::Replaced(_)));
    assert_eq!(monthly(&db.price_book_at(now + DAY + 1).await.unwrap()), Decimal::new(3000, 2));
    assert_eq!(monthly(&db.price_book_at(now + 3 * DAY).await.unwrap()), Decimal::new(4100, 2));
    assert_eq!(db.price_book_versions().await.unwrap().len(), 2);
}

async fn no_book_no_prices(db: Db) {
    refused(db.price_book_at(now_millis()).await, ErrorCode::BusinessCheckFailed);
    db.load_price_book(&book("v1", now_millis() + DAY, "30.00"), "operator").await.unwrap();
    refused(db.price_book_at(now_millis()).await, ErrorCode::BusinessCheckFailed);
}

async fn account(db: &Db, name: &str, kind: AccountKind) -> DomainId {
    let a = NewAccount {
        domain_name: DomainName::parse(name).unwrap(),
        kind,
        parent_id: None,
        display_name: String::new(),
        email: None,
        mobile: None,
    };
    db.create_account(&a).await.unwrap().domain_id
}

async fn discounts_are_scoped_to_the_partner(db: Db) {
    let sp = account(&db, "provider", AccountKind::Partner(PartnerKind::SolutionProvider)).await;
    let other = account(&db, "other-provider", AccountKind::Partner(PartnerKind::SolutionProvider)).await;
    let c = account(&db, "customer", AccountKind::Customer).await;
    db.associate_customer(&c, &sp, AssociationType::Resale).await.unwrap();
    let ecs = vec!["hws.service.type.ec2".to_owned()];
    let g = db.grant_customer_discount(&sp, &c, "ECS 15 % off", Decimal::new(85, 2), &ecs).await.unwrap();
    db.grant_customer_discount(&sp, &c, "All 5 % off", Decimal::new(95, 2), &[]).await.unwrap();
    // A former or foreign partner's grant never prices this customer.
    db.grant_customer_discount(&other, &c, "stale", Decimal::new(5, 1), &[]).await.unwrap();
    let applied = db.customer_discounts(&c).await.unwrap();
    assert_eq!(applied.len(), 2);
    let ecs_grant = applied.iter().find(|d| d.discount_id == g.discount.discount_id).unwrap();
    assert_eq!(ecs_grant, &g.discount);
    assert_eq!(ecs_grant.service_types, ecs);
    assert!(applied.iter().any(|d| d.service_types.is_empty() && d.rate == Decimal::new(95, 2)));
    assert_eq!(db.list_customer_discounts(&sp, Some(&c)).await.unwrap().len(), 2);
    assert_eq!(db.list_customer_discounts(&other, None).await.unwrap().len(), 1);
    assert!(!db.revoke_customer_discount(&other, &g.discount.discount_id).await.unwrap());
    assert!(db.revoke_customer_discount(&sp, &g.discount.discount_id).await.unwrap());
    assert!(!db.revoke_customer_discount(&sp, &g.discount.discount_id).await.unwrap());
    assert_eq!(db.customer_discounts(&c).await.unwrap().len(), 1);
}
