//! The OpenAPI document served at `/openapi.json` describes exactly the routes of the router:
//! every `.route(...)` of `src/app.rs` with each of its methods, nothing more, and every
//! documented Open API operation exists behind the signature layer.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use pc_api::{AppState, KeyVault};
use pc_storage::testing::{TestBackend, TestDb};
use serde_json::Value;
use std::collections::BTreeSet;
use tower::ServiceExt;

const HTTP_METHODS: [&str; 8] = ["get", "post", "put", "delete", "patch", "head", "options", "trace"];

fn document() -> Value {
    block_on(pc_api::openapi::document()).0
}

/// Runs a ready-made future to completion on a throwaway runtime.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
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

/// Removes `//` comments outside string literals, so a commented-out route does not count.
fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.lines() {
        let bytes = line.as_bytes();
        let (mut in_str, mut escaped, mut cut) = (false, false, line.len());
        for i in 0..bytes.len() {
            let b = bytes[i];
            if in_str {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_str = false,
                    _ => {}
                }
            } else if b == b'"' {
                in_str = true;
            } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
                cut = i;
                break;
            }
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

/// `(path, method)` of every route in the router's source: the equivalent of the pattern
/// `\.route\(\s*"([^"]+)"\s*,\s*(METHOD)\(` followed by any chained `\.(METHOD)\(` at the top
/// level of the method router, e.g. `.route("/p", post(a).get(b))`.
fn routes_in_source(src: &str) -> BTreeSet<(String, String)> {
    let src = strip_comments(src);
    let mut out = BTreeSet::new();
    let mut rest = src.as_str();
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let after_quote = rest.trim_start().strip_prefix('"').expect("a route path is a string literal");
        let end = after_quote.find('"').expect("the route path ends");
        let path = &after_quote[..end];
        let args = after_quote[end + 1..].trim_start().strip_prefix(',').expect("a method router follows the path");
        // The method router: IDENT(...) joined by '.', up to the closing paren of `.route(`.
        let mut depth = 0usize;
        let mut ident = String::new();
        let mut methods = Vec::new();
        for c in args.chars() {
            match c {
                '(' => {
                    if depth == 0 {
                        methods.push(std::mem::take(&mut ident));
                    }
                    depth += 1;
                }
                ')' if depth == 0 => break,
                ')' => depth -= 1,
                c if depth == 0 && (c.is_alphanumeric() || c == '_') => ident.push(c),
                _ if depth == 0 => ident.clear(),
                _ => {}
            }
        }
        assert!(!methods.is_empty(), "route {path} has no method router");
        for m in methods {
            assert!(HTTP_METHODS.contains(&m.as_str()), "route {path}: '{m}' is not an HTTP method router");
            out.insert((path.to_owned(), m));
        }
    }
    out
}

fn app_source() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/app.rs")).expect("read src/app.rs")
}

#[test]
fn route_scanner_reads_chained_methods_and_skips_comments() {
    let src = r#"
        Router::new()
            .route("/a", get(h::a))
            .route("/b",
                post(h::b).get(h::c))
            // .route("/gone", get(h::gone))
            .route("/c", post(with(x, y))) // trailing comment
            .route_layer(layer)
    "#;
    let found = routes_in_source(src);
    let expected: BTreeSet<(String, String)> =
        [("/a", "get"), ("/b", "post"), ("/b", "get"), ("/c", "post")].into_iter().map(|(p, m)| (p.to_owned(), m.to_owned())).collect();
    assert_eq!(found, expected);
}

#[test]
fn document_is_openapi_3_0_with_paths() {
    let doc = document();
    let version = doc["openapi"].as_str().expect("openapi version string");
    assert!(version.starts_with("3.0."), "not OpenAPI 3.0.x: {version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
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

    let mut ids = BTreeSet::new();
    for (path, method) in documented(&doc) {
        let op = &doc["paths"][&path][&method];
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}: no operationId"));
        assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
        assert!(op["summary"].is_string(), "{method} {path}: no summary");
        assert!(op["responses"]["200"]["headers"]["X-Request-Id"].is_object(), "{method} {path}: 200 lacks X-Request-Id");
        let signed = path.starts_with("/v2/") || path.starts_with("/v3/");
        if signed {
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
        if method == "post" && signed {
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
    for path in [
        "/v2/accounts/partner-accounts/adjust-amount",
        "/v2/accounts/partner-accounts/reclaim",
        "/v2/accounts/partner-accounts/indirect-partner-adjust",
        "/v2/accounts/partner-accounts/indirect-partner-reclaim",
        "/v2/operator/partner-accounts/top-up",
    ] {
        let params = doc["paths"][path]["post"]["parameters"].as_array().unwrap_or_else(|| panic!("{path}: no parameters"));
        assert!(params.iter().any(|p| p["$ref"] == "#/components/parameters/IdempotencyKey"), "{path}: no X-Idempotency-Key");
    }
    assert_eq!(doc["components"]["parameters"]["IdempotencyKey"]["name"], "X-Idempotency-Key");
    assert_eq!(doc["components"]["parameters"]["IdempotencyKey"]["in"], "header");
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

#[test]
fn every_route_of_the_router_is_documented_and_nothing_else() {
    let in_source = routes_in_source(&app_source());
    assert!(in_source.len() >= 30, "suspiciously few routes found in app.rs: {in_source:?}");
    assert!(in_source.contains(&("/openapi.json".to_owned(), "get".to_owned())));
    let in_document = documented(&document());
    let missing: Vec<_> = in_source.difference(&in_document).collect();
    let extra: Vec<_> = in_document.difference(&in_source).collect();
    assert!(missing.is_empty(), "routes of app.rs missing from the OpenAPI document: {missing:?}");
    assert!(extra.is_empty(), "OpenAPI operations that app.rs does not route: {extra:?}");
}

#[tokio::test]
async fn served_document_matches_and_every_documented_operation_exists() {
    let t = TestDb::new(TestBackend::Sqlite).await.unwrap();
    let app = pc_api::router(AppState::new(t.db.clone(), KeyVault::from_key([3; 32])));
    let expected = pc_api::openapi::document().await.0;

    let res = app.clone().oneshot(Request::get("/openapi.json").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-request-id"));
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(content_type.starts_with("application/json"), "content-type {content_type}");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let served: Value = serde_json::from_slice(&body).expect("the served document is JSON");
    assert_eq!(served, expected);

    let mut signed = 0;
    for (path, method) in documented(&expected) {
        let m = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
        let mut req = Request::builder().method(m).uri(&path);
        let body = if method == "post" {
            req = req.header("content-type", "application/json");
            Body::from("{}")
        } else {
            Body::empty()
        };
        let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        assert!(res.headers().contains_key("x-request-id"), "{method} {path}: no X-Request-Id");
        if path.starts_with("/v2/") || path.starts_with("/v3/") {
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{method} {path} unsigned");
            let body = res.into_body().collect().await.unwrap().to_bytes();
            let err: Value = serde_json::from_slice(&body).expect("error body is JSON");
            assert_eq!(err["error_code"], "CBC.0154", "{method} {path}");
            signed += 1;
        } else {
            assert_eq!(res.status(), StatusCode::OK, "{method} {path}");
        }
    }
    assert!(signed >= 27, "only {signed} signed operations documented");
    t.cleanup().await;
}
