//! The Open API through real HTTP on a real database (SQLite and PostgreSQL), signed the
//! way the SDK signs.

mod common;

use chrono::{Duration, Utc};
use common::{issue_key, signed, spawn_server, Key, Server};
use pc_api::signing::sign_request;
use pc_api::KeyVault;
use pc_domain::customer::{NewCustomer, NewCustomerInput};
use pc_domain::tenancy::{AccountKind, AssociationType, PartnerKind, Role};
use pc_domain::{DomainId, DomainName};
use pc_storage::testing::{TestBackend, TestDb};
use pc_storage::{Db, NewAccount, NewMember};
use serde_json::{json, Value};

pc_storage::on_both_backends!(
    signed_request_succeeds_and_carries_request_id,
    stale_or_future_date_is_rejected,
    tampered_body_is_rejected,
    unknown_key_and_missing_signature_are_rejected,
    domain_id_header_must_match_the_key,
    query_string_is_part_of_the_signature,
    wrong_role_gets_403_without_data,
    customer_manager_sees_only_assigned_customers,
    partners_never_see_each_others_customers,
    distributor_acts_for_its_resellers_only,
    records_keep_the_real_actor_and_whom_it_acted_for,
    invalid_input_is_400_and_creates_nothing,
    probes_answer_unsigned,
);

struct World {
    server: Server,
    base: String,
    host: String,
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
    let vault = KeyVault::from_key([42; 32]);
    let server = spawn_server(t.db.clone(), vault.clone()).await;
    let world =
        World { base: server.base.clone(), host: server.host.clone(), server, db: t.db.clone(), vault, http: reqwest::Client::new() };
    test(world).await;
    t.cleanup().await;
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", &DomainId::generate().as_str()[..10])
}

impl World {
    async fn account(&self, kind: AccountKind, parent: Option<&DomainId>) -> Key {
        let a = self
            .db
            .create_account(&NewAccount {
                domain_name: DomainName::parse(&unique("acct")).unwrap(),
                kind,
                parent_id: parent.cloned(),
                display_name: "Company".into(),
                email: None,
                mobile: None,
            })
            .await
            .unwrap();
        self.key(&a.domain_id, None).await
    }

    async fn key(&self, domain_id: &DomainId, member: Option<&str>) -> Key {
        issue_key(&self.db, &self.vault, domain_id, member).await
    }

    async fn customer_of(&self, partner: &DomainId, kind: AssociationType) -> DomainId {
        let name = unique("cust");
        let x = unique("x");
        let new = NewCustomer::parse(NewCustomerInput {
            domain_name: Some(&name),
            xaccount_type: Some("p"),
            xaccount_id: Some(&x),
            cooperation_type: Some(if kind == AssociationType::Consultative { "1" } else { "2" }),
            ..Default::default()
        })
        .unwrap();
        self.db.create_customer(partner, &new, None).await.unwrap()
    }

    /// Sends a signed POST; `tweak` may alter the request after signing.
    async fn post_with(
        &self,
        key: &Key,
        path_and_query: &str,
        body: &Value,
        date_offset: Duration,
        tweak: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> (u16, Value, Option<String>) {
        let bytes = serde_json::to_vec(body).unwrap();
        let req = signed(&self.http, &self.server, key, "POST", path_and_query, &bytes, date_offset);
        let resp = tweak(req).send().await.unwrap();
        let status = resp.status().as_u16();
        let rid = resp.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_owned());
        let body = resp.json::<Value>().await.unwrap_or(Value::Null);
        (status, body, rid)
    }

    async fn post(&self, key: &Key, path: &str, body: Value) -> (u16, Value) {
        let (s, b, _) = self.post_with(key, path, &body, Duration::zero(), |r| r).await;
        (s, b)
    }

    async fn list_customers(&self, key: &Key, body: Value) -> Vec<String> {
        let (status, body) = self.post(key, "/v2/partners/sub-customers/query", body).await;
        assert_eq!(status, 200, "{body}");
        body["customer_infos"].as_array().unwrap().iter().map(|c| c["customer_id"].as_str().unwrap().to_owned()).collect()
    }
}

fn assert_error(got: (u16, Value), status: u16, code: &str) {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["error_code"], code, "{}", got.1);
    assert!(got.1["error_msg"].as_str().is_some_and(|m| !m.is_empty()));
}

