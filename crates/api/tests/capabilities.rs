//! Every route of the Open API with the capability it requires (`pc_api::principal`), keyed
//! by operationId. A route in the document that is missing from the table fails; for every
//! route, each kind of caller that lacks the capability is answered 403 CBC.0151 before the
//! handler reads anything (SQLite and PostgreSQL).

mod common;

use common::{issue_key, signed, spawn_server, Key};
use pc_api::principal::{
    AnyCaller, Capability, CustomerCaller, CustomerOrPartner, FullScopePartner, FullScopeTier1, OperatorCaller, PartnerCaller, Tier1Caller,
};
use pc_api::KeyVault;
use pc_domain::customer::{NewCustomer, NewCustomerInput};
use pc_domain::tenancy::{AccountKind, PartnerKind, Role};
use pc_domain::{DomainId, DomainName};
use pc_storage::testing::{TestBackend, TestDb};
use pc_storage::{Db, NewAccount, NewMember};
use serde_json::Value;
use std::collections::BTreeMap;

pc_storage::on_both_backends!(every_route_refuses_callers_without_its_capability);

async fn run<F, Fut>(backend: TestBackend, test: F)
where
    F: FnOnce(TestBackend) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    test(backend).await
}

/// Unsigned probes and the document itself.
const PUBLIC: &str = "public";

/// operationId → the capability its handler extracts.
fn required_capabilities() -> BTreeMap<&'static str, &'static str> {
    let any = AnyCaller::NAME;
    let partner = PartnerCaller::NAME;
    let full_partner = FullScopePartner::NAME;
    let tier1 = Tier1Caller::NAME;
    let full_tier1 = FullScopeTier1::NAME;
    let customer = CustomerCaller::NAME;
    let operator = OperatorCaller::NAME;
    let buyer = CustomerOrPartner::NAME;
    BTreeMap::from([
        ("get_health", PUBLIC),
        ("get_readiness", PUBLIC),
        ("get_openapi_document", PUBLIC),
        ("echo_signed_request", any),
        // customers and tier-2s
        ("create_sub_customer", full_partner),
        ("list_sub_customers", partner),
        ("check_user_identity", partner),
        ("list_indirect_partners", full_tier1),
        // funds
        ("update_customer_account_amount", partner),
        ("reclaim_to_partner_account", partner),
        ("update_indirect_partner_account", partner),
        ("reclaim_indirect_partner_account", partner),
        ("list_partner_balances", partner),
        ("list_partner_account_change_records", partner),
        ("list_partner_adjust_records", partner),
        ("show_customer_account_balances", customer),
        ("list_customer_account_change_records", customer),
        ("operator_top_up_partner_account", operator),
        // coupons
        ("list_quota_coupons", partner),
        ("update_coupon_quotas", full_tier1),
        ("reclaim_coupon_quotas", full_tier1),
        ("list_issued_coupon_quotas", tier1),
        ("list_coupon_quotas_records", tier1),
        ("create_partner_coupons", partner),
        ("list_issued_partner_coupons", partner),
        ("reclaim_partner_coupons", partner),
        ("list_partner_coupons_record", partner),
        ("list_customer_coupon_change_records", customer),
        ("list_sub_customer_coupons", customer),
        ("operator_grant_coupon_quota", operator),
        ("operator_set_coupon_quota_status", operator),
        // orders
        ("list_customer_orders", buyer),
        ("create_customer_order", buyer),
        ("create_sub_customer_order", buyer),
        ("show_customer_order_details", buyer),
        ("show_refund_order_details", buyer),
        ("change_resource_spec", buyer),
        ("pay_orders", customer),
        ("cancel_customer_order", customer),
        ("list_order_coupons_by_order_id", customer),
        ("list_order_discounts", customer),
        ("grant_order_authorization", customer),
        ("revoke_order_authorization", customer),
        ("operator_advance_clock", operator),
        ("operator_set_on_demand_limits", operator),
        ("operator_set_discount_floor", operator),
        // resources
        ("list_pay_per_use_customer_resources", buyer),
        ("renewal_resources", customer),
        ("cancel_resources_subscription", customer),
        ("auto_renewal_resources", customer),
        ("cancel_auto_renewal_resources", customer),
        ("set_resources_renew_config", customer),
        ("update_period_to_on_demand", customer),
        // catalog and ratings
        ("list_service_types", any),
        ("list_resource_types", any),
        ("list_service_resources", any),
        ("list_resource_specs", any),
        ("list_usage_types", any),
        ("list_measure_units", any),
        ("list_conversions", any),
        ("list_rate_on_period_detail", any),
        ("list_renew_rate_on_period", any),
        ("list_on_demand_resource_ratings", any),
        ("change_spec_rate", any),
        ("grant_customer_discount", partner),
        ("list_customer_discounts", full_partner),
        ("revoke_customer_discount", full_partner),
        ("operator_load_price_book", operator),
    ])
}

/// The kinds of caller the test signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Operator,
    Customer,
    SolutionProvider,
    Reseller,
    Distributor,
    /// A customer-manager-only member of the solution provider.
    ScopedMember,
    /// A customer-manager-only member of the distributor.
    ScopedTier1Member,
}

