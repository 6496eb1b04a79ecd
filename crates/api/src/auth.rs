//! Authentication of Open API requests: verifies the SDK-HMAC-SHA256 signature and attaches
//! the caller's `Principal` to the request. Every failure is a 401 CBC.0154 that says what
//! was wrong with the request, never whether an account exists.
//!
//! A state-changing request (any method but GET, HEAD and OPTIONS) then runs inside
//! `pc_storage::with_signed_request`: the write transactions it opens record its signature,
//! and a second request with the same signature is refused with 401 CBC.0155 instead of
//! being applied again (docs/DOMAIN.md#R-AUTH-10).

use crate::error::ApiError;
use crate::signing::{self, AuthorizationHeader};
use crate::state::{AppState, ResolvedKey};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use pc_domain::tenancy::Principal;
use pc_domain::DomainError;
use pc_storage::{with_signed_request, SignedRequest};

pub async fn require_signature(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    // The edge layer has already read the body within its limit.
    let bytes = match to_bytes(body, crate::edge::API_BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return ApiError::from(DomainError::invalid("The request body is unreadable.")).into_response(),
    };
    match authenticate(&state, &parts.method, &parts.uri, &parts.headers, &bytes).await {
        Ok(Authenticated { principal, signed }) => {
            let changes_state = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            let mut req = Request::from_parts(parts, Body::from(bytes));
            tracing::Span::current().record("caller", tracing::field::display(&principal.domain_id));
            req.extensions_mut().insert(principal);
            if changes_state {
                with_signed_request(signed, next.run(req)).await
            } else {
                next.run(req).await
            }
        }
        Err(e) => e.into_response(),
    }
}

/// A verified request: who signed it, and its signature.
pub struct Authenticated {
    pub principal: Principal,
    /// The signature as the server computed it (so a case variant of the hex is the same
    /// signature) and the request's X-Sdk-Date.
    pub signed: SignedRequest,
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ApiError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v.to_str().map(Some).map_err(|_| ApiError::credential(format!("Header {name} is not valid text."))),
    }
}

pub async fn authenticate(
    state: &AppState,
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Authenticated, ApiError> {
    let auth = header_str(headers, "authorization")?
        .ok_or_else(|| ApiError::credential("The request is not signed: the Authorization header is missing."))?;
    let auth = AuthorizationHeader::parse(auth).ok_or_else(|| {
        ApiError::credential("The Authorization header is not of the form 'SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...'.")
    })?;
    for required in ["host", signing::DATE_HEADER] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(ApiError::credential(format!("The signature must cover the {required} header.")));
        }
    }
    let sdk_date = header_str(headers, signing::DATE_HEADER)?.ok_or_else(|| ApiError::credential("The X-Sdk-Date header is missing."))?;
    let date = signing::parse_sdk_date(sdk_date).ok_or_else(|| ApiError::credential("X-Sdk-Date must look like 20190506T080501Z."))?;
    if !signing::within_skew(date, Utc::now()) {
        return Err(ApiError::credential("X-Sdk-Date is more than 15 minutes away from the server time; check the client clock."));
    }
    if let Some(v) = header_str(headers, "x-sdk-content-sha256")? {
        if v == "UNSIGNED-PAYLOAD" && !body.is_empty() {
            return Err(ApiError::credential("Unsigned payloads are not accepted."));
        }
    }
    let mut signed_values = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let values: Vec<&str> = headers
            .get_all(name.as_str())
            .iter()
            .map(|v| v.to_str().map_err(|_| ApiError::credential(format!("Header {name} is not valid text."))))
            .collect::<Result<_, _>>()?;
        if values.is_empty() {
            return Err(ApiError::credential(format!("Signed header {name} is missing from the request.")));
        }
        signed_values.push((name.clone(), values.join(",")));
    }

    let resolved = resolve_key(state, &auth.access_key).await?;
    let creq = signing::canonical_request(method.as_str(), uri.path(), uri.query(), &signed_values, &auth.signed_headers, body);
    let expected = signing::signature(&resolved.secret, &signing::string_to_sign(&creq, sdk_date));
    if !signing::signatures_match(&expected, &auth.signature) {
        return Err(bad_signature());
    }

    if let Some(claimed) = header_str(headers, "x-domain-id")? {
        if claimed != resolved.principal.domain_id.as_str() {
            return Err(ApiError::credential("X-Domain-Id does not match the account of the access key."));
        }
    }
    Ok(Authenticated { principal: resolved.principal, signed: SignedRequest::new(expected, date.timestamp_millis()) })
}

/// The secret and principal of an access key: from the cache, or from the database (then
/// cached for `KEY_CACHE_TTL`).
async fn resolve_key(state: &AppState, access_key: &str) -> Result<ResolvedKey, ApiError> {
    if let Some(hit) = state.keys.get(access_key) {
        return Ok(hit);
    }
    let key = state.db.find_access_key(access_key).await?.ok_or_else(bad_signature)?;
    let secret = state.vault.open(&key.access_key_id, &key.secret_sealed).ok_or_else(|| {
        // A key sealed under another server key: an operator error, reported as such in logs.
        tracing::warn!(access_key = %key.access_key_id, "stored secret cannot be opened with this server key");
        bad_signature()
    })?;
    let account = state.db.find_account(&key.domain_id).await?.ok_or_else(bad_signature)?;
    let member = match &key.member_id {
        None => None,
        // A member key stops working when the member is unbound.
        Some(m) => Some(state.db.member_identity(&account.domain_id, m).await?.ok_or_else(bad_signature)?),
    };
    let resolved = ResolvedKey { secret, principal: Principal { domain_id: account.domain_id, kind: account.kind, member } };
    state.keys.put(access_key, resolved.clone());
    Ok(resolved)
}

/// Unknown key and wrong signature answer the same, so keys cannot be probed.
fn bad_signature() -> ApiError {
    ApiError::credential("The signature does not match, or the access key is unknown or disabled.")
}
