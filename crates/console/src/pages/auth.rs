//! Sign-in (password, lockout), sign-out, the language switch and the home redirect.

use super::{message, view, PageResult, Shown};
use crate::i18n::{tr, Lang};
use crate::session::{
    hash_token, random_token, secure_cookies, set_cookie, ClientAddr, Ctx, LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE,
};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use pc_api::passwords::verify_password;
use pc_api::AppState;
use pc_domain::console::{login_is_storable, sign_in_gate, SignInRefusal, LOCKOUT_WINDOW_MS, SESSION_TTL_MS};
use pc_domain::tenancy::AccountKind;
use pc_storage::ConsoleSession;

/// Where each kind of account lands after sign-in.
pub fn home_of(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Partner(_) => "/console/partner",
        AccountKind::Customer => "/console/customer",
        AccountKind::Operator => "/console/operator",
    }
}

pub async fn home(ctx: Ctx) -> Response {
    match &ctx.user {
        Some(u) => Redirect::to(home_of(u.principal.kind)).into_response(),
        None => Redirect::to("/console/login").into_response(),
    }
}

fn with_cookie(mut resp: Response, cookie: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// The sign-in form, with a fresh pre-session CSRF token in a cookie and the form.
fn login_form(mut ctx: Ctx, status: StatusCode, error: Option<Shown>) -> Response {
    let token = random_token();
    ctx.login_csrf = Some(token.clone());
    let resp = view(&ctx, status, "login.html", context! { error });
    with_cookie(resp, set_cookie(LOGIN_CSRF_COOKIE, &token, Some(3600), secure_cookies()))
}

pub async fn login_page(ctx: Ctx) -> Response {
    if let Some(u) = &ctx.user {
        return Redirect::to(home_of(u.principal.kind)).into_response();
    }
    login_form(ctx, StatusCode::OK, None)
}

fn refused(ctx: Ctx, code: &str, key: &str, status: StatusCode) -> Response {
    let error = Shown { code: code.to_owned(), message: tr(ctx.lang, key) };
    login_form(ctx, status, Some(error))
}

/// A hash that no password matches, checked when the login is unknown or overlong so that
/// every refused sign-in costs the same time as a wrong password.
fn decoy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| pc_api::passwords::hash_password_blocking(&random_token()).unwrap_or_default())
}

pub async fn login(State(state): State<AppState>, ClientAddr(client): ClientAddr, ctx: Ctx) -> PageResult {
    let login = ctx.form.get("login").unwrap_or_default().to_owned();
    let password = ctx.form.0.iter().find(|(k, _)| k == "password").map(|(_, v)| v.clone()).unwrap_or_default();
    // Sign-in limits and sessions are security timers, not business rules: they follow the
    // wall clock even in a sandbox whose business clock has been moved ahead.
    let now = pc_domain::query::now_millis();
    let internal = |e: pc_storage::StorageError| {
        tracing::error!(error = %e, "sign-in failed");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    };
    // An overlong login is never looked up or recorded; it costs a password check like any.
    let attempt = if login_is_storable(&login) {
        let gate = |attempts: &[_], client_failures| sign_in_gate(attempts, client_failures, now);
        match state.db.open_sign_in_attempt(&login, &client, now, now - LOCKOUT_WINDOW_MS, gate).await.map_err(internal)? {
            Ok(id) => Some(id),
            Err(SignInRefusal::LoginLocked) => return Ok(refused(ctx, "CBC.0151", "login.locked", StatusCode::FORBIDDEN)),
            Err(SignInRefusal::ClientThrottled) => return Ok(refused(ctx, "CBC.0151", "login.throttled", StatusCode::TOO_MANY_REQUESTS)),
        }
    } else {
        None
    };
    let found = match attempt {
        Some(_) => state.db.find_login(&login).await.map_err(internal)?,
        None => None,
    };
    let (hash, who) = match found {
        Some((domain_id, member_id, hash)) => (hash, Some((domain_id, member_id))),
        None => (decoy_hash().to_owned(), None),
    };
    let matched = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
    let (Some(attempt_id), Some((domain_id, member_id)), true) = (attempt, who, matched) else {
        return Ok(refused(ctx, "CBC.0154", "login.wrong", StatusCode::UNAUTHORIZED));
    };
    state.db.settle_sign_in_attempt(&attempt_id).await.map_err(internal)?;
    let token = random_token();
    let session =
        ConsoleSession { login: login.clone(), domain_id, member_id, csrf_token: random_token(), expires_at: now + SESSION_TTL_MS };
    state.db.create_session(&hash_token(&token), &session).await.map_err(internal)?;
    tracing::info!(login = %login, "console sign-in");
    let resp = Redirect::to("/console").into_response();
    let resp = with_cookie(resp, set_cookie(SESSION_COOKIE, &token, Some(SESSION_TTL_MS / 1000), secure_cookies()));
    Ok(with_cookie(resp, set_cookie(LOGIN_CSRF_COOKIE, "", Some(0), secure_cookies())))
}

pub async fn logout(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = crate::session::cookie(&headers, SESSION_COOKIE) {
        if let Err(e) = state.db.delete_session(&hash_token(token)).await {
            tracing::error!(error = %e, "sign-out failed");
        }
    }
    with_cookie(Redirect::to("/console/login").into_response(), set_cookie(SESSION_COOKIE, "", Some(0), secure_cookies()))
}

/// A path the language switch may send the browser back to: under `/console`, never to
/// another host (`//`), and only visible ASCII, so it is always a valid Location header
/// (CR, LF or any control character would otherwise break the response).
fn is_local_console_path(next: &str) -> bool {
    next.starts_with("/console") && !next.contains("//") && !next.contains('\\') && next.bytes().all(|b| b.is_ascii_graphic())
}

/// Switches the language and goes back to the page it was asked from (local paths only).
pub async fn switch_lang(ctx: Ctx, Path(tag): Path<String>) -> Response {
    let lang = Lang::from_tag(Some(tag.as_str()));
    let back = ctx.query.get("next").filter(|n| is_local_console_path(n)).unwrap_or("/console").to_owned();
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Strict", lang.tag());
    with_cookie(Redirect::to(&back).into_response(), cookie)
}

pub async fn not_signed_in(ctx: Ctx) -> Response {
    message(&ctx, StatusCode::NOT_FOUND, "error.not_found", None)
}
