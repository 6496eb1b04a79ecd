//! Answers of the unsigned probes (`/health`, `/ready`, `/openapi.json`) and of the signed
//! echo.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// Answer of `/health` and `/ready`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProbeStatus {
    /// ok, ready or unavailable.
    pub status: String,
}

/// Answer of `/v2/echo`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EchoResponse {
    /// The account of the access key that signed the request.
    pub caller: String,
    /// The request body, as sent.
    pub echo: Value,
}

/// Answer of `/openapi.json`: the document itself.
pub struct OpenApiDocument;

impl PartialSchema for OpenApiDocument {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new().schema_type(Type::Object).description(Some("An OpenAPI 3.1 document.")).into()
    }
}

impl ToSchema for OpenApiDocument {}
