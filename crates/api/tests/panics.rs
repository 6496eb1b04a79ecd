//! A panic in a handler answers 500 CBC.0999 with the API's error body instead of dropping
//! the connection: the layer that the Open API and console routers wear.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn boom() -> &'static str {
    panic!("a bug on the request path")
}

#[tokio::test]
async fn a_panicking_handler_answers_cbc_0999() {
    let app = Router::new().route("/boom", get(boom)).layer(pc_api::app::catch_panics());
    let resp = app.oneshot(Request::get("/boom").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: serde_json::Value = serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["error_code"], "CBC.0999");
    assert!(!body["error_msg"].as_str().unwrap().contains("bug"), "the panic's text is logged, never answered");
}
