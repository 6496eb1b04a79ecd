//! Orders, payment and resources through real HTTP on SQLite and PostgreSQL: the customer's
//! story with a coupon, the partner ordering on the customer's behalf, the documented
//! refusals, and the scheduler's jobs driven by the sandbox clock.

mod common;

use chrono::Duration;
use common::{issue_key, signed, spawn_server, Key, Server};
use pc_api::KeyVault;
use pc_domain::catalog::{PriceBook, SHIPPED_PRICE_BOOK};
use pc_domain::coupons::Limits;
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::tenancy::{AccountKind, AssociationType, PartnerKind};
use pc_domain::{DomainId, DomainName};
use pc_storage::testing::{TestBackend, TestDb};
use pc_storage::{Db, NewAccount, NewCoupon, NewQuota, TransferCommand};
use serde_json::{json, Value};

const DAY_MS: i64 = 86_400_000;

pc_storage::on_both_backends!(
    customer_story_over_http,
    partner_orders_on_behalf_only_with_authorization,
    scheduler_and_sandbox_clock,
    refund_details_follow_the_sdk_model,
    orders_show_catalogue_names_in_the_callers_language,
    disk_resources_keep_their_size,
    on_demand_needs_balance_and_stays_within_limits,
    partner_discounts_have_a_floor_and_show_who_bears_them,
    change_of_spec_is_priced_for_the_whole_paid_term,
    coupons_ratings_and_the_sweeper_follow_the_business_clock
);

struct World {
    server: Server,
    db: Db,
    http: reqwest::Client,
    operator: Key,
    partner: Key,
    customer: Key,
    /// The test database itself, for rows only an older version could have written.
    test_db: std::sync::Arc<TestDb>,
}

async fn run<F, Fut>(backend: TestBackend, test: F)
where
    F: FnOnce(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    // Created as a sandbox, as `pcenter --sandbox` creates one, so the scheduler's story can
    // move the business clock.
    let t = std::sync::Arc::new(TestDb::new_sandbox(backend).await.expect("test database"));
    let vault = KeyVault::from_key([42; 32]);
    let server = spawn_server(t.db.clone(), vault.clone()).await;
    let db = t.db.clone();
    db.load_price_book(&PriceBook::parse(SHIPPED_PRICE_BOOK).unwrap(), "test").await.unwrap();
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
    for (kind, from, to, actor) in
        [(TransferKind::TopUp, None, &partner, &op), (TransferKind::Allocate, Some(&partner), &customer, &partner)]
    {
        db.transfer(&TransferCommand {
            kind,
            actor: actor.clone(),
            counterparty: to.clone(),
            from_owner: from.cloned(),
            to_owner: to.clone(),
            amount: Money::from_fen(50_000),
            idempotency: None,
            by: None,
        })
        .await
        .unwrap();
    }
    let world = World {
        operator: issue_key(&db, &vault, &op, None).await,
        partner: issue_key(&db, &vault, &partner, None).await,
        customer: issue_key(&db, &vault, &customer, None).await,
        server,
        db: db.clone(),
        http: reqwest::Client::new(),
        test_db: t.clone(),
    };
    test(world).await;
    if let Ok(t) = std::sync::Arc::try_unwrap(t) {
        t.cleanup().await;
    }
}

