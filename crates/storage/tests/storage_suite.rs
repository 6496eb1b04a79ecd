//! One storage test story, run on SQLite and on PostgreSQL.

mod scopes;

use pc_domain::customer::{IdentityQuery, NewCustomer, NewCustomerInput};
use pc_domain::query::Page;
use pc_domain::tenancy::{AccountKind, AssociationType, CustomerScope, PartnerKind, Role};
use pc_domain::{DomainName, ErrorCode};
use pc_storage::{CustomerFilter, Db, NewAccount, NewMember, ResellerFilter, StorageError, StoredKey};

pc_storage::on_both_backends!(
    accounts_round_trip,
    login_names_are_unique_ignoring_case,
    customers_are_scoped_to_their_partner,
    customer_managers_see_only_their_customers,
    list_filters_and_paging,
    customer_creation_rules_are_enforced_by_storage,
    a_customer_has_one_partner_at_a_time,
    resellers_listed_only_for_their_distributor,
    identity_uses_are_counted,
    access_keys_round_trip,
    database_rejects_inconsistent_rows,
    every_connection_waits_for_the_write_lock,
);

use pc_storage::testing::run_with_db as run;

fn name(prefix: &str) -> DomainName {
    DomainName::parse(&format!("{prefix}{}", &uuid_like()[..12])).unwrap()
}

fn uuid_like() -> String {
    pc_domain::DomainId::generate().as_str().to_owned()
}

async fn partner(db: &Db, kind: PartnerKind, parent: Option<&pc_domain::DomainId>) -> pc_storage::Account {
    db.create_account(&NewAccount {
        domain_name: name("partner"),
        kind: AccountKind::Partner(kind),
        parent_id: parent.cloned(),
        display_name: "Partner Co".into(),
        email: None,
        mobile: None,
    })
    .await
    .unwrap()
}

fn new_customer(n: &str, assoc: Option<&str>) -> NewCustomer {
    let x = uuid_like();
    NewCustomer::parse(NewCustomerInput {
        domain_name: Some(n),
        xaccount_type: Some("platform"),
        xaccount_id: Some(&x),
        cooperation_type: assoc,
        ..Default::default()
    })
    .unwrap()
}

fn all() -> CustomerFilter {
    CustomerFilter::default()
}

fn page() -> Page {
    Page::parse(None, Some(100)).unwrap()
}

async fn accounts_round_trip(db: Db) {
    let t1 = partner(&db, PartnerKind::Distributor, None).await;
    let t2 = partner(&db, PartnerKind::Reseller, Some(&t1.domain_id)).await;
    let found = db.find_account(&t2.domain_id).await.unwrap().unwrap();
    assert_eq!(found.kind, AccountKind::Partner(PartnerKind::Reseller));
    assert_eq!(found.parent_id.as_ref(), Some(&t1.domain_id));
    assert_eq!(db.reseller_parent(&t2.domain_id).await.unwrap(), Some(t1.domain_id.clone()));
    assert_eq!(db.reseller_parent(&t1.domain_id).await.unwrap(), None);
    let by_name = db.find_account_by_name(&t1.domain_name.to_uppercase()).await.unwrap().unwrap();
    assert_eq!(by_name.domain_id, t1.domain_id);
}

async fn login_names_are_unique_ignoring_case(db: Db) {
    let sp = partner(&db, PartnerKind::SolutionProvider, None).await;
    let n = format!("Cust{}", &uuid_like()[..8]);
    db.create_customer(&sp.domain_id, &new_customer(&n, None), None).await.unwrap();
    let err = db.create_customer(&sp.domain_id, &new_customer(&n.to_lowercase(), None), None).await.unwrap_err();
    assert!(matches!(err, StorageError::Rule(e) if e.code == ErrorCode::LoginNameTaken));
}

async fn customers_are_scoped_to_their_partner(db: Db) {
    let a = partner(&db, PartnerKind::SolutionProvider, None).await;
    let b = partner(&db, PartnerKind::SolutionProvider, None).await;
    let ca = db.create_customer(&a.domain_id, &new_customer("alpha-one", None), None).await.unwrap();
    let cb = db.create_customer(&b.domain_id, &new_customer("bravo-one", Some("1")), None).await.unwrap();
    let (la, na) = db.list_customers(&scopes::partner(&a.domain_id), &all(), page()).await.unwrap();
    assert_eq!(na, 1);
    assert_eq!(la[0].customer_id, ca);
    assert_eq!(la[0].association_type, AssociationType::Resale);
    let (lb, _) = db.list_customers(&scopes::partner(&b.domain_id), &all(), page()).await.unwrap();
    assert_eq!(lb[0].customer_id, cb);
    assert_eq!(lb[0].association_type, AssociationType::Consultative);
    // Asking for another partner's customer by id finds nothing.
    let f = CustomerFilter { customer_id: Some(cb.clone()), ..all() };
    let (none, n) = db.list_customers(&scopes::partner(&a.domain_id), &f, page()).await.unwrap();
    assert!(none.is_empty());
    assert_eq!(n, 0);
}

