//! The money journal, on SQLite and on PostgreSQL.

mod scopes;

use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::tenancy::{AccountKind, PartnerKind};
use pc_domain::{DomainId, DomainName, ErrorCode};
use pc_storage::testing::{TestBackend, TestDb};
use pc_storage::{
    cash_account_id, AdjustRecordFilter, Db, EntryFilter, IdempotencyClaim, NewAccount, StorageError, TransferCommand, TransferOutcome,
};
use proptest::prelude::*;

pc_storage::on_both_backends!(
    entries_carry_the_balance_after,
    short_balance_moves_nothing,
    idempotency_replays_and_refuses,
    database_refuses_negative_balances,
    records_are_filtered_and_scoped
);

use pc_storage::testing::run_with_test_db as run;

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

fn cmd(kind: TransferKind, actor: &DomainId, from: Option<&DomainId>, to: &DomainId, fen: i64) -> TransferCommand {
    let counterparty = match kind {
        TransferKind::Reclaim => from.unwrap().clone(),
        _ => to.clone(),
    };
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

struct World {
    op: DomainId,
    t1: DomainId,
    t2: DomainId,
    sp: DomainId,
    customer: DomainId,
}

async fn world(db: &Db) -> World {
    let op = account(db, "operator", AccountKind::Operator, None).await;
    let t1 = account(db, "tier-one", AccountKind::Partner(PartnerKind::Distributor), None).await;
    let t2 = account(db, "tier-two", AccountKind::Partner(PartnerKind::Reseller), Some(&t1)).await;
    let sp = account(db, "provider", AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let customer = account(db, "customer", AccountKind::Customer, None).await;
    World { op, t1, t2, sp, customer }
}

fn refused_with(r: Result<TransferOutcome, StorageError>, code: ErrorCode) {
    match r {
        Err(StorageError::Rule(e)) => assert_eq!(e.code, code),
        other => panic!("expected {code:?}, got {other:?}"),
    }
}

async fn entries_carry_the_balance_after(t: TestDb) -> TestDb {
    let (db, w) = (&t.db, world(&t.db).await);
    db.transfer(&cmd(TransferKind::TopUp, &w.op, None, &w.sp, 10_000)).await.unwrap();
    db.transfer(&cmd(TransferKind::Allocate, &w.sp, Some(&w.sp), &w.customer, 1_230)).await.unwrap();
    db.transfer(&cmd(TransferKind::Reclaim, &w.sp, Some(&w.customer), &w.sp, 230)).await.unwrap();
    assert_eq!(db.cash_balance(&w.sp).await.unwrap().amount, Money::from_fen(9_000));
    assert_eq!(db.cash_balance(&w.customer).await.unwrap().amount, Money::from_fen(1_000));
    let page = pc_domain::query::Page::parse(None, Some(100)).unwrap();
    let (entries, n) = db.account_entries(&scopes::partner(&w.sp), &EntryFilter::default(), page).await.unwrap();
    assert_eq!(n, 3);
    let afters: Vec<i64> = entries.iter().map(|e| e.balance_after.fen()).collect();
    assert_eq!(afters, vec![9_000, 8_770, 10_000], "newest first, each with the balance after it");
    assert_eq!(entries[1].counterparty.as_ref().map(|c| &c.0), Some(&w.customer));
    assert!(db.ledger_audit().await.unwrap().holds());
    t
}

async fn short_balance_moves_nothing(t: TestDb) -> TestDb {
    let (db, w) = (&t.db, world(&t.db).await);
    db.transfer(&cmd(TransferKind::TopUp, &w.op, None, &w.t1, 500)).await.unwrap();
    refused_with(db.transfer(&cmd(TransferKind::Allocate, &w.t1, Some(&w.t1), &w.t2, 501)).await, ErrorCode::InsufficientBalance);
    refused_with(db.transfer(&cmd(TransferKind::Reclaim, &w.t1, Some(&w.t2), &w.t1, 1)).await, ErrorCode::InsufficientBalance);
    assert_eq!(db.cash_balance(&w.t1).await.unwrap().amount, Money::from_fen(500));
    assert_eq!(db.cash_balance(&w.t2).await.unwrap().amount, Money::ZERO);
    let audit = db.ledger_audit().await.unwrap();
    assert!(audit.holds(), "{audit:?}");
    db.transfer(&cmd(TransferKind::Allocate, &w.t1, Some(&w.t1), &w.t2, 500)).await.unwrap();
    assert_eq!(db.cash_balance(&w.t1).await.unwrap().amount, Money::ZERO, "exactly the whole balance may move");
    t
}

async fn idempotency_replays_and_refuses(t: TestDb) -> TestDb {
    let (db, w) = (&t.db, world(&t.db).await);
    db.transfer(&cmd(TransferKind::TopUp, &w.op, None, &w.sp, 1_000)).await.unwrap();
    let claim = |hash: &str| Some(IdempotencyClaim { scope: w.sp.to_string(), key: "k-1".into(), request_hash: hash.into() });
    let mut c = cmd(TransferKind::Allocate, &w.sp, Some(&w.sp), &w.customer, 100);
    c.idempotency = claim("h1");
    let first = db.transfer(&c).await.unwrap();
    assert!(matches!(first, TransferOutcome::Applied(_)));
    let again = db.transfer(&c).await.unwrap();
    assert_eq!(again, TransferOutcome::Replayed(first.transfer_id().to_owned()));
    c.idempotency = claim("h2");
    refused_with(db.transfer(&c).await, ErrorCode::IdempotencyKeyReused);
    assert_eq!(db.cash_balance(&w.customer).await.unwrap().amount, Money::from_fen(100), "applied once");
    // Another caller's identical key is its own.
    let mut other = cmd(TransferKind::TopUp, &w.op, None, &w.t1, 100);
    other.idempotency = Some(IdempotencyClaim { scope: w.op.to_string(), key: "k-1".into(), request_hash: "h9".into() });
    assert!(matches!(db.transfer(&other).await.unwrap(), TransferOutcome::Applied(_)));
    t
}

async fn database_refuses_negative_balances(t: TestDb) -> TestDb {
    let w = world(&t.db).await;
    t.db.transfer(&cmd(TransferKind::TopUp, &w.op, None, &w.sp, 100)).await.unwrap();
    let id = cash_account_id(&w.sp);
    assert!(t.execute_raw(&format!("UPDATE fund_accounts SET balance_fen = -1 WHERE account_id = '{id}'")).await.is_err());
    assert!(
        t.execute_raw(
            "INSERT INTO fund_transfers (transfer_id, kind, actor_id, counterparty_id, to_account, amount_fen, currency, created_at) \
        VALUES ('x', 'BEADJUST', 'a', 'b', 'c', 0, 'CNY', 0)"
        )
        .await
        .is_err(),
        "zero amounts and dangling references are refused"
    );
    assert_eq!(t.db.cash_balance(&w.sp).await.unwrap().amount, Money::from_fen(100));
    t
}

async fn records_are_filtered_and_scoped(t: TestDb) -> TestDb {
    let (db, w) = (&t.db, world(&t.db).await);
    db.transfer(&cmd(TransferKind::TopUp, &w.op, None, &w.t1, 10_000)).await.unwrap();
    let a = db.transfer(&cmd(TransferKind::Allocate, &w.t1, Some(&w.t1), &w.t2, 700)).await.unwrap();
    db.transfer(&cmd(TransferKind::Reclaim, &w.t1, Some(&w.t2), &w.t1, 200)).await.unwrap();
    let page = pc_domain::query::Page::parse(None, Some(10)).unwrap();
    let (all, n) = db.adjust_records(&scopes::partner(&w.t1), &AdjustRecordFilter::default(), page).await.unwrap();
    assert_eq!((all.len(), n), (2, 2), "top-ups are not adjust records");
    let only_alloc = AdjustRecordFilter { kind: Some(TransferKind::Allocate), ..Default::default() };
    let (r, _) = db.adjust_records(&scopes::partner(&w.t1), &only_alloc, page).await.unwrap();
    assert_eq!(r[0].transfer_id, a.transfer_id());
    assert_eq!(r[0].counterparty, w.t2);
    let by_id = AdjustRecordFilter { transfer_id: Some(a.transfer_id().to_owned()), ..Default::default() };
    assert_eq!(db.adjust_records(&scopes::partner(&w.t1), &by_id, page).await.unwrap().1, 1);
    assert_eq!(
        db.adjust_records(&scopes::partner(&w.t2), &AdjustRecordFilter::default(), page).await.unwrap().1,
        0,
        "the tier-2 did not act"
    );
    assert_eq!(db.adjust_records(&scopes::partner(&w.sp), &AdjustRecordFilter::default(), page).await.unwrap().1, 0);
    t
}

// ---- Property: random operation sequences keep every journal invariant ------------------

#[derive(Debug, Clone)]
enum Step {
    TopUp { to: usize, fen: i64 },
    Move { from: usize, to: usize, fen: i64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..4, 1i64..5_000).prop_map(|(to, fen)| Step::TopUp { to, fen }),
        (0usize..4, 0usize..4, 1i64..5_000).prop_filter("distinct accounts", |(f, t, _)| f != t).prop_map(|(from, to, fen)| Step::Move {
            from,
            to,
            fen
        }),
    ]
}

fn check_sequence(backend: TestBackend, steps: Vec<Step>) -> Result<(), TestCaseError> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async move {
        let t = TestDb::new(backend).await.unwrap();
        let db = &t.db;
        let op = account(db, "operator", AccountKind::Operator, None).await;
        let mut owners = Vec::new();
        for i in 0..4 {
            owners.push(account(db, &format!("owner-{i}"), AccountKind::Partner(PartnerKind::SolutionProvider), None).await);
        }
        let mut model = [0i64; 4];
        for s in &steps {
            let (c, from) = match *s {
                Step::TopUp { to, fen } => (cmd(TransferKind::TopUp, &op, None, &owners[to], fen), None),
                Step::Move { from, to, fen } => {
                    (cmd(TransferKind::Allocate, &owners[from], Some(&owners[from]), &owners[to], fen), Some(from))
                }
            };
            let result = db.transfer(&c).await;
            let fen = c.amount.fen();
            match (result, from) {
                (Ok(_), None) => model[owners.iter().position(|o| *o == c.to_owner).unwrap()] += fen,
                (Ok(_), Some(f)) => {
                    prop_assert!(model[f] >= fen, "a transfer beyond the balance was applied");
                    model[f] -= fen;
                    model[owners.iter().position(|o| *o == c.to_owner).unwrap()] += fen;
                }
                (Err(StorageError::Rule(e)), Some(f)) => {
                    prop_assert_eq!(e.code, ErrorCode::InsufficientBalance);
                    prop_assert!(model[f] < fen, "a covered transfer was refused");
                }
                (Err(e), _) => prop_assert!(false, "unexpected error {e:?}"),
            }
            let audit = db.ledger_audit().await.unwrap();
            prop_assert!(audit.holds(), "{:?}", audit);
        }
        for (i, o) in owners.iter().enumerate() {
            prop_assert_eq!(db.cash_balance(o).await.unwrap().amount.fen(), model[i]);
        }
        t.cleanup().await;
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn journal_invariants_hold_on_sqlite(steps in prop::collection::vec(step(), 1..30)) {
        check_sequence(TestBackend::Sqlite, steps)?;
    }

    #[test]
    fn journal_invariants_hold_on_postgres(steps in prop::collection::vec(step(), 1..30)) {
        check_sequence(TestBackend::Postgres, steps)?;
    }
}