/// The callers that lack `capability`.
fn lacking(capability: &str) -> Vec<Caller> {
    use Caller::*;
    let all = [Operator, Customer, SolutionProvider, Reseller, Distributor, ScopedMember, ScopedTier1Member];
    let holds = |c: Caller| -> bool {
        match capability {
            PUBLIC => true,
            _ if capability == AnyCaller::NAME => true,
            _ if capability == PartnerCaller::NAME => !matches!(c, Operator | Customer),
            _ if capability == FullScopePartner::NAME => matches!(c, SolutionProvider | Reseller | Distributor),
            _ if capability == Tier1Caller::NAME => matches!(c, Distributor | ScopedTier1Member),
            _ if capability == FullScopeTier1::NAME => c == Distributor,
            _ if capability == CustomerCaller::NAME => c == Customer,
            _ if capability == OperatorCaller::NAME => c == Operator,
            _ if capability == CustomerOrPartner::NAME => c != Operator,
            other => panic!("unknown capability {other}"),
        }
    };
    all.into_iter().filter(|c| !holds(*c)).collect()
}

/// (operationId, method, path) of every operation of the document.
fn routes() -> Vec<(String, String, String)> {
    let doc = pc_api::openapi::build();
    let mut out = Vec::new();
    for (path, methods) in doc["paths"].as_object().expect("paths") {
        for (method, op) in methods.as_object().expect("methods") {
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            out.push((id.to_owned(), method.to_uppercase(), path.clone()));
        }
    }
    out
}

#[test]
fn every_route_is_in_the_table_and_the_table_has_no_stale_route() {
    let table = required_capabilities();
    let routes = routes();
    let missing: Vec<_> = routes.iter().filter(|(id, ..)| !table.contains_key(id.as_str())).collect();
    assert!(missing.is_empty(), "routes without a capability in tests/capabilities.rs: {missing:?}");
    let documented: Vec<&str> = routes.iter().map(|(id, ..)| id.as_str()).collect();
    let stale: Vec<_> = table.keys().filter(|id| !documented.contains(id)).collect();
    assert!(stale.is_empty(), "capabilities of routes that no longer exist: {stale:?}");
}

async fn account(db: &Db, kind: AccountKind, parent: Option<&DomainId>) -> DomainId {
    let new = NewAccount {
        domain_name: DomainName::parse(&format!("acct{}", &DomainId::generate().as_str()[..10])).unwrap(),
        kind,
        parent_id: parent.cloned(),
        display_name: "Company".into(),
        email: None,
        mobile: None,
    };
    db.create_account(&new).await.unwrap().domain_id
}

async fn scoped_member(db: &Db, partner: &DomainId) -> String {
    let login = format!("cm{}", &DomainId::generate().as_str()[..10]);
    let new = NewMember { login_name: login, display_name: "CM".into(), email: None, roles: [Role::CustomerManager].into() };
    db.create_member(partner, &new).await.unwrap()
}

async fn every_route_refuses_callers_without_its_capability(backend: TestBackend) {
    let t = TestDb::new(backend).await.expect("test database");
    let db = t.db.clone();
    let vault = KeyVault::from_key([9; 32]);
    let server = spawn_server(db.clone(), vault.clone()).await;
    let http = reqwest::Client::new();

    let sp = account(&db, AccountKind::Partner(PartnerKind::SolutionProvider), None).await;
    let t1 = account(&db, AccountKind::Partner(PartnerKind::Distributor), None).await;
    let t2 = account(&db, AccountKind::Partner(PartnerKind::Reseller), Some(&t1)).await;
    let (name, x) = (format!("cust{}", &DomainId::generate().as_str()[..10]), "x1".to_owned());
    let new = NewCustomer::parse(NewCustomerInput {
        domain_name: Some(&name),
        xaccount_type: Some("p"),
        xaccount_id: Some(&x),
        cooperation_type: Some("2"),
        ..Default::default()
    })
    .unwrap();
    let customer = db.create_customer(&sp, &new, None).await.unwrap();
    let op = account(&db, AccountKind::Operator, None).await;
    let sp_member = scoped_member(&db, &sp).await;
    let t1_member = scoped_member(&db, &t1).await;
    let mut keys: BTreeMap<Caller, Key> = BTreeMap::new();
    keys.insert(Caller::Operator, issue_key(&db, &vault, &op, None).await);
    keys.insert(Caller::Customer, issue_key(&db, &vault, &customer, None).await);
    keys.insert(Caller::SolutionProvider, issue_key(&db, &vault, &sp, None).await);
    keys.insert(Caller::Reseller, issue_key(&db, &vault, &t2, None).await);
    keys.insert(Caller::Distributor, issue_key(&db, &vault, &t1, None).await);
    keys.insert(Caller::ScopedMember, issue_key(&db, &vault, &sp, Some(&sp_member)).await);
    keys.insert(Caller::ScopedTier1Member, issue_key(&db, &vault, &t1, Some(&t1_member)).await);

    let table = required_capabilities();
    let mut checked = 0;
    for (id, method, path) in routes() {
        let capability = table.get(id.as_str()).unwrap_or_else(|| panic!("{id} is missing from the table"));
        // Path parameters get a placeholder: refusal comes before any lookup.
        let path: String = path.split('/').map(|seg| if seg.starts_with('{') { "placeholder" } else { seg }).collect::<Vec<_>>().join("/");
        let body: &[u8] = if method == "GET" { b"" } else { b"{}" };
        for caller in lacking(capability) {
            let resp = signed(&http, &server, &keys[&caller], &method, &path, body, chrono::Duration::zero()).send().await.unwrap();
            let status = resp.status().as_u16();
            let answer: Value = resp.json().await.unwrap_or(Value::Null);
            assert_eq!(
                (status, answer["error_code"].as_str()),
                (403, Some("CBC.0151")),
                "{id} ({method} {path}) requires {capability}; {caller:?} got {answer}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} refusals checked");
    drop(server);
    t.cleanup().await;
}
