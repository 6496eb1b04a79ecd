//! Who is signed in, in which language, and the CSRF gate in front of every POST.
//!
//! One middleware reads the cookies once per request: the language, the session (token
//! hashed, looked up, principal rebuilt with the member's current roles) and, for a POST,
//! the form body, whose `csrf` field must equal the session's token (or, on the sign-in form,
//! the pre-session cookie). Anything else is refused with 403 before a handler runs.

use crate::i18n::Lang;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use pc_api::edge::{BodyKind, EdgeRefusal};
use pc_api::principal::Capability;
use pc_api::AppState;
use pc_domain::console::csrf_matches;
use pc_domain::tenancy::Principal;
use pc_domain::DomainError;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "pc_session";
pub const LANG_COOKIE: &str = "pc_lang";
pub const LOGIN_CSRF_COOKIE: &str = "pc_login_csrf";

/// A signed-in person: the login, the principal it acts as, and its CSRF token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub login: String,
    pub principal: Principal,
    pub csrf: String,
}

impl SignedIn {
    /// The capability the person holds for a service call (`PartnerCaller`, `CustomerCaller`,
    /// ...), or CBC.0151 like the Open API answers.
    pub fn capability<C: Capability>(&self) -> Result<C, DomainError> {
        C::from_principal(self.principal.clone())
    }
}

/// The fields of a submitted form (repeated names keep every value).
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned()).collect()
    }
}

/// The request as a page sees it.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub user: Option<SignedIn>,
    /// The path and query, for the language switch to come back to.
    pub here: String,
    pub form: FormData,
    /// The query string's parameters.
    pub query: FormData,
    /// The sign-in form's CSRF token, before a session exists.
    pub login_csrf: Option<String>,
}

impl Ctx {
    pub fn signed_in(&self) -> Result<&SignedIn, Response> {
        self.user.as_ref().ok_or_else(|| Redirect::to("/console/login").into_response())
    }
}

/// The address a request came from, for the sign-in limits: the TCP peer, or — behind a
/// reverse proxy, when `PCENTER_CLIENT_IP_HEADER` names the header it sets (e.g.
/// `x-forwarded-for`, `x-real-ip`) — the last address that header lists. Without either
/// (in-process tests) every request shares one address.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        static HEADER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let header = HEADER.get_or_init(|| std::env::var("PCENTER_CLIENT_IP_HEADER").ok().filter(|h| !h.trim().is_empty()));
        if let Some(name) = header {
            let forwarded = parts.headers.get(name.trim()).and_then(|v| v.to_str().ok()).and_then(|v| v.rsplit(',').next());
            if let Some(addr) = forwarded.map(str::trim).filter(|a| !a.is_empty() && a.len() <= 64) {
                return Ok(ClientAddr(addr.to_owned()));
            }
        }
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientAddr(peer.unwrap_or_else(|| "local".to_owned())))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// `Set-Cookie` for a console cookie: HttpOnly, SameSite=Strict, Secure when configured.
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age_secs {
        c += &format!("; Max-Age={age}");
    }
    if secure {
        c += "; Secure";
    }
    c
}

/// Are console cookies marked Secure? Set `PCENTER_COOKIE_SECURE=1` behind HTTPS.
pub fn secure_cookies() -> bool {
    std::env::var("PCENTER_COOKIE_SECURE").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

async fn load_user(state: &AppState, headers: &HeaderMap) -> Option<SignedIn> {
    let token = cookie(headers, SESSION_COOKIE)?;
    let now = pc_domain::query::now_millis();
    let session = state.db.find_session(&hash_token(token), now).await.ok().flatten()?;
    let account = state.db.find_account(&session.domain_id).await.ok().flatten()?;
    let member = match &session.member_id {
        Some(m) => Some(state.db.member_identity(&account.domain_id, m).await.ok().flatten()?),
        None => None,
    };
    Some(SignedIn {
        login: session.login,
        principal: Principal { domain_id: account.domain_id, kind: account.kind, member },
        csrf: session.csrf_token,
    })
}

fn forbidden(lang: Lang) -> Response {
    let body = crate::render::page(
        StatusCode::FORBIDDEN,
        "message.html",
        minijinja::context! { lang => lang.tag(), title => crate::i18n::tr(lang, "error.csrf"), signed_in => false },
    );
    let (mut parts, body) = body.into_parts();
    parts.status = StatusCode::FORBIDDEN;
    Response::from_parts(parts, body)
}

/// A request refused by the edge checks (`pc_api::edge`): too large, or NUL somewhere.
fn refused_at_edge(lang: Lang, refusal: EdgeRefusal) -> Response {
    let key = match refusal {
        EdgeRefusal::TooLarge => "error.too_large",
        EdgeRefusal::Nul(_) => "error.nul",
    };
    crate::render::page(
        refusal.status(),
        "message.html",
        minijinja::context! { lang => lang.tag(), title => crate::i18n::tr(lang, key), signed_in => false },
    )
}

pub async fn console_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let lang = Lang::from_tag(cookie(&parts.headers, LANG_COOKIE));
    let user = load_user(&state, &parts.headers).await;
    let login_csrf = cookie(&parts.headers, LOGIN_CSRF_COOKIE).map(str::to_owned);
    let here = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/console".into());
    let mut form = FormData::default();
    let bytes = match pc_api::edge::read_guarded(&parts.uri, body, pc_api::edge::CONSOLE_BODY_LIMIT, BodyKind::Form).await {
        Ok(bytes) => bytes,
        Err(refusal) => return refused_at_edge(lang, refusal),
    };
    let body = if parts.method == Method::POST {
        form = FormData(serde_urlencoded::from_bytes(&bytes).unwrap_or_default());
        let expected = match (&user, parts.uri.path()) {
            (Some(u), _) => Some(u.csrf.clone()),
            (None, "/console/login") => login_csrf.clone(),
            (None, _) => None,
        };
        let submitted = form.get("csrf").unwrap_or_default();
        if !expected.is_some_and(|e| csrf_matches(&e, submitted)) {
            tracing::warn!(path = parts.uri.path(), "console POST refused: CSRF token missing or wrong");
            return forbidden(lang);
        }
        Body::from(bytes)
    } else {
        Body::from(bytes)
    };
    let query = FormData(parts.uri.query().and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default());
    parts.extensions.insert(Ctx { lang, user, here, form, query, login_csrf });
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    harden(resp.headers_mut());
    resp
}

/// Console pages run no script, are never framed and are not cached: a shared computer's
/// back button must not show another person's customers.
fn harden(h: &mut HeaderMap) {
    use axum::http::HeaderValue;
    let set = |h: &mut HeaderMap, name: &'static str, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, "cache-control", "no-store");
    }
}
