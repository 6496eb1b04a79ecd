//! The console's tables, on SQLite and on PostgreSQL: session expiry, sign-in attempts,
//! the reveal audit's scoping, export tasks and access-key disabling.

use pc_domain::console::{sign_in_gate, SensitiveField, SignInAttempt, SignInRefusal, LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS};
use pc_domain::query::{now_millis, Page};
use pc_domain::tenancy::{AccountKind, PartnerKind};
use pc_domain::{DomainId, DomainName};
use pc_storage::{ConsoleSession, Db, ExportKind, NewAccount, StoredKey};

pc_storage::on_both_backends!(
    sessions_expire_and_end,
    attempts_are_per_login_regardless_of_case,
    parallel_attempts_take_only_the_allowed_places,
    reveals_are_listed_per_partner,
    exports_finish_once_and_belong_to_their_owner,
    keys_are_disabled_only_by_their_account,
);

use pc_storage::testing::run_with_db as run;

async fn account(db: &Db, kind: AccountKind) -> DomainId {
    let name = format!("acct{}", &DomainId::generate().as_str()[..10]);
    db.create_account(&NewAccount {
        domain_name: DomainName::parse(&name).unwrap(),
        kind,
        parent_id: None,
        display_name: "Name".into(),
        email: None,
        mobile: None,
    })
    .await
    .unwrap()
    .domain_id
}

fn partner() -> AccountKind {
    AccountKind::Partner(PartnerKind::SolutionProvider)
}

async fn sessions_expire_and_end(db: Db) {
    let who = account(&db, partner()).await;
    let now = now_millis();
    let s = ConsoleSession { login: "l".into(), domain_id: who, member_id: None, csrf_token: "c".into(), expires_at: now + 1000 };
    db.create_session("h1", &s).await.unwrap();
    assert_eq!(db.find_session("h1", now).await.unwrap(), Some(s.clone()));
    assert_eq!(db.find_session("h1", now + 1000).await.unwrap(), None, "expired");
    db.create_session("h2", &s).await.unwrap();
    db.delete_session("h2").await.unwrap();
    assert_eq!(db.find_session("h2", now).await.unwrap(), None, "signed out");
}

async fn attempts_are_per_login_regardless_of_case(db: Db) {
    let now = now_millis();
    let since = now - LOCKOUT_WINDOW_MS;
    let allow = |_: &[SignInAttempt], _: usize| Ok(());
    db.open_sign_in_attempt("Alice", "10.0.0.1", now - 10, since, allow).await.unwrap().unwrap();
    let ok = db.open_sign_in_attempt("alice", "10.0.0.2", now - 5, since, allow).await.unwrap().unwrap();
    db.settle_sign_in_attempt(&ok).await.unwrap();
    db.open_sign_in_attempt("bob", "10.0.0.1", now - 5, since, allow).await.unwrap().unwrap();
    let mut seen = Vec::new();
    let mut client_failures = 0;
    let refused = db
        .open_sign_in_attempt("ALICE", "10.0.0.1", now, since, |a, c| {
            seen = a.to_vec();
            client_failures = c;
            Err(SignInRefusal::LoginLocked)
        })
        .await
        .unwrap();
    assert_eq!(refused, Err(SignInRefusal::LoginLocked));
    seen.sort_by_key(|a| a.at);
    assert_eq!(
        seen,
        vec![
            SignInAttempt { at: now - 10, succeeded: false, same_client: true },
            SignInAttempt { at: now - 5, succeeded: true, same_client: false },
        ]
    );
    assert_eq!(client_failures, 2, "alice's and bob's failures from 10.0.0.1");
    // A refused attempt is not recorded.
    let mut again = 0;
    db.open_sign_in_attempt("alice", "10.0.0.3", now, since, |a, _| {
        again = a.len();
        Ok(())
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(again, 2);
}

/// Parallel wrong passwords cannot overtake the lockout: of many attempts opened at once,
/// only as many pass the gate as the rule allows.
async fn parallel_attempts_take_only_the_allowed_places(db: Db) {
    let now = now_millis();
    let since = now - LOCKOUT_WINDOW_MS;
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(
                async move { db.open_sign_in_attempt("carol", "10.9.9.9", now, since, |a, c| sign_in_gate(a, c, now)).await.unwrap() },
            )
        })
        .collect();
    let mut passed = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            passed += 1;
        }
    }
    assert_eq!(passed, LOCKOUT_FAILURES);
}

async fn reveals_are_listed_per_partner(db: Db) {
    let (p1, p2) = (account(&db, partner()).await, account(&db, partner()).await);
    let c = account(&db, AccountKind::Customer).await;
    db.record_reveal(&p1, "member-a", &c, SensitiveField::Email).await.unwrap();
    let page = Page::first(10);
    let (rows, total) = db.list_reveals(&p1, page).await.unwrap();
    assert_eq!((total, rows[0].field.as_str(), rows[0].actor_login.as_str()), (1, "email", "member-a"));
    assert_eq!(db.list_reveals(&p2, page).await.unwrap().1, 0);
}

async fn exports_finish_once_and_belong_to_their_owner(db: Db) {
    let (p1, p2) = (account(&db, partner()).await, account(&db, partner()).await);
    let id = db.create_export(&p1, "me", ExportKind::Customers).await.unwrap();
    assert_eq!(db.export_content(&p1, &id).await.unwrap(), None, "pending has no file");
    db.finish_export(&id, Some(("a,b\r\n", 1))).await.unwrap();
    db.finish_export(&id, None).await.unwrap();
    assert_eq!(db.export_content(&p1, &id).await.unwrap(), Some((ExportKind::Customers, "a,b\r\n".into())), "done stays done");
    assert_eq!(db.export_content(&p2, &id).await.unwrap(), None, "another owner sees nothing");
    let (tasks, _) = db.list_exports(&p1, Page::first(10)).await.unwrap();
    assert_eq!((tasks[0].status.as_str(), tasks[0].row_count), ("done", 1));
    assert_eq!(db.list_exports(&p2, Page::first(10)).await.unwrap().1, 0);
}

async fn keys_are_disabled_only_by_their_account(db: Db) {
    let (p1, p2) = (account(&db, partner()).await, account(&db, partner()).await);
    let key = StoredKey { access_key_id: "AK1".into(), domain_id: p1.clone(), member_id: None, secret_sealed: "x".into() };
    db.insert_access_key(&key).await.unwrap();
    assert!(!db.disable_access_key(&p2, "AK1").await.unwrap());
    assert!(db.find_access_key("AK1").await.unwrap().is_some());
    assert!(db.disable_access_key(&p1, "AK1").await.unwrap());
    assert!(!db.disable_access_key(&p1, "AK1").await.unwrap(), "already disabled");
    assert!(db.find_access_key("AK1").await.unwrap().is_none());
    assert_eq!(db.list_access_keys(&p1, None).await.unwrap()[0].status, "disabled");
    assert!(db.list_access_keys(&p2, None).await.unwrap().is_empty());
}
