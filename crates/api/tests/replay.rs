//! Replayed signed requests on SQLite and PostgreSQL (docs/DOMAIN.md#R-AUTH-10): the same
//! signed bytes sent again are refused with 401 CBC.0155 once the first changed something,
//! on the node that served it and on another node; a request that failed without effect may
//! be sent again; reads are not affected; remembered signatures are pruned after the window.

mod common;

use chrono::Duration;
use common::{issue_key, signed, spawn_server, Key, Server};
use pc_api::KeyVault;
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::tenancy::{AccountKind, AssociationType, PartnerKind};
use pc_domain::{DomainId, DomainName};
use pc_storage::testing::{TestBackend, TestDb};
use pc_storage::{Db, NewAccount, TransferCommand};
use serde_json::Value;

pc_storage::on_both_backends!(
    replayed_allocate_is_refused_on_every_node,
    replayed_top_up_creates_no_money,
    failed_request_may_be_sent_again,
    replayed_reads_are_answered,
    seen_signatures_are_pruned_after_the_window
);

struct World {
    server: Server,
    /// A second node on the same database, with its own pool.
    other: Server,
    other_db: Db,
    db: Db,
    http: reqwest::Client,
    operator: Key,
    partner: Key,
    customer: DomainId,
}

async fn run<F, Fut>(backend: TestBackend, test: F)
where
    F: FnOnce(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let t = TestDb::new(backend).await.expect("test database");
    let vault = KeyVault::from_key([5; 32]);
    let db = t.db.clone();
    let account = |name: &str, kind| {
        let db = db.clone();
        let name = name.to_owned();
        async move {
            db.create_account(&NewAccount {
                domain_name: DomainName::parse(&name).unwrap(),
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
    };
    let op = account("operator", AccountKind::Operator).await;
    let partner = account("provider", AccountKind::Partner(PartnerKind::SolutionProvider)).await;
    let customer = account("customer", AccountKind::Customer).await;
    db.associate_customer(&customer, &partner, AssociationType::Resale).await.unwrap();
    top_up(&db, &op, &partner, 10_000).await;
    let other_db = Db::connect(&t.url).await.unwrap();
    let world = World {
        server: spawn_server(db.clone(), vault.clone()).await,
        other: spawn_server(other_db.clone(), vault.clone()).await,
        other_db,
        operator: issue_key(&db, &vault, &op, None).await,
        partner: issue_key(&db, &vault, &partner, None).await,
        customer,
        db: db.clone(),
        http: reqwest::Client::new(),
    };
    let other_db = world.other_db.clone();
    test(world).await;
    other_db.close().await;
    t.cleanup().await;
}

async fn top_up(db: &Db, op: &DomainId, partner: &DomainId, fen: i64) {
    db.transfer(&TransferCommand {
        kind: TransferKind::TopUp,
        actor: op.clone(),
        counterparty: partner.clone(),
        from_owner: None,
        to_owner: partner.clone(),
        amount: Money::from_fen(fen),
        idempotency: None,
        by: None,
    })
    .await
    .unwrap();
}

const ALLOCATE: &str = "/v2/accounts/partner-accounts/adjust-amount";
const TOP_UP: &str = "/v2/operator/partner-accounts/top-up";

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The same request bytes, for `server` (a replay carries its Host, so it is signed for the
/// node it is sent to; a load balancer forwards the client's Host to every node).
fn allocate(w: &World, server: &Server, fen: i64) -> reqwest::RequestBuilder {
    let body = format!(r#"{{"customer_id": "{}", "amount": {}}}"#, w.customer, Money::from_fen(fen));
    signed(&w.http, server, &w.partner, "POST", ALLOCATE, body.as_bytes(), Duration::zero())
}

fn assert_replay((status, body): &(u16, Value)) {
    assert_eq!(*status, 401, "{body}");
    assert_eq!(body["error_code"], "CBC.0155", "{body}");
    assert!(body["error_msg"].as_str().is_some_and(|m| m.contains("replay")), "{body}");
}

async fn cash(db: &Db, owner: &DomainId) -> i64 {
    db.cash_balance(owner).await.unwrap().amount.fen()
}

async fn replayed_allocate_is_refused_on_every_node(w: World) {
    let first = allocate(&w, &w.server, 100);
    let replays: Vec<_> = (0..3).map(|_| first.try_clone().unwrap()).collect();
    let (s, body) = send(first).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(cash(&w.db, &w.customer).await, 100);
    for replay in replays {
        assert_replay(&send(replay).await);
    }
    assert_eq!(cash(&w.db, &w.customer).await, 100, "a replay moved money");
    assert_eq!(cash(&w.db, &w.partner.domain_id).await, 9_900);

    // A request served by one node is refused by another: the memory is the database's.
    let on_other = allocate(&w, &w.other, 200);
    let replay = on_other.try_clone().unwrap();
    assert_eq!(send(on_other).await.0, 200);
    // The same bytes reach the first node (its pool, the other's record).
    let (_, body) = send(replay.try_clone().unwrap()).await;
    assert_replay(&(401, body));
    assert_eq!(cash(&w.db, &w.customer).await, 300);

    // Several replays at once, on both nodes: none applies.
    let burst = allocate(&w, &w.server, 50);
    let copies: Vec<_> = (0..6).map(|_| burst.try_clone().unwrap()).collect();
    let answers = futures_join(copies).await;
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(ok, 1, "exactly one of identical concurrent requests applies: {answers:?}");
    for a in answers.iter().filter(|(s, _)| *s != 200) {
        assert_replay(a);
    }
    assert_eq!(cash(&w.db, &w.customer).await, 350);
    assert!(w.db.ledger_audit().await.unwrap().holds());
}

async fn futures_join(reqs: Vec<reqwest::RequestBuilder>) -> Vec<(u16, Value)> {
    let handles: Vec<_> = reqs.into_iter().map(|r| tokio::spawn(send(r))).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn replayed_top_up_creates_no_money(w: World) {
    let body = format!(r#"{{"partner_id": "{}", "amount": 5.00}}"#, w.partner.domain_id);
    let first = signed(&w.http, &w.server, &w.operator, "POST", TOP_UP, body.as_bytes(), Duration::zero());
    let replays: Vec<_> = (0..5).map(|_| first.try_clone().unwrap()).collect();
    let (s, b) = send(first).await;
    assert_eq!(s, 200, "{b}");
    for replay in replays {
        assert_replay(&send(replay).await);
    }
    assert_eq!(cash(&w.db, &w.partner.domain_id).await, 10_500, "top-ups replayed created money");
    let audit = w.db.ledger_audit().await.unwrap();
    assert!(audit.holds() && audit.topups_fen == 10_500, "{audit:?}");
}

async fn failed_request_may_be_sent_again(w: World) {
    // More than the partner holds: refused, nothing changed, nothing remembered.
    let first = allocate(&w, &w.server, 20_000);
    let again = first.try_clone().unwrap();
    let (s, body) = send(first).await;
    assert_eq!((s, body["error_code"].as_str()), (400, Some("CBC.99005003")), "{body}");
    assert_eq!(w.db.count_seen_signatures().await.unwrap(), 0);
    // The partner is topped up; the very same signed request now succeeds.
    top_up(&w.db, &w.operator.domain_id, &w.partner.domain_id, 10_000).await;
    let replay = again.try_clone().unwrap();
    let (s, body) = send(again).await;
    assert_eq!(s, 200, "a request that failed without effect is processed when sent again: {body}");
    assert_eq!(cash(&w.db, &w.customer).await, 20_000);
    // Having succeeded, it cannot be applied a second time.
    assert_replay(&send(replay).await);
    assert_eq!(cash(&w.db, &w.customer).await, 20_000);
}

async fn replayed_reads_are_answered(w: World) {
    let read = signed(&w.http, &w.server, &w.partner, "GET", "/v2/accounts/partner-accounts/balances", b"", Duration::zero());
    for _ in 0..3 {
        let (s, body) = send(read.try_clone().unwrap()).await;
        assert_eq!(s, 200, "{body}");
    }
    // A POST that only reads (a query) changes nothing, so it is not remembered either.
    let query = signed(&w.http, &w.server, &w.partner, "POST", "/v2/partners/sub-customers/query", b"{}", Duration::zero());
    for _ in 0..3 {
        let (s, body) = send(query.try_clone().unwrap()).await;
        assert_eq!(s, 200, "{body}");
    }
    assert_eq!(w.db.count_seen_signatures().await.unwrap(), 0);
}

async fn seen_signatures_are_pruned_after_the_window(w: World) {
    // Signed 14 minutes ago: still inside the window, so remembered.
    let body = format!(r#"{{"customer_id": "{}", "amount": 1.00}}"#, w.customer);
    let old = signed(&w.http, &w.server, &w.partner, "POST", ALLOCATE, body.as_bytes(), Duration::minutes(-14));
    let replay = old.try_clone().unwrap();
    assert_eq!(send(old).await.0, 200);
    assert_eq!(send(allocate(&w, &w.server, 100)).await.0, 200);
    assert_eq!(w.db.count_seen_signatures().await.unwrap(), 2);
    // The scheduler's pruning forgets only what the window refuses anyway.
    let now = chrono::Utc::now().timestamp_millis();
    assert_eq!(w.db.prune_seen_signatures(pc_api::signing::replay_horizon(now)).await.unwrap(), 0);
    assert_replay(&send(replay.try_clone().unwrap()).await);
    let report = pc_api::services::orders::run_jobs(&w.db, "test-node").await.unwrap();
    assert_eq!(report.pruned_signatures, 0);
    // Sixteen minutes on, both are outside the window: pruned, and the old request is stale.
    let later = now + 16 * 60_000 + 60_000;
    assert_eq!(w.db.prune_seen_signatures(pc_api::signing::replay_horizon(later)).await.unwrap(), 2);
    assert_eq!(w.db.count_seen_signatures().await.unwrap(), 0);
}
