//! Property-driven fuzzing of the request front door: the signature canonicalizer and the
//! decoders must never panic, and anything a client can send is answered with a 4xx, never
//! a 5xx. (A short run in CI; `PROPTEST_CASES=20000 cargo test -p pc-api --test
//! fuzz_decoders` for a long one.)

use chrono::Utc;
use pc_api::signing::{self, canonical_query, canonical_uri, sign_request, AuthorizationHeader};
use pc_api::{AppState, KeyVault};
use pc_domain::money::Money;
use pc_storage::testing::{TestBackend, TestDb};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use tower::ServiceExt;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn canonicalizer_never_panics(path in "\\PC*", query in "\\PC*", header in "\\PC*") {
        let _ = canonical_uri(&format!("/{path}"));
        let _ = canonical_query(Some(&query));
        let _ = AuthorizationHeader::parse(&header);
        let _ = signing::parse_sdk_date(&header);
    }

    #[test]
    fn canonical_query_is_order_independent(pairs in prop::collection::vec(("[a-z_]{1,8}", "[ -~]{0,12}"), 0..6)) {
        let enc = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
        let forward: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
        let mut backward = forward.clone();
        backward.reverse();
        prop_assert_eq!(canonical_query(Some(&forward.join("&"))), canonical_query(Some(&backward.join("&"))));
    }

    #[test]
    fn a_signature_verifies_only_for_what_was_signed(path in "[a-z0-9/_-]{1,30}", body in prop::collection::vec(any::<u8>(), 0..64), flip in any::<u8>()) {
        let path = format!("/{path}");
        let now = Utc::now();
        let headers = sign_request("AK", "SECRET", "POST", "h:1", &path, None, Some("application/json"), &body, now);
        let auth = AuthorizationHeader::parse(&headers.iter().find(|(k, _)| k == "authorization").unwrap().1).unwrap();
        let date = headers.iter().find(|(k, _)| k == signing::DATE_HEADER).unwrap().1.clone();
        let values = |body_host: &str| {
            let mut v = vec![("content-type".to_owned(), "application/json".to_owned()), ("host".to_owned(), body_host.to_owned()), (signing::DATE_HEADER.to_owned(), date.clone())];
            v.sort();
            v
        };
        let sig = |b: &[u8], host: &str| signing::signature("SECRET", &signing::string_to_sign(&signing::canonical_request("POST", &path, None, &values(host), &auth.signed_headers, b), &date));
        prop_assert!(signing::signatures_match(&sig(&body, "h:1"), &auth.signature));
        let mut tampered = body.clone();
        tampered.push(flip);
        prop_assert!(!signing::signatures_match(&sig(&tampered, "h:1"), &auth.signature));
        prop_assert!(!signing::signatures_match(&sig(&body, "h:2"), &auth.signature));
    }

    #[test]
    fn money_parser_never_panics(text in "\\PC{0,40}") {
        if let Ok(m) = Money::parse_movement("amount", &text) {
            prop_assert!(m.fen() > 0);
        }
    }
}

/// Arbitrary bytes to every route, unsigned and with a broken signature: 4xx, never 5xx.
#[tokio::test]
async fn garbage_requests_get_client_errors() {
    let t = TestDb::new(TestBackend::Sqlite).await.unwrap();
    let app = pc_api::router(AppState::new(t.db.clone(), KeyVault::from_key([1; 32])));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 256, ..ProptestConfig::default() });
    let routes = [
        "/v2/partners/sub-customers",
        "/v2/partners/sub-customers/query",
        "/v2/accounts/partner-accounts/adjust-amount",
        "/v3/accounts/partner-accounts/adjust-records?limit=abc",
        "/v2/promotions/benefits/partner-coupons",
        "/v2/nowhere",
    ];
    let strategy = (0..routes.len(), prop::collection::vec(any::<u8>(), 0..200), "\\PC{0,80}");
    let cases: Vec<_> = (0..256).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect();
    for (route, body, auth) in cases {
        let req = axum::http::Request::post(routes[route])
            .header("content-type", "application/json")
            .header("authorization", format!("SDK-HMAC-SHA256 {auth}"))
            .header("x-sdk-date", Utc::now().format(signing::DATE_FORMAT).to_string())
            .header("host", "h")
            .body(axum::body::Body::from(body))
            .unwrap();
        let status = app.clone().oneshot(req).await.unwrap().status();
        assert!(status.is_client_error(), "{} answered {status}", routes[route]);
    }
    t.cleanup().await;
}

