//! A customer-manager-only member sees, in every list of the Open API, only the rows of the
//! customers it manages: customers, fund records, account-change records, issued coupons,
//! coupon records, orders and resources (SQLite and PostgreSQL).

mod common;

use common::{issue_key, signed, spawn_server, Key, Server};
use pc_api::principal::Capability;
use pc_api::KeyVault;
use pc_domain::coupons::Limits;
use pc_domain::customer::{NewCustomer, NewCustomerInput};
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::orders::{source_type, OrderType, PaymentRequest, Period};
use pc_domain::tenancy::{AccountKind, PartnerKind, Principal, Role};
use pc_domain::{DomainId, DomainName};
use pc_storage::testing::{TestBackend, TestDb};
use pc_storage::{Db, NewAccount, NewCoupon, NewMember, NewOrder, NewOrderLine, NewQuota, TransferCommand};
use serde_json::{json, Value};

pc_storage::on_both_backends!(customer_manager_lists_only_managed_customers);

const DAY: i64 = 86_400_000;

struct World {
    server: Server,
    db: Db,
    vault: KeyVault,
    http: reqwest::Client,
}

async fn run<F, Fut>(backend: TestBackend, test: F)
where
    F: FnOnce(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let t = TestDb::new(backend).await.expect("test database");
    let vault = KeyVault::from_key([7; 32]);
    let server = spawn_server(t.db.clone(), vault.clone()).await;
    test(World { server, db: t.db.clone(), vault, http: reqwest::Client::new() }).await;
    t.cleanup().await;
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", &DomainId::generate().as_str()[..10])
}

impl World {
    async fn key(&self, domain_id: &DomainId, member: Option<&str>) -> Key {
        issue_key(&self.db, &self.vault, domain_id, member).await
    }

    async fn account(&self, kind: AccountKind) -> DomainId {
        let new = NewAccount {
            domain_name: DomainName::parse(&unique("acct")).unwrap(),
            kind,
            parent_id: None,
            display_name: "Company".into(),
            email: None,
            mobile: None,
        };
        self.db.create_account(&new).await.unwrap().domain_id
    }

    async fn customer_of(&self, partner: &DomainId) -> DomainId {
        let (name, x) = (unique("cust"), unique("x"));
        let new = NewCustomer::parse(NewCustomerInput {
            domain_name: Some(&name),
            xaccount_type: Some("p"),
            xaccount_id: Some(&x),
            cooperation_type: Some("2"),
            ..Default::default()
        })
        .unwrap();
        self.db.create_customer(partner, &new, None).await.unwrap()
    }

    async fn call(&self, key: &Key, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let bytes = body.map(|b| serde_json::to_vec(&b).unwrap()).unwrap_or_default();
        let resp = signed(&self.http, &self.server, key, method, path, &bytes, chrono::Duration::zero()).send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json::<Value>().await.unwrap_or(Value::Null))
    }

    /// The `field` of every row under `list` of a successful answer.
    async fn column(&self, key: &Key, method: &str, path: &str, body: Option<Value>, list: &str, field: &str) -> Vec<String> {
        let (status, body) = self.call(key, method, path, body).await;
        assert_eq!(status, 200, "{path}: {body}");
        let rows = body[list].as_array().unwrap_or_else(|| panic!("{path}: no {list} in {body}"));
        rows.iter().map(|r| r[field].as_str().unwrap_or_default().to_owned()).collect()
    }
}

/// One of each customer-owned record for `customer` of `partner`: an allocation, a coupon
/// (with its issue record), and a paid one-month order with its resource.
async fn records_for(w: &World, partner: &DomainId, quota: &str, customer: &DomainId) {
    let db = &w.db;
    let allocate = TransferCommand {
        kind: TransferKind::Allocate,
        actor: partner.clone(),
        counterparty: customer.clone(),
        from_owner: Some(partner.clone()),
        to_owner: customer.clone(),
        amount: Money::from_fen(50_000),
        idempotency: None,
        by: None,
    };
    db.transfer(&allocate).await.unwrap();
    let now = db.now().await.unwrap();
    db.issue_coupon(&NewCoupon {
        issuer: partner.clone(),
        quota_id: quota.to_owned(),
        customer: customer.clone(),
        face_value: Money::from_fen(1_000),
        effective_at: now - DAY,
        expire_at: now + 100 * DAY,
        limits: Limits::default(),
        memo: None,
        by: None,
    })
    .await
    .unwrap();
    let line = NewOrderLine {
        resource_id: None,
        cloud_service_type: "hws.service.type.ec2".into(),
        resource_type: "hws.resource.type.vm".into(),
        resource_spec: "s6.small.1.linux".into(),
        region: "cn-north-4".into(),
        product_id: "ecs-s6-small".into(),
        size: None,
        priced_until: None,
        period: Some(Period { period_type: Period::MONTH, period_num: 1 }),
        subscription_num: 1,
        official: Money::from_fen(12_000),
        amount: Money::from_fen(12_000),
    };
    let order = NewOrder {
        customer: customer.clone(),
        partner: Some(partner.clone()),
        placed_by: "customer".into(),
        source_type: source_type::CUSTOMER,
        order_type: OrderType::NewPurchase,
        service_type_code: "hws.service.type.ec2".into(),
        lines: vec![line],
        discount_id: None,
        idempotency: None,
        by: None,
    };
    let created = db.create_order(&order, now).await.unwrap();
    // Paid in cash through the same service as the Open API, as the customer.
    let cash = PaymentRequest { use_coupon: Some("NO".into()), use_discount: Some("NO".into()), ..Default::default() };
    let me = Principal { domain_id: customer.clone(), kind: AccountKind::Customer, member: None };
    let me = pc_api::principal::CustomerCaller::from_principal(me).unwrap();
    let ledger = pc_storage::GroupCommit::start(db.clone());
    pc_api::services::orders::pay_order(db, &ledger, &me, &created.order_id, &cash, None).await.unwrap();
}

