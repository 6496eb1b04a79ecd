//! Many concurrent allocations and reclaims through two server instances (two separate
//! connection pools, as two nodes would have) on one database, most of them against one hot
//! partner account, some of them retried with the same idempotency key on both nodes at
//! once. Afterwards: nothing negative, no lost update, the journal conserved, every
//! acknowledged transfer present exactly once, every rejected one absent.

mod common;

use chrono::Duration;
use common::{issue_key, signed, spawn_server, Key, Server};
use pc_api::KeyVault;
use pc_domain::customer::{NewCustomer, NewCustomerInput};
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::tenancy::{AccountKind, PartnerKind};
use pc_domain::{DomainId, DomainName};
use pc_storage::testing::{TestBackend, TestDb};
use pc_storage::{Db, NewAccount, TransferCommand};
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_two_nodes() {
    run(TestBackend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_two_nodes() {
    run(TestBackend::Postgres).await
}

const REQUESTS: usize = 240;
const CUSTOMERS: usize = 4;
const START_FEN: i64 = 50_000; // 500.00 yuan: small enough that many allocations are refused

#[derive(Clone)]
struct Op {
    allocate: bool,
    customer: usize,
    fen: i64,
    key: String,
}

async fn run(backend: TestBackend) {
    let t = TestDb::new(backend).await.unwrap();
    let vault = KeyVault::from_key([9; 32]);
    let (sp, customers) = setup(&t.db).await;
    let sp_key = Arc::new(issue_key(&t.db, &vault, &sp, None).await);

    // Two nodes: each has its own pool on the same database.
    let node_a = Arc::new(spawn_server(t.db.clone(), vault.clone()).await);
    let db_b = Db::connect(&t.url).await.unwrap();
    let node_b = Arc::new(spawn_server(db_b.clone(), vault.clone()).await);
    let http = reqwest::Client::new();

    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let ops: Vec<Op> = (0..REQUESTS)
        .map(|i| Op {
            allocate: rng.gen_bool(0.6),
            customer: rng.gen_range(0..CUSTOMERS),
            fen: rng.gen_range(1..=4_000),
            key: format!("op-{i}"),
        })
        .collect();

    let mut handles = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        // Every fifth operation is also retried at once on the other node with the same key.
        let sends = if i % 5 == 0 { 2 } else { 1 };
        for s in 0..sends {
            let node = if (i + s) % 2 == 0 { node_a.clone() } else { node_b.clone() };
            let (http, key, op, customer) = (http.clone(), sp_key.clone(), op.clone(), customers[op.customer].clone());
            handles.push(tokio::spawn(async move { (op.key.clone(), send(&http, &node, &key, &op, &customer).await) }));
        }
    }
    let mut results: HashMap<String, Vec<(u16, Value)>> = HashMap::new();
    for h in handles {
        let (key, r) = h.await.unwrap();
        results.entry(key).or_default().push(r);
    }

    let mut expected_sp = START_FEN;
    let mut expected_customer = [0i64; CUSTOMERS];
    let (mut acked, mut refused) = (0, 0);
    for op in &ops {
        let answers = &results[&op.key];
        let ids: Vec<&str> =
            answers.iter().filter(|(s, _)| *s == 200).map(|(_, b)| b["transfer_id"].as_str().or(b["trans_id"].as_str()).unwrap()).collect();
        for (status, body) in answers {
            assert!(*status == 200 || (*status == 400 && body["error_code"] == "CBC.99005003"), "unexpected answer {status} {body}");
        }
        if ids.is_empty() {
            refused += 1;
            assert_eq!(t.db.transfers_with_key(sp.as_str(), &op.key).await.unwrap(), 0, "refused {} left a transfer", op.key);
        } else {
            acked += 1;
            assert!(ids.iter().all(|id| *id == ids[0]), "retries of {} answered different transfers: {ids:?}", op.key);
            assert_eq!(t.db.transfer_exists(ids[0]).await.unwrap(), 1);
            assert_eq!(t.db.transfers_with_key(sp.as_str(), &op.key).await.unwrap(), 1, "{} applied more than once", op.key);
            let delta = if op.allocate { op.fen } else { -op.fen };
            expected_sp -= delta;
            expected_customer[op.customer] += delta;
        }
    }
    assert!(acked > REQUESTS / 4 && refused > 0, "the mix must exercise both outcomes: {acked} acknowledged, {refused} refused");

    // No lost update: every balance equals the sum of the acknowledged movements.
    assert_eq!(t.db.cash_balance(&sp).await.unwrap().amount, Money::from_fen(expected_sp));
    for (i, c) in customers.iter().enumerate() {
        assert_eq!(t.db.cash_balance(c).await.unwrap().amount, Money::from_fen(expected_customer[i]), "customer {i}");
    }
    let audit = t.db.ledger_audit().await.unwrap();
    assert!(audit.holds(), "{audit:?}");
    assert_eq!(audit.balances_fen, START_FEN);

    drop(node_a);
    drop(node_b);
    db_b.close().await;
    t.cleanup().await;
}

async fn send(http: &reqwest::Client, node: &Server, key: &Key, op: &Op, customer: &DomainId) -> (u16, Value) {
    let path = if op.allocate { "/v2/accounts/partner-accounts/adjust-amount" } else { "/v2/accounts/partner-accounts/reclaim" };
    let amount = Money::from_fen(op.fen).to_string();
    let body = format!(r#"{{"customer_id": "{customer}", "amount": {amount}}}"#);
    let resp =
        signed(http, node, key, "POST", path, body.as_bytes(), Duration::zero()).header("X-Idempotency-Key", &op.key).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(json!(null)))
}

async fn setup(db: &Db) -> (DomainId, Vec<DomainId>) {
    let account = |name: &str, kind| NewAccount {
        domain_name: DomainName::parse(name).unwrap(),
        kind,
        parent_id: None,
        display_name: String::new(),
        email: None,
        mobile: None,
    };
    let op = db.create_account(&account("ops-main", AccountKind::Operator)).await.unwrap();
    let sp = db.create_account(&account("sp-hot", AccountKind::Partner(PartnerKind::SolutionProvider))).await.unwrap();
    db.transfer(&TransferCommand {
        kind: TransferKind::TopUp,
        actor: op.domain_id.clone(),
        counterparty: sp.domain_id.clone(),
        from_owner: None,
        to_owner: sp.domain_id.clone(),
        amount: Money::from_fen(START_FEN),
        idempotency: None,
        by: None,
    })
    .await
    .unwrap();
    let mut customers = Vec::new();
    for i in 0..CUSTOMERS {
        let (name, x) = (format!("hot-cust-{i}"), format!("x{i}"));
        let new = NewCustomer::parse(NewCustomerInput {
            domain_name: Some(&name),
            xaccount_type: Some("p"),
            xaccount_id: Some(&x),
            ..Default::default()
        })
        .unwrap();
        customers.push(db.create_customer(&sp.domain_id, &new, None).await.unwrap());
    }
    (sp.domain_id, customers)
}
