//! The OpenAPI document served at `/openapi.json` describes exactly the routes of the router:
//! it is the one `app::routes` registered with them, every documented operation answers on
//! the built router (a signed one with the signature check, not with the fallback 404), and
//! no documented path answers a method the document does not list.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use pc_api::{AppState, KeyVault};
use pc_storage::testing::{TestBackend, TestDb};
use serde_json::Value;
use std::collections::BTreeSet;
use tower::ServiceExt;

const HTTP_METHODS: [&str; 8] = ["get", "post", "put", "delete", "patch", "head", "options", "trace"];

fn document() -> Value {
    pc_api::openapi::build()
}

/// `(path, method)` of every operation in the document.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths is an object") {
        for (method, _) in item.as_object().expect("a path item is an object") {
            if HTTP_METHODS.contains(&method.as_str()) {
                out.insert((path.clone(), method.clone()));
            }
        }
    }
    out
}

fn is_signed(path: &str) -> bool {
    path.starts_with("/v2/") || path.starts_with("/v3/")
}

async fn call(app: &Router, method: &str, path: &str) -> (StatusCode, Value) {
    let m = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
    let mut req = Request::builder().method(m).uri(path);
    let body = if method == "post" || method == "put" {
        req = req.header("content-type", "application/json");
        Body::from("{}")
    } else {
        Body::empty()
    };
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    assert!(res.headers().contains_key("x-request-id"), "{method} {path}: no X-Request-Id");
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[test]
fn document_is_openapi_3_1_with_paths() {
    let doc = document();
    let version = doc["openapi"].as_str().expect("openapi version string");
    assert!(version.starts_with("3.1."), "not OpenAPI 3.1.x: {version}");
    assert_eq!(doc["info"]["title"], "Partner Center Open API");
    assert!(doc["info"]["version"].is_string());
    let paths = doc["paths"].as_object().expect("paths");
    assert!(!paths.is_empty());

    let scheme = &doc["components"]["securitySchemes"]["sdkHmacSha256"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "header");
    assert_eq!(scheme["name"], "Authorization");
    assert!(scheme["description"].as_str().unwrap().contains("SDK-HMAC-SHA256"));
    let error = &doc["components"]["schemas"]["Error"];
    assert_eq!(error["properties"]["error_code"]["type"], "string");
    assert_eq!(error["properties"]["error_msg"]["type"], "string");

    let tags: BTreeSet<&str> = doc["tags"].as_array().expect("tags").iter().filter_map(|t| t["name"].as_str()).collect();
    let mut ids = BTreeSet::new();
    for (path, method) in documented(&doc) {
        let op = &doc["paths"][&path][&method];
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}: no operationId"));
        assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
        assert!(op["summary"].is_string(), "{method} {path}: no summary");
        let op_tags = op["tags"].as_array().unwrap_or_else(|| panic!("{method} {path}: no tags"));
        assert_eq!(op_tags.len(), 1, "{method} {path}: one tag each");
        assert!(tags.contains(op_tags[0].as_str().unwrap_or_default()), "{method} {path}: tag {} is not declared", op_tags[0]);
        assert!(op["responses"]["200"]["headers"]["X-Request-Id"].is_object(), "{method} {path}: 200 lacks X-Request-Id");
        if is_signed(&path) {
            assert_eq!(op["security"], serde_json::json!([{"sdkHmacSha256": []}]), "{method} {path}: not signed");
            for status in ["400", "401", "403", "500"] {
                assert_eq!(
                    op["responses"][status]["$ref"].as_str().map(|r| r.starts_with("#/components/responses/")),
                    Some(true),
                    "{method} {path}: no {status}"
                );
            }
        } else {
            assert_eq!(op["security"], serde_json::json!([]), "{method} {path}: a probe must be unsigned");
        }
        if method == "post" && is_signed(&path) {
            assert!(op["requestBody"]["content"]["application/json"]["schema"].is_object(), "{method} {path}: no body schema");
        }
        for p in op["parameters"].as_array().into_iter().flatten() {
            if p["schema"]["type"] == "array" {
                assert_eq!(p["explode"], true, "{method} {path}: list parameter {} must explode", p["name"]);
            }
        }
    }
    for status in ["BadRequest", "Unauthorized", "Forbidden", "InternalError"] {
        let r = &doc["components"]["responses"][status];
        assert_eq!(r["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error");
        assert!(r["headers"]["X-Request-Id"].is_object());
    }
    // The money-moving operations accept an idempotency key.
    for (path, method) in [
        ("/v2/accounts/partner-accounts/adjust-amount", "post"),
        ("/v2/accounts/partner-accounts/reclaim", "post"),
        ("/v2/accounts/partner-accounts/indirect-partner-adjust", "post"),
        ("/v2/accounts/partner-accounts/indirect-partner-reclaim", "post"),
        ("/v2/operator/partner-accounts/top-up", "post"),
        ("/v2/orders/customer-orders", "post"),
        ("/v2/partners/sub-customers/orders", "post"),
        ("/v3/orders/customer-orders/pay", "post"),
    ] {
        let params = doc["paths"][path][method]["parameters"].as_array().unwrap_or_else(|| panic!("{path}: no parameters"));
        let key = params.iter().find(|p| p["name"] == "X-Idempotency-Key").unwrap_or_else(|| panic!("{path}: no X-Idempotency-Key"));
        assert_eq!(key["in"], "header");
        assert_eq!(key["required"], false);
        assert_eq!(key["schema"]["maxLength"], 64);
    }
}

/// The SDK's method names are the operationIds, and the server's extensions keep theirs.
#[test]
fn operation_ids_are_the_sdk_method_names() {
    let doc = document();
    for (path, method, id) in [
        ("/v2/partners/sub-customers/query", "post", "list_sub_customers"),
        ("/v2/accounts/partner-accounts/adjust-amount", "post", "update_customer_account_amount"),
        ("/v2/orders/customer-orders", "post", "create_customer_order"),
        ("/v2/partners/sub-customers/orders", "post", "create_sub_customer_order"),
        ("/v2/orders/suscriptions/resources/query", "post", "list_pay_per_use_customer_resources"),
        ("/v2/operator/partner-accounts/top-up", "post", "operator_top_up_partner_account"),
        ("/health", "get", "get_health"),
        ("/openapi.json", "get", "get_openapi_document"),
    ] {
        assert_eq!(doc["paths"][path][method]["operationId"], id, "{method} {path}");
    }
}

/// Every `$ref` points at something that exists.
#[test]
fn every_reference_resolves() {
    fn walk(doc: &Value, v: &Value, seen: &mut usize) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("external $ref {r}"));
                    assert!(doc.pointer(pointer).is_some(), "dangling $ref {r}");
                    *seen += 1;
                }
                map.values().for_each(|x| walk(doc, x, seen));
            }
            Value::Array(items) => items.iter().for_each(|x| walk(doc, x, seen)),
            _ => {}
        }
    }
    let doc = document();
    let mut seen = 0;
    walk(&doc, &doc, &mut seen);
    assert!(seen > 0);
}