impl World {
    async fn call(&self, key: &Key, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let bytes = body.map(|b| serde_json::to_vec(&b).unwrap()).unwrap_or_default();
        let resp = signed(&self.http, &self.server, key, method, path, &bytes, Duration::zero()).send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn coupon(&self, fen: i64) -> String {
        let now = self.db.now().await.unwrap();
        let quota = self
            .db
            .create_quota(&NewQuota {
                owner: self.partner.domain_id.clone(),
                granted_by: self.operator.domain_id.clone(),
                quota_type: 0,
                value: Money::from_fen(100_000),
                effective_at: now - 86_400_000,
                expire_at: now + 400 * 86_400_000,
                limits: Limits::default(),
            })
            .await
            .unwrap();
        self.db
            .issue_coupon(&NewCoupon {
                issuer: self.partner.domain_id.clone(),
                quota_id: quota,
                customer: self.customer.domain_id.clone(),
                face_value: Money::from_fen(fen),
                effective_at: now - 86_400_000,
                expire_at: now + 400 * 86_400_000,
                limits: Limits::default(),
                memo: None,
                by: None,
            })
            .await
            .unwrap()
    }

    async fn call_in(&self, key: &Key, path: &str, language: &str) -> (u16, Value) {
        let resp =
            signed(&self.http, &self.server, key, "GET", path, &[], Duration::zero()).header("X-Language", language).send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Orders one month of s6.small (32.20) and pays it with a coupon of `coupon_fen` and cash.
    async fn bought(&self, coupon_fen: i64) -> (String, String) {
        let c = &self.customer;
        let (s, created) =
            self.call(c, "POST", "/v2/orders/customer-orders", Some(json!({"product_infos": [vm("hws.service.type.ec2")]}))).await;
        assert_eq!(s, 200, "{created}");
        let order_id = created["order_id"].as_str().unwrap().to_owned();
        let coupon = self.coupon(coupon_fen).await;
        let pay = json!({"order_id": order_id, "use_coupon": "YES", "coupon_infos": [{"id": coupon, "type": 301}], "use_discount": "NO"});
        let (s, body) = self.call(c, "POST", "/v3/orders/customer-orders/pay", Some(pay)).await;
        assert_eq!(s, 200, "{body}");
        let (_, details) = self.call(c, "GET", &format!("/v2/orders/customer-orders/details/{order_id}"), None).await;
        let rid = self.db.order_lines(&order_id).await.unwrap()[0].resource_id.clone().unwrap();
        assert_eq!(details["order_info"]["status"], 5);
        (order_id, rid.into_string())
    }

    async fn cash(&self, owner: &DomainId) -> i64 {
        self.db.cash_balance(owner).await.unwrap().amount.fen()
    }
}

fn vm(service: &str) -> Value {
    json!({"cloud_service_type": service, "resource_type": "hws.resource.type.vm", "resource_spec": "s6.small.1.linux",
           "region": "cn-north-4", "period_type": 2, "period_num": 1, "subscription_num": 1})
}

fn code(body: &Value) -> &str {
    body["error_code"].as_str().unwrap_or("")
}

async fn customer_story_over_http(w: World) {
    let c = &w.customer;
    // Order one month of s6.small (32.20) and read it back.
    let (s, created) = w.call(c, "POST", "/v2/orders/customer-orders", Some(json!({"product_infos": [vm("hws.service.type.ec2")]}))).await;
    assert_eq!(s, 200, "{created}");
    assert_eq!(created["official_amount"], json!(32.20));
    let order_id = created["order_id"].as_str().unwrap().to_owned();
    let (s, list) = w.call(c, "GET", "/v2/orders/customer-orders?status=6", None).await;
    assert_eq!((s, list["total_count"].as_i64()), (200, Some(1)), "{list}");
    assert_eq!(list["order_infos"][0]["order_type"], 1);
    let (s, details) = w.call(c, "GET", &format!("/v2/orders/customer-orders/details/{order_id}"), None).await;
    assert_eq!(s, 200, "{details}");
    assert_eq!(details["order_line_items"][0]["period_type"], 2);
    assert_eq!(details["order_info"]["status"], 6);

    // The documented refusals of payment.
    let four: Vec<Value> = (0..4).map(|i| json!({"id": format!("c{i}"), "type": 301})).collect();
    let (s, body) = w
        .call(c, "POST", "/v3/orders/customer-orders/pay", Some(json!({"order_id": order_id, "use_coupon": "YES", "coupon_infos": four})))
        .await;
    assert_eq!((s, code(&body)), (400, "CBC.0100"), "at most 3 coupons");
    let both = json!({"order_id": order_id, "use_coupon": "YES", "coupon_infos": [{"id": "a"}], "use_discount": "YES", "discount_infos": [{"id": "d"}]});
    let (s, body) = w.call(c, "POST", "/v3/orders/customer-orders/pay", Some(both)).await;
    assert_eq!((s, code(&body)), (400, "CBC.0100"), "coupon and discount never together");
    let (s, body) = w.call(&w.partner, "PUT", "/v2/orders/customer-orders/cancel", Some(json!({"order_id": order_id}))).await;
    assert_eq!((s, code(&body)), (403, "CBC.0151"), "never with the partner's key");

    // Pay with a 10.00 coupon: 22.20 from cash.
    let coupon = w.coupon(1_000).await;
    let (s, usable) = w.call(c, "GET", &format!("/v2/orders/customer-orders/order-coupons?order_id={order_id}"), None).await;
    assert_eq!((s, usable["count"].as_i64()), (200, Some(1)), "{usable}");
    let pay = json!({"order_id": order_id, "use_coupon": "YES", "coupon_infos": [{"id": coupon, "type": 301}], "use_discount": "NO"});
    let (s, body) = w.call(c, "POST", "/v3/orders/customer-orders/pay", Some(pay.clone())).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(w.cash(&c.domain_id).await, 50_000 - 2_220);
    let (s, body) = w.call(c, "POST", "/v3/orders/customer-orders/pay", Some(pay)).await;
    assert_eq!((s, code(&body)), (400, "CBC.99003109"), "paid once only");
    let (s, body) = w.call(c, "PUT", "/v2/orders/customer-orders/cancel", Some(json!({"order_id": order_id}))).await;
    assert_eq!((s, code(&body)), (400, "CBC.99003109"), "only pending orders cancel");

    // The resource, a renewal, its refusal while pending, and the unsubscription.
    let (s, res) = w.call(c, "POST", "/v2/orders/suscriptions/resources/query", Some(json!({"status_list": [2]}))).await;
    assert_eq!((s, res["total_count"].as_i64()), (200, Some(1)), "{res}");
    let rid = res["data"][0]["resource_id"].as_str().unwrap().to_owned();
    let renew = json!({"resource_ids": [rid, "no-such-resource"], "period_type": 2, "period_num": 1, "is_auto_pay": 0});
    let (s, body) = w.call(c, "POST", "/v2/orders/subscriptions/resources/renew", Some(renew.clone())).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["order_ids"].as_array().unwrap().len(), 1);
    assert_eq!(body["fail_resource_infos"][0]["error_code"], "CBC.99003016");
    let (_, body) = w.call(c, "POST", "/v2/orders/subscriptions/resources/renew", Some(renew)).await;
    assert_eq!(body["fail_resource_infos"][0]["error_code"], "CBC.99003100", "{body}");
    let (s, body) = w
        .call(
            c,
            "POST",
            "/v2/orders/subscriptions/resources/renew",
            Some(json!({"resource_ids": [rid], "period_type": 2, "period_num": 12})),
        )
        .await;
    assert_eq!((s, code(&body)), (400, "CBC.0100"), "months are 1-11");
    let pending = w.call(c, "GET", "/v2/orders/customer-orders?order_type=2", None).await.1["order_infos"][0]["order_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, _) = w.call(c, "PUT", "/v2/orders/customer-orders/cancel", Some(json!({"order_id": pending}))).await;
    assert_eq!(s, 200);
    let (s, body) = w
        .call(c, "POST", "/v2/orders/subscriptions/resources/unsubscribe", Some(json!({"resource_ids": [rid], "unsubscribe_type": 1})))
        .await;
    assert_eq!(s, 200, "{body}");
    let refund_id = body["order_ids"][0].as_str().unwrap().to_owned();
    let (s, refund) = w.call(c, "GET", &format!("/v2/orders/customer-orders/refund-orders?order_id={refund_id}"), None).await;
    assert_eq!(s, 200, "{refund}");
    let refunded: f64 = refund["refund_infos"].as_array().unwrap().iter().map(|i| -i["amount"].as_f64().unwrap()).sum();
    assert!(refunded > 31.0 && refunded <= 32.20, "almost the whole month comes back: {refund}");
    assert!(w.db.ledger_audit().await.unwrap().holds());
    assert!(w.db.order_audit().await.unwrap().holds());
    let (_, body) = w
        .call(c, "POST", "/v2/orders/subscriptions/resources/unsubscribe", Some(json!({"resource_ids": [rid], "unsubscribe_type": 1})))
        .await;
    assert_eq!(body["fail_resource_infos"][0]["error_code"], "CBC.99003016");
}

async fn partner_orders_on_behalf_only_with_authorization(w: World) {
    let on_behalf = json!({"customer_id": w.customer.domain_id.as_str(), "product_infos": [vm("hws.service.type.ec2")]});
    let (s, body) = w.call(&w.partner, "POST", "/v2/partners/sub-customers/orders", Some(on_behalf.clone())).await;
    assert_eq!((s, code(&body)), (403, "CBC.99003110"), "{body}");
    let (s, _) = w.call(&w.customer, "POST", "/v2/orders/customer-orders/authorization", Some(json!({}))).await;
    assert_eq!(s, 200);
    let (s, body) = w.call(&w.partner, "POST", "/v2/partners/sub-customers/orders", Some(on_behalf)).await;
    assert_eq!(s, 200, "{body}");
    let market = json!({"customer_id": w.customer.domain_id.as_str(), "product_infos": [vm("hws.service.type.marketplace")]});
    let (s, body) = w.call(&w.partner, "POST", "/v2/partners/sub-customers/orders", Some(market)).await;
    assert_eq!((s, code(&body)), (403, "CBC.99003111"), "{body}");
    let (s, list) = w.call(&w.partner, "GET", "/v2/orders/customer-orders", None).await;
    assert_eq!((s, list["total_count"].as_i64()), (200, Some(1)), "{list}");
    assert_eq!(list["order_infos"][0]["source_type"], 2);
    let stranger = json!({"customer_id": DomainId::generate().as_str(), "product_infos": [vm("hws.service.type.ec2")]});
    let (s, body) = w.call(&w.partner, "POST", "/v2/partners/sub-customers/orders", Some(stranger)).await;
    assert_eq!((s, code(&body)), (400, "CBC.99000035"));
    let (s, _) = w.call(&w.customer, "DELETE", "/v2/orders/customer-orders/authorization", None).await;
    assert_eq!(s, 200);
    let again = json!({"customer_id": w.customer.domain_id.as_str(), "product_infos": [vm("hws.service.type.ec2")]});
    let (s, _) = w.call(&w.partner, "POST", "/v2/partners/sub-customers/orders", Some(again)).await;
    assert_eq!(s, 403, "revoked");
}

async fn scheduler_and_sandbox_clock(w: World) {
    let (s, body) = w.call(&w.operator, "POST", "/v2/operator/clock", Some(json!({"sandbox": false, "seconds": 60}))).await;
    assert_eq!((s, code(&body)), (400, "CBC.99007004"), "a sandbox stays one");
    let (_, body) = w.call(&w.operator, "POST", "/v2/operator/clock", Some(json!({}))).await;
    assert_eq!((body["sandbox"].as_bool(), body["offset_seconds"].as_i64()), (Some(true), Some(0)), "the refusal changed nothing");
    let (s, _) = w.call(&w.customer, "POST", "/v2/operator/clock", Some(json!({"sandbox": true}))).await;
    assert_eq!(s, 403);
    let (_, created) =
        w.call(&w.customer, "POST", "/v2/orders/customer-orders", Some(json!({"product_infos": [vm("hws.service.type.ec2")]}))).await;
    let order_id = created["order_id"].as_str().unwrap().to_owned();
    let (s, body) = w.call(&w.operator, "POST", "/v2/operator/clock", Some(json!({"sandbox": true, "seconds": 8 * 86_400}))).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["offset_seconds"], 8 * 86_400);
    let report = pc_api::services::orders::run_jobs(&w.db, "test-node").await.unwrap();
    assert_eq!(report.cancelled_orders, 1, "unpaid past the 7-day window");
    let (_, details) = w.call(&w.customer, "GET", &format!("/v2/orders/customer-orders/details/{order_id}"), None).await;
    assert_eq!(details["order_info"]["status"], 4);

    // Buy, turn auto-renew on; near expiry the job renews and pays from cash.
    let (_, created) =
        w.call(&w.customer, "POST", "/v2/orders/customer-orders", Some(json!({"product_infos": [vm("hws.service.type.ec2")]}))).await;
    let pay = json!({"order_id": created["order_id"], "use_coupon": "NO", "use_discount": "NO"});
    assert_eq!(w.call(&w.customer, "POST", "/v3/orders/customer-orders/pay", Some(pay)).await.0, 200);
    let (_, res) = w.call(&w.customer, "POST", "/v2/orders/suscriptions/resources/query", Some(json!({}))).await;
    let rid = res["data"][0]["resource_id"].as_str().unwrap().to_owned();
    let (s, body) = w
        .call(&w.customer, "POST", &format!("/v2/orders/subscriptions/resources/autorenew/{rid}"), Some(json!({"auto_renew_times": 1})))
        .await;
    assert_eq!(s, 200, "{body}");
    let (s, _) = w
        .call(
            &w.customer,
            "POST",
            "/v2/orders/subscriptions/resources/renew/config",
            Some(json!({"config_name": "DEDUCTION_DATE", "config_value": "3"})),
        )
        .await;
    assert_eq!(s, 200);
    let before = w.cash(&w.customer.domain_id).await;
    w.call(&w.operator, "POST", "/v2/operator/clock", Some(json!({"seconds": 28 * 86_400}))).await;
    let report = pc_api::services::orders::run_jobs(&w.db, "test-node").await.unwrap();
    assert_eq!((report.renewal_orders.len(), report.renewals_paid), (1, 1), "{report:?}");
    assert_eq!(w.cash(&w.customer.domain_id).await, before - 3_220);
    // Run again: nothing more is due (one renewal asked for).
    let report = pc_api::services::orders::run_jobs(&w.db, "test-node").await.unwrap();
    assert!(report.renewal_orders.is_empty());
    // Two months past expiry (grace 15 days + retention 15 days) the resource is deleted.
    w.call(&w.operator, "POST", "/v2/operator/clock", Some(json!({"seconds": 100 * 86_400}))).await;
    let report = pc_api::services::orders::run_jobs(&w.db, "test-node").await.unwrap();
    assert_eq!(report.deleted_resources, 1);
    let (_, body) = w
        .call(
            &w.customer,
            "POST",
            "/v2/orders/subscriptions/resources/renew",
            Some(json!({"resource_ids": [rid], "period_type": 2, "period_num": 1})),
        )
        .await;
    assert_eq!(body["fail_resource_infos"][0]["error_code"], "CBC.99003016");
    assert!(w.db.ledger_audit().await.unwrap().holds());
}

async fn refund_details_follow_the_sdk_model(w: World) {
    let c = &w.customer;
    let (purchase, rid) = w.bought(1_000).await;
    let (s, body) = w
        .call(c, "POST", "/v2/orders/subscriptions/resources/unsubscribe", Some(json!({"resource_ids": [rid], "unsubscribe_type": 1})))
        .await;
    assert_eq!(s, 200, "{body}");
    let refund_id = body["order_ids"][0].as_str().unwrap().to_owned();
    let path = format!("/v2/orders/customer-orders/refund-orders?order_id={refund_id}");
    let (s, refund) = w.call(c, "GET", &path, None).await;
    assert_eq!(s, 200, "{refund}");
    let infos = refund["refund_infos"].as_array().unwrap();
    // A cash part and a part back to the coupon, each its own record.
    assert_eq!((refund["total_count"].as_i64(), infos.len()), (Some(2), 2), "{refund}");
    let ids: std::collections::HashSet<&str> = infos.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2, "every record has its own id: {refund}");
    for i in infos {
        assert!(i["amount"].as_f64().unwrap() < 0.0, "a refund is negative: {refund}");
        assert_eq!(i["base_order_id"], purchase.as_str(), "the original purchase order: {refund}");
        assert_eq!(i["measure_id"], "1");
        assert_eq!(i["customer_id"], c.domain_id.as_str());
        assert_eq!(
            (i["service_type_code"].as_str(), i["resource_type_code"].as_str()),
            (Some("hws.service.type.ec2"), Some("hws.resource.type.vm"))
        );
        assert_eq!((i["service_type_name"].as_str(), i["resource_type_name"].as_str()), (Some("弹性云服务器"), Some("云主机")));
        assert_eq!(i["region_code"], "cn-north-4");
    }
    let refunded: i64 = infos.iter().map(|i| (i["amount"].as_f64().unwrap() * -100.0).round() as i64).sum();
    let cash_refund: i64 = w.db.refund_items(&refund_id).await.unwrap().iter().map(|i| i.amount.fen()).sum();
    assert_eq!(refunded, cash_refund);
    // A partner names the customer whose refund it reads.
    let (s, body) = w.call(&w.partner, "GET", &path, None).await;
    assert_eq!((s, code(&body)), (400, "CBC.0100"), "{body}");
    let (s, body) = w.call(&w.partner, "GET", &format!("{path}&customer_id={}", c.domain_id.as_str()), None).await;
    assert_eq!((s, body["total_count"].as_i64()), (200, Some(2)), "{body}");
}