async fn customer_managers_see_only_their_customers(db: Db) {
    let sp = partner(&db, PartnerKind::SolutionProvider, None).await;
    let c1 = db.create_customer(&sp.domain_id, &new_customer("managed-one", None), None).await.unwrap();
    db.create_customer(&sp.domain_id, &new_customer("unmanaged-one", None), None).await.unwrap();
    let login = format!("cm{}", &uuid_like()[..10]);
    let m = db
        .create_member(
            &sp.domain_id,
            &NewMember { login_name: login.clone(), display_name: "CM".into(), email: None, roles: [Role::CustomerManager].into() },
        )
        .await
        .unwrap();
    db.assign_customer_manager(&sp.domain_id, &c1, &m).await.unwrap();
    let identity = db.member_identity(&sp.domain_id, &m).await.unwrap().unwrap();
    assert_eq!(CustomerScope::for_member(&identity.member_id, &identity.roles), CustomerScope::ManagedBy(m.clone()));
    let (list, n) = db.list_customers(&scopes::managed_by(&sp.domain_id, &m), &all(), page()).await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(list[0].customer_id, c1);
    assert_eq!(list[0].managers, vec![login]);
    let (_, n_all) = db.list_customers(&scopes::partner(&sp.domain_id), &all(), page()).await.unwrap();
    assert_eq!(n_all, 2);
    // A member of another partner cannot be assigned.
    let other = partner(&db, PartnerKind::SolutionProvider, None).await;
    let stranger = db
        .create_member(
            &other.domain_id,
            &NewMember {
                login_name: format!("st{}", &uuid_like()[..10]),
                display_name: String::new(),
                email: None,
                roles: [Role::Admin].into(),
            },
        )
        .await
        .unwrap();
    assert!(db.assign_customer_manager(&sp.domain_id, &c1, &stranger).await.is_err());
    assert!(db.member_identity(&sp.domain_id, &stranger).await.unwrap().is_none());
}

async fn list_filters_and_paging(db: Db) {
    let sp = partner(&db, PartnerKind::SolutionProvider, None).await;
    for i in 0..7 {
        let coop = if i % 2 == 0 { None } else { Some("1") };
        db.create_customer(&sp.domain_id, &new_customer(&format!("Shop-{i}-x"), coop), None).await.unwrap();
    }
    let s = scopes::partner(&sp.domain_id);
    let (p1, total) = db.list_customers(&s, &all(), Page::parse(Some(0), Some(3)).unwrap()).await.unwrap();
    assert_eq!((p1.len(), total), (3, 7));
    let (p3, _) = db.list_customers(&s, &all(), Page::parse(Some(6), Some(3)).unwrap()).await.unwrap();
    assert_eq!(p3.len(), 1);
    let resale = CustomerFilter { association_type: Some(AssociationType::Resale), ..all() };
    assert_eq!(db.list_customers(&s, &resale, page()).await.unwrap().1, 4);
    let fuzzy = CustomerFilter { account_name: Some("shop-3".into()), ..all() };
    let (found, n) = db.list_customers(&s, &fuzzy, page()).await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(found[0].domain_name, "Shop-3-x");
    let future = CustomerFilter { associated_from: Some(pc_domain::query::now_millis() + 86_400_000), ..all() };
    assert_eq!(db.list_customers(&s, &future, page()).await.unwrap().1, 0);
    let past = CustomerFilter { associated_to: Some(pc_domain::query::now_millis() + 1000), ..all() };
    assert_eq!(db.list_customers(&s, &past, page()).await.unwrap().1, 7);
    // Percent and underscore are plain characters in a fuzzy filter, not wildcards.
    let wild = CustomerFilter { account_name: Some("%".into()), ..all() };
    assert_eq!(db.list_customers(&s, &wild, page()).await.unwrap().1, 0);
}

async fn customer_creation_rules_are_enforced_by_storage(db: Db) {
    let sp = partner(&db, PartnerKind::SolutionProvider, None).await;
    let first = new_customer("xacct-one", None);
    db.create_customer(&sp.domain_id, &first, None).await.unwrap();
    let mut dup = new_customer("xacct-two", None);
    dup.xaccount = first.xaccount.clone();
    let err = db.create_customer(&sp.domain_id, &dup, None).await.unwrap_err();
    assert!(matches!(err, StorageError::Rule(e) if e.code == ErrorCode::XaccountTaken));
    assert!(db.find_account_by_name("xacct-two").await.unwrap().is_none(), "nothing created");

    let mobile = pc_domain::customer::MobileNumber::parse("13912345678").unwrap();
    for i in 0..pc_domain::customer::MAX_CUSTOMERS_PER_MOBILE {
        let mut c = new_customer(&format!("mob-{i}-user"), None);
        c.mobile = Some(mobile.clone());
        db.create_customer(&sp.domain_id, &c, None).await.unwrap();
    }
    let mut over = new_customer("mob-over-user", None);
    over.mobile = Some(mobile);
    let err = db.create_customer(&sp.domain_id, &over, None).await.unwrap_err();
    assert!(matches!(err, StorageError::Rule(e) if e.code == ErrorCode::MobileLimitReached));
    assert!(db.find_account_by_name("mob-over-user").await.unwrap().is_none());
}