async fn customer_manager_lists_only_managed_customers(w: World) {
    let op = w.account(AccountKind::Operator).await;
    let sp = w.account(AccountKind::Partner(PartnerKind::SolutionProvider)).await;
    let top_up = TransferCommand {
        kind: TransferKind::TopUp,
        actor: op.clone(),
        counterparty: sp.clone(),
        from_owner: None,
        to_owner: sp.clone(),
        amount: Money::from_fen(1_000_000),
        idempotency: None,
        by: None,
    };
    w.db.transfer(&top_up).await.unwrap();
    let now = w.db.now().await.unwrap();
    let quota =
        w.db.create_quota(&NewQuota {
            owner: sp.clone(),
            granted_by: op.clone(),
            quota_type: 0,
            value: Money::from_fen(100_000),
            effective_at: now - DAY,
            expire_at: now + 200 * DAY,
            limits: Limits::default(),
        })
        .await
        .unwrap();
    let managed = w.customer_of(&sp).await;
    let unmanaged = w.customer_of(&sp).await;
    for c in [&managed, &unmanaged] {
        records_for(&w, &sp, &quota, c).await;
    }
    let member = NewMember { login_name: unique("cm"), display_name: "CM".into(), email: None, roles: [Role::CustomerManager].into() };
    let cm = w.db.create_member(&sp, &member).await.unwrap();
    w.db.assign_customer_manager(&sp, &managed, &cm).await.unwrap();
    let cm_key = w.key(&sp, Some(&cm)).await;
    let sp_key = w.key(&sp, None).await;

    // (method, path, body, list, customer field) of every list of customer-owned rows.
    let lists: [(&str, &str, Option<Value>, &str, &str); 6] = [
        ("POST", "/v2/partners/sub-customers/query", Some(json!({})), "customer_infos", "customer_id"),
        ("GET", "/v3/accounts/partner-accounts/adjust-records", None, "records", "customer_id"),
        ("GET", "/v2/accounts/partner-accounts/account-change-records", None, "records", "customer_id"),
        ("GET", "/v2/promotions/benefits/partner-coupons", None, "user_coupons", "customer_id"),
        ("GET", "/v2/promotions/benefits/partner-coupons/records/query", None, "records", "customer_id"),
        ("GET", "/v2/orders/customer-orders", None, "order_infos", "customer_id"),
    ];
    for (method, path, body, list, field) in lists {
        let seen = w.column(&cm_key, method, path, body.clone(), list, field).await;
        assert!(!seen.is_empty(), "{path}: the member sees its managed customer's rows");
        assert!(seen.iter().all(|c| *c == managed.to_string()), "{path}: a customer manager saw {seen:?}, not only {managed}");
        let all = w.column(&sp_key, method, path, body, list, field).await;
        assert!(all.contains(&unmanaged.to_string()), "{path}: the partner's own key sees every customer: {all:?}");
    }

    // Resources are listed per customer: the managed one's, never the other's.
    let resources = "/v2/orders/suscriptions/resources/query";
    let (s, body) = w.call(&cm_key, "POST", resources, Some(json!({"customer_id": managed.to_string()}))).await;
    assert_eq!((s, body["total_count"].as_i64()), (200, Some(1)), "{body}");
    let (s, body) = w.call(&cm_key, "POST", resources, Some(json!({"customer_id": unmanaged.to_string()}))).await;
    assert!(s != 200 || body["total_count"] == 0, "{body}");

    // Single orders: the unmanaged customer's is absent for the member.
    let (_, orders) = w.call(&sp_key, "GET", &format!("/v2/orders/customer-orders?customer_id={unmanaged}"), None).await;
    let other_order = orders["order_infos"][0]["order_id"].as_str().unwrap().to_owned();
    let (s, body) = w.call(&cm_key, "GET", &format!("/v2/orders/customer-orders/details/{other_order}"), None).await;
    assert_ne!(s, 200, "{body}");
    assert_eq!(body["error_code"], "CBC.99003108", "{body}");
    let (s, _) = w.call(&sp_key, "GET", &format!("/v2/orders/customer-orders/details/{other_order}"), None).await;
    assert_eq!(s, 200);
}
