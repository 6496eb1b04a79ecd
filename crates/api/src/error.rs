//! The one error type of every handler. Rule violations map to their catalogue code;
//! anything else is logged once, here, and answered with a generic CBC.0999.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pc_domain::{DomainError, ErrorCode};
use pc_storage::StorageError;
use pc_wire::ErrorBody;

#[derive(Debug)]
pub enum ApiError {
    Rule(DomainError),
    Internal(anyhow::Error),
}

pub type ApiResult<T> = Result<Json<T>, ApiError>;

impl ApiError {
    pub fn code(code: ErrorCode) -> Self {
        ApiError::Rule(DomainError::of(code))
    }

    pub fn credential(message: impl Into<String>) -> Self {
        ApiError::Rule(DomainError::new(ErrorCode::InvalidCredential, message))
    }

    /// For command-line callers: a rule violation reads "CBC.xxxx message".
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            ApiError::Rule(r) => anyhow::anyhow!("{} {}", r.code.code(), r.message),
            ApiError::Internal(e) => e,
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError::Rule(e)
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Rule(rule) => ApiError::Rule(rule),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, message) = match self {
            ApiError::Rule(rule) => (rule.code, rule.message),
            ApiError::Internal(err) => {
                // Logged once, inside the request span that carries the X-Request-Id.
                tracing::error!(error = %format!("{err:#}"), "request failed");
                (ErrorCode::Internal, ErrorCode::Internal.default_message().to_owned())
            }
        };
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(ErrorBody { error_code: code.code().to_owned(), error_msg: message })).into_response()
    }
}