/// A tier-1 member moving a tier-2's money for it: the record names the tier-2 (whose money it
/// is) and the tier-1 and its member (who really did it), in storage and on the wire.
async fn records_keep_the_real_actor_and_whom_it_acted_for(w: World) {
    let t1 = w.account(AccountKind::Partner(PartnerKind::Distributor), None).await;
    let t2 = w.account(AccountKind::Partner(PartnerKind::Reseller), Some(&t1.domain_id)).await;
    let customer = w.customer_of(&t2.domain_id, AssociationType::Resale).await;
    let operator = w.account(AccountKind::Operator, None).await;
    let (s, b) =
        w.post(&operator, "/v2/operator/partner-accounts/top-up", json!({"partner_id": t2.domain_id.to_string(), "amount": 10})).await;
    assert_eq!(s, 200, "{b}");
    let finance =
        w.db.create_member(
            &t1.domain_id,
            &NewMember { login_name: unique("fin"), display_name: "F".into(), email: None, roles: [Role::Finance].into() },
        )
        .await
        .unwrap();
    let member_key = w.key(&t1.domain_id, Some(&finance)).await;
    let (s, b) = w
        .post(
            &member_key,
            "/v2/accounts/partner-accounts/adjust-amount",
            json!({"customer_id": customer.to_string(), "amount": 2.5, "indirect_partner_id": t2.domain_id.to_string()}),
        )
        .await;
    assert_eq!(s, 200, "{b}");

    let (records, _) =
        w.db.adjust_records(&pc_domain::tenancy::TenantScope::scheduler(), &Default::default(), pc_domain::query::Page::first(10))
            .await
            .unwrap();
    let allocation = records.iter().find(|r| r.counterparty == customer).expect("the allocation is recorded");
    assert_eq!(allocation.on_behalf_of, t2.domain_id, "the money moved is the tier-2's");
    let by = allocation.by.as_ref().expect("the real actor is kept");
    assert_eq!((&by.account, by.member.as_ref().map(|m| m.as_str())), (&t1.domain_id, Some(finance.as_str())));

    // The tier-2 sees the record with both.
    let req = signed(&w.http, &w.server, &t2, "GET", "/v3/accounts/partner-accounts/adjust-records?limit=10", b"", Duration::zero());
    let body: Value = req.send().await.unwrap().json().await.unwrap();
    let shown = body["records"].as_array().unwrap().iter().find(|r| r["customer_id"] == customer.to_string()).expect("listed").clone();
    assert_eq!(shown["on_behalf_of_id"], t2.domain_id.to_string(), "{shown}");
    assert_eq!(shown["acted_by_id"], t1.domain_id.to_string(), "{shown}");
    assert_eq!(shown["acted_by_member_id"], finance.as_str(), "{shown}");
}

const LIST: &str = "/v2/partners/sub-customers/query";
const CREATE: &str = "/v2/partners/sub-customers";

async fn signed_request_succeeds_and_carries_request_id(w: World) {
    let sp = w.account(AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let (status, body, rid) = w.post_with(&sp, LIST, &json!({}), Duration::zero(), |r| r).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["count"], 0);
    assert!(rid.is_some_and(|r| !r.is_empty()));
    let (status, _, rid) = w.post_with(&sp, LIST, &json!({"limit": 1000}), Duration::zero(), |r| r).await;
    assert_eq!(status, 400);
    assert!(rid.is_some(), "errors carry X-Request-Id too");
}

