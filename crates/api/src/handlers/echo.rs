//! `POST /v2/echo`: a signed round trip that touches no storage — authentication, JSON in and
//! out. Partners use it to check their signing; the benchmark uses it as its reference.

use crate::extract::ApiJson;
use crate::principal::AnyCaller;
use axum::Json;
use serde_json::{json, Value};

pub async fn echo(AnyCaller(p): AnyCaller, ApiJson(body): ApiJson<Value>) -> Json<Value> {
    Json(json!({"caller": p.domain_id.to_string(), "echo": body}))
}
