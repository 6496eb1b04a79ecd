//! Page handlers. Each one reads the request context, calls the same services as the Open API
//! (`pc_api::services`), and renders a template; errors show their CBC code and the message
//! in the person's language.

pub mod auth;
pub mod customer;
pub mod exports;
pub mod keys;
pub mod operator;
pub mod orders;
pub mod partner;
pub mod prices;

use crate::i18n::{error_text, tr, Lang};
use crate::render;
use crate::session::Ctx;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{context, Value};
use pc_api::error::ApiError;
use pc_domain::query::{format_utc, EpochMillis};
use pc_domain::tenancy::{AccountKind, PartnerKind};
use pc_domain::{DomainError, ErrorCode};
use serde::Serialize;

pub type PageResult = Result<Response, Response>;

#[derive(Debug, Serialize)]
pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    pub active: bool,
}

/// The menu of each kind of account, mirroring the partner center's menus.
fn nav(kind: Option<AccountKind>, here: &str) -> Vec<NavItem> {
    let path = here.split('?').next().unwrap_or_default();
    // A home page is the prefix of every page of its kind, so it is active only on itself.
    let home = |href: &str| matches!(href, "/console/partner" | "/console/customer" | "/console/operator");
    let item =
        |href: &'static str, key| NavItem { href, key, active: path == href || (!home(href) && path.starts_with(&format!("{href}/"))) };
    match kind {
        Some(AccountKind::Partner(pk)) => {
            let mut v = vec![
                item("/console/partner", "nav.overview"),
                item("/console/partner/customers", "nav.customers"),
                item("/console/partner/funds", "nav.funds"),
                item("/console/partner/coupons", "nav.coupons"),
                item("/console/partner/orders", "nav.orders"),
                item("/console/partner/prices", "nav.prices"),
            ];
            if pk == PartnerKind::Distributor {
                v.push(item("/console/partner/resellers", "nav.resellers"));
            }
            v.extend([
                item("/console/keys", "nav.keys"),
                item("/console/exports", "nav.exports"),
                item("/console/partner/audit", "nav.audit"),
            ]);
            v
        }
        Some(AccountKind::Customer) => vec![
            item("/console/customer", "nav.my_account"),
            item("/console/customer/orders", "nav.my_orders"),
            item("/console/keys", "nav.keys"),
        ],
        Some(AccountKind::Operator) => vec![
            item("/console/operator", "nav.partners"),
            item("/console/operator/price-book", "nav.price_book"),
            item("/console/keys", "nav.keys"),
        ],
        None => Vec::new(),
    }
}

/// An error as a page shows it.
#[derive(Debug, Serialize)]
pub struct Shown {
    pub code: String,
    pub message: String,
}

/// A service error for the page: rule violations keep their code; anything else is logged
/// once and shown as CBC.0999.
pub fn shown(lang: Lang, e: ApiError) -> (StatusCode, Shown) {
    let rule = match e {
        ApiError::Rule(r) => r,
        ApiError::Internal(err) => {
            tracing::error!(error = %format!("{err:#}"), "console action failed");
            DomainError::of(ErrorCode::Internal)
        }
    };
    let status = StatusCode::from_u16(rule.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let (code, message) = error_text(lang, &rule);
    (status, Shown { code, message })
}

/// Renders `template` with the layout's context (language, user, menu, CSRF token) and `extra`.
pub fn view(ctx: &Ctx, status: StatusCode, template: &str, extra: Value) -> Response {
    let user = ctx.user.as_ref();
    let kind = user.map(|u| u.principal.kind);
    let base = context! {
        lang => ctx.lang.tag(),
        other_lang => match ctx.lang { Lang::ZhCn => "en", Lang::En => "zh-CN" },
        here => ctx.here.clone(),
        next_query => serde_urlencoded::to_string([("next", ctx.here.as_str())]).unwrap_or_default(),
        signed_in => user.is_some(),
        login => user.map(|u| u.login.clone()),
        account_kind => kind.map(kind_key),
        csrf => user.map(|u| u.csrf.clone()).or_else(|| ctx.login_csrf.clone()),
        nav => nav(kind, &ctx.here),
    };
    render::page(status, template, context! { ..extra, ..base })
}

/// A page with only a title and optional error: used for refusals.
pub fn message(ctx: &Ctx, status: StatusCode, title_key: &str, error: Option<Shown>) -> Response {
    view(ctx, status, "message.html", context! { title => tr(ctx.lang, title_key), error })
}

pub fn kind_key(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Operator => "operator",
        AccountKind::Customer => "customer",
        AccountKind::Partner(PartnerKind::Distributor) => "distributor",
        AccountKind::Partner(PartnerKind::Reseller) => "reseller",
        AccountKind::Partner(PartnerKind::SolutionProvider) => "solution_provider",
    }
}

/// Times as the console shows them: UTC+8 (the channel's business time), to the minute.
pub fn show_time(millis: EpochMillis) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|t| t.with_timezone(&pc_domain::clock::EAST_EIGHT).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| format_utc(millis))
}

/// Page number → offset: ten rows a page.
pub const PAGE_SIZE: i64 = 10;

pub fn page_of(ctx_query: Option<&str>) -> pc_domain::query::Page {
    let n = ctx_query.and_then(|s| s.parse::<i64>().ok()).filter(|n| *n >= 1).unwrap_or(1);
    pc_domain::query::Page::numbered(n, PAGE_SIZE)
}

/// Pagination links of a list: current page, whether there is a previous and next.
pub fn pager(page: pc_domain::query::Page, total: i64) -> Value {
    let current = page.offset() / PAGE_SIZE + 1;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    context! { current, pages, total, prev => (current > 1).then_some(current - 1), next => (current < pages).then_some(current + 1) }
}
