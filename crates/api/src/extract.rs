//! Request extractors whose rejections speak the API's error format.

use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::Json;
use pc_domain::DomainError;
use serde::de::DeserializeOwned;

/// `Json<T>` whose malformed bodies answer CBC.0100 with the parser's explanation. The body
/// limit and the NUL check are the edge layer's (`crate::edge`).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
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
        match axum_extra::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum_extra::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(DomainError::invalid(format!("The query string is not valid: {}", rejection.body_text())).into()),
        }
    }
}