async fn a_customer_has_one_partner_at_a_time(db: Db) {
    let a = partner(&db, PartnerKind::SolutionProvider, None).await;
    let b = partner(&db, PartnerKind::SolutionProvider, None).await;
    let c = db.create_customer(&a.domain_id, &new_customer("loyal-cust", None), None).await.unwrap();
    let err = db.associate_customer(&c, &b.domain_id, AssociationType::Resale).await.unwrap_err();
    assert!(matches!(err, StorageError::Rule(e) if e.code == ErrorCode::InvalidParameter));
    assert_eq!(db.list_customers(&scopes::partner(&b.domain_id), &all(), page()).await.unwrap().1, 0);
}

async fn resellers_listed_only_for_their_distributor(db: Db) {
    let t1 = partner(&db, PartnerKind::Distributor, None).await;
    let other_t1 = partner(&db, PartnerKind::Distributor, None).await;
    let t2 = partner(&db, PartnerKind::Reseller, Some(&t1.domain_id)).await;
    partner(&db, PartnerKind::Reseller, Some(&other_t1.domain_id)).await;
    let (list, n) = db.list_resellers(&t1.domain_id, &ResellerFilter::default(), page()).await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(list[0].reseller_id, t2.domain_id);
    let by_id = ResellerFilter { reseller_id: Some(t2.domain_id.clone()), ..Default::default() };
    assert_eq!(db.list_resellers(&other_t1.domain_id, &by_id, page()).await.unwrap().1, 0);
}

async fn identity_uses_are_counted(db: Db) {
    let sp = partner(&db, PartnerKind::SolutionProvider, None).await;
    db.create_customer(&sp.domain_id, &new_customer("ident-user", None), None).await.unwrap();
    let used = db.count_identity_uses(&IdentityQuery::Name("IDENT-user".into())).await.unwrap();
    assert_eq!(used, 1);
    let free = db.count_identity_uses(&IdentityQuery::Name("nobody-here".into())).await.unwrap();
    assert_eq!(free, 0);
}

async fn access_keys_round_trip(db: Db) {
    let sp = partner(&db, PartnerKind::SolutionProvider, None).await;
    let key = StoredKey {
        access_key_id: format!("AK{}", &uuid_like()[..18]).to_uppercase(),
        domain_id: sp.domain_id.clone(),
        member_id: None,
        secret_sealed: "sealed".into(),
    };
    db.insert_access_key(&key).await.unwrap();
    let found = db.find_access_key(&key.access_key_id).await.unwrap().unwrap();
    assert_eq!(found.domain_id, sp.domain_id);
    assert_eq!(found.secret_sealed, "sealed");
    assert!(db.find_access_key("NOPE").await.unwrap().is_none());
}

async fn database_rejects_inconsistent_rows(db: Db) {
    // A reseller without a parent violates the table's own check, whatever the code does.
    let err = db
        .create_account(&NewAccount {
            domain_name: name("orphan"),
            kind: AccountKind::Partner(PartnerKind::Reseller),
            parent_id: None,
            display_name: String::new(),
            email: None,
            mobile: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Database(_)), "{err:?}");
    let sp = partner(&db, PartnerKind::SolutionProvider, None).await;
    let err = db
        .create_account(&NewAccount {
            domain_name: name("child"),
            kind: AccountKind::Partner(PartnerKind::SolutionProvider),
            parent_id: Some(sp.domain_id),
            display_name: String::new(),
            email: None,
            mobile: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Database(_)), "{err:?}");
}

// docs/DOMAIN.md#R-STORE-1
async fn every_connection_waits_for_the_write_lock(db: Db) {
    // SQLite: every connection of the pool, not just the first, has the busy timeout.
    let timeouts = pc_storage::testing::busy_timeouts(&db).await.unwrap();
    if db.backend() == pc_storage::dialect::Backend::Sqlite {
        assert_eq!(timeouts.len(), db.backend().max_connections() as usize);
        assert!(timeouts.iter().all(|ms| *ms >= 5_000), "{timeouts:?}");
    }
    // Writers racing on both backends: each one queues, none fails.
    let writes = (0..24).map(|i| {
        let db = db.clone();
        tokio::spawn(async move {
            let account = db
                .create_account(&NewAccount {
                    domain_name: name(&format!("w{i}x")),
                    kind: AccountKind::Partner(PartnerKind::SolutionProvider),
                    parent_id: None,
                    display_name: String::new(),
                    email: None,
                    mobile: None,
                })
                .await?;
            db.create_member(
                &account.domain_id,
                &NewMember { login_name: format!("m{}", uuid_like()), display_name: String::new(), email: None, roles: Default::default() },
            )
            .await
        })
    });
    for w in writes.collect::<Vec<_>>() {
        w.await.unwrap().unwrap();
    }
}
