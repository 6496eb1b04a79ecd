//! Every kind of write at once, on SQLite and PostgreSQL: 16 clients each create customers,
//! allocate to and reclaim from them, issue them coupons, have them order, pay and
//! unsubscribe, over HTTP on a real server; meanwhile console sign-in attempts and sessions
//! are written, access keys issued, the scheduler runs and a second pool (a CLI command
//! while the server runs) tops the partner up. Every write queues for the write lock
//! instead of failing: no request may fail (docs/DOMAIN.md#R-STORE-1).

mod common;

use chrono::Duration;
use common::{issue_key, signed, spawn_server, Key, Server};
use pc_api::KeyVault;
use pc_domain::catalog::{PriceBook, SHIPPED_PRICE_BOOK};
use pc_domain::coupons::Limits;
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::query::{format_utc, now_millis};
use pc_domain::tenancy::{AccountKind, PartnerKind};
use pc_domain::{DomainId, DomainName};
use pc_storage::testing::{TestBackend, TestDb};
use pc_storage::{ConsoleSession, Db, NewAccount, NewQuota, TransferCommand};
use serde_json::{json, Value};
use std::sync::Arc;

pc_storage::on_both_backends!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    sixteen_clients_write_everything_at_once
);

const CLIENTS: usize = 16;
const ROUNDS: usize = 2;

struct World {
    server: Server,
    db: Db,
    url: String,
    vault: KeyVault,
    http: reqwest::Client,
    operator: DomainId,
    partner: Key,
    quota_id: String,
}

async fn run<F, Fut>(backend: TestBackend, test: F)
where
    F: FnOnce(Arc<World>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let t = TestDb::new(backend).await.expect("test database");
    let vault = KeyVault::from_key([3; 32]);
    let db = t.db.clone();
    db.load_price_book(&PriceBook::parse(SHIPPED_PRICE_BOOK).unwrap(), "test").await.unwrap();
    let account = |name: &str, kind| NewAccount {
        domain_name: DomainName::parse(name).unwrap(),
        kind,
        parent_id: None,
        display_name: String::new(),
        email: None,
        mobile: None,
    };
    let op = db.create_account(&account("operator", AccountKind::Operator)).await.unwrap().domain_id;
    let partner = db.create_account(&account("provider", AccountKind::Partner(PartnerKind::SolutionProvider))).await.unwrap().domain_id;
    db.transfer(&top_up(&op, &partner, 100_000_000)).await.unwrap();
    let now = now_millis();
    let quota_id = db
        .create_quota(&NewQuota {
            owner: partner.clone(),
            granted_by: op.clone(),
            quota_type: 0,
            value: Money::from_fen(10_000_000),
            effective_at: now - 86_400_000,
            expire_at: now + 400 * 86_400_000,
            limits: Limits::default(),
        })
        .await
        .unwrap();
    let world = Arc::new(World {
        server: spawn_server(db.clone(), vault.clone()).await,
        partner: issue_key(&db, &vault, &partner, None).await,
        db: db.clone(),
        url: t.url.clone(),
        vault,
        http: reqwest::Client::new(),
        operator: op,
        quota_id,
    });
    test(world).await;
    t.cleanup().await;
}

fn top_up(op: &DomainId, partner: &DomainId, fen: i64) -> TransferCommand {
    TransferCommand {
        kind: TransferKind::TopUp,
        actor: op.clone(),
        counterparty: partner.clone(),
        from_owner: None,
        to_owner: partner.clone(),
        amount: Money::from_fen(fen),
        idempotency: None,
        by: None,
    }
}

impl World {
    async fn call(&self, key: &Key, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let bytes = serde_json::to_vec(&body).unwrap();
        let resp = signed(&self.http, &self.server, key, method, path, &bytes, Duration::zero())
            .send()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if status == 200 {
            Ok(body)
        } else {
            Err(format!("{method} {path}: {status} {body}"))
        }
    }
}

