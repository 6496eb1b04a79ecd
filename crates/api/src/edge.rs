//! What every request must satisfy before any handler, extractor or signature check sees it:
//! a bounded body, and no NUL character anywhere in the path, the query or the body.
//!
//! PostgreSQL cannot hold NUL in text and SQLite would store it, so NUL is refused here, once,
//! for the Open API and the console alike; both databases then behave the same. The Open API
//! applies [`api_edge`] as a layer; the console's session layer calls [`read_guarded`] and
//! renders the refusal as a page.

use crate::error::ApiError;
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pc_domain::DomainError;

/// Largest request body the Open API accepts.
pub const API_BODY_LIMIT: usize = 1024 * 1024;
/// Largest form the console accepts.
pub const CONSOLE_BODY_LIMIT: usize = 256 * 1024;

/// Why a request was refused at the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeRefusal {
    /// The body is larger than the limit, or could not be read.
    TooLarge,
    /// A NUL character in the named part of the request.
    Nul(&'static str),
}

impl EdgeRefusal {
    /// The status the console answers with; the Open API answers 400 CBC.0100 for both, as
    /// for any other malformed request.
    pub fn status(self) -> StatusCode {
        match self {
            EdgeRefusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            EdgeRefusal::Nul(_) => StatusCode::BAD_REQUEST,
        }
    }

    fn into_api_error(self) -> ApiError {
        let message = match self {
            EdgeRefusal::TooLarge => format!("The request body is too large (at most {API_BODY_LIMIT} bytes) or unreadable."),
            EdgeRefusal::Nul(part) => format!("The {part} must not contain NUL characters."),
        };
        ApiError::from(DomainError::invalid(message))
    }
}

/// `%00` is the only way a URI or a form can carry NUL: a literal NUL is not a valid URI byte.
fn has_escaped_nul_bytes(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| w == b"%00")
}

fn has_escaped_nul(text: &str) -> bool {
    has_escaped_nul_bytes(text.as_bytes())
}

/// Refuses NUL in the path (and so in every path parameter) and in the query string.
pub fn check_target(uri: &Uri) -> Result<(), EdgeRefusal> {
    if has_escaped_nul(uri.path()) {
        return Err(EdgeRefusal::Nul("request path"));
    }
    if uri.query().is_some_and(has_escaped_nul) {
        return Err(EdgeRefusal::Nul("query string"));
    }
    Ok(())
}

/// Refuses a body holding NUL in any of the forms the API and console decode: a raw byte, the
/// JSON escape `\u0000` (any case of the hex digits), or in a form the escape `%00`.
pub fn check_body(bytes: &[u8], is_form: bool) -> Result<(), EdgeRefusal> {
    let json_escape = || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"));
    let form_escape = || is_form && has_escaped_nul_bytes(bytes);
    if bytes.contains(&0) || json_escape() || form_escape() {
        return Err(EdgeRefusal::Nul("request body"));
    }
    Ok(())
}

/// How a router decodes request bodies: the Open API takes JSON, the console forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
}

/// Reads the whole body within `limit` and applies every edge check to the request.
pub async fn read_guarded(uri: &Uri, body: Body, limit: usize, kind: BodyKind) -> Result<Bytes, EdgeRefusal> {
    check_target(uri)?;
    let bytes = to_bytes(body, limit).await.map_err(|_| EdgeRefusal::TooLarge)?;
    check_body(&bytes, kind == BodyKind::Form)?;
    Ok(bytes)
}

/// The Open API's edge layer: later layers and extractors receive a buffered body that
/// satisfies every check.
pub async fn api_edge(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    match read_guarded(&parts.uri, body, API_BODY_LIMIT, BodyKind::Json).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(refusal) => refusal.into_api_error().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bodies_are_read_within_the_limit() {
        let uri: Uri = "/v2/x".parse().unwrap();
        let at_limit = Body::from(vec![b'a'; 16]);
        assert_eq!(read_guarded(&uri, at_limit, 16, BodyKind::Json).await.map(|b| b.len()), Ok(16));
        let over = Body::from(vec![b'a'; 17]);
        assert_eq!(read_guarded(&uri, over, 16, BodyKind::Json).await, Err(EdgeRefusal::TooLarge));
        assert_eq!(EdgeRefusal::TooLarge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[test]
    fn nul_is_refused_in_every_part() {
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(check_target(&uri("/v2/orders/x%00y")), Err(EdgeRefusal::Nul("request path")));
        assert_eq!(check_target(&uri("/v2/orders/x?a=%00")), Err(EdgeRefusal::Nul("query string")));
        assert_eq!(check_target(&uri("/v2/orders/x%2500?a=100%25")), Ok(()), "an escaped percent sign is not NUL");
        assert_eq!(check_body(b"{\"a\":\"x\\u0000\"}", false), Err(EdgeRefusal::Nul("request body")));
        assert_eq!(check_body(b"{\"a\":\"x\\U0000\"}", false), Err(EdgeRefusal::Nul("request body")));
        assert_eq!(check_body(b"login=a%00b", true), Err(EdgeRefusal::Nul("request body")));
        assert_eq!(check_body(b"a\0b", false), Err(EdgeRefusal::Nul("request body")));
        assert_eq!(check_body(b"{\"a\":\"50%00\"}", false), Ok(()), "a JSON string may hold the text %00");
    }
}