async fn stale_or_future_date_is_rejected(w: World) {
    let sp = w.account(AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    for offset in [Duration::minutes(-16), Duration::minutes(16)] {
        let (s, b, _) = w.post_with(&sp, LIST, &json!({}), offset, |r| r).await;
        assert_error((s, b), 401, "CBC.0154");
    }
    let (s, _, _) = w.post_with(&sp, LIST, &json!({}), Duration::minutes(-14), |r| r).await;
    assert_eq!(s, 200, "inside the window");
}

async fn tampered_body_is_rejected(w: World) {
    let sp = w.account(AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let (s, b, _) = w.post_with(&sp, LIST, &json!({"limit": 5}), Duration::zero(), |r| r.body(r#"{"limit": 50}"#)).await;
    assert_error((s, b), 401, "CBC.0154");
    let wrong_secret = Key { domain_id: sp.domain_id.clone(), ak: sp.ak.clone(), sk: "x".repeat(40) };
    assert_error(w.post(&wrong_secret, LIST, json!({})).await, 401, "CBC.0154");
}

async fn unknown_key_and_missing_signature_are_rejected(w: World) {
    let ghost = Key { domain_id: DomainId::generate(), ak: "NOSUCHKEY00000000000".into(), sk: "s".repeat(40) };
    assert_error(w.post(&ghost, LIST, json!({})).await, 401, "CBC.0154");
    let resp = w.http.post(format!("{}{}", w.base, LIST)).json(&json!({})).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error_code"], "CBC.0154");
}

async fn domain_id_header_must_match_the_key(w: World) {
    let sp = w.account(AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let own = sp.domain_id.to_string();
    let (s, _, _) = w.post_with(&sp, LIST, &json!({}), Duration::zero(), |r| r.header("X-Domain-Id", own)).await;
    assert_eq!(s, 200);
    let other = DomainId::generate().to_string();
    let (s, b, _) = w.post_with(&sp, LIST, &json!({}), Duration::zero(), |r| r.header("X-Domain-Id", other)).await;
    assert_error((s, b), 401, "CBC.0154");
}

async fn query_string_is_part_of_the_signature(w: World) {
    let sp = w.account(AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let (s, b) = w.post(&sp, "/v2/partners/sub-customers/query?b=2&a=x%20y", json!({})).await;
    assert_eq!(s, 200, "{b}");
    // Signed for one query, sent with another.
    let bytes = b"{}".to_vec();
    let headers = sign_request(&sp.ak, &sp.sk, "POST", &w.host, LIST, Some("a=1"), Some("application/json"), &bytes, Utc::now());
    let mut req = w.http.post(format!("{}{}?a=2", w.base, LIST)).body(bytes);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    assert_eq!(req.send().await.unwrap().status().as_u16(), 401);
}

async fn wrong_role_gets_403_without_data(w: World) {
    let sp = w.account(AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let cust_id = w.customer_of(&sp.domain_id, AssociationType::Resale).await;
    let cust = w.key(&cust_id, None).await;
    let op = w.account(AccountKind::Operator, None).await;
    for caller in [&cust, &op] {
        for path in [LIST, CREATE, "/v2/partners/indirect-partners/query", "/v2/partners/sub-customers/users/check-identity"] {
            let (s, b) = w.post(caller, path, json!({"xaccount_id": "a", "xaccount_type": "b"})).await;
            assert_error((s, b.clone()), 403, "CBC.0151");
            assert!(b.get("customer_infos").is_none());
        }
    }
    assert_error(w.post(&sp, "/v2/partners/indirect-partners/query", json!({})).await, 403, "CBC.0151");
    let t2_parent = w.account(AccountKind::Partner(PartnerKind::Distributor), None).await;
    let t2 = w.account(AccountKind::Partner(PartnerKind::Reseller), Some(&t2_parent.domain_id)).await;
    assert_error(w.post(&t2, CREATE, json!({"xaccount_id": "a", "xaccount_type": "b"})).await, 403, "CBC.0151");
}

async fn customer_manager_sees_only_assigned_customers(w: World) {
    let sp = w.account(AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let mine = w.customer_of(&sp.domain_id, AssociationType::Resale).await;
    let _other = w.customer_of(&sp.domain_id, AssociationType::Resale).await;
    let cm =
        w.db.create_member(
            &sp.domain_id,
            &NewMember { login_name: unique("cm"), display_name: "CM".into(), email: None, roles: [Role::CustomerManager].into() },
        )
        .await
        .unwrap();
    w.db.assign_customer_manager(&sp.domain_id, &mine, &cm).await.unwrap();
    let cm_key = w.key(&sp.domain_id, Some(&cm)).await;
    assert_eq!(w.list_customers(&cm_key, json!({})).await, vec![mine.to_string()]);
    // Even naming the other customer's id finds nothing.
    assert!(w.list_customers(&cm_key, json!({"customer_id": _other.to_string()})).await.is_empty());
    assert_error(w.post(&cm_key, CREATE, json!({"xaccount_id": "a", "xaccount_type": "b"})).await, 403, "CBC.0151");

    let wide =
        w.db.create_member(
            &sp.domain_id,
            &NewMember {
                login_name: unique("fin"),
                display_name: "F".into(),
                email: None,
                roles: [Role::CustomerManager, Role::Finance].into(),
            },
        )
        .await
        .unwrap();
    let wide_key = w.key(&sp.domain_id, Some(&wide)).await;
    assert_eq!(w.list_customers(&wide_key, json!({})).await.len(), 2);
}

async fn partners_never_see_each_others_customers(w: World) {
    let t1 = w.account(AccountKind::Partner(PartnerKind::Distributor), None).await;
    let t2 = w.account(AccountKind::Partner(PartnerKind::Reseller), Some(&t1.domain_id)).await;
    let sp = w.account(AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let t2_cust = w.customer_of(&t2.domain_id, AssociationType::Resale).await;
    let sp_cust = w.customer_of(&sp.domain_id, AssociationType::Consultative).await;
    assert_eq!(w.list_customers(&t2, json!({})).await, vec![t2_cust.to_string()]);
    assert_eq!(w.list_customers(&sp, json!({})).await, vec![sp_cust.to_string()]);
    assert!(w.list_customers(&t1, json!({})).await.is_empty(), "a tier-1 has no customers of its own");
    assert!(w.list_customers(&sp, json!({"customer_id": t2_cust.to_string()})).await.is_empty());
    // indirect_partner_id means nothing for a non-tier-1 caller.
    assert_eq!(w.list_customers(&sp, json!({"indirect_partner_id": t2.domain_id.to_string()})).await, vec![sp_cust.to_string()]);
}

async fn distributor_acts_for_its_resellers_only(w: World) {
    let t1 = w.account(AccountKind::Partner(PartnerKind::Distributor), None).await;
    let t2 = w.account(AccountKind::Partner(PartnerKind::Reseller), Some(&t1.domain_id)).await;
    let other_t1 = w.account(AccountKind::Partner(PartnerKind::Distributor), None).await;
    let foreign_t2 = w.account(AccountKind::Partner(PartnerKind::Reseller), Some(&other_t1.domain_id)).await;

    let (s, b) = w
        .post(&t1, CREATE, json!({"xaccount_id": unique("x"), "xaccount_type": "p", "indirect_partner_id": t2.domain_id.to_string()}))
        .await;
    assert_eq!(s, 200, "{b}");
    let created = b["domain_id"].as_str().unwrap().to_owned();
    assert_eq!(b["domain_name"].as_str().unwrap().len(), 32, "random name when none given");
    assert_eq!(w.list_customers(&t2, json!({})).await, vec![created.clone()]);
    assert_eq!(w.list_customers(&t1, json!({"indirect_partner_id": t2.domain_id.to_string()})).await, vec![created]);

    assert_error(w.post(&t1, CREATE, json!({"xaccount_id": "a", "xaccount_type": "p"})).await, 400, "CBC.50010059");
    for bad in [foreign_t2.domain_id.to_string(), DomainId::generate().to_string(), "not-an-id".to_owned()] {
        assert_error(
            w.post(&t1, CREATE, json!({"xaccount_id": unique("x"), "xaccount_type": "p", "indirect_partner_id": bad})).await,
            400,
            "CBC.99000037",
        );
        assert_error(w.post(&t1, LIST, json!({"indirect_partner_id": bad})).await, 400, "CBC.99000037");
    }
    assert_eq!(w.list_customers(&foreign_t2, json!({})).await.len(), 0, "nothing created for the foreign reseller");

    let (s, b) = w.post(&t1, "/v2/partners/indirect-partners/query", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(b["count"], 1);
    assert_eq!(b["indirect_partners"][0]["indirect_partner_id"], t2.domain_id.to_string());
}

async fn invalid_input_is_400_and_creates_nothing(w: World) {
    let sp = w.account(AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let before = w.db.count_accounts().await.unwrap();
    for (body, code) in [
        (json!({"domain_name": "op_admin1", "xaccount_id": "a", "xaccount_type": "p"}), "CBC.99000031"),
        (json!({"domain_name": "1234567", "xaccount_id": "a", "xaccount_type": "p"}), "CBC.99000031"),
        (json!({"domain_name": "abc", "xaccount_id": "a", "xaccount_type": "p"}), "CBC.99000031"),
        (json!({"domain_name": "good-name-1"}), "CBC.0100"),
        (json!({"domain_name": "good-name-1", "xaccount_id": "a", "xaccount_type": "p", "password": "weak"}), "CBC.99000036"),
        (json!({"domain_name": "good-name-1", "xaccount_id": "a", "xaccount_type": "p", "mobile_phone": "123"}), "CBC.5017"),
        (json!({"domain_name": 5, "xaccount_id": "a", "xaccount_type": "p"}), "CBC.0100"),
    ] {
        assert_error(w.post(&sp, CREATE, body).await, 400, code);
    }
    assert_eq!(w.db.count_accounts().await.unwrap(), before, "nothing created");
    assert_error(w.post(&sp, LIST, json!({"associated_on_begin": "yesterday"})).await, 400, "CBC.0100");
    assert_error(w.post(&sp, LIST, json!({"association_type": "3"})).await, 400, "CBC.0100");
    assert_error(
        w.post(&sp, "/v2/partners/sub-customers/users/check-identity", json!({"search_type": "mobile", "search_value": "13800000000"}))
            .await,
        400,
        "CBC.0100",
    );
}

async fn probes_answer_unsigned(w: World) {
    for path in ["/health", "/ready"] {
        let resp = w.http.get(format!("{}{}", w.base, path)).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        assert!(resp.headers().contains_key("x-request-id"));
    }
    let resp = w.http.post(format!("{}/v2/nothing-here", w.base)).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 404);
}