/// Correctly signed garbage reaches every decoder: still 4xx, never 5xx.
#[tokio::test]
async fn signed_garbage_gets_client_errors() {
    use pc_domain::tenancy::{AccountKind, PartnerKind};
    let t = TestDb::new(TestBackend::Sqlite).await.unwrap();
    let vault = KeyVault::from_key([2; 32]);
    let sp =
        t.db.create_account(&pc_storage::NewAccount {
            domain_name: pc_domain::DomainName::parse("fuzz-partner").unwrap(),
            kind: AccountKind::Partner(PartnerKind::SolutionProvider),
            parent_id: None,
            display_name: String::new(),
            email: None,
            mobile: None,
        })
        .await
        .unwrap();
    let key = vault.issue();
    t.db.insert_access_key(&pc_storage::StoredKey {
        access_key_id: key.access_key_id.clone(),
        domain_id: sp.domain_id,
        member_id: None,
        secret_sealed: key.sealed.clone(),
    })
    .await
    .unwrap();
    let app = pc_api::router(AppState::new(t.db.clone(), vault));
    let posts = [
        "/v2/partners/sub-customers",
        "/v2/partners/sub-customers/query",
        "/v2/partners/sub-customers/users/check-identity",
        "/v2/accounts/partner-accounts/adjust-amount",
        "/v2/accounts/partner-accounts/reclaim",
        "/v2/partners/coupon-quotas/query",
        "/v2/promotions/benefits/partner-coupons",
        "/v2/promotions/benefits/partner-coupons/reclaim",
    ];
    let gets = [
        "/v3/accounts/partner-accounts/adjust-records",
        "/v2/accounts/partner-accounts/account-change-records",
        "/v2/promotions/benefits/partner-coupons",
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 256, ..ProptestConfig::default() });
    // JSON-ish bodies (objects with odd values) and raw bytes; query strings of odd pairs.
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..120),
        (
            "[a-z_]{1,20}",
            prop_oneof![
                Just("null".to_owned()),
                Just("\"\"".to_owned()),
                "-?[0-9]{1,20}(\\.[0-9]{1,6})?",
                "\"[ -~]{0,20}\"",
                Just("[]".to_owned()),
                Just("{}".to_owned()),
                Just("1e400".to_owned())
            ]
        )
            .prop_map(|(k, v)| format!("{{\"{k}\": {v}, \"amount\": {v}, \"customer_id\": {v}, \"limit\": {v}}}").into_bytes()),
    ];
    let query = prop::collection::vec(("[a-z_]{1,12}", "[A-Za-z0-9%._-]{0,12}"), 0..4)
        .prop_map(|v| v.iter().map(|(k, x)| format!("{k}={x}")).collect::<Vec<_>>().join("&"));
    for _ in 0..256 {
        let (i, b, q) = (0..posts.len() + gets.len(), body.clone(), query.clone()).new_tree(&mut runner).unwrap().current();
        let (method, path, bytes, qs) =
            if i < posts.len() { ("POST", posts[i], b, None) } else { ("GET", gets[i - posts.len()], Vec::new(), Some(q)) };
        let headers = sign_request(
            &key.access_key_id,
            &key.secret,
            method,
            "h",
            path,
            qs.as_deref(),
            (method == "POST").then_some("application/json"),
            &bytes,
            Utc::now(),
        );
        let uri = match &qs {
            Some(q) if !q.is_empty() => format!("{path}?{q}"),
            _ => path.to_owned(),
        };
        let mut req = axum::http::Request::builder().method(method).uri(uri).header("host", "h");
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let resp = app.clone().oneshot(req.body(axum::body::Body::from(bytes.clone())).unwrap()).await.unwrap();
        let status = resp.status();
        assert!(status.is_client_error() || status.is_success(), "{method} {path} {:?} answered {status}", String::from_utf8_lossy(&bytes));
        assert_ne!(status.as_u16(), 401, "the signature itself was valid");
    }
    t.cleanup().await;
}

/// NUL in any text is a 400 on every backend (PostgreSQL cannot store it in text).
#[tokio::test]
async fn nul_characters_are_refused_on_both_backends() {
    use pc_domain::tenancy::{AccountKind, PartnerKind};
    for backend in [TestBackend::Sqlite, TestBackend::Postgres] {
        let t = TestDb::new(backend).await.unwrap();
        let vault = KeyVault::from_key([3; 32]);
        let sp =
            t.db.create_account(&pc_storage::NewAccount {
                domain_name: pc_domain::DomainName::parse("nul-partner").unwrap(),
                kind: AccountKind::Partner(PartnerKind::SolutionProvider),
                parent_id: None,
                display_name: String::new(),
                email: None,
                mobile: None,
            })
            .await
            .unwrap();
        let key = vault.issue();
        t.db.insert_access_key(&pc_storage::StoredKey {
            access_key_id: key.access_key_id.clone(),
            domain_id: sp.domain_id,
            member_id: None,
            secret_sealed: key.sealed.clone(),
        })
        .await
        .unwrap();
        let app = pc_api::router(AppState::new(t.db.clone(), vault));
        let cases: [(&str, &str, Option<&str>, &[u8]); 6] = [
            ("POST", "/v2/promotions/benefits/partner-coupons/reclaim", None, br#"{"coupon_id": "x\u0000y"}"#),
            ("POST", "/v2/partners/sub-customers/query", None, br#"{"account_name": "a\U0000b"}"#),
            ("POST", "/v2/partners/sub-customers/query", None, b"{\"label\": \"a\0b\"}"),
            ("GET", "/v3/accounts/partner-accounts/adjust-records", Some("trans_id=x%00y"), b""),
            ("GET", "/v2/orders/customer-orders/details/x%00y", None, b""),
            ("DELETE", "/v2/orders/subscriptions/resources/autorenew/x%00y", None, b""),
        ];
        for (method, path, query, body) in cases {
            let headers = sign_request(
                &key.access_key_id,
                &key.secret,
                method,
                "h",
                path,
                query,
                (method == "POST").then_some("application/json"),
                body,
                Utc::now(),
            );
            let uri = query.map(|q| format!("{path}?{q}")).unwrap_or_else(|| path.to_owned());
            let mut req = axum::http::Request::builder().method(method).uri(uri).header("host", "h");
            for (k, v) in headers {
                req = req.header(k, v);
            }
            let resp = app.clone().oneshot(req.body(axum::body::Body::from(body.to_vec())).unwrap()).await.unwrap();
            assert_eq!(resp.status().as_u16(), 400, "{backend:?} {method} {path}");
        }
        t.cleanup().await;
    }
}
