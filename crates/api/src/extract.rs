//! Request extractors whose rejections speak the API's error format.

use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::Json;
use pc_domain::DomainError;
use serde::de::DeserializeOwned;

/// No text the API stores or searches may contain NUL: PostgreSQL cannot hold it in text,
/// and SQLite would store it. Refused at the edge so both databases behave alike.
fn nul_refused(what: &str) -> ApiError {
    DomainError::invalid(format!("The {what} must not contain NUL characters.")).into()
}

/// `Json<T>` whose malformed bodies answer CBC.0100 with the parser's explanation.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, crate::auth::MAX_BODY_BYTES)
            .await
            .map_err(|_| ApiError::from(DomainError::invalid("The request body is too large or unreadable.")))?;
        // A literal NUL, or the JSON escape for one (any case of the hex digits).
        if bytes.contains(&0) || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
            return Err(nul_refused("request body"));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(DomainError::invalid(format!("The request body is not valid: {}", rejection.body_text())).into()),
        }
    }
}

/// `Query<T>` whose malformed query strings answer CBC.0100. Repeated keys
/// (`coupon_ids=a&coupon_ids=b`, the SDK's "multi" lists) fill `Vec` fields.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.uri.query().is_some_and(|q| q.to_ascii_lowercase().contains("%00")) {
            return Err(nul_refused("query string"));
        }
        match axum_extra::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum_extra::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(DomainError::invalid(format!("The query string is not valid: {}", rejection.body_text())).into()),
        }
    }
}
