//! `POST /v2/echo`: a signed round trip that touches no storage — authentication, JSON in and
//! out. Partners use it to check their signing; the benchmark uses it as its reference.

use crate::extract::ApiJson;
use crate::principal::AnyCaller;
use axum::Json;
use serde_json::{json, Value};

#[utoipa::path(
    post, path = "/v2/echo", operation_id = "echo_signed_request", tag = "diagnostics",
    summary = "Signed round trip that touches no storage: answers the caller's account and the body it sent (product extension).",
    request_body(content = serde_json::Value, description = "Any JSON value."),
    responses((status = 200, description = "Success.", body = pc_wire::probes::EchoResponse), crate::openapi::ApiErrors)
)]
pub async fn echo(AnyCaller(p): AnyCaller, ApiJson(body): ApiJson<Value>) -> Json<Value> {
    Json(json!({"caller": p.domain_id.to_string(), "echo": body}))
}