/// The document is exactly the operations the routers registered, probes unsigned and the
/// Open API signed.
#[test]
fn document_is_what_the_routers_registered() {
    let routes = pc_api::app::routes();
    let operations = |doc: &utoipa::openapi::OpenApi| documented(&serde_json::to_value(doc).unwrap());
    let probes = operations(routes.probes.get_openapi());
    let signed = operations(routes.signed.get_openapi());
    assert!(probes.iter().all(|(path, _)| !is_signed(path)), "a probe under /v2 or /v3: {probes:?}");
    assert!(signed.iter().all(|(path, _)| is_signed(path)), "a signed operation outside /v2 and /v3: {signed:?}");
    assert!(probes.contains(&("/openapi.json".to_owned(), "get".to_owned())));
    assert!(signed.len() >= 60, "only {} signed operations", signed.len());
    let registered: BTreeSet<_> = probes.union(&signed).cloned().collect();
    assert_eq!(registered, documented(&document()));
}

#[tokio::test]
async fn served_document_matches_and_every_documented_operation_exists() {
    let t = TestDb::new(TestBackend::Sqlite).await.unwrap();
    let app = pc_api::router(AppState::new(t.db.clone(), KeyVault::from_key([3; 32])));
    let expected = document();

    let res = app.clone().oneshot(Request::get("/openapi.json").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-request-id"));
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(content_type.starts_with("application/json"), "content-type {content_type}");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let served: Value = serde_json::from_slice(&body).expect("the served document is JSON");
    assert_eq!(served, expected);

    // An unknown path answers the fallback.
    let (status, body) = call(&app, "get", "/v2/no-such-operation").await;
    assert_eq!((status, body["error_msg"].as_str()), (StatusCode::NOT_FOUND, Some("No such operation.")));

    let operations = documented(&expected);
    let mut signed = 0;
    for (path, method) in &operations {
        let (status, body) = call(&app, method, path).await;
        assert_ne!(body["error_msg"], "No such operation.", "{method} {path} is not routed");
        if is_signed(path) {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} unsigned");
            assert_eq!(body["error_code"], "CBC.0154", "{method} {path}");
            signed += 1;
        } else {
            assert_eq!(status, StatusCode::OK, "{method} {path}");
        }
    }
    assert!(signed >= 60, "only {signed} signed operations documented");
    t.cleanup().await;
}

/// On the routers of `app::routes` themselves (without the signature check, which answers
/// 401 before any method is matched), a documented path answers no method the document
/// leaves out: nothing is routed beside the documented operations.
#[tokio::test]
async fn no_undocumented_method_is_routed() {
    let t = TestDb::new(TestBackend::Sqlite).await.unwrap();
    let state = AppState::new(t.db.clone(), KeyVault::from_key([3; 32]));
    let routes = pc_api::app::routes();
    let (app, _) = routes.probes.merge(routes.signed).split_for_parts();
    let app = app
        .with_state(state)
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(tower_http::request_id::MakeRequestUuid));
    let operations = documented(&document());
    for (path, method) in &operations {
        let (status, _) = call(&app, method, path).await;
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is documented but not routed");
        for other in ["get", "post", "put", "delete", "patch"] {
            if !operations.contains(&(path.clone(), other.to_owned())) {
                let (status, _) = call(&app, other, path).await;
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{other} {path} is routed but not documented");
            }
        }
    }
    t.cleanup().await;
}
