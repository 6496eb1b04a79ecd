//! Upgrades: a database written by an earlier release (tests/fixtures/release-*.sqlite, made
//! by scripts/make-upgrade-fixture.sh; see docs/OPERATIONS.md) opens with this build. The
//! binary migrates a copy, `admin audit` holds on it, and every record the release wrote reads
//! back through the storage layer: as many accounts, balances, transfers, quotas, coupons,
//! orders (with their lines, coupon uses and refunds) and resources as the file held before.

mod common;

use common::{pcenter, pcenter_ok, scratch_dir};
use pc_domain::query::Page;
use pc_domain::tenancy::{AccountKind, PartnerKind, Principal, TenantScope};
use pc_domain::DomainId;
use pc_storage::{AdjustRecordFilter, CouponFilter, CustomerFilter, Db, OrderFilter, QuotaFilter, ResourceFilter};
use sqlx::{Connection, SqliteConnection};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Transfers other than top-ups, as `admin audit` counts them.
const MOVEMENTS: &str = "fund_transfers WHERE kind <> 'RECHARGE'";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

/// Rows per table (or `table WHERE ...`) as the release left them, counted before any migration touches the file.
async fn rows_before(path: &Path, tables: &[&str]) -> BTreeMap<String, i64> {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}?mode=ro", path.display())).await.expect("open the fixture");
    let mut counts = BTreeMap::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut conn).await.expect("count");
        counts.insert((*table).to_owned(), n);
    }
    let _ = conn.close().await;
    counts
}

fn page(offset: i64) -> Page {
    Page::parse(Some(offset), Some(Page::MAX_LIMIT)).expect("page")
}

/// Every page of a listing, until the total is reached.
async fn all_pages<T, F, Fut>(mut fetch: F) -> Vec<T>
where
    F: FnMut(Page) -> Fut,
    Fut: std::future::Future<Output = pc_storage::Result<(Vec<T>, i64)>>,
{
    let mut out = Vec::new();
    loop {
        let (items, total) = fetch(page(out.len() as i64)).await.expect("listing");
        let got = items.len();
        out.extend(items);
        if got == 0 || out.len() as i64 >= total {
            return out;
        }
    }
}

