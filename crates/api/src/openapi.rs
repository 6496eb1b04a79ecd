//! The OpenAPI 3.1 document of every route, served unsigned at `GET /openapi.json`.
//!
//! Generated, not written: each handler's `#[utoipa::path]` attribute gives its operation
//! (method, path, operationId, tag, inputs, 200 answer and errors), the `pc-wire` types give
//! the schemas, and `app::routes` registers every route together with its operation, so the
//! router and the document cannot differ (`tests/openapi.rs` checks it on the router value).
//! This module adds only what holds for whole groups of routes: the signature that
//! `app::router` puts in front of the signed ones (security requirement and 401), the
//! X-Request-Id header that it puts on every response, and the document's info, tags and
//! shared components.

use crate::state::AppState;
use axum::Json;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::schema::{Object, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Header, OpenApi, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoParams, IntoResponses};
use utoipa_axum::router::OpenApiRouter;

/// Name of the security scheme of every signed operation.
const SIGNATURE: &str = "sdkHmacSha256";

/// `GET /openapi.json`: the document, built once.
#[utoipa::path(
    get, path = "/openapi.json", operation_id = "get_openapi_document", tag = "probes",
    summary = "This OpenAPI 3.1 document.",
    responses((status = 200, description = "Success.", body = pc_wire::probes::OpenApiDocument))
)]
pub async fn document() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    Json(DOCUMENT.get_or_init(build).clone())
}

/// The whole document, as JSON.
pub fn build() -> Value {
    let routes = crate::app::routes();
    let (_, doc) = routes.probes.merge(routes.signed).split_for_parts();
    serde_json::to_value(&doc).unwrap_or_else(|e| json!({"error": format!("the OpenAPI document does not serialize: {e}")}))
}

/// The part of the document no route contributes: info, tags, the security scheme and the
/// error responses the operations refer to.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Partner Center Open API",
        description = "Huawei Cloud partner Open API (the operations of huaweicloudsdkbss 3.1.219) and the product's operator \
            extensions. Every /v2 and /v3 operation is signed with SDK-HMAC-SHA256; every response, success or error, carries \
            X-Request-Id.",
    ),
    tags(
        (name = "probes", description = "Unsigned liveness, readiness and this document."),
        (name = "diagnostics", description = "Signed checks of a client's request signing."),
        (name = "customers", description = "Sub-customers of a partner."),
        (name = "partners", description = "Tier-2 resellers of a tier-1 distributor."),
        (name = "funds", description = "Cash accounts, movements and records."),
        (name = "coupons", description = "Coupon quotas, coupons and their records."),
        (name = "orders", description = "Orders, payment and refunds."),
        (name = "resources", description = "Yearly/monthly resources: renewal, unsubscription, auto-renewal."),
        (name = "products", description = "The catalog of the price book in effect."),
        (name = "ratings", description = "Price inquiry and partner-granted customer discounts."),
        (name = "operator", description = "Product extensions for the platform operator."),
    ),
    components(schemas(pc_wire::ErrorBody)),
    modifiers(&SharedComponents),
)]
pub(crate) struct Base;

struct SharedComponents;

