//! `POST /v2/echo`: a signed round trip that touches no storage — authentication, JSON in and
//! out. Partners use it to check their signing; the benchmark uses it as its reference.

use crate::extract::ApiJson;
use axum::{Extension, Json};
use pc_domain::tenancy::Principal;
use serde_json::{json, Value};

pub async fn echo(Extension(p): Extension<Principal>, ApiJson(body): ApiJson<Value>) -> Json<Value> {
    Json(json!({"caller": p.domain_id.to_string(), "echo": body}))
}
