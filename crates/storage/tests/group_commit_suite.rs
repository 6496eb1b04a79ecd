//! Group commit on SQLite and PostgreSQL: transfers sharing one transaction keep every rule
//! of the single path — a refused one rolls back alone, a retried key applies once, and no
//! caller hears of its transfer before the commit that holds it.

use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::tenancy::{AccountKind, PartnerKind};
use pc_domain::{DomainId, DomainName, ErrorCode};
use pc_storage::testing::TestDb;
use pc_storage::{Db, GroupCommit, IdempotencyClaim, NewAccount, StorageError, TransferCommand, TransferOutcome};
use rand::{Rng, SeedableRng};

pc_storage::on_both_backends!(a_refused_transfer_rolls_back_alone, a_retried_key_applies_once_per_batch, acknowledged_only_after_commit);

use pc_storage::testing::run_with_test_db as run;

async fn account(db: &Db, name: &str, kind: AccountKind, parent: Option<&DomainId>) -> DomainId {
    let new = NewAccount {
        domain_name: DomainName::parse(name).unwrap(),
        kind,
        parent_id: parent.cloned(),
        display_name: String::new(),
        email: None,
        mobile: None,
    };
    db.create_account(&new).await.unwrap().domain_id
}

fn movement(kind: TransferKind, actor: &DomainId, from: Option<&DomainId>, to: &DomainId, fen: i64) -> TransferCommand {
    let counterparty = if kind == TransferKind::Reclaim { from.unwrap().clone() } else { to.clone() };
    TransferCommand {
        kind,
        actor: actor.clone(),
        counterparty,
        from_owner: from.cloned(),
        to_owner: to.clone(),
        amount: Money::from_fen(fen),
        idempotency: None,
        by: None,
    }
}

fn refused_with(r: &Result<TransferOutcome, StorageError>, code: ErrorCode) {
    match r {
        Err(StorageError::Rule(e)) => assert_eq!(e.code, code),
        other => panic!("expected {code:?}, got {other:?}"),
    }
}

async fn a_refused_transfer_rolls_back_alone(t: TestDb) -> TestDb {
    let db = &t.db;
    let op = account(db, "operator", AccountKind::Operator, None).await;
    let t1 = account(db, "tier-one", AccountKind::Partner(PartnerKind::Distributor), None).await;
    let t2 = account(db, "tier-two", AccountKind::Partner(PartnerKind::Reseller), Some(&t1)).await;
    db.transfer(&movement(TransferKind::TopUp, &op, None, &t1, 500)).await.unwrap();
    let batch = [
        movement(TransferKind::Allocate, &t1, Some(&t1), &t2, 300),
        // 200 left: refused. Whichever of its two account rows is updated first, that update
        // must not survive (the audit counts entries against account versions).
        movement(TransferKind::Allocate, &t1, Some(&t1), &t2, 300),
        movement(TransferKind::Reclaim, &t1, Some(&t2), &t1, 100),
        movement(TransferKind::Reclaim, &t1, Some(&t2), &t1, 201),
        movement(TransferKind::TopUp, &op, None, &t1, 50),
    ];
    let results = db.transfer_batch(&batch).await.unwrap();
    assert!(matches!(results[0], Ok(TransferOutcome::Applied(_))));
    refused_with(&results[1], ErrorCode::InsufficientBalance);
    assert!(matches!(results[2], Ok(TransferOutcome::Applied(_))));
    refused_with(&results[3], ErrorCode::InsufficientBalance);
    assert!(matches!(results[4], Ok(TransferOutcome::Applied(_))));
    assert_eq!(db.cash_balance(&t1).await.unwrap().amount, Money::from_fen(500 - 300 + 100 + 50));
    assert_eq!(db.cash_balance(&t2).await.unwrap().amount, Money::from_fen(200));
    assert_eq!(db.count_transfers().await.unwrap(), 2, "only the applied movements are journaled");
    let audit = db.ledger_audit().await.unwrap();
    assert!(audit.holds(), "{audit:?}");
    t
}