impl utoipa::Modify for SharedComponents {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SIGNATURE,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "SDK-HMAC-SHA256, computed exactly as huaweicloudsdkcore/signer/signer.py does: \
                 `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names joined by ;>, Signature=<hex>`. \
                 The signature is the hex HMAC-SHA256 (secret key) of `SDK-HMAC-SHA256\\n<X-Sdk-Date>\\n<hex \
                 sha256(canonical request)>`; the canonical request is the method, canonical URI (ending in `/`), \
                 canonical query (sorted), the signed headers, their names and the hex SHA-256 of the body. \
                 The signed headers must include `host` and `x-sdk-date`; `X-Sdk-Date` (`20190506T080501Z`) must be \
                 within 15 minutes of the server clock; `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` is refused for a \
                 non-empty body. `X-Domain-Id`, when sent (GlobalCredentials sends it), must be the key's account. \
                 Failures answer 401 CBC.0154. A POST, PUT or DELETE whose signature an earlier request already \
                 used to change something is a replay: 401 CBC.0155, and nothing changes.",
            ))),
        );
        for (name, description) in [
            (
                "BadRequest",
                "A parameter is missing, malformed or out of range (CBC.0100), or a business rule refused the request (its catalogue code).",
            ),
            ("Unauthorized", "Not signed, or the signature, key, date or X-Domain-Id is not accepted (CBC.0154); or a replay of a signed request that already changed something (CBC.0155)."),
            ("Forbidden", "The caller's kind or role may not call the operation (CBC.0151)."),
            ("InternalError", "Unexpected failure (CBC.0999), logged with the request id."),
        ] {
            let error = ResponseBuilder::new()
                .description(description)
                .content("application/json", Content::new(Some(Ref::from_schema_name("Error"))))
                .build();
            components.responses.insert(name.to_owned(), RefOr::T(with_request_id(error)));
        }
    }
}

/// The errors every signed handler may answer (`error::ApiError`); the 401 of the signature
/// check is added to every signed operation by [`signed`].
pub struct ApiErrors;

impl IntoResponses for ApiErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        [("400", "BadRequest"), ("403", "Forbidden"), ("500", "InternalError")]
            .into_iter()
            .map(|(status, name)| (status.to_owned(), RefOr::Ref(Ref::from_response_name(name))))
            .collect()
    }
}

/// The `X-Idempotency-Key` header of the operations that move money
/// (`handlers::funds::idempotency_key`).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKey {
    /// Scoped to the calling account: the same key with the same request answers the first
    /// result without moving money again; with a different request it is refused (400
    /// CBC.99007009). Only successes are remembered.
    #[param(rename = "X-Idempotency-Key", value_type = String, required = false, min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_.:-]{1,64}$")]
    #[allow(dead_code)]
    x_idempotency_key: Option<String>,
}

/// The `X-Language` header of the operations that show catalogue names
/// (`handlers::language`).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct XLanguage {
    /// `zh_CN` (default) or `en_US`: the language of service and resource type names.
    #[param(rename = "X-Language", value_type = String, required = false)]
    #[allow(dead_code)]
    x_language: Option<String>,
}

/// The document's info, tags and shared components, for the first router of `app::routes`.
pub(crate) fn base() -> OpenApi {
    <Base as utoipa::OpenApi>::openapi()
}

/// Marks the operations of `routes` as unsigned probes.
pub(crate) fn unsigned(mut routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    for operation in operations(routes.get_openapi_mut()) {
        operation.security = Some(Vec::new());
        request_id_on_answers(operation);
    }
    routes
}

/// Marks the operations of `routes` as signed: they require the signature and may answer 401.
pub(crate) fn signed(mut routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    for operation in operations(routes.get_openapi_mut()) {
        operation.security = Some(vec![SecurityRequirement::new(SIGNATURE, Vec::<String>::new())]);
        operation.responses.responses.insert("401".to_owned(), RefOr::Ref(Ref::from_response_name("Unauthorized")));
        request_id_on_answers(operation);
    }
    routes
}

fn operations(doc: &mut OpenApi) -> impl Iterator<Item = &mut Operation> {
    doc.paths.paths.values_mut().flat_map(|item: &mut PathItem| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .filter_map(Option::as_mut)
    })
}

/// The request-id layer of `app::router` answers X-Request-Id on every response.
fn request_id_on_answers(operation: &mut Operation) {
    for answer in operation.responses.responses.values_mut() {
        if let RefOr::T(response) = answer {
            *response = with_request_id(std::mem::take(response));
        }
    }
}

fn with_request_id(mut response: Response) -> Response {
    let mut header = Header::new(Object::with_type(Type::String));
    header.description = Some("The request id: the client's X-Request-Id when it sent one, else a new UUID. On every response.".to_owned());
    response.headers.insert("X-Request-Id".to_owned(), header);
    response
}