/// One client's round: every kind of write the Open API offers to a partner and its
/// customer, and the console's sign-in writes.
async fn round(w: Arc<World>, client: usize, n: usize) -> Result<(), String> {
    let p = &w.partner;
    let name = format!("wc{client}x{n}y{}", &DomainId::generate().as_str()[..8]);
    let created =
        w.call(p, "POST", "/v2/partners/sub-customers", json!({"domain_name": name, "xaccount_id": name, "xaccount_type": "p"})).await?;
    let customer = created["domain_id"].as_str().ok_or("no domain_id")?.to_owned();
    let customer_id = DomainId::parse(&customer).map_err(|e| e.to_string())?;
    w.call(p, "POST", "/v2/accounts/partner-accounts/adjust-amount", json!({"customer_id": customer, "amount": 100.00})).await?;
    w.call(p, "POST", "/v2/accounts/partner-accounts/reclaim", json!({"customer_id": customer, "amount": 0.50})).await?;
    let now = now_millis();
    let issued = w
        .call(
            p,
            "POST",
            "/v2/promotions/benefits/partner-coupons",
            json!({"quota_id": w.quota_id, "customer_ids": [customer], "face_value": 1.00,
                   "valid_time": format_utc(now - 3_600_000), "expire_time": format_utc(now + 30 * 86_400_000)}),
        )
        .await?;
    if issued["error_details"].as_array().is_some_and(|e| !e.is_empty()) {
        return Err(format!("coupon issue failed: {issued}"));
    }
    // The customer's own key (a write of its own), then its order, payment and unsubscription.
    let c = issue_key(&w.db, &w.vault, &customer_id, None).await;
    let vm = json!({"cloud_service_type": "hws.service.type.ec2", "resource_type": "hws.resource.type.vm",
                    "resource_spec": "s6.small.1.linux", "region": "cn-north-4", "period_type": 2, "period_num": 1, "subscription_num": 1});
    let order = w.call(&c, "POST", "/v2/orders/customer-orders", json!({"product_infos": [vm]})).await?;
    let order_id = order["order_id"].as_str().ok_or("no order_id")?.to_owned();
    w.call(&c, "POST", "/v3/orders/customer-orders/pay", json!({"order_id": order_id, "use_coupon": "NO", "use_discount": "NO"})).await?;
    let res = w.call(&c, "POST", "/v2/orders/suscriptions/resources/query", json!({})).await?;
    let rid = res["data"][0]["resource_id"].as_str().ok_or(format!("no resource: {res}"))?.to_owned();
    let unsub =
        w.call(&c, "POST", "/v2/orders/subscriptions/resources/unsubscribe", json!({"resource_ids": [rid], "unsubscribe_type": 1})).await?;
    if unsub["order_ids"].as_array().is_none_or(|ids| ids.is_empty()) {
        return Err(format!("unsubscription failed: {unsub}"));
    }
    // The console's writes: a sign-in attempt, its settlement and a session.
    let now = now_millis();
    let attempt =
        w.db.open_sign_in_attempt(&name, &format!("10.0.0.{client}"), now, now - 900_000, |_, _| Ok(()))
            .await
            .map_err(|e| format!("sign-in attempt: {e}"))?
            .map_err(|r| format!("sign-in refused: {r:?}"))?;
    w.db.settle_sign_in_attempt(&attempt).await.map_err(|e| format!("settle: {e}"))?;
    let session = ConsoleSession {
        login: name.clone(),
        domain_id: customer_id.clone(),
        member_id: None,
        csrf_token: name.clone(),
        expires_at: now + 3_600_000,
    };
    w.db.create_session(&DomainId::generate().to_string(), &session).await.map_err(|e| format!("session: {e}"))?;
    Ok(())
}

async fn sixteen_clients_write_everything_at_once(w: Arc<World>) {
    let mut handles = Vec::new();
    for client in 0..CLIENTS {
        let w = w.clone();
        handles.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            for n in 0..ROUNDS {
                if let Err(e) = round(w.clone(), client, n).await {
                    errors.push(e);
                }
            }
            errors
        }));
    }
    // Meanwhile: the scheduler, and a second pool topping up as `pcenter admin topup` does.
    let scheduler = {
        let db = w.db.clone();
        tokio::spawn(async move {
            let mut errors = Vec::new();
            for _ in 0..10 {
                if let Err(e) = pc_api::services::orders::run_jobs(&db, "node-test").await {
                    errors.push(format!("scheduler: {e:?}"));
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            errors
        })
    };
    let cli = {
        let (url, op, partner) = (w.url.clone(), w.operator.clone(), w.partner.domain_id.clone());
        tokio::spawn(async move {
            let db = Db::connect(&url).await.unwrap();
            let mut errors = Vec::new();
            for _ in 0..20 {
                if let Err(e) = db.transfer(&top_up(&op, &partner, 100)).await {
                    errors.push(format!("cli top-up: {e}"));
                }
            }
            db.close().await;
            errors
        })
    };
    let mut errors = Vec::new();
    for h in handles {
        errors.extend(h.await.unwrap());
    }
    errors.extend(scheduler.await.unwrap());
    errors.extend(cli.await.unwrap());
    assert!(errors.is_empty(), "{} writes failed, the first: {:#?}", errors.len(), &errors[..errors.len().min(5)]);

    let audit = w.db.ledger_audit().await.unwrap();
    assert!(audit.holds(), "{audit:?}");
    assert_eq!(w.db.coupon_audit().await.unwrap(), 0);
    assert_eq!(w.db.count_accounts().await.unwrap(), 2 + (CLIENTS * ROUNDS) as i64);
}