async fn orders_show_catalogue_names_in_the_callers_language(w: World) {
    let c = &w.customer;
    let (order_id, _) = w.bought(1_000).await;
    let (_, list) = w.call(c, "GET", "/v2/orders/customer-orders", None).await;
    assert_eq!(list["order_infos"][0]["service_type_code"], "hws.service.type.ec2");
    assert_eq!(list["order_infos"][0]["service_type_name"], "弹性云服务器", "{list}");
    let path = format!("/v2/orders/customer-orders/details/{order_id}");
    let (_, zh) = w.call(c, "GET", &path, None).await;
    assert_eq!(zh["order_info"]["service_type_name"], "弹性云服务器", "zh_CN by default: {zh}");
    assert_eq!(zh["order_line_items"][0]["service_type_name"], "弹性云服务器");
    let (s, en) = w.call_in(c, &path, "en_US").await;
    assert_eq!(s, 200, "{en}");
    assert_eq!(en["order_info"]["service_type_name"], "Elastic Cloud Server", "{en}");
    assert_eq!(en["order_line_items"][0]["service_type_name"], "Elastic Cloud Server");
    let (s, body) = w.call_in(c, &path, "xx_YY").await;
    assert_eq!((s, code(&body)), (400, "CBC.0100"), "{body}");
    let (_, types) = w.call_in(c, "/v2/products/service-types", "en_US").await;
    assert!(types["service_types"].as_array().unwrap().iter().any(|t| t["service_type_name"] == "Elastic Cloud Server"), "{types}");
    // Resource type names are the same in every listing that shows them, in either language.
    for language in ["en_US", "zh_CN"] {
        let (_, types) = w.call_in(c, "/v2/products/resource-types?limit=100", language).await;
        let name_of = |code: &str| {
            types["resource_types"].as_array().unwrap().iter().find(|t| t["resource_type_code"] == code).unwrap()["resource_type_name"]
                .clone()
        };
        let (s, listed) = w.call_in(c, "/v2/products/service-resources?service_type_code=hws.service.type.ec2", language).await;
        assert_eq!(s, 200, "{listed}");
        for info in listed["infos"].as_array().unwrap() {
            let basic = &info["basic_info"];
            assert_eq!(basic["name"], name_of(basic["resource_type_code"].as_str().unwrap()), "{language}: {listed}");
        }
    }
    let (_, en_types) = w.call_in(c, "/v2/products/resource-types?limit=100", "en_US").await;
    let (_, zh_types) = w.call_in(c, "/v2/products/resource-types?limit=100", "zh_CN").await;
    assert_ne!(en_types, zh_types, "the two languages name resource types differently");
}