async fn a_retried_key_applies_once_per_batch(t: TestDb) -> TestDb {
    let db = &t.db;
    let op = account(db, "operator", AccountKind::Operator, None).await;
    let sp = account(db, "provider", AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let customer = account(db, "customer", AccountKind::Customer, None).await;
    db.transfer(&movement(TransferKind::TopUp, &op, None, &sp, 1_000)).await.unwrap();
    let keyed = |hash: &str| {
        let mut c = movement(TransferKind::Allocate, &sp, Some(&sp), &customer, 100);
        c.idempotency = Some(IdempotencyClaim { scope: sp.to_string(), key: "k-1".into(), request_hash: hash.into() });
        c
    };
    let results = db.transfer_batch(&[keyed("h1"), keyed("h1"), keyed("h2"), keyed("h1")]).await.unwrap();
    let first = match &results[0] {
        Ok(TransferOutcome::Applied(id)) => id.clone(),
        other => panic!("first is applied, got {other:?}"),
    };
    assert_eq!(results[1].as_ref().unwrap(), &TransferOutcome::Replayed(first.clone()));
    refused_with(&results[2], ErrorCode::IdempotencyKeyReused);
    assert_eq!(results[3].as_ref().unwrap(), &TransferOutcome::Replayed(first.clone()));
    // And in a later batch, through the writer task.
    let group = GroupCommit::start(db.clone());
    assert_eq!(group.transfer(keyed("h1")).await.unwrap(), TransferOutcome::Replayed(first));
    assert_eq!(db.transfers_with_key(sp.as_str(), "k-1").await.unwrap(), 1);
    assert_eq!(db.cash_balance(&customer).await.unwrap().amount, Money::from_fen(100), "applied once");
    assert!(db.ledger_audit().await.unwrap().holds());
    t
}

/// Many concurrent callers on one hot account through the writer task, each request sent
/// twice at once with the same idempotency key. Every caller, the moment it hears "applied",
/// looks its transfer up through another connection pool: it must already be committed.
/// Afterwards the balances are exactly the acknowledged movements (no lost update), each key
/// applied at most once, and the journal holds.
async fn acknowledged_only_after_commit(t: TestDb) -> TestDb {
    const REQUESTS: usize = 120;
    const START: i64 = 20_000;
    let db = &t.db;
    let op = account(db, "operator", AccountKind::Operator, None).await;
    let sp = account(db, "provider", AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let mut customers = Vec::new();
    for i in 0..3 {
        customers.push(account(db, &format!("customer-{i}"), AccountKind::Customer, None).await);
    }
    db.transfer(&movement(TransferKind::TopUp, &op, None, &sp, START)).await.unwrap();
    let observer = Db::connect(&t.url).await.unwrap();
    let group = GroupCommit::start(db.clone());
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut handles = Vec::new();
    for i in 0..REQUESTS {
        let c = rng.gen_range(0..customers.len());
        let fen = rng.gen_range(1..=400);
        let mut cmd = if rng.gen_bool(0.6) {
            movement(TransferKind::Allocate, &sp, Some(&sp), &customers[c], fen)
        } else {
            movement(TransferKind::Reclaim, &sp, Some(&customers[c]), &sp, fen)
        };
        cmd.idempotency = Some(IdempotencyClaim { scope: sp.to_string(), key: format!("k-{i}"), request_hash: format!("h-{i}") });
        for _ in 0..2 {
            let (group, observer, cmd) = (group.clone(), observer.clone(), cmd.clone());
            handles.push(tokio::spawn(async move {
                let result = group.transfer(cmd.clone()).await;
                if let Ok(outcome) = &result {
                    assert_eq!(observer.transfer_exists(outcome.transfer_id()).await.unwrap(), 1, "acknowledged before its commit");
                }
                (cmd, result)
            }));
        }
    }
    let mut applied = std::collections::HashMap::new();
    let (mut sp_fen, mut customer_fen) = (START, vec![0i64; customers.len()]);
    for h in handles {
        let (cmd, result) = h.await.unwrap();
        let key = cmd.idempotency.as_ref().unwrap().key.clone();
        match result {
            Ok(outcome) => {
                let id = outcome.transfer_id().to_owned();
                if let Some(seen) = applied.insert(key.clone(), id.clone()) {
                    assert_eq!(seen, id, "both sends of {key} answer the same transfer");
                    continue;
                }
                let delta = if cmd.kind == TransferKind::Allocate { cmd.amount.fen() } else { -cmd.amount.fen() };
                let c = customers.iter().position(|c| *c == cmd.counterparty).unwrap();
                sp_fen -= delta;
                customer_fen[c] += delta;
            }
            Err(e) => refused_with(&Err(e), ErrorCode::InsufficientBalance),
        }
    }
    assert!(applied.len() > REQUESTS / 4, "the mix must apply most movements: {}", applied.len());
    for key in applied.keys() {
        assert_eq!(db.transfers_with_key(sp.as_str(), key).await.unwrap(), 1, "{key} applied more than once");
    }
    assert_eq!(db.cash_balance(&sp).await.unwrap().amount, Money::from_fen(sp_fen));
    for (i, c) in customers.iter().enumerate() {
        assert_eq!(db.cash_balance(c).await.unwrap().amount, Money::from_fen(customer_fen[i]), "customer {i}");
    }
    let audit = db.ledger_audit().await.unwrap();
    assert!(audit.holds(), "{audit:?}");
    observer.close().await;
    t
}