#[tokio::test]
async fn release_0_1_0_database_migrates_audits_and_reads_back() {
    let dir = scratch_dir("upgrade");
    let db_path = dir.join("pc.db");
    std::fs::copy(fixture("release-0.1.0.sqlite"), &db_path).expect("copy the fixture");
    let before = rows_before(
        &db_path,
        &[
            "accounts",
            "fund_accounts",
            MOVEMENTS,
            "coupon_quotas",
            "coupons",
            "orders",
            "order_lines",
            "order_coupon_uses",
            "resources",
            "refund_items",
            "price_books",
        ],
    )
    .await;
    for (table, n) in &before {
        assert!(*n > 0, "the fixture has no {table}: remake it with scripts/make-upgrade-fixture.sh");
    }
    let url = format!("sqlite://{}", db_path.display());

    pcenter_ok(&url, &["migrate"]);
    let audit = pcenter(&url, &["admin", "audit"]);
    assert!(
        audit.status.success(),
        "audit after upgrade: {}{}",
        String::from_utf8_lossy(&audit.stdout),
        String::from_utf8_lossy(&audit.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&audit.stdout).expect("audit JSON");
    assert_eq!(report["ok"], true);
    assert_eq!(report["transfers"].as_i64(), Some(before[MOVEMENTS]));

    let db = Db::connect(&url).await.expect("connect");
    assert_eq!(db.schema_verdict().await.expect("verdict"), pc_storage::backup::SchemaVerdict::Current);
    let now = db.now().await.expect("clock");

    // Accounts, each by id, and the relations between them.
    let ids: Vec<String> = {
        let mut conn = SqliteConnection::connect(&url).await.expect("open");
        let ids = sqlx::query_scalar("SELECT domain_id FROM accounts ORDER BY domain_id").fetch_all(&mut conn).await.expect("ids");
        let _ = conn.close().await;
        ids
    };
    assert_eq!(ids.len() as i64, before["accounts"]);
    let mut accounts = Vec::new();
    for id in &ids {
        let id = DomainId::parse(id).expect("stored id parses");
        accounts.push(db.find_account(&id).await.expect("read account").expect("account exists"));
    }
    let partners: Vec<_> = accounts.iter().filter(|a| matches!(a.kind, AccountKind::Partner(_))).collect();
    let customers: Vec<_> = accounts.iter().filter(|a| a.kind == AccountKind::Customer).collect();

    // Balances: every account's cash (the platform's revenue account included) reads, and
    // they add up to the ledger.
    let mut balances_fen = 0i64;
    for a in &accounts {
        balances_fen += db.cash_balance(&a.domain_id).await.expect("balance").amount.fen();
    }
    assert_eq!(Some(balances_fen), report["balances_fen"].as_i64());

    // Customers seen from their partners, and tier-2 resellers from their tier-1.
    let mut associated = 0;
    let mut transfers_seen = 0;
    let mut quotas = 0;
    let mut coupons = 0;
    let (all_customers, all_records) = (CustomerFilter::default(), AdjustRecordFilter::default());
    for p in &partners {
        let owned = QuotaFilter { owner: Some(p.domain_id.clone()), ..Default::default() };
        let own = partner_scope(&p.domain_id);
        let issued = CouponFilter { issuer: Some(p.domain_id.clone()), ..Default::default() };
        associated += all_pages(|pg| db.list_customers(&own, &all_customers, pg)).await.len();
        transfers_seen += all_pages(|pg| db.adjust_records(&own, &all_records, pg)).await.len();
        quotas += all_pages(|pg| db.list_quotas(&own, &owned, pg, now)).await.len();
        coupons += all_pages(|pg| db.list_coupons(&own, &issued, pg, now)).await.len();
    }
    assert_eq!(associated, customers.len());
    assert!(transfers_seen > 0, "allocations and reclaims read back");
    assert_eq!(quotas as i64, before["coupon_quotas"]);
    assert_eq!(coupons as i64, before["coupons"]);

    // Orders with their lines, coupon uses and refunds; resources of every customer.
    let (mut orders, mut lines, mut uses, mut refunds, mut resources) = (0, 0, 0, 0, 0);
    let every_resource = ResourceFilter::default();
    let everyone = TenantScope::scheduler();
    for c in &customers {
        let theirs = OrderFilter { customer: Some(c.domain_id.clone()), ..Default::default() };
        let found = all_pages(|pg| db.list_orders(&everyone, &theirs, pg)).await;
        for o in &found {
            let again = db.find_order(&everyone, &o.order_id).await.expect("find order").expect("order exists");
            assert_eq!(again.order_id, o.order_id);
            lines += db.order_lines(&o.order_id).await.expect("lines").len();
            uses += db.order_coupon_uses(&o.order_id).await.expect("coupon uses").len();
            refunds += db.refund_items(&o.order_id).await.expect("refund items").len();
        }
        orders += found.len();
        resources += all_pages(|pg| db.list_resources(&everyone, &c.domain_id, &every_resource, now, pg)).await.len();
    }
    assert_eq!(orders as i64, before["orders"]);
    assert_eq!(lines as i64, before["order_lines"]);
    assert_eq!(uses as i64, before["order_coupon_uses"]);
    assert_eq!(refunds as i64, before["refund_items"]);
    assert_eq!(resources as i64, before["resources"]);
    assert_eq!(db.price_book_versions().await.expect("price books").len() as i64, before["price_books"]);
    db.close().await;

    // The upgraded copy keeps working: a read-only command runs without migrating.
    pcenter_ok(&url, &["admin", "price-book", "list"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A partner's own rows, as its own key reads them.
fn partner_scope(partner: &DomainId) -> TenantScope {
    let principal = Principal { domain_id: partner.clone(), kind: AccountKind::Partner(PartnerKind::SolutionProvider), member: None };
    principal.require_partner().expect("a partner principal").own_scope()
}