fn disk(spec: &str, gb: i64) -> Value {
    json!({"cloud_service_type": "hws.service.type.ebs", "resource_type": "hws.resource.type.volume", "resource_spec": spec,
           "region": "cn-north-4", "resource_size": gb, "size_measure_id": 17, "period_type": 2, "period_num": 1, "subscription_num": 1})
}

async fn disk_resources_keep_their_size(w: World) {
    let c = &w.customer;
    let mut ids = Vec::new();
    for product in [disk("SAS", 40), disk("SSD", 20)] {
        let (s, created) = w.call(c, "POST", "/v2/orders/customer-orders", Some(json!({"product_infos": [product]}))).await;
        assert_eq!(s, 200, "{created}");
        let pay = json!({"order_id": created["order_id"], "use_coupon": "NO", "use_discount": "NO"});
        let (s, body) = w.call(c, "POST", "/v3/orders/customer-orders/pay", Some(pay)).await;
        assert_eq!(s, 200, "{body}");
        let order_id = created["order_id"].as_str().unwrap();
        ids.push(w.db.order_lines(order_id).await.unwrap()[0].resource_id.clone().unwrap());
    }
    let (sas, ssd) = (ids[0].clone(), ids[1].clone());
    let (s, res) = w.call(c, "POST", "/v2/orders/suscriptions/resources/query", Some(json!({"resource_ids": [sas]}))).await;
    assert_eq!(s, 200, "{res}");
    assert_eq!((res["data"][0]["spec_size"].as_i64(), res["data"][0]["spec_size_measure_id"].as_i64()), (Some(40), Some(17)), "{res}");
    assert_eq!(res["data"][0]["service_type_name"], "云硬盘");
    // A disk written before sizes were kept has no size: its inquiry fails on its own.
    w.test_db
        .execute_raw(&format!("UPDATE resources SET resource_size = NULL, size_measure_id = NULL WHERE resource_id = '{ssd}'"))
        .await
        .unwrap();
    let inquiry = json!({"resource_ids": [sas, ssd, "no-such-resource"], "period_type": 2, "period_num": 1});
    let (s, rate) = w.call(c, "POST", "/v2/bills/ratings/period-resources/renew-rate", Some(inquiry)).await;
    assert_eq!(s, 200, "{rate}");
    assert_eq!(rate["renew_inquiry_results"].as_array().unwrap().len(), 1, "{rate}");
    assert_eq!(rate["renew_inquiry_results"][0]["resource_id"], sas.as_str());
    assert_eq!(rate["renew_inquiry_results"][0]["amount"], "14.00", "40 GB × 0.35: {rate}");
    let failed: Vec<(&str, &str)> = rate["fail_resource_infos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["resource_id"].as_str().unwrap(), f["error_code"].as_str().unwrap()))
        .collect();
    assert_eq!(failed, vec![(ssd.as_str(), "CBC.0100"), ("no-such-resource", "CBC.99003016")], "{rate}");
    // The disk renews at its size, and changes spec keeping it.
    let renew = json!({"resource_ids": [sas], "period_type": 2, "period_num": 1, "is_auto_pay": 1});
    let (s, body) = w.call(c, "POST", "/v2/orders/subscriptions/resources/renew", Some(renew)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["order_ids"].as_array().unwrap().len(), 1, "{body}");
    let renewal = body["order_ids"][0].as_str().unwrap().to_owned();
    let (_, details) = w.call(c, "GET", &format!("/v2/orders/customer-orders/details/{renewal}"), None).await;
    assert_eq!(details["order_info"]["official_amount"], json!(14.00), "{details}");
    let (s, body) =
        w.call(c, "POST", "/v2/orders/subscriptions/resources/change", Some(json!({"resource_id": sas, "resource_spec": "SSD"}))).await;
    assert_eq!(s, 200, "{body}");
    let line = &w.db.order_lines(body["order_id"].as_str().unwrap()).await.unwrap()[0];
    assert_eq!(line.size.map(|s| (s.resource_size, s.size_measure_id)), Some((40, 17)));
}

fn on_demand_vm(n: i64) -> Value {
    json!({"cloud_service_type": "hws.service.type.ec2", "resource_type": "hws.resource.type.vm", "resource_spec": "s6.small.1.linux",
           "region": "cn-north-4", "subscription_num": n})
}

async fn on_demand_needs_balance_and_stays_within_limits(w: World) {
    let order = |n: i64| json!({"product_infos": [on_demand_vm(n)]});
    // A customer with nothing to pay with orders nothing on demand.
    let broke =
        w.db.create_account(&NewAccount {
            domain_name: DomainName::parse("broke-customer").unwrap(),
            kind: AccountKind::Customer,
            parent_id: None,
            display_name: String::new(),
            email: None,
            mobile: None,
        })
        .await
        .unwrap()
        .domain_id;
    w.db.associate_customer(&broke, &w.partner.domain_id, AssociationType::Resale).await.unwrap();
    let broke = issue_key(&w.db, &KeyVault::from_key([42; 32]), &broke, None).await;
    let (s, body) = w.call(&broke, "POST", "/v2/orders/customer-orders", Some(order(1))).await;
    assert_eq!((s, code(&body)), (400, "CBC.99003180"), "{body}");
    let (_, list) = w.call(&broke, "GET", "/v2/orders/customer-orders", None).await;
    assert_eq!(list["total_count"], 0, "nothing created: {list}");

    // Defaults: 100 per order.
    let c = &w.customer;
    for bad in [0, -1] {
        let (s, body) = w.call(c, "POST", "/v2/orders/customer-orders", Some(order(bad))).await;
        assert_eq!((s, code(&body)), (400, "CBC.0100"), "{bad}: {body}");
    }
    let (s, body) = w.call(c, "POST", "/v2/orders/customer-orders", Some(order(100_000))).await;
    assert_eq!((s, code(&body)), (400, "CBC.99003181"), "{body}");
    let (s, body) = w.call(c, "POST", "/v2/orders/customer-orders", Some(order(101))).await;
    assert_eq!((s, code(&body)), (400, "CBC.99003181"), "{body}");
    let (s, body) = w.call(c, "POST", "/v2/orders/customer-orders", Some(order(100))).await;
    assert_eq!(s, 200, "{body}");

    // The operator's limits for this customer: pending instances count.
    let limits = json!({"customer_id": c.domain_id.as_str(), "per_order": 100, "per_customer": 150});
    let (s, body) = w.call(c, "POST", "/v2/operator/on-demand-limits", Some(limits.clone())).await;
    assert_eq!(s, 403, "{body}");
    for bad in [
        json!({"per_order": 0, "per_customer": 10}),
        json!({"per_order": 20, "per_customer": 10}),
        json!({"per_order": 1}),
        json!({"customer_id": w.partner.domain_id.as_str(), "per_order": 1, "per_customer": 1}),
    ] {
        let (s, body) = w.call(&w.operator, "POST", "/v2/operator/on-demand-limits", Some(bad.clone())).await;
        assert_eq!(s, 400, "{bad}: {body}");
    }
    let (s, body) = w.call(&w.operator, "POST", "/v2/operator/on-demand-limits", Some(limits)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!((body["per_order"].as_i64(), body["per_customer"].as_i64()), (Some(100), Some(150)));
    let (s, body) = w.call(c, "POST", "/v2/orders/customer-orders", Some(order(51))).await;
    assert_eq!((s, code(&body)), (400, "CBC.99003181"), "100 pending + 51 > 150: {body}");
    let (s, body) = w.call(c, "POST", "/v2/orders/customer-orders", Some(order(50))).await;
    assert_eq!(s, 200, "{body}");
    let (_, list) = w.call(c, "GET", "/v2/orders/customer-orders", None).await;
    assert_eq!(list["total_count"], 2, "refused orders created nothing: {list}");
    // Limits for everyone apply to customers without their own.
    let (s, _) = w.call(&w.operator, "POST", "/v2/operator/on-demand-limits", Some(json!({"per_order": 1, "per_customer": 1}))).await;
    assert_eq!(s, 200);
    assert_eq!(w.db.on_demand_limits(&broke.domain_id).await.unwrap().per_customer, 1);
    assert_eq!(w.db.on_demand_limits(&c.domain_id).await.unwrap().per_customer, 150);
}

async fn partner_discounts_have_a_floor_and_show_who_bears_them(w: World) {
    let c = &w.customer;
    let grant = |rate: f64, services: Value| json!({"customer_id": c.domain_id.as_str(), "discount_name": "margin", "discount_rate": rate, "service_type_codes": services});
    // Until the operator sets a floor, no grant goes below half price.
    for rate in [0.0001, 0.4999] {
        let (s, body) = w.call(&w.partner, "POST", "/v2/partners/customer-discounts", Some(grant(rate, json!([])))).await;
        assert_eq!((s, code(&body)), (400, "CBC.99003182"), "{rate}: {body}");
    }
    let partner = w.partner.domain_id.as_str();
    let floor = |rate: f64, service: Option<&str>| json!({"partner_id": partner, "min_rate": rate, "service_type_code": service});
    let (s, _) = w.call(&w.partner, "POST", "/v2/operator/discount-floors", Some(floor(0.1, None))).await;
    assert_eq!(s, 403, "the operator's only");
    for bad in [
        floor(0.0, None),
        floor(1.5, None),
        floor(0.8, Some("hws.service.type.nope")),
        json!({"partner_id": c.domain_id.as_str(), "min_rate": 0.5}),
    ] {
        let (s, body) = w.call(&w.operator, "POST", "/v2/operator/discount-floors", Some(bad.clone())).await;
        assert_eq!((s, code(&body)), (400, "CBC.0100"), "{bad}: {body}");
    }
    let (s, body) = w.call(&w.operator, "POST", "/v2/operator/discount-floors", Some(floor(0.8, None))).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = w.call(&w.operator, "POST", "/v2/operator/discount-floors", Some(floor(0.7, Some("hws.service.type.ec2")))).await;
    assert_eq!((s, body["min_rate"].as_f64()), (200, Some(0.7)), "{body}");
    let (s, body) = w.call(&w.partner, "POST", "/v2/partners/customer-discounts", Some(grant(0.75, json!([])))).await;
    assert_eq!((s, code(&body)), (400, "CBC.99003182"), "every service type: the general floor 0.8: {body}");
    let (s, body) = w.call(&w.partner, "POST", "/v2/partners/customer-discounts", Some(grant(0.75, json!(["hws.service.type.ec2"])))).await;
    assert_eq!(s, 200, "{body}");
    let discount_id = body["discount_id"].as_str().unwrap().to_owned();

    // The order shows the discount and who bears it, before and after payment.
    let (s, created) = w.call(c, "POST", "/v2/orders/customer-orders", Some(json!({"product_infos": [vm("hws.service.type.ec2")]}))).await;
    assert_eq!(s, 200, "{created}");
    assert_eq!((created["official_amount"].as_f64(), created["amount_after_discount"].as_f64()), (Some(32.20), Some(24.15)));
    let order_id = created["order_id"].as_str().unwrap().to_owned();
    let path = format!("/v2/orders/customer-orders/details/{order_id}");
    let (_, details) = w.call(c, "GET", &path, None).await;
    let shown = &details["order_info"]["partner_discount"];
    assert_eq!(shown["granted_by"], partner, "{details}");
    assert_eq!((shown["borne_by"].as_str(), shown["discount_id"].as_str()), (Some("partner"), Some(discount_id.as_str())));
    assert_eq!((shown["official_amount"].as_f64(), shown["discount_amount"].as_f64()), (Some(32.20), Some(8.05)));
    let pay = json!({"order_id": order_id, "use_coupon": "NO", "use_discount": "YES", "discount_infos": [{"id": discount_id, "type": 3}]});
    let (s, body) = w.call(c, "POST", "/v3/orders/customer-orders/pay", Some(pay)).await;
    assert_eq!(s, 200, "{body}");
    let (_, details) = w.call(&w.partner, "GET", &path, None).await;
    assert_eq!(details["order_info"]["partner_discount"]["discount_amount"].as_f64(), Some(8.05), "{details}");
    assert_eq!(details["order_info"]["amount_info"]["discounts"][0]["discount_amount"].as_f64(), Some(8.05));
    assert!(w.db.order_audit().await.unwrap().holds());
}

async fn change_of_spec_is_priced_for_the_whole_paid_term(w: World) {
    let c = &w.customer;
    for (kind, from, to) in
        [(TransferKind::TopUp, None, &w.partner.domain_id), (TransferKind::Allocate, Some(&w.partner.domain_id), &c.domain_id)]
    {
        w.db.transfer(&TransferCommand {
            kind,
            actor: if from.is_some() { w.partner.domain_id.clone() } else { w.operator.domain_id.clone() },
            counterparty: to.clone(),
            from_owner: from.cloned(),
            to_owner: to.clone(),
            amount: Money::from_fen(10_000_000),
            idempotency: None,
            by: None,
        })
        .await
        .unwrap();
    }
    let three_years = json!({"cloud_service_type": "hws.service.type.ec2", "resource_type": "hws.resource.type.vm",
        "resource_spec": "s6.small.1.linux", "region": "cn-north-4", "period_type": 3, "period_num": 3, "subscription_num": 1});
    let (s, created) = w.call(c, "POST", "/v2/orders/customer-orders", Some(json!({"product_infos": [three_years]}))).await;
    assert_eq!(s, 200, "{created}");
    let pay = |id: &Value| json!({"order_id": id, "use_coupon": "NO", "use_discount": "NO"});
    assert_eq!(w.call(c, "POST", "/v3/orders/customer-orders/pay", Some(pay(&created["order_id"]))).await.0, 200);
    let rid = w.db.order_lines(created["order_id"].as_str().unwrap()).await.unwrap()[0].resource_id.clone().unwrap();
    let inquiry = json!({"resource_id": rid, "new_resource_spec": "c6.2xlarge.4.linux"});
    let (s, quote) = w.call(c, "POST", "/v2/bills/ratings/change-spec-rate", Some(inquiry.clone())).await;
    assert_eq!(s, 200, "{quote}");
    let (s, change) = w
        .call(
            c,
            "POST",
            "/v2/orders/subscriptions/resources/change",
            Some(json!({"resource_id": rid, "resource_spec": "c6.2xlarge.4.linux"})),
        )
        .await;
    assert_eq!(s, 200, "{change}");
    // The inquiry quotes exactly what the order charges: about three yearly differences.
    assert_eq!(quote["official_website_amount"], change["official_amount"], "{quote} {change}");
    let official = change["official_amount"].as_f64().unwrap();
    assert!(official > 30_000.0 && official < 36_000.0, "{change}");
    assert_eq!(w.call(c, "POST", "/v3/orders/customer-orders/pay", Some(pay(&change["order_id"]))).await.0, 200);
    let audit = w.db.ledger_audit().await.unwrap();
    assert!(audit.holds(), "{audit:?}");
    // Another account's resource (or none) is not priced.
    let (s, body) = w.call(&w.partner, "POST", "/v2/bills/ratings/change-spec-rate", Some(inquiry)).await;
    assert_eq!((s, code(&body)), (400, "CBC.99003016"), "{body}");
}

/// In a sandbox moved 3 days ahead, a coupon expiring in 2 days is expired for the coupon
/// lists, the order's usable coupons, payment and the sweeper alike, and ratings price with the
/// price book in effect at business time.
async fn coupons_ratings_and_the_sweeper_follow_the_business_clock(w: World) {
    let c = &w.customer;
    let now = w.db.now().await.unwrap();
    let quota =
        w.db.create_quota(&NewQuota {
            owner: w.partner.domain_id.clone(),
            granted_by: w.operator.domain_id.clone(),
            quota_type: 0,
            value: Money::from_fen(100_000),
            effective_at: now - DAY_MS,
            expire_at: now + 400 * DAY_MS,
            limits: Limits::default(),
        })
        .await
        .unwrap();
    let coupon =
        w.db.issue_coupon(&NewCoupon {
            issuer: w.partner.domain_id.clone(),
            quota_id: quota,
            customer: c.domain_id.clone(),
            face_value: Money::from_fen(1_000),
            effective_at: now - DAY_MS,
            expire_at: now + 2 * DAY_MS,
            limits: Limits::default(),
            memo: None,
            by: None,
        })
        .await
        .unwrap();
    // A price book version that takes effect in 2 days doubles nothing but its version name.
    let mut next: pc_domain::catalog::PriceBookFile = serde_json::from_str(SHIPPED_PRICE_BOOK).unwrap();
    next.version = "next".into();
    next.effective_from = pc_domain::query::format_utc(now + 2 * DAY_MS);
    w.db.load_price_book(&PriceBook::from_file(next).unwrap(), "test").await.unwrap();

    let (s, body) = w.call(&w.operator, "POST", "/v2/operator/clock", Some(json!({"seconds": 3 * 86_400}))).await;
    assert_eq!(s, 200, "{body}");
    let (_, created) = w.call(c, "POST", "/v2/orders/customer-orders", Some(json!({"product_infos": [vm("hws.service.type.ec2")]}))).await;
    let order_id = created["order_id"].as_str().unwrap().to_owned();
    // The coupon list, the order's usable coupons and the payment agree: expired.
    let (s, listed) = w.call(c, "GET", "/v2/promotions/benefits/coupons", None).await;
    assert_eq!(s, 200, "{listed}");
    let mine = listed["user_coupons"].as_array().unwrap().iter().find(|x| x["coupon_id"] == coupon.as_str()).cloned().unwrap();
    assert_eq!(mine["status"], 4, "expired at business time: {listed}");
    let (_, usable) = w.call(c, "GET", &format!("/v2/orders/customer-orders/order-coupons?order_id={order_id}"), None).await;
    assert_eq!(usable["count"], 0, "{usable}");
    let pay = json!({"order_id": order_id, "use_coupon": "YES", "coupon_infos": [{"id": coupon, "type": 301}], "use_discount": "NO"});
    let (s, body) = w.call(c, "POST", "/v3/orders/customer-orders/pay", Some(pay)).await;
    assert_eq!((s, code(&body)), (400, "CBC.99003112"), "{body}");
    // The sweeper records it now, not in two days of wall time.
    assert_eq!(pc_api::services::coupons::sweep_expired_coupons(&w.db).await.unwrap(), 1);
    // Ratings read the book in effect at business time.
    assert_eq!(pc_api::services::catalog::book_now(&w.db).await.unwrap().version(), "next");
    assert!(w.db.ledger_audit().await.unwrap().holds());
}
