use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

/// Liveness: the process answers.
#[utoipa::path(
    get, path = "/health", operation_id = "get_health", tag = "probes",
    summary = "Liveness: the process answers.",
    responses((status = 200, description = "Success.", body = pc_wire::probes::ProbeStatus))
)]
pub async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Readiness: the database answers too.
#[utoipa::path(
    get, path = "/ready", operation_id = "get_readiness", tag = "probes",
    summary = "Readiness: the process and its database answer.",
    responses((status = 200, description = "Success.", body = pc_wire::probes::ProbeStatus), (status = 503, description = "The database does not answer.", body = pc_wire::probes::ProbeStatus))
)]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable"})))
        }
    }
}
